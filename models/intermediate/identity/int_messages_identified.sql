{#
    Every message with the person it belongs to: its user id followed through aliases, or, for a
    message with only an anonymous id, the user that anonymous id was stitched to (null when it
    never was). The rule is macro identify_messages, which incremental runs also apply to the few
    messages they pick out before resolving them.
    A view (docs/DEVELOPING.md, performance notes).
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
    {{ identify_messages('messages', 'previous_ids', 'anonymous_ids') }}
)

select * from identified
