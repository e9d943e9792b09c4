with

activity_events as (
    select * from {{ ref('int_activity_events') }}
),

accounts as (
    select * from {{ ref('int_accounts') }}
),

daily as (
    select
        account_id,
        activity_date,
        count(distinct user_id) as active_users,
        count(*) as activity_events,
        min(event_at) as first_activity_at,
        max(event_at) as last_activity_at
    from activity_events
    where account_id is not null
    group by account_id, activity_date
),

final as (
    select
        daily.account_id,
        accounts.name,
        daily.activity_date,
        daily.active_users,
        daily.activity_events,
        daily.first_activity_at,
        daily.last_activity_at
    from daily
    left join accounts
        on daily.account_id = accounts.account_id
)

select * from final
