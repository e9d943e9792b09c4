{#
    A week's members are the memberships active at its last instant (the microsecond before the
    next week starts: timestamps hold microseconds), by the one membership rule.
#}
with

accounts as (
    select * from {{ ref('int_accounts') }}
),

memberships as (
    select * from {{ ref('int_memberships') }}
),

activity_days as (
    select * from {{ ref('int_activity_user_days') }}
),

bounds as (
    select
        (select min(cast({{ dbt.date_trunc('week', 'accounts.created_at') }} as date)) from accounts)
            as first_week,
        cast({{ dbt.date_trunc('week', latest_event_at()) }} as date) as last_week
),

week_numbers as (
    {{ number_series('(select ' ~ dbt.datediff('first_week', 'last_week', 'week') ~ ' from bounds)') }}
),

weeks as (
    select
        cast({{ dbt.dateadd('day', '7 * week_numbers.number', 'bounds.first_week') }} as date)
            as week_start,
        cast({{ dbt.dateadd('day', '7 * week_numbers.number + 7', 'bounds.first_week') }} as date)
            as next_week_start
    from bounds
    cross join week_numbers
),

account_weeks as (
    select
        accounts.account_id,
        accounts.name,
        weeks.week_start,
        weeks.next_week_start,
        {{ dbt.dateadd('microsecond', -1, 'cast(weeks.next_week_start as ' ~ dbt.type_timestamp() ~ ')') }}
            as week_end_at
    from accounts
    cross join weeks
    where weeks.week_start >= cast({{ dbt.date_trunc('week', 'accounts.created_at') }} as date)
),

weekly_activity as (
    select
        account_id,
        cast({{ dbt.date_trunc('week', 'activity_date') }} as date) as week_start,
        user_id,
        sum(activity_events) as activity_events
    from activity_days
    where account_id is not null
    group by 1, 2, 3
),

week_members as (
    select
        account_weeks.account_id,
        account_weeks.week_start,
        memberships.user_id
    from account_weeks
    inner join memberships
        on
            account_weeks.account_id = memberships.account_id
            and {{ membership_is_active('memberships.joined_at', 'memberships.left_at', 'account_weeks.week_end_at') }}
),

member_counts as (
    select
        week_members.account_id,
        week_members.week_start,
        count(*) as members,
        count(weekly_activity.user_id) as active_members
    from week_members
    left join weekly_activity
        on
            week_members.account_id = weekly_activity.account_id
            and week_members.week_start = weekly_activity.week_start
            and week_members.user_id = weekly_activity.user_id
    group by 1, 2
),

activity_counts as (
    select
        account_id,
        week_start,
        count(user_id) as active_users,
        sum(activity_events) as activity_events
    from weekly_activity
    group by 1, 2
),

active_day_counts as (
    select
        account_id,
        cast({{ dbt.date_trunc('week', 'activity_date') }} as date) as week_start,
        count(distinct activity_date) as active_days
    from activity_days
    where account_id is not null
    group by 1, 2
),

final as (
    select
        account_weeks.account_id,
        account_weeks.name,
        account_weeks.week_start,
        cast(coalesce(member_counts.members, 0) as {{ dbt.type_bigint() }}) as members,
        cast(coalesce(member_counts.active_members, 0) as {{ dbt.type_bigint() }}) as active_members,
        {{ safe_ratio('member_counts.active_members', 'member_counts.members') }} as seat_utilisation,
        cast(coalesce(activity_counts.active_users, 0) as {{ dbt.type_bigint() }}) as active_users,
        cast(coalesce(activity_counts.activity_events, 0) as {{ dbt.type_bigint() }})
            as activity_events,
        cast(coalesce(active_day_counts.active_days, 0) as {{ dbt.type_bigint() }}) as active_days
    from account_weeks
    left join member_counts
        on
            account_weeks.account_id = member_counts.account_id
            and account_weeks.week_start = member_counts.week_start
    left join activity_counts
        on
            account_weeks.account_id = activity_counts.account_id
            and account_weeks.week_start = activity_counts.week_start
    left join active_day_counts
        on
            account_weeks.account_id = active_day_counts.account_id
            and account_weeks.week_start = active_day_counts.week_start
)

select * from final
