with

activity_days as (
    select * from {{ ref('int_activity_user_days') }}
),

active_days as (
    select distinct
        'account' as level,
        account_id as entity_id,
        activity_date
    from activity_days
    where account_id is not null

    union all

    select distinct
        'user' as level,
        user_id as entity_id,
        activity_date
    from activity_days
)

select * from active_days
