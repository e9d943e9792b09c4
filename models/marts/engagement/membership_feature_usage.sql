with

feature_events as (
    select * from {{ ref('int_feature_events') }}
),

memberships as (
    select * from {{ ref('int_memberships') }}
),

accounts as (
    select * from {{ ref('int_accounts') }}
),

users as (
    select * from {{ ref('int_users') }}
),

usage as (
    select
        feature_events.account_id,
        feature_events.user_id,
        feature_events.feature,
        min(feature_events.event_at) as first_used_at,
        max(feature_events.event_at) as last_used_at,
        cast(count(*) as {{ dbt.type_bigint() }}) as events,
        cast(count(distinct feature_events.event_date) as {{ dbt.type_bigint() }}) as active_days
    from feature_events
    inner join memberships
        on
            feature_events.account_id = memberships.account_id
            and feature_events.user_id = memberships.user_id
    group by feature_events.account_id, feature_events.user_id, feature_events.feature
),

final as (
    select
        usage.account_id,
        accounts.name as account_name,
        usage.user_id,
        users.name as user_name,
        users.email as user_email,
        usage.feature,
        usage.first_used_at,
        usage.last_used_at,
        usage.events,
        usage.active_days
    from usage
    left join accounts
        on usage.account_id = accounts.account_id
    left join users
        on usage.user_id = users.user_id
)

select * from final
