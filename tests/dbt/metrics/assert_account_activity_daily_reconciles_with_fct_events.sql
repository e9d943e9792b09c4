-- Every activity event attributed to an account (rule: macro is_activity_event, read straight off
-- fct_events) is counted once in account_activity_daily, on its account and UTC day.
with

events as (
    select * from {{ ref('fct_events') }}
),

account_activity_daily as (
    select * from {{ ref('account_activity_daily') }}
),

expected as (
    select
        account_id,
        cast(event_at as date) as activity_date,
        count(*) as activity_events,
        count(distinct user_id) as active_users
    from events
    where
        {{ is_activity_event('events.event_type', 'events.event_name', 'events.user_id') }}
        and account_id is not null
    group by account_id, cast(event_at as date)
),

final as (
    select
        coalesce(expected.account_id, account_activity_daily.account_id) as account_id,
        coalesce(expected.activity_date, account_activity_daily.activity_date) as activity_date,
        expected.activity_events as expected_activity_events,
        account_activity_daily.activity_events,
        expected.active_users as expected_active_users,
        account_activity_daily.active_users
    from expected
    full outer join account_activity_daily
        on
            expected.account_id = account_activity_daily.account_id
            and expected.activity_date = account_activity_daily.activity_date
    where
        expected.account_id is null
        or account_activity_daily.account_id is null
        or expected.activity_events != account_activity_daily.activity_events
        or expected.active_users != account_activity_daily.active_users
)

select * from final
