with

active_days as (
    select * from {{ ref('int_active_days') }}
),

accounts as (
    select * from {{ ref('int_accounts') }}
),

users as (
    select * from {{ ref('int_users') }}
),

activity_bounds as (
    select
        min(activity_date) as first_activity_date,
        max(activity_date) as last_activity_date
    -- every activity event has a user, so the user rows span every activity day
    from active_days
),

spine as (
    {{ date_spine(
        '(select activity_bounds.first_activity_date from activity_bounds)',
        '(select activity_bounds.last_activity_date from activity_bounds)',
    ) }}
),


-- An entity is active on day d for an n-day window when it has activity in the n days ending on
-- d: each activity day covers itself and the n - 1 days after it. Activity days less than n days
-- apart have overlapping coverage and merge into one span, which opens at an activity day whose
-- previous one is n or more days back (or none) and closes n days after an activity day whose
-- next one is n or more days ahead (or none). The count for a day is the running sum of spans
-- opened minus spans closed: linear in the active days (one lag / lead pass), where joining
-- every day to the activity of its 28-day window would multiply them by 28.
rolling_windows as (
    select 1 as window_days
    union all
    select 7 as window_days
    union all
    select 28 as window_days
),

neighbour_active_days as (
    select
        level,
        entity_id,
        activity_date,
        lag(activity_date) over (
            partition by level, entity_id order by activity_date
        ) as previous_activity_date,
        lead(activity_date) over (
            partition by level, entity_id order by activity_date
        ) as next_activity_date
    from active_days
),

coverage_changes as (
    select
        neighbour_active_days.level,
        rolling_windows.window_days,
        neighbour_active_days.activity_date as change_date,
        1 as change
    from neighbour_active_days
    cross join rolling_windows
    where
        neighbour_active_days.previous_activity_date is null
        or {{ dbt.datediff(
            'neighbour_active_days.previous_activity_date',
            'neighbour_active_days.activity_date',
            'day',
        ) }} >= rolling_windows.window_days

    union all

    select
        neighbour_active_days.level,
        rolling_windows.window_days,
        cast(
            {{ dbt.dateadd(
                'day', 'rolling_windows.window_days', 'neighbour_active_days.activity_date'
            ) }} as date
        ) as change_date,
        -1 as change
    from neighbour_active_days
    cross join rolling_windows
    where
        neighbour_active_days.next_activity_date is null
        or {{ dbt.datediff(
            'neighbour_active_days.activity_date',
            'neighbour_active_days.next_activity_date',
            'day',
        ) }} >= rolling_windows.window_days
),

daily_changes as (
    select
        level,
        window_days,
        change_date,
        cast(sum(change) as {{ dbt.type_bigint() }}) as net_change
    from coverage_changes
    group by level, window_days, change_date
),

levels as (
    select 'account' as level
    union all
    select 'user' as level
),

series as (
    select
        levels.level,
        rolling_windows.window_days
    from levels
    cross join rolling_windows
),

rolling_counts as (
    select
        spine.date_day,
        series.level,
        series.window_days,
        cast(sum(coalesce(daily_changes.net_change, 0)) over (
            partition by series.level, series.window_days
            order by spine.date_day
            rows between unbounded preceding and current row
        ) as {{ dbt.type_bigint() }}) as active_entities
    from spine
    cross join series
    left join daily_changes
        on
            spine.date_day = daily_changes.change_date
            and series.level = daily_changes.level
            and series.window_days = daily_changes.window_days
),

rolling_activity as (
    select
        date_day,
        max(case when level = 'account' and window_days = 1 then active_entities end)
            as daily_active_accounts,
        max(case when level = 'account' and window_days = 7 then active_entities end)
            as weekly_active_accounts,
        max(case when level = 'account' and window_days = 28 then active_entities end)
            as monthly_active_accounts,
        max(case when level = 'user' and window_days = 1 then active_entities end)
            as daily_active_users,
        max(case when level = 'user' and window_days = 7 then active_entities end)
            as weekly_active_users,
        max(case when level = 'user' and window_days = 28 then active_entities end)
            as monthly_active_users
    from rolling_counts
    group by date_day
),

daily_creations as (
    select
        cast(created_at as date) as created_date,
        count(*) as accounts_created,
        0 as users_first_seen
    from accounts
    group by cast(created_at as date)

    union all

    select
        cast(first_seen_at as date) as created_date,
        0 as accounts_created,
        count(*) as users_first_seen
    from users
    group by cast(first_seen_at as date)
),

existing as (
    select
        spine.date_day,
        cast(coalesce(sum(daily_creations.accounts_created), 0) as {{ dbt.type_bigint() }})
            as accounts_existing,
        cast(coalesce(sum(daily_creations.users_first_seen), 0) as {{ dbt.type_bigint() }})
            as users_existing
    from spine
    left join daily_creations
        on spine.date_day >= daily_creations.created_date
    group by spine.date_day
),

final as (
    select
        rolling_activity.date_day as metric_date,
        rolling_activity.daily_active_accounts,
        rolling_activity.weekly_active_accounts,
        rolling_activity.monthly_active_accounts,
        rolling_activity.daily_active_users,
        rolling_activity.weekly_active_users,
        rolling_activity.monthly_active_users,
        existing.accounts_existing,
        existing.users_existing,
        {{ safe_ratio('rolling_activity.daily_active_accounts', 'existing.accounts_existing') }}
            as daily_active_account_share,
        {{ safe_ratio('rolling_activity.weekly_active_accounts', 'existing.accounts_existing') }}
            as weekly_active_account_share,
        {{ safe_ratio('rolling_activity.monthly_active_accounts', 'existing.accounts_existing') }}
            as monthly_active_account_share
    from rolling_activity
    inner join existing
        on rolling_activity.date_day = existing.date_day
)

select * from final
