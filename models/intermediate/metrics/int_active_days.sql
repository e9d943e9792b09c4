with

activity_events as (
    select * from {{ ref('int_activity_events') }}
),

active_days as (
    select distinct
        'account' as level,
        account_id as entity_id,
        activity_date
    from activity_events
    where account_id is not null

    union all

    select distinct
        'user' as level,
        user_id as entity_id,
        activity_date
    from activity_events
)

select * from active_days
