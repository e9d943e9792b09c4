{#
    Accounts: every group id seen in any message. created_at is the earliest of the account's
    "account created" event, its first group call and its first explicitly attributed event
    (which is the earliest group / track / page / screen message carrying its group id); an
    account named only by identify or alias context falls back to its first message.
    Traits are the latest non-null value of each trait across the account's group calls.

    Incremental (unique_key account_id): nothing here depends on identity, so the first / last
    seen times and counts are merged with the messages of new loads, and the traits of an account
    with a new group call are taken again from all of its group calls.
#}
{{
    config(
        materialized='incremental',
        unique_key='account_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook=watermark_hooks(),
    )
}}
{%- set config = accountable_config() %}
{%- set traits = ['name', 'plan'] + config['account_traits'] %}
{%- set watermark = incremental_watermark() %}

{#- the messages (ten million rows) are read in filtered CTEs, never through one shared CTE:
    DuckDB materializes a CTE that is read twice. #}
with

new_seen as (
    select
        group_id as account_id,
        min(
            case when message_type in ('group', 'track', 'page', 'screen') then event_at end
        ) as first_event_at,
        min(event_at) as first_seen_at,
        max(event_at) as last_seen_at,
        count(*) as message_count,
        count(case when message_type = 'group' then 1 end) as group_calls
    from {{ ref('int_segment_messages') }}
    where
        group_id is not null
        and {{ loaded_after(watermark) }}
    group by group_id
),

{% if watermark is not none %}
known as (
    select * from {{ this }}
),

seen as (
    select
        new_seen.account_id,
        least(
            coalesce(new_seen.first_event_at, known.first_event_at),
            coalesce(known.first_event_at, new_seen.first_event_at)
        ) as first_event_at,
        least(new_seen.first_seen_at, coalesce(known.first_seen_at, new_seen.first_seen_at))
            as first_seen_at,
        greatest(new_seen.last_seen_at, coalesce(known.last_seen_at, new_seen.last_seen_at))
            as last_seen_at,
        new_seen.message_count + coalesce(known.message_count, 0) as message_count,
        new_seen.group_calls + coalesce(known.group_calls, 0) as group_calls,
        new_seen.group_calls > 0 as has_new_group_call
    from new_seen
    left join known
        on new_seen.account_id = known.account_id
),
{% else %}
seen as (
    select
        *,
        group_calls > 0 as has_new_group_call
    from new_seen
),
{% endif %}

group_traits as (
    select
        group_id as account_id,
        {% for trait in traits %}
        {{ latest_value(json_string('traits', trait), ['event_at', 'message_id']) }} as {{ trait }}
        {%- if not loop.last %},{% endif %}
        {% endfor %}
    from {{ ref('int_segment_messages') }}
    where
        message_type = 'group'
        and group_id is not null
        and group_id in (
            select seen.account_id
            from seen
            where seen.has_new_group_call
        )
    group by group_id
),

final as (
    select
        seen.account_id,
        {% for trait in traits %}
        {% if watermark is not none %}
        case
            when seen.has_new_group_call then group_traits.{{ trait }} else known.{{ trait }}
        end as {{ trait }},
        {% else %}
        group_traits.{{ trait }},
        {% endif %}
        {% endfor %}
        coalesce(seen.first_event_at, seen.first_seen_at) as created_at,
        seen.first_event_at,
        seen.first_seen_at,
        seen.last_seen_at,
        seen.message_count,
        seen.group_calls
    from seen
    left join group_traits
        on seen.account_id = group_traits.account_id
    {% if watermark is not none %}
    left join known
        on seen.account_id = known.account_id
    {% endif %}
)

select * from final
