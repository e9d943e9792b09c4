{#
    Each anonymous id belongs to the user id of the earliest message that carries both (an alias
    whose previousId is the anonymous id counts as carrying both; ties broken by the smaller
    message id). The user id is then followed through aliases to the user it finally became.
    Anonymous ids never seen with a user id are absent: they stay anonymous.

    Incremental: the earliest pair is a minimum, so a run compares the pairs of new loads with
    the one kept (pair_*), and re-resolves the ids whose pair user was aliased since. It writes
    only the ids that are new or changed; when the owner changed, previous_user_id keeps the one
    before and changed_load_id the load of the change, so downstream models rebuild both people.
#}
{{
    config(
        materialized='incremental',
        unique_key='anonymous_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook=watermark_hooks(),
    )
}}
{%- set watermark = incremental_watermark() %}
{%- set current_load = current_raw_load_id() %}

{#- the messages (ten million rows) are read in filtered CTEs, never through one shared CTE:
    DuckDB materializes a CTE that is read twice. #}
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
        and {{ loaded_after(watermark) }}

    union all

    select
        previous_id as anonymous_id,
        user_id,
        event_at,
        message_id
    from {{ ref('int_segment_messages') }}
    where
        message_type = 'alias' and previous_id is not null and user_id is not null
        and {{ loaded_after(watermark) }}
),

{% if watermark is not none %}
known as (
    select * from {{ this }}
),

-- the pair kept so far competes with the new ones; ids whose pair user was aliased since are
-- resolved again
candidates as (
    select
        anonymous_id,
        user_id,
        event_at,
        message_id
    from pairs

    union all

    select
        known.anonymous_id,
        known.pair_user_id as user_id,
        known.identified_at as event_at,
        known.pair_message_id as message_id
    from known
    where
        known.anonymous_id in (select pairs.anonymous_id from pairs)
        or known.pair_user_id in (
            select previous_ids.previous_id
            from previous_ids
            where previous_ids.changed_load_id > {{ watermark }}
        )
),
{% else %}
candidates as (
    select * from pairs
),
{% endif %}

ranked as (
    select
        anonymous_id,
        user_id,
        event_at,
        message_id,
        row_number() over (
            partition by anonymous_id
            order by event_at, message_id
        ) as pair_rank
    from candidates
),

resolved as (
    select
        ranked.anonymous_id,
        coalesce(previous_ids.user_id, ranked.user_id) as user_id,
        ranked.event_at as identified_at,
        ranked.user_id as pair_user_id,
        ranked.message_id as pair_message_id
    from ranked
    left join previous_ids
        on ranked.user_id = previous_ids.previous_id
    where ranked.pair_rank = 1
),

{% if watermark is not none %}
final as (
    select
        resolved.anonymous_id,
        resolved.user_id,
        resolved.identified_at,
        resolved.pair_user_id,
        resolved.pair_message_id,
        {{ owner_change_columns('known', 'resolved', current_load) }}
    from resolved
    left join known
        on resolved.anonymous_id = known.anonymous_id
    where
        known.anonymous_id is null
        or known.user_id != resolved.user_id
        or known.pair_message_id != resolved.pair_message_id
)
{% else %}
final as (
    select
        *,
        {{ owner_change_columns(none, none, current_load) }}
    from resolved
)
{% endif %}

select * from final
