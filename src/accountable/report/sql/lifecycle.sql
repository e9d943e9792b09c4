-- Accounts per lifecycle status per period of one kind, parameter $period; dormant negative.
select
    period_start,
    status,
    accounts,
    accounts_signed
from account_lifecycle_summary
where period = $period
order by period_start, status
