with

activity_events as (
    select * from {{ ref('int_activity_events') }}
),

final as (
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
)

select * from final
