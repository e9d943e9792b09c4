-- The retention periods account_retention_by_trait was built with (var retention_periods).
select distinct period
from account_retention_by_trait
order by period
