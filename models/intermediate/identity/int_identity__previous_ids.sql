{#
    Alias calls: `previousId` (an anonymous id or an old user id) is now known as `userId`.
    Chains (a -> b, b -> c) are followed to their end, so every previous id maps to the user id
    it finally became. When one previous id was aliased twice, its earliest alias wins.

    Incremental: alias calls are few, so every run maps them all again, and writes only the
    mappings that are new or changed, with the user a changed id belonged to before
    (previous_user_id) and the load of the change (changed_load_id): the models downstream
    rebuild the people whose messages changed owner.
#}
{{
    config(
        materialized='incremental',
        unique_key='previous_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook=watermark_hooks(),
    )
}}
{%- set watermark = incremental_watermark() %}
{%- set current_load = current_raw_load_id() %}

with recursive

messages as (
    select * from {{ ref('int_segment_messages') }}
),

alias_calls as (
    select
        previous_id,
        user_id,
        row_number() over (
            partition by previous_id
            order by event_at, message_id
        ) as alias_rank
    from messages
    where
        message_type = 'alias'
        and previous_id is not null
        and user_id is not null
        and previous_id != user_id
),

first_alias as (
    select
        previous_id,
        user_id
    from alias_calls
    where alias_rank = 1
),

chain as (
    select
        previous_id,
        user_id,
        1 as depth
    from first_alias

    union all

    select
        chain.previous_id,
        first_alias.user_id,
        chain.depth + 1 as depth
    from chain
    inner join first_alias
        on chain.user_id = first_alias.previous_id
    -- a cycle of aliases (a -> b -> a) would never end: stop following after 20 hops
    where chain.depth < 20
),

chain_end as (
    select
        previous_id,
        user_id,
        depth,
        row_number() over (partition by previous_id order by depth desc) as depth_rank
    from chain
),

mapped as (
    select
        previous_id,
        user_id,
        depth as alias_hops
    from chain_end
    where depth_rank = 1
),

{% if watermark is none %}
final as (
    select
        previous_id,
        user_id,
        alias_hops,
        {{ owner_change_columns(none, none, current_load) }}
    from mapped
)
{% else %}
final as (
    select
        mapped.previous_id,
        mapped.user_id,
        mapped.alias_hops,
        {{ owner_change_columns('known', 'mapped', current_load) }}
    from mapped
    left join {{ this }} as known
        on mapped.previous_id = known.previous_id
    where
        known.previous_id is null
        or known.user_id != mapped.user_id
        or known.alias_hops != mapped.alias_hops
)
{% endif %}

select * from final
