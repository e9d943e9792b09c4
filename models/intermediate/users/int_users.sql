{#
    Users: every resolved user id seen in any message (old user ids merged by an alias are not
    users of their own). first_seen_at is the earliest message of any type that resolves to the
    user, anonymous history included. Traits are the latest non-null value across identify calls
    (the call's traits, else its context.traits).

    Incremental (unique_key user_id): first/last seen and the message count are merged with the
    messages of new loads; the traits of a user with a new identify call are taken again from all
    of the user's identify calls. People whose messages changed owner (identity_changed_users)
    are rebuilt from all their messages; the pre-hook removed their rows.
#}
{{
    config(
        materialized='incremental',
        unique_key='user_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook="{{ forget_rebuilt_users() }}",
        post_hook=watermark_hooks(),
    )
}}
{%- set config = accountable_config() %}
{%- set traits = ['email', 'name'] + config['user_traits'] %}
{%- set watermark = incremental_watermark() %}
{%- do assert_upstream_watermarks_current(['int_identity__previous_ids', 'int_identity__anonymous_ids']) %}

-- depends_on: {{ ref('int_segment_messages') }}
-- depends_on: {{ ref('int_identity__anonymous_ids') }}
-- depends_on: {{ ref('int_identity__previous_ids') }}
{#- int_messages_identified (ten million rows) is read in filtered CTEs, never through one shared
    CTE: DuckDB materializes a CTE that is read twice. #}
with

{% if watermark is not none %}
anonymous_ids as (
    select * from {{ ref('int_identity__anonymous_ids') }}
),

previous_ids as (
    select * from {{ ref('int_identity__previous_ids') }}
),

known as (
    select * from {{ this }}
),

rebuilt_users as (
    {{ identity_changed_users('anonymous_ids', 'previous_ids', watermark) }}
),

stitched as (
    {{ newly_stitched_anonymous_ids('anonymous_ids', 'rebuilt_users', watermark) }}
),

-- messages of new loads, the anonymous history newly stitched, every message of the people
-- rebuilt
messages_to_merge as (
    select
        merged.user_id,
        merged.message_type,
        merged.event_at
    from (
        {{ person_messages_to_merge(
            watermark, 'rebuilt_users', 'stitched', 'anonymous_ids', 'previous_ids'
        ) }}
    ) as merged
),
{% else %}
messages_to_merge as (
    select
        user_id,
        message_type,
        event_at
    from {{ ref('int_messages_identified') }}
),
{% endif %}

new_seen as (
    select
        user_id,
        min(event_at) as first_seen_at,
        max(event_at) as last_seen_at,
        count(*) as message_count,
        {{ bool_any("message_type = 'identify'") }} as has_new_identify
    from messages_to_merge
    where user_id is not null
    group by user_id
),

{% if watermark is not none %}
seen as (
    select
        new_seen.user_id,
        least(new_seen.first_seen_at, coalesce(known.first_seen_at, new_seen.first_seen_at))
            as first_seen_at,
        greatest(new_seen.last_seen_at, coalesce(known.last_seen_at, new_seen.last_seen_at))
            as last_seen_at,
        new_seen.message_count + coalesce(known.message_count, 0) as message_count,
        new_seen.has_new_identify
    from new_seen
    left join known
        on new_seen.user_id = known.user_id
),
{% else %}
seen as (
    select * from new_seen
),
{% endif %}

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
    from {{ ref('int_messages_identified') }}
    where
        message_type = 'identify'
        and user_id is not null
        and user_id in (
            select seen.user_id
            from seen
            where seen.has_new_identify
        )
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
        {% if watermark is not none %}
        case when seen.has_new_identify then latest_traits.{{ trait }} else known.{{ trait }} end
            as {{ trait }},
        {% else %}
        latest_traits.{{ trait }},
        {% endif %}
        {% endfor %}
        seen.first_seen_at,
        seen.last_seen_at,
        seen.message_count,
        {% if watermark is not none %}
        case
            when seen.has_new_identify then coalesce(latest_traits.identify_calls, 0)
            else coalesce(known.identify_calls, 0)
        end as identify_calls
        {% else %}
        coalesce(latest_traits.identify_calls, 0) as identify_calls
        {% endif %}
    from seen
    left join latest_traits
        on seen.user_id = latest_traits.user_id
    {% if watermark is not none %}
    left join known
        on seen.user_id = known.user_id
    {% endif %}
)

select * from final
