with

feature_events as (
    select * from {{ ref('int_feature_events') }}
),

accounts as (
    select * from {{ ref('int_accounts') }}
),

usage as (
    select
        account_id,
        feature,
        min(event_at) as first_used_at,
        max(event_at) as last_used_at,
        cast(count(*) as {{ dbt.type_bigint() }}) as events,
        cast(count(distinct user_id) as {{ dbt.type_bigint() }}) as users,
        cast(count(distinct event_date) as {{ dbt.type_bigint() }}) as active_days
    from feature_events
    group by account_id, feature
),

final as (
    select
        usage.account_id,
        accounts.name,
        usage.feature,
        usage.first_used_at,
        usage.last_used_at,
        usage.events,
        usage.users,
        usage.active_days
    from usage
    left join accounts
        on usage.account_id = accounts.account_id
)

select * from final
