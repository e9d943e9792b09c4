{#
    Alias calls: `previousId` (an anonymous id or an old user id) is now known as `userId`.
    Chains (a -> b, b -> c) are followed to their end, so every previous id maps to the user id
    it finally became. When one previous id was aliased twice, its earliest alias wins.
    Alias calls are few: every run maps them all again (a table, not incremental).
#}
{{ config(materialized='table') }}

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

final as (
    select
        previous_id,
        user_id,
        alias_hops
    from mapped
)

select * from final
