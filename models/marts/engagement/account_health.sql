{#
    Every account as of the latest event: its activity in the window ending then and in the one
    before, its members then; then the rules of var health, each kept as a flag so that
    health_reasons can say which ones fired.
#}
{%- set health = accountable_config()['health'] %}
{%- set window_days = health['window_days'] %}

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

components as (
    select
        accounts.account_id,
        windows.as_of,
        account_activity.last_activity_at,
        {{ seconds_between('account_activity.last_activity_at', 'windows.as_of') }} / 86400.0
            as days_inactive,
        coalesce(member_counts.members, 0) as members,
        coalesce(member_counts.active_members, 0) as active_members,
        {{ safe_ratio('member_counts.active_members', 'member_counts.members') }} as active_seat_share,
        coalesce(account_activity.activity_events_window, 0) as activity_events_window,
        coalesce(account_activity.activity_events_previous_window, 0)
            as activity_events_previous_window,
        {{ safe_ratio(
            'account_activity.activity_events_window',
            'account_activity.activity_events_previous_window',
        ) }} as activity_trend
    from accounts
    cross join windows
    left join account_activity
        on accounts.account_id = account_activity.account_id
    left join member_counts
        on accounts.account_id = member_counts.account_id
),

rules as (
    select
        *,
        activity_events_window = 0 as is_dormant,
        coalesce(days_inactive > {{ health['at_risk_days_inactive'] }}, false) as is_long_inactive,
        coalesce(active_seat_share < {{ health['at_risk_min_seat_share'] }}, false) as is_low_seat_share,
        coalesce(activity_trend < {{ health['at_risk_min_trend'] }}, false) as is_declining,
        cast(round(days_inactive, 1) as {{ dbt.type_string() }}) as days_inactive_text,
        cast(cast(round(100 * activity_trend) as {{ dbt.type_bigint() }}) as {{ dbt.type_string() }})
            as trend_percent_text
    from components
),

reasons as (
    select
        *,
        case
            when is_dormant and last_activity_at is null
                then 'no activity in the last {{ window_days }} days (never active)'
            when is_dormant
                then 'no activity in the last {{ window_days }} days (last '
                    || days_inactive_text || ' days ago)'
        end as dormant_reason,
        case
            when not is_dormant and is_long_inactive
                then 'no activity for ' || days_inactive_text || ' days'
        end as inactive_reason,
        case
            when is_low_seat_share
                then cast(active_members as {{ dbt.type_string() }}) || ' of '
                    || cast(members as {{ dbt.type_string() }})
                    || ' members active in {{ window_days }} days'
        end as seat_reason,
        case
            when not is_dormant and is_declining
                then 'activity down to ' || trend_percent_text
                    || '% of the previous {{ window_days }} days'
        end as trend_reason
    from rules
),

final as (
    select
        account_id,
        as_of,
        last_activity_at,
        days_inactive,
        cast(members as {{ dbt.type_bigint() }}) as members,
        cast(active_members as {{ dbt.type_bigint() }}) as active_members,
        active_seat_share,
        cast(activity_events_window as {{ dbt.type_bigint() }}) as activity_events_window,
        cast(activity_events_previous_window as {{ dbt.type_bigint() }})
            as activity_events_previous_window,
        activity_trend,
        case
            when is_dormant then 'dormant'
            when is_long_inactive or is_low_seat_share or is_declining then 'at_risk'
            else 'healthy'
        end as health,
        nullif(
            concat_ws('; ', dormant_reason, inactive_reason, seat_reason, trend_reason), ''
        ) as health_reasons
    from reasons
)

select * from final
