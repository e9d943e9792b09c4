-- The retention periods the marts were built with (var retention_periods).
select distinct period
from account_retention
order by period
