-- Account retention split by an account trait, one period, parameter $period.
select
    breakdown_trait,
    breakdown_value,
    cohort_start,
    period_number,
    cohort_size,
    retained,
    retained_unbounded,
    is_complete
from account_retention_by_trait
where period = $period
order by breakdown_value, cohort_start, period_number
