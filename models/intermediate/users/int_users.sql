{#
    Incremental: each person of the run scope is recomputed from all of their messages
    (int_run__person_messages); the pre-hook removed their rows.
#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ forget_run_scope('user_id', 'user') }}",
    )
}}
{%- set config = accountable_config() %}
{%- set traits = ['email', 'name'] + config['user_traits'] %}

{#- the messages are read by each CTE that needs them, never through one shared CTE
    (docs/DEVELOPING.md) #}
with

seen as (
    select
        user_id,
        min(event_at) as first_seen_at,
        max(event_at) as last_seen_at,
        count(*) as message_count
    from {{ ref('int_run__person_messages') }}
    group by user_id
),

identify_traits as (
    select
        user_id,
        {% for trait in traits %}
        coalesce(
            {{ json_string('traits', trait) }},
            {{ json_string('context', 'traits.' ~ trait) }}
        ) as {{ trait }},
        {% endfor %}
        event_at,
        message_id
    from {{ ref('int_run__person_messages') }}
    where message_type = 'identify'
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
