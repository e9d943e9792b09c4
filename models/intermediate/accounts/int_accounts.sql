{#
    Accounts: every group id seen in any message. created_at is the earliest of the account's
    "account created" event, its first group call and its first explicitly attributed event
    (which is the earliest group / track / page / screen message carrying its group id); an
    account named only by identify or alias context falls back to its first message.
    Traits are the latest non-null value of each trait across the account's group calls.
#}
{%- set config = accountable_config() %}
{%- set traits = ['name', 'plan'] + config['account_traits'] %}

with

messages as (
    select * from {{ ref('int_messages_identified') }}
),

groups as (
    select * from {{ ref('stg_segment__groups') }}
),

seen as (
    select
        group_id as account_id,
        min(
            case when message_type in ('group', 'track', 'page', 'screen') then event_at end
        ) as first_event_at,
        min(event_at) as first_seen_at,
        max(event_at) as last_seen_at,
        count(*) as message_count
    from messages
    where group_id is not null
    group by group_id
),

group_traits as (
    select
        group_id as account_id,
        {% for trait in traits %}
        {{ latest_value(json_string('traits', trait), ['event_at', 'message_id']) }} as {{ trait }},
        {% endfor %}
        count(*) as group_calls
    from groups
    where group_id is not null
    group by group_id
),

final as (
    select
        seen.account_id,
        {% for trait in traits %}
        group_traits.{{ trait }},
        {% endfor %}
        coalesce(seen.first_event_at, seen.first_seen_at) as created_at,
        seen.first_seen_at,
        seen.last_seen_at,
        seen.message_count,
        coalesce(group_traits.group_calls, 0) as group_calls
    from seen
    left join group_traits
        on seen.account_id = group_traits.account_id
)

select * from final
