-- metrics_daily's daily active accounts are the accounts with a row in account_activity_daily
-- that day, and the spine has no gap: one row per day from the first to the last activity day.
with

metrics_daily as (
    select * from {{ ref('metrics_daily') }}
),

account_activity_daily as (
    select * from {{ ref('account_activity_daily') }}
),

active_accounts as (
    select
        activity_date,
        count(*) as accounts
    from account_activity_daily
    group by activity_date
),

consecutive_days as (
    select
        metric_date,
        lag(metric_date) over (order by metric_date) as previous_date
    from metrics_daily
),

mismatches as (
    select
        metrics_daily.metric_date,
        'daily_active_accounts' as problem
    from metrics_daily
    left join active_accounts
        on metrics_daily.metric_date = active_accounts.activity_date
    where metrics_daily.daily_active_accounts != coalesce(active_accounts.accounts, 0)

    union all

    select
        active_accounts.activity_date as metric_date,
        'day missing from the spine' as problem
    from active_accounts
    left join metrics_daily
        on active_accounts.activity_date = metrics_daily.metric_date
    where metrics_daily.metric_date is null

    union all

    select
        metric_date,
        'the day before is missing from the spine' as problem
    from consecutive_days
    where
        previous_date is not null
        and cast({{ dbt.dateadd('day', 1, 'previous_date') }} as date) != metric_date
)

select * from mismatches
