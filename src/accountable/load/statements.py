"""The SQL statements of a load, from the `.sql` files beside this module.

The files hold the statements; what is filled in here is what Python knows better: the shape of
a message for json_transform, the rejection rules (rules.py), and the column lists of the raw
tables (sql/raw_schema.sql).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from accountable.load import rules
from accountable.load.model import TABLE_OF_TYPE

MESSAGE_SHAPE = {
    "type": "VARCHAR",
    "messageId": "VARCHAR",
    "userId": "VARCHAR",
    "anonymousId": "VARCHAR",
    "groupId": "VARCHAR",
    "previousId": "VARCHAR",
    "event": "VARCHAR",
    "name": "VARCHAR",
    "timestamp": "TIMESTAMPTZ",
    "originalTimestamp": "TIMESTAMPTZ",
    "sentAt": "TIMESTAMPTZ",
    "receivedAt": "TIMESTAMPTZ",
    "context": "JSON",
    "traits": "JSON",
    "properties": "JSON",
}
"""The fields read from a message in one json_transform (one parse per line): VARCHAR turns
numbers into their text (numeric ids), JSON keeps a sub-document, TIMESTAMPTZ parses ISO-8601
(`Z`, offsets, fractions, bare dates) and gives null for anything else; missing keys and JSON
null come out as SQL null. context.groupId is read from `context` afterwards."""

# Columns of the six message tables (sql/raw_schema.sql). The common ones come first and last;
# the type-specific ones sit between.
_COMMON_HEAD = (
    "message_id",
    "type",
    "user_id",
    "anonymous_id",
    "group_id",
    "context_group_id",
    "timestamp",
    "original_timestamp",
    "sent_at",
    "received_at",
)
_COMMON_TAIL = ("context", "message", "_file", "_line", "_load_id", "_loaded_at")
_SPECIFIC = {
    "identifies": ("traits",),
    "groups": ("traits",),
    "tracks": ("event", "properties"),
    "pages": ("name", "properties"),
    "screens": ("name", "properties"),
    "aliases": ("previous_id",),
}


@cache
def read(name: str) -> str:
    """The text of `sql/<name>.sql`."""
    return resources.files("accountable.load").joinpath(f"sql/{name}.sql").read_text()


def _utc_wall_time(column: str) -> str:
    """SQL for a parsed TIMESTAMPTZ as the TIMESTAMP of its UTC wall time, null when infinite.
    make_timestamp(epoch_us(...)) equals a cast to TIMESTAMP in UTC, without the ICU calendar
    arithmetic of that cast (15x cheaper, and a message has four)."""
    return f"case when isfinite({column}) then make_timestamp(epoch_us({column})) end"


@cache
def _parse_select() -> str:
    return read("parse").format(
        message_shape=json.dumps(MESSAGE_SHAPE),
        timestamp=_utc_wall_time("m.timestamp"),
        original_timestamp=_utc_wall_time("m.originalTimestamp"),
        sent_at=_utc_wall_time("m.sentAt"),
        received_at=_utc_wall_time("m.receivedAt"),
        event_us=rules.EVENT_US_SQL,
        bad_ids=rules.bad_ids_sql(),
        reason=rules.reason_sql(),
        detail=rules.detail_sql(),
    )


def parse(first: bool) -> str:
    """Parse the lines of `_accountable_incoming` into the parsed table (created by the first
    pass after a commit, appended to by the next ones). Takes parameter `$now`."""
    if first:
        return f"create or replace temp table _accountable_parsed as\n{_parse_select()}"
    return f"insert into _accountable_parsed\n{_parse_select()}"


def duplicates() -> str:
    """Create `_accountable_duplicates`: the parsed lines whose messageId was loaded before."""
    loaded_before = "\n    union all\n    ".join(
        f"select message_id from raw.{table} "
        f"where message_id in (select accepted.message_id from accepted)"
        for table in TABLE_OF_TYPE.values()
    )
    return read("duplicates").format(loaded_before=loaded_before)


def insert(message_type: str, table: str) -> str:
    """Insert the transaction's new messages of one type. Takes `$files`, `$load_id`,
    `$loaded_at`."""
    columns = (*_COMMON_HEAD, *_SPECIFIC[table], *_COMMON_TAIL)
    values = {
        "_file": "$files[parsed.file_idx + 1]",
        "_line": "parsed.line",
        "_load_id": "$load_id",
        "_loaded_at": "$loaded_at",
    }
    return read("insert").format(
        table=table,
        columns=", ".join(columns),
        values=",\n    ".join(values.get(column, f"parsed.{column}") for column in columns),
        message_type=message_type,
    )
