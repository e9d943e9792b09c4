-- "On or after" retention can only fall as period_number grows, and on a cohort's last period
-- (nothing comes after it) it equals the period's own retention. Checked on every retention mart.
with

account_retention as (
    select * from {{ ref('account_retention') }}
),

user_retention as (
    select * from {{ ref('user_retention') }}
),

retention_by_trait as (
    select * from {{ ref('account_retention_by_trait') }}
),

retention_rows as (
    select
        'account_retention' as model_name,
        period,
        cast(null as {{ dbt.type_string() }}) as breakdown_value,
        cohort_start,
        period_number,
        retained,
        retained_unbounded
    from account_retention

    union all

    select
        'user_retention' as model_name,
        period,
        cast(null as {{ dbt.type_string() }}) as breakdown_value,
        cohort_start,
        period_number,
        retained,
        retained_unbounded
    from user_retention

    union all

    select
        'account_retention_by_trait' as model_name,
        period,
        breakdown_value,
        cohort_start,
        period_number,
        retained,
        retained_unbounded
    from retention_by_trait
),

with_next as (
    select
        model_name,
        period,
        breakdown_value,
        cohort_start,
        period_number,
        retained,
        retained_unbounded,
        lead(retained_unbounded) over (
            partition by model_name, period, breakdown_value, cohort_start
            order by period_number
        ) as next_retained_unbounded
    from retention_rows
),

final as (
    select *
    from with_next
    where
        next_retained_unbounded > retained_unbounded
        or (next_retained_unbounded is null and retained_unbounded != retained)
)

select * from final
