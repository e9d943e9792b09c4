"""The rejection rules of CONTRACT.md section 2, as one ordered table.

Each rule is a reason code, a SQL condition and a SQL sentence for humans, over the columns of
the parse's CTE `timed` (sql/parse.sql). The first rule that holds is a line's reason; the
order of RULES is the order of the checks, and REASONS follows from it. Nothing else in the
loader lists the reasons.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

EARLIEST_EVENT_AT = dt.datetime(2000, 1, 1)
"""An event time before this is implausible (a device clock at zero, a bug upstream)."""

LATEST_AFTER_RECEIVED = dt.timedelta(days=1)
"""An event time more than this after the message was received is implausible."""

ID_FIELDS = {
    "message_id": "$.messageId",
    "user_id": "$.userId",
    "anonymous_id": "$.anonymousId",
    "group_id": "$.groupId",
    "previous_id": "$.previousId",
    "context_group_id": "$.context.groupId",
}
"""Id columns -> their JSON path in the message: each must be a string or a number."""

MESSAGE_TYPES = ("identify", "group", "track", "page", "screen", "alias")

_EARLIEST_US = int((EARLIEST_EVENT_AT - dt.datetime(1970, 1, 1)).total_seconds()) * 1_000_000
_LATEST_AFTER_RECEIVED_US = int(LATEST_AFTER_RECEIVED.total_seconds()) * 1_000_000


@dataclass(frozen=True)
class Rule:
    """One reason to reject a line: when it applies, and what to tell the user."""

    reason: str
    when: str
    """SQL condition over the columns of `timed`."""
    detail: str
    """SQL expression: a sentence saying what was wrong."""


def _missing(field: str, of: str = "message") -> str:
    return f"'the {of} has no \"{field}\" (missing, null or empty)'"


RULES = (
    Rule(
        "invalid_json",
        "doc is null",
        "case when text is null then 'the line is not UTF-8 text, so it is not JSON' "
        "else 'the line is not valid JSON (truncated, or not JSON at all)' end",
    ),
    Rule(
        "not_an_object",
        "not is_object",
        "'the line is valid JSON but ' || case json_type(doc) when 'ARRAY' then 'an array' "
        "when 'NULL' then 'null' else 'a ' || lower(json_type(doc)) end "
        "|| ', not a message object'",
    ),
    Rule("missing_type", "type_text is null", _missing("type")),
    Rule(
        "unknown_type",
        f"type not in {MESSAGE_TYPES}",
        f"'the message type \"' || type_text || '\" is not one of {', '.join(MESSAGE_TYPES)}'",
    ),
    Rule(
        "missing_message_id",
        "message_id is null",
        "'the message has no \"messageId\" (missing, null or empty), so it cannot be deduplicated'",
    ),
    Rule(
        "invalid_id",
        "bad_ids is not null",
        "'an id must be a string or a number; this message has an object, array or boolean as '"
        " || replace(bad_ids, ', ', ' and ')",
    ),
    Rule("missing_event", "type = 'track' and event is null", _missing("event", "track message")),
    Rule(
        "missing_group_id",
        "type = 'group' and group_id is null",
        _missing("groupId", "group message"),
    ),
    Rule(
        "missing_previous_id",
        "type = 'alias' and previous_id is null",
        _missing("previousId", "alias message"),
    ),
    Rule(
        "missing_user_id", "type = 'alias' and user_id is null", _missing("userId", "alias message")
    ),
    Rule(
        "missing_identity",
        "coalesce(user_id, anonymous_id, group_id, context_group_id) is null",
        "'the message has none of userId, anonymousId, groupId and context.groupId'",
    ),
    Rule(
        "missing_timestamp",
        "event_us is null",
        "'the message has no parseable time: timestamp, originalTimestamp, receivedAt and '"
        " || 'sentAt are all missing or not ISO-8601' || coalesce("
        "' (timestamp is ' || json_extract(doc, '$.timestamp') || ')', "
        "' (originalTimestamp is ' || json_extract(doc, '$.originalTimestamp') || ')', "
        "' (receivedAt is ' || json_extract(doc, '$.receivedAt') || ')', "
        "' (sentAt is ' || json_extract(doc, '$.sentAt') || ')', '')",
    ),
    Rule(
        "implausible_timestamp",
        f"event_us < {_EARLIEST_US} or event_us > received_us + {_LATEST_AFTER_RECEIVED_US}",
        f"'the event time is ' || case when event_us < {_EARLIEST_US} "
        f"then 'before {EARLIEST_EVENT_AT:%Y-%m-%d}' "
        "else 'more than one day after the message was received' end "
        "|| ' (' || concat_ws(', ', 'timestamp ' || timestamp, "
        "'originalTimestamp ' || original_timestamp, 'sentAt ' || sent_at, "
        "'receivedAt ' || received_at, case when received_at is null "
        "then 'no receivedAt; loaded at ' || date_trunc('second', $now) end) || ', UTC)'",
    ),
)

REASONS = tuple(rule.reason for rule in RULES)
"""Rejection reason codes, in the order they are checked."""


def reason_sql() -> str:
    """SQL: the reason of the first rule that holds, null when none does."""
    cases = "\n".join(f"            when {rule.when} then '{rule.reason}'" for rule in RULES)
    return f"case\n{cases}\n        end"


def detail_sql() -> str:
    """SQL: the sentence of a line's reason, over `reason`."""
    cases = "\n".join(f"        when '{rule.reason}' then {rule.detail}" for rule in RULES)
    return f"case reason\n{cases}\n    end"


def _suspect(column: str) -> str:
    """SQL: true when the id in `column` may be an object, an array or a boolean.

    json_transform turns any value into VARCHAR (an object into its JSON text, true into
    'true'), so such an id reads like one of those; only then is the message parsed again to
    ask the id's JSON type (a string '{x}' is a fine id)."""
    return f"(left({column}, 1) in ('{{', '[') or {column} in ('true', 'false'))"


def bad_ids_sql() -> str:
    """SQL: the names of the message's malformed ids, joined by ', '; null when none.

    Cheap for the usual message: the names are only assembled when some id looks suspect, and the
    JSON type only asked of a suspect id. (CASEs, not ANDs: DuckDB evaluates both sides of an AND
    for every row, and a second parse of every message would cost 5x the load.)"""
    any_suspect = " or ".join(_suspect(column) for column in ID_FIELDS)
    names = " || ".join(
        f"case when {_suspect(column)} then case when json_type(doc, '{path}') not in "
        f"('VARCHAR', 'BIGINT', 'UBIGINT', 'DOUBLE') then ', {path[2:]}' else '' end else '' end"
        for column, path in ID_FIELDS.items()
    )
    return f"case when is_object and ({any_suspect}) then nullif(substr({names}, 3), '') end"


EVENT_US_SQL = """case
            when original_timestamp is not null
                then epoch_us(coalesce(timestamp, original_timestamp))::hugeint
            when timestamp is not null and sent_at is not null and received_at is not null
                then epoch_us(received_at)::hugeint - epoch_us(sent_at) + epoch_us(timestamp)
            else epoch_us(coalesce(timestamp, received_at, sent_at))::hugeint
        end"""
"""SQL: the event time of contract section 3 (the rule of macro segment_event_at), in epoch
microseconds as HUGEINT, so that absurd times (year 200000) cannot overflow the arithmetic."""
