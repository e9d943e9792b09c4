{#
    Account health as of each week's end, by account_health's rules (macro health_verdict).
    A finished week is judged as of its last instant, so its windows are whole UTC days: the
    window_days before the next week's start, and the window_days before those. They are summed
    from account_activity_daily by window frames over day numbers: each finished week adds a row on the
    day its next week starts, whose frames hold exactly its windows (no events x weeks join).
    A member is active in a week's window when their latest active day of some week up to it is
    in it: each member-week is spread onto the few weeks whose windows can hold it. The week
    holding the latest event is judged as of that event: its row is account_health's.
#}
{%- set window_days = accountable_config()['health']['window_days'] %}
{#- A day can fall in the window of the week holding it and of this many weeks after it. #}
{%- set weeks_after_window = (window_days + 6) // 7 %}
{%- set epoch = "cast('1970-01-01' as date)" %}

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

account_days as (
    select * from {{ ref('account_activity_daily') }}
),

activity_days as (
    select * from {{ ref('int_activity_user_days') }}
),

offsets as (
    {{ number_series(weeks_after_window) }}
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

{# The account's active days, and each finished week as a row on the day its next week starts. #}
day_rows as (
    select
        account_id,
        cast(null as date) as week_start,
        {{ dbt.datediff(epoch, 'activity_date', 'day') }}
            as day_number,
        activity_events,
        last_activity_at
    from account_days

    union all

    select
        account_id,
        week_start,
        {{ dbt.datediff(epoch, 'next_week_start', 'day') }}
            as day_number,
        0 as activity_events,
        cast(null as {{ dbt.type_timestamp() }}) as last_activity_at
    from finished_weeks
),

window_counts as (
    select
        account_id,
        week_start,
        sum(activity_events) over (
            partition by account_id
            order by day_number
            range between {{ window_days }} preceding and 1 preceding
        ) as activity_events_window,
        sum(activity_events) over (
            partition by account_id
            order by day_number
            range between {{ 2 * window_days }} preceding and {{ window_days + 1 }} preceding
        ) as activity_events_previous_window,
        max(last_activity_at) over (
            partition by account_id
            order by day_number
            range between unbounded preceding and 1 preceding
        ) as last_activity_at
    from day_rows
),

week_windows as (
    select * from window_counts
    where week_start is not null
),

user_weeks as (
    select
        account_id,
        user_id,
        cast({{ dbt.date_trunc('week', 'activity_date') }} as date) as week_start,
        max(activity_date) as last_active_date
    from activity_days
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
        user_weeks.last_active_date
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
        week_windows.last_activity_at,
        finished_weeks.members,
        coalesce(active_member_counts.active_members, 0) as active_members,
        coalesce(week_windows.activity_events_window, 0) as activity_events_window,
        coalesce(week_windows.activity_events_previous_window, 0)
            as activity_events_previous_window
    from finished_weeks
    left join week_windows
        on
            finished_weeks.account_id = week_windows.account_id
            and finished_weeks.week_start = week_windows.week_start
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
