{#
    Each anonymous id belongs to the user id of the earliest message that carries both (an alias
    whose previousId is the anonymous id counts as carrying both). The user id is then followed
    through aliases to the user it finally became. Anonymous ids never seen with a user id are
    absent: they stay anonymous.
#}
with

messages as (
    select * from {{ ref('int_segment_messages') }}
),

previous_ids as (
    select * from {{ ref('int_identity__previous_ids') }}
),

pairs as (
    select
        anonymous_id,
        user_id,
        event_at,
        message_id
    from messages
    where anonymous_id is not null and user_id is not null

    union all

    select
        previous_id as anonymous_id,
        user_id,
        event_at,
        message_id
    from messages
    where message_type = 'alias' and previous_id is not null and user_id is not null
),

ranked as (
    select
        anonymous_id,
        user_id,
        event_at,
        row_number() over (
            partition by anonymous_id
            order by event_at, message_id
        ) as pair_rank
    from pairs
),

final as (
    select
        ranked.anonymous_id,
        coalesce(previous_ids.user_id, ranked.user_id) as user_id,
        ranked.event_at as identified_at
    from ranked
    left join previous_ids
        on ranked.user_id = previous_ids.previous_id
    where ranked.pair_rank = 1
)

select * from final
