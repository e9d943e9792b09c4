with

cohort_retention as (
    select * from {{ ref('int_cohort_retention') }}
),

final as (
    select
        period,
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
    where level = 'user' and breakdown_trait is null
)

select * from final
