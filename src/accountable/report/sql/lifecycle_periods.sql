-- The lifecycle periods the marts were built with (var lifecycle_periods).
select distinct period
from account_lifecycle_summary
order by period
