{#
    Users: every resolved user id seen in any message (old user ids merged by an alias are not
    users of their own). first_seen_at is the earliest message of any type that resolves to the
    user, anonymous history included. Traits are the latest non-null value across identify calls
    (the call's traits, else its context.traits).
#}
{%- set config = accountable_config() %}
{%- set traits = ['email', 'name'] + config['user_traits'] %}

with

messages as (
    select * from {{ ref('int_messages_identified') }}
),

identifies as (
    select * from {{ ref('stg_segment__identifies') }}
),

seen as (
    select
        user_id,
        min(event_at) as first_seen_at,
        max(event_at) as last_seen_at,
        count(*) as message_count
    from messages
    where user_id is not null
    group by user_id
),

identify_traits as (
    select
        messages.user_id,
        {% for trait in traits %}
        coalesce(
            {{ json_string('identifies.traits', trait) }},
            {{ json_string('identifies.context', 'traits.' ~ trait) }}
        ) as {{ trait }},
        {% endfor %}
        messages.event_at,
        messages.message_id
    from identifies
    inner join messages
        on identifies.message_id = messages.message_id
    where messages.user_id is not null
),

latest_traits as (
    select
        user_id,
        {% for trait in traits %}
        {{ latest_value(trait, ['event_at', 'message_id']) }} as {{ trait }},
        {% endfor %}
        count(*) as identify_calls
    from identify_traits
    group by user_id
),

final as (
    select
        seen.user_id,
        {% for trait in traits %}
        latest_traits.{{ trait }},
        {% endfor %}
        seen.first_seen_at,
        seen.last_seen_at,
        seen.message_count,
        coalesce(latest_traits.identify_calls, 0) as identify_calls
    from seen
    left join latest_traits
        on seen.user_id = latest_traits.user_id
)

select * from final
