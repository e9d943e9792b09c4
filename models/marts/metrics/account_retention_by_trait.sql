with

cohort_retention as (
    select * from {{ ref('int_cohort_retention') }}
),

final as (
    select
        period,
        breakdown_trait,
        breakdown_value,
        cohort_start,
        period_number,
        period_start,
        cohort_size,
        retained,
        retention_rate,
        retained_unbounded,
        retention_rate_unbounded,
        is_complete
    from cohort_retention
    where level = 'account' and breakdown_trait is not null
)

select * from final
