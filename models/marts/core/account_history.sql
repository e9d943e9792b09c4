{#
    Each group call's traits are carried forward to the state after the call (the last non-null
    value of each trait so far). Calls at one instant count as one: the state after the last of
    them. A row starts at the first instant and wherever the state differs from the one before.
#}
{%- set account_traits = accountable_config()['account_traits'] %}
{%- set traits = ['name', 'plan'] + account_traits %}
{%- set trait_types = account_trait_types(account_traits) %}

with

group_calls as (
    select
        group_id as account_id,
        event_at,
        message_id,
        {% for trait in traits %}
        {{ typed_trait(json_string('traits', trait), trait_types.get(trait)) }} as {{ trait }}
        {%- if not loop.last %},{% endif %}
        {% endfor %}
    from {{ ref('int_segment_messages') }}
    where message_type = 'group' and group_id is not null
),

states as (
    select
        account_id,
        event_at,
        {% for trait in traits %}
        {{ last_non_null(trait) }} over (
            partition by account_id
            order by event_at, message_id
            rows between unbounded preceding and current row
        ) as {{ trait }},
        {% endfor %}
        row_number() over (
            partition by account_id, event_at
            order by message_id desc
        ) as rank_in_instant
    from group_calls
),

instants as (
    select
        account_id,
        event_at,
        {% for trait in traits %}
        {{ trait }},
        {% endfor %}
        {% for trait in traits %}
        lag({{ trait }}) over (partition by account_id order by event_at) as previous_{{ trait }},
        {% endfor %}
        row_number() over (partition by account_id order by event_at) as instant_number
    from states
    where rank_in_instant = 1
),

changes as (
    select
        account_id,
        event_at as valid_from,
        {% for trait in traits %}
        {{ trait }}
        {%- if not loop.last %},{% endif %}
        {% endfor %}
    from instants
    where
        instant_number = 1
        {% for trait in traits %}
        or {{ trait }} is distinct from previous_{{ trait }}
        {% endfor %}
),

final as (
    select
        account_id,
        valid_from,
        lead(valid_from) over (partition by account_id order by valid_from) as valid_to,
        lead(valid_from) over (partition by account_id order by valid_from) is null as is_current,
        {% for trait in traits %}
        {{ trait }}
        {%- if not loop.last %},{% endif %}
        {% endfor %}
    from changes
)

select * from final
