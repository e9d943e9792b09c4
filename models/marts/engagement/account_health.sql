{#
    Every account as of the latest event: its activity in the window ending then and in the one
    before, its members then; then the rules of var health (macro health_verdict).
#}
{%- set window_days = accountable_config()['health']['window_days'] %}

with

accounts as (
    select * from {{ ref('int_accounts') }}
),

memberships as (
    select * from {{ ref('int_memberships') }}
),

activity as (
    select * from {{ ref('int_activity_events') }}
),

as_of as (
    select {{ latest_event_at() }} as as_of
),

windows as (
    select
        as_of.as_of,
        {{ dbt.dateadd('day', -window_days, 'as_of.as_of') }} as window_start,
        {{ dbt.dateadd('day', -2 * window_days, 'as_of.as_of') }} as previous_window_start
    from as_of
),

account_activity as (
    select
        activity.account_id,
        max(activity.event_at) as last_activity_at,
        count(case when activity.event_at > windows.window_start then 1 end) as activity_events_window,
        count(
            case
                when
                    activity.event_at > windows.previous_window_start
                    and activity.event_at <= windows.window_start
                    then 1
            end
        ) as activity_events_previous_window
    from activity
    cross join windows
    where activity.account_id is not null and activity.event_at <= windows.as_of
    group by activity.account_id
),

window_users as (
    select distinct
        activity.account_id,
        activity.user_id
    from activity
    cross join windows
    where
        activity.account_id is not null
        and activity.event_at > windows.window_start
        and activity.event_at <= windows.as_of
),

member_counts as (
    select
        memberships.account_id,
        count(*) as members,
        count(window_users.user_id) as active_members
    from memberships
    cross join windows
    left join window_users
        on
            memberships.account_id = window_users.account_id
            and memberships.user_id = window_users.user_id
    where {{ membership_is_active('memberships.joined_at', 'memberships.left_at', 'windows.as_of') }}
    group by memberships.account_id
),

health_counts as (
    select
        accounts.account_id,
        accounts.name,
        windows.as_of,
        account_activity.last_activity_at,
        coalesce(member_counts.members, 0) as members,
        coalesce(member_counts.active_members, 0) as active_members,
        coalesce(account_activity.activity_events_window, 0) as activity_events_window,
        coalesce(account_activity.activity_events_previous_window, 0)
            as activity_events_previous_window
    from accounts
    cross join windows
    left join account_activity
        on accounts.account_id = account_activity.account_id
    left join member_counts
        on accounts.account_id = member_counts.account_id
),

final as (
    {{ health_verdict('health_counts', ['account_id', 'name']) }}
)

select * from final
