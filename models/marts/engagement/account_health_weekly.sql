{#
    Account health as of each week's end, by account_health's rules (macro health_verdict).
    A finished week is judged as of its last instant, so its windows are whole UTC days: the
    window_days before the next week's start, and the window_days before those. They are summed
    from daily counts: each account-day is spread onto the few weeks whose windows hold it, and
    each member's latest active day of a week onto the weeks whose window it falls in (equality
    joins; no events x weeks join). The week holding the latest event is judged as of that event:
    its row is account_health's.
#}
{%- set window_days = accountable_config()['health']['window_days'] %}
{#- A day can fall in the windows of the week holding it and of this many weeks after it. #}
{%- set weeks_after_window = (window_days + 6) // 7 %}
{%- set weeks_after_both_windows = (2 * window_days + 6) // 7 %}

with

account_weeks as (
    select * from {{ ref('account_activity_weekly') }}
),

account_health as (
    select * from {{ ref('account_health') }}
),

memberships as (
    select * from {{ ref('int_memberships') }}
),

activity as (
    select * from {{ ref('int_activity_events') }}
),

offsets as (
    {{ number_series(weeks_after_both_windows) }}
),

finished_weeks as (
    select
        account_weeks.account_id,
        account_weeks.name,
        account_weeks.week_start,
        account_weeks.members,
        cast({{ dbt.dateadd('day', 7, 'account_weeks.week_start') }} as date) as next_week_start,
        {{ dbt.dateadd(
            'microsecond', -1,
            'cast(' ~ dbt.dateadd('day', 7, 'account_weeks.week_start') ~ ' as ' ~ dbt.type_timestamp() ~ ')',
        ) }} as as_of
    from account_weeks
    where account_weeks.week_start < cast({{ dbt.date_trunc('week', latest_event_at()) }} as date)
),

account_days as (
    select
        account_id,
        activity_date,
        cast({{ dbt.date_trunc('week', 'activity_date') }} as date) as week_start,
        count(*) as activity_events,
        max(event_at) as last_activity_at
    from activity
    where account_id is not null
    group by 1, 2
),

{# Each account-day, on every week whose window (or the window before it) holds it. #}
window_days_of_weeks as (
    select
        account_days.account_id,
        cast({{ dbt.dateadd('day', '7 * offsets.number', 'account_days.week_start') }} as date)
            as week_start,
        account_days.activity_date,
        account_days.activity_events
    from account_days
    cross join offsets
),

window_counts as (
    select
        account_id,
        week_start,
        sum(
            case
                when activity_date >= {{ dbt.dateadd('day', 7 - window_days, 'week_start') }}
                    then activity_events
                else 0
            end
        ) as activity_events_window,
        sum(
            case
                when activity_date < {{ dbt.dateadd('day', 7 - window_days, 'week_start') }}
                    then activity_events
                else 0
            end
        ) as activity_events_previous_window
    from window_days_of_weeks
    where activity_date >= {{ dbt.dateadd('day', 7 - 2 * window_days, 'week_start') }}
    group by 1, 2
),

weekly_last as (
    select
        account_id,
        week_start,
        max(last_activity_at) as last_activity_at
    from account_days
    group by 1, 2
),

last_activity as (
    select
        finished_weeks.account_id,
        finished_weeks.week_start,
        max(weekly_last.last_activity_at) over (
            partition by finished_weeks.account_id
            order by finished_weeks.week_start
            rows between unbounded preceding and current row
        ) as last_activity_at
    from finished_weeks
    left join weekly_last
        on
            finished_weeks.account_id = weekly_last.account_id
            and finished_weeks.week_start = weekly_last.week_start
),

user_weeks as (
    select
        account_id,
        user_id,
        cast({{ dbt.date_trunc('week', 'activity_date') }} as date) as week_start,
        max(activity_date) as last_active_date
    from activity
    where account_id is not null
    group by 1, 2, 3
),

{# A user is active in a week's window when their latest active day of some week up to it is in it. #}
window_users as (
    select distinct
        user_weeks.account_id,
        user_weeks.user_id,
        cast({{ dbt.dateadd('day', '7 * offsets.number', 'user_weeks.week_start') }} as date)
            as week_start
    from user_weeks
    cross join offsets
    where
        offsets.number <= {{ weeks_after_window }}
        and user_weeks.last_active_date
        >= {{ dbt.dateadd('day', '7 * offsets.number + (' ~ (7 - window_days) ~ ')', 'user_weeks.week_start') }}
),

active_member_counts as (
    select
        finished_weeks.account_id,
        finished_weeks.week_start,
        count(*) as active_members
    from finished_weeks
    inner join window_users
        on
            finished_weeks.account_id = window_users.account_id
            and finished_weeks.week_start = window_users.week_start
    inner join memberships
        on
            window_users.account_id = memberships.account_id
            and window_users.user_id = memberships.user_id
            and {{ membership_is_active('memberships.joined_at', 'memberships.left_at', 'finished_weeks.as_of') }}
    group by 1, 2
),

health_counts as (
    select
        finished_weeks.account_id,
        finished_weeks.name,
        finished_weeks.week_start,
        finished_weeks.as_of,
        last_activity.last_activity_at,
        finished_weeks.members,
        coalesce(active_member_counts.active_members, 0) as active_members,
        coalesce(window_counts.activity_events_window, 0) as activity_events_window,
        coalesce(window_counts.activity_events_previous_window, 0)
            as activity_events_previous_window
    from finished_weeks
    left join last_activity
        on
            finished_weeks.account_id = last_activity.account_id
            and finished_weeks.week_start = last_activity.week_start
    left join window_counts
        on
            finished_weeks.account_id = window_counts.account_id
            and finished_weeks.week_start = window_counts.week_start
    left join active_member_counts
        on
            finished_weeks.account_id = active_member_counts.account_id
            and finished_weeks.week_start = active_member_counts.week_start
),

finished_week_health as (
    {{ health_verdict('health_counts', ['account_id', 'name', 'week_start']) }}
),

latest_week_health as (
    select
        account_id,
        name,
        cast({{ dbt.date_trunc('week', 'as_of') }} as date) as week_start,
        as_of,
        last_activity_at,
        days_inactive,
        members,
        active_members,
        active_seat_share,
        activity_events_window,
        activity_events_previous_window,
        activity_trend,
        health,
        health_reasons
    from account_health
),

final as (
    select * from finished_week_health
    union all
    select * from latest_week_health
)

select * from final
