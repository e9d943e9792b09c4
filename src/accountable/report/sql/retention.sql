-- The account retention triangle of one period (`day`, `week` or `month`), parameter $period.
select
    cohort_start,
    period_number,
    cohort_size,
    retained,
    retention_rate,
    retained_unbounded,
    retention_rate_unbounded,
    is_complete
from account_retention
where period = $period
order by cohort_start, period_number
