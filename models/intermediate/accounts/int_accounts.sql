{#
    Incremental: each account of the run scope is recomputed from all of its messages; the
    pre-hook removed their rows.
#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ forget_run_scope('account_id', 'account') }}",
    )
}}
{%- set config = accountable_config() %}
{%- set traits = ['name', 'plan'] + config['account_traits'] %}
{%- set scoped = run_is_scoped() %}

{#- the messages are read by each CTE that needs them, never through one shared CTE
    (docs/DEVELOPING.md) #}
with

seen as (
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
        and {{ in_run_scope('group_id', 'account', scoped) }}
    group by group_id
),

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
        and {{ in_run_scope('group_id', 'account', scoped) }}
    group by group_id
),

final as (
    select
        seen.account_id,
        {% for trait in traits %}
        group_traits.{{ trait }},
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
)

select * from final
