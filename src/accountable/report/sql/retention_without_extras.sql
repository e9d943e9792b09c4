-- retention.sql for a serving file published before the retention extras: null in their place.
select
    cohort_start,
    period_number,
    cohort_size,
    retained,
    retention_rate,
    null::bigint as retained_unbounded,
    null::double as retention_rate_unbounded,
    null::boolean as is_complete
from account_retention
where period = $period
order by cohort_start, period_number
