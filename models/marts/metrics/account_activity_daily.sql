with

activity_days as (
    select * from {{ ref('int_activity_user_days') }}
),

accounts as (
    select * from {{ ref('int_accounts') }}
),

{# One input row per user of the account that day: counting rows counts distinct users. #}
daily as (
    select
        account_id,
        activity_date,
        count(*) as active_users,
        cast(sum(activity_events) as {{ dbt.type_bigint() }}) as activity_events,
        min(first_activity_at) as first_activity_at,
        max(last_activity_at) as last_activity_at
    from activity_days
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
