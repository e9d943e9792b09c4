{#
    Every message with the person it belongs to: its user id followed through aliases, or, for a
    message with only an anonymous id, the user that anonymous id was stitched to (null when it
    never was).
    A view: persisting ten million rows costs far more than recomputing two hash joins in each
    of the few models that read it.
#}
{{ config(materialized='view') }}
with

messages as (
    select * from {{ ref('int_segment_messages') }}
),

previous_ids as (
    select * from {{ ref('int_identity__previous_ids') }}
),

anonymous_ids as (
    select * from {{ ref('int_identity__anonymous_ids') }}
),

identified as (
    select
        messages.message_id,
        messages.message_type,
        messages.event_name,
        messages.event_at,
        case
            when messages.user_id is not null
                then coalesce(previous_ids.user_id, messages.user_id)
            else anonymous_ids.user_id
        end as user_id,
        messages.user_id as sent_user_id,
        messages.anonymous_id,
        messages.group_id,
        messages.previous_id,
        messages.load_id,
        messages.properties
    from messages
    left join previous_ids
        on messages.user_id = previous_ids.previous_id
    -- an equality join only (a filter in the condition would defeat the hash join); the case
    -- above uses the stitched user only for messages without a user id
    left join anonymous_ids
        on messages.anonymous_id = anonymous_ids.anonymous_id
)

select * from identified
