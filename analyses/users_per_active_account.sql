-- Average users per active account. An account is active when an activity event (macro
-- is_activity_event) was attributed to it in the last `active_days` days of data; its users are
-- the distinct users behind those events, and its members its active memberships.
{%- set active_days = 28 %}

with

events as (
    select * from {{ ref('fct_events') }}
),

accounts as (
    select * from {{ ref('dim_accounts') }}
),

activity as (
    select
        account_id,
        user_id,
        event_at
    from events
    where
        {{ is_activity_event('events.event_type', 'events.event_name', 'events.user_id') }}
        and account_id is not null
),

active_window as (
    select {{ dbt.dateadd('day', -active_days, 'max(event_at)') }} as window_starts_after
    from activity
),

recent_activity as (
    select
        activity.account_id,
        count(distinct activity.user_id) as active_users
    from activity
    cross join active_window
    where activity.event_at > active_window.window_starts_after
    group by activity.account_id
),

final as (
    select
        count(*) as active_accounts,
        round(avg(recent_activity.active_users), 2) as avg_active_users_per_active_account,
        round(avg(accounts.member_count), 2) as avg_members_per_active_account
    from recent_activity
    inner join accounts
        on recent_activity.account_id = accounts.account_id
)

select * from final
