with

memberships as (
    select * from {{ ref('int_memberships') }}
),

accounts as (
    select * from {{ ref('int_accounts') }}
),

users as (
    select * from {{ ref('int_users') }}
),

events as (
    select * from {{ ref('int_events_attributed') }}
),

member_events as (
    select
        account_id,
        user_id,
        count(*) as event_count,
        max(event_at) as last_event_at
    from events
    where account_id is not null and user_id is not null
    group by account_id, user_id
),

final as (
    select
        memberships.account_id,
        accounts.name as account_name,
        memberships.user_id,
        users.name as user_name,
        users.email as user_email,
        memberships.role,
        memberships.joined_at,
        memberships.left_at,
        {{ membership_is_active_now("memberships.left_at") }} as is_active,
        memberships.has_created_account,
        {% for property in accountable_config()['membership_traits'] %}
        memberships.{{ property }},
        {% endfor %}
        coalesce(member_events.event_count, 0) as event_count,
        member_events.last_event_at
    from memberships
    left join accounts
        on memberships.account_id = accounts.account_id
    left join users
        on memberships.user_id = users.user_id
    left join member_events
        on
            memberships.account_id = member_events.account_id
            and memberships.user_id = member_events.user_id
)

select * from final
