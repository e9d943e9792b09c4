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
        retention_rate
    from cohort_retention
    where level = 'account'
)

select * from final
