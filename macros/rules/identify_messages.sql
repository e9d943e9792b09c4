{#
    Contract section 3, Identity, applied to messages (int_segment_messages-shaped rows): the
    person is the user id followed through aliases, or, for a message with only an anonymous
    id, the user that anonymous id was stitched to (null when it never was). The one place this
    rule is written: the view int_messages_identified, and incremental runs on the few messages
    they pick out.
#}
{% macro identify_messages(messages, previous_ids, anonymous_ids) -%}
    select
        messages.message_id,
        messages.message_type,
        messages.event_name,
        messages.event_at,
        case
            when messages.user_id is not null
                then coalesce(alias_owners.user_id, messages.user_id)
            else anonymous_owners.user_id
        end as user_id,
        messages.user_id as sent_user_id,
        messages.anonymous_id,
        messages.group_id,
        messages.previous_id,
        messages.load_id,
        messages.properties,
        messages.traits,
        messages.context
    from {{ messages }} as messages
    left join {{ previous_ids }} as alias_owners
        on messages.user_id = alias_owners.previous_id
    -- an equality join only (a filter in the condition would defeat the hash join); the case
    -- above uses the stitched user only for messages without a user id
    left join {{ anonymous_ids }} as anonymous_owners
        on messages.anonymous_id = anonymous_owners.anonymous_id
{%- endmacro %}


{#
    Every message, resolved (int_messages_identified columns), that belongs to one of `users` (a
    relation or a parenthesized subquery with a user_id column: not a CTE, which DuckDB would
    materialize and which would then keep the filters out of the scans, docs/DEVELOPING.md).
    `messages` is int_segment_messages: the scans pick messages by the ids as sent (the user id
    and the old ids an alias merged into it; the anonymous ids stitched to the user), which is
    cheap before resolving identity and slow after it; the last filter keeps exactly the
    resolved owners.
#}
{% macro messages_of_users(messages, users, anonymous_ids, previous_ids) -%}
    {%- set picked -%}
    (
        select *
        from {{ messages }}
        where user_id in (
            select users.user_id from {{ users }} as users
            union all
            select previous_id
            from {{ previous_ids }}
            where user_id in (select users.user_id from {{ users }} as users)
        )

        union all

        select *
        from {{ messages }}
        where
            user_id is null
            and anonymous_id in (
                select anonymous_id
                from {{ anonymous_ids }}
                where user_id in (select users.user_id from {{ users }} as users)
            )
    )
    {%- endset -%}
    select owned.*
    from (
        {{ identify_messages(picked, previous_ids, anonymous_ids) }}
    ) as owned
    where owned.user_id in (select users.user_id from {{ users }} as users)
{%- endmacro %}
