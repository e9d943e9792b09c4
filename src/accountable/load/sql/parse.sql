-- One pass: parse and classify the lines of `_accountable_incoming` (file_idx, line, text,
-- raw_text). One json_transform reads every field of a message in one parse. Placeholders in
-- braces are filled in by statements.py (the message shape, the rules of rules.py); `$now` is
-- the load's clock.
with

incoming as (
    select
        file_idx,
        line,
        text,
        raw_text,
        try_cast(text as json) as doc  -- null: not JSON (or not UTF-8, then text is null)
    from _accountable_incoming
),

shaped as (
    select
        *,
        case
            when doc is null then false
            when starts_with(text, '{{') then true
            else json_type(doc) = 'OBJECT'
        end as is_object,
        case when is_object then json_transform(doc, '{message_shape}') end as m
    from incoming
),

fields as (
    select
        file_idx,
        line,
        text,
        raw_text,
        doc,
        is_object,
        nullif(m.type, '') as type_text,
        lower(type_text) as type,
        nullif(m.messageId, '') as message_id,
        nullif(m.userId, '') as user_id,
        nullif(m.anonymousId, '') as anonymous_id,
        nullif(m.groupId, '') as group_id,
        nullif(m.previousId, '') as previous_id,
        nullif(m.event, '') as event,
        nullif(m.name, '') as name,
        {timestamp} as timestamp,
        {original_timestamp} as original_timestamp,
        {sent_at} as sent_at,
        {received_at} as received_at,
        case when m.context != '""' then m.context end as context,
        case when m.traits != '""' then m.traits end as traits,
        case when m.properties != '""' then m.properties end as properties,
        nullif(json_extract_string(context, '$.groupId'), '') as context_group_id
    from shaped
),

timed as (
    select
        *,
        {event_us} as event_us,
        epoch_us(coalesce(received_at, $now))::hugeint as received_us,
        {bad_ids} as bad_ids
    from fields
),

classified as (
    select
        *,
        {reason} as reason
    from timed
)

select
    file_idx,
    line,
    case when reason is null then 'inserted' else 'rejected' end as outcome,
    reason,
    {detail} as detail,
    case when reason is not null then coalesce(raw_text, text) end as rejected_text,
    case when reason is null then doc end as message,
    message_id,
    type,
    user_id,
    anonymous_id,
    group_id,
    context_group_id,
    timestamp,
    original_timestamp,
    sent_at,
    received_at,
    event,
    name,
    previous_id,
    context,
    traits,
    properties
from classified
