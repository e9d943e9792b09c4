-- Accounts per health status per week (account_health_weekly).
select
    week_start,
    health,
    count(*) as accounts
from account_health_weekly
group by week_start, health
order by week_start, health
