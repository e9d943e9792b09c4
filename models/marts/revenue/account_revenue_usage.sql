{#
    The usage window is the 28 days up to the account's churn, or up to now (the latest event)
    for an account that has not churned: activity before churn is what predicts it.
#}
{%- set window_days = 28 %}

with

accounts as (
    select * from {{ ref('dim_accounts') }}
),

activity as (
    select * from {{ ref('int_activity_events') }}
),

windows as (
    select
        account_id,
        coalesce(churned_at, {{ latest_event_at() }}) as window_ends_at
    from accounts
),

window_activity as (
    select
        windows.account_id,
        count(*) as activity_events,
        count(distinct activity.activity_date) as active_days,
        count(distinct activity.user_id) as active_users
    from windows
    inner join activity
        on
            windows.account_id = activity.account_id
            and windows.window_ends_at >= activity.event_at
            and {{ dbt.dateadd('day', -window_days, 'windows.window_ends_at') }} < activity.event_at
    group by windows.account_id
),

final as (
    select
        accounts.account_id,
        accounts.name,
        accounts.plan,
        accounts.created_at,
        accounts.activated_at,
        accounts.activated_at is not null as is_activated,
        accounts.first_paid_at,
        accounts.first_paid_at is not null as has_paid,
        accounts.mrr,
        accounts.churned_at,
        accounts.churned_at is not null as is_churned,
        windows.window_ends_at as usage_window_ends_at,
        cast(coalesce(window_activity.activity_events, 0) as {{ dbt.type_bigint() }})
            as activity_events_28d,
        cast(coalesce(window_activity.active_days, 0) as {{ dbt.type_bigint() }}) as active_days_28d,
        cast(coalesce(window_activity.active_users, 0) as {{ dbt.type_bigint() }})
            as active_users_28d
    from accounts
    inner join windows
        on accounts.account_id = windows.account_id
    left join window_activity
        on accounts.account_id = window_activity.account_id
)

select * from final
