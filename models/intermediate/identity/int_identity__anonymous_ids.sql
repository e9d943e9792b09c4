{#
    The earliest pair (a message carrying both ids, or an alias from the anonymous id) by
    event_at, then the smaller message id; its user id is followed through aliases.
    Incremental: the anonymous ids of the run scope are resolved again from all their pairs.
#}
{{
    config(
        materialized='incremental',
        unique_key='anonymous_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        pre_hook="{{ forget_run_scope('anonymous_id', none) }}",
    )
}}
{%- set scoped = run_is_scoped() %}

{#- the messages are read by each CTE that needs them, never through one shared CTE
    (docs/DEVELOPING.md) #}
with

previous_ids as (
    select * from {{ ref('int_identity__previous_ids') }}
),

pairs as (
    select
        anonymous_id,
        user_id,
        event_at,
        message_id
    from {{ ref('int_segment_messages') }}
    where
        anonymous_id is not null and user_id is not null
        and {{ in_run_scope('anonymous_id', 'anonymous_id', scoped) }}

    union all

    select
        previous_id as anonymous_id,
        user_id,
        event_at,
        message_id
    from {{ ref('int_segment_messages') }}
    where
        message_type = 'alias' and previous_id is not null and user_id is not null
        and {{ in_run_scope('previous_id', 'anonymous_id', scoped) }}
),

earliest_pairs as (
    select
        anonymous_id,
        {{ earliest_value('user_id', ['event_at', 'message_id']) }} as user_id,
        min(event_at) as identified_at
    from pairs
    group by anonymous_id
),

final as (
    select
        earliest_pairs.anonymous_id,
        coalesce(previous_ids.user_id, earliest_pairs.user_id) as user_id,
        earliest_pairs.identified_at
    from earliest_pairs
    left join previous_ids
        on earliest_pairs.user_id = previous_ids.previous_id
)

select * from final
