-- Accounts active on the day, in the 7 and in the 28 days ending on it (metrics_daily).
select
    metric_date,
    daily_active_accounts,
    weekly_active_accounts,
    monthly_active_accounts,
    accounts_existing
from metrics_daily
order by metric_date
