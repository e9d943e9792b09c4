-- The account retention triangle of one period (`day`, `week` or `month`), parameter $period.
select
    cohort_start,
    period_number,
    cohort_size,
    retained,
    retention_rate
from account_retention
where period = $period
order by cohort_start, period_number
