-- Accounts per health status as of the latest event (account_health).
select
    health,
    count(*) as accounts,
    min(as_of) as as_of
from account_health
group by health
order by health
