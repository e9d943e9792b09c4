"""The loader against CONTRACT.md section 2, on small hand-made files."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

import accountable.load as load_module
from accountable.load import LoadError, LoadSizes, LoadSummary, database, load_paths

MESSAGE_TABLES = ("identifies", "groups", "tracks", "pages", "screens", "aliases")


def message(**fields: object) -> dict[str, object]:
    """A valid track message; keyword arguments override or add fields (None keeps a null)."""
    base: dict[str, object] = {
        "type": "track",
        "messageId": "m-1",
        "userId": "u1",
        "event": "Task Completed",
        "timestamp": "2026-03-02T10:00:00.000Z",
    }
    base.update(fields)
    return base


def write_lines(path: Path, lines: list[object]) -> Path:
    """Write one line per item: dicts as JSON, strings verbatim."""
    text = "".join((item if isinstance(item, str) else json.dumps(item)) + "\n" for item in lines)
    path.write_text(text, encoding="utf-8")
    return path


def load(db: Path, *paths: Path) -> LoadSummary:
    return load_paths(db, list(paths), progress=False)


def query(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every row of the six message tables and raw.rejected, in a stable order."""
    tables = [f"raw.{table}" for table in MESSAGE_TABLES] + ["raw.rejected"]
    return {table: sorted(query(db, f"select * from {table}"), key=repr) for table in tables}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "warehouse.duckdb"


# ---------------------------------------------------------------------------- landing


def test_each_type_lands_in_its_table_with_its_fields(tmp_path: Path, db: Path) -> None:
    file = write_lines(
        tmp_path / "all.ndjson",
        [
            message(type="identify", messageId="i", traits={"email": "a@x.test"}, event=None),
            message(type="group", messageId="g", groupId="g1", traits={"plan": "pro"}),
            message(messageId="t", properties={"role": "viewer"}, integrations={"All": True}),
            message(type="page", messageId="p", name="Home", properties={"path": "/"}),
            message(type="screen", messageId="s", name="Inbox"),
            message(type="alias", messageId="a", previousId="anon-1"),
        ],
    )
    summary = load(db, file)

    assert (summary.lines, summary.inserted, summary.duplicates, summary.rejected) == (6, 6, 0, 0)
    assert query(db, "select message_id, traits->>'email' from raw.identifies") == [
        ("i", "a@x.test")
    ]
    assert query(db, "select group_id, traits->>'plan' from raw.groups") == [("g1", "pro")]
    assert query(db, "select event, properties->>'role', _line from raw.tracks") == [
        ("Task Completed", "viewer", 3)
    ]
    assert query(db, "select name, properties->>'path' from raw.pages") == [("Home", "/")]
    assert query(db, "select name from raw.screens") == [("Inbox",)]
    assert query(db, "select previous_id, user_id from raw.aliases") == [("anon-1", "u1")]
    # fields the loader does not read stay verbatim in `message`
    [(kept,)] = query(db, "select message->'integrations' from raw.tracks")
    assert json.loads(kept) == {"All": True}
    [(file_name, load_id)] = query(db, "select distinct _file, _load_id from raw.tracks")
    assert (file_name, load_id) == (str(file), summary.load_id)


def test_message_tables_have_the_agreed_columns(tmp_path: Path, db: Path) -> None:
    load(db, write_lines(tmp_path / "one.ndjson", [message()]))
    head = [
        ("message_id", "VARCHAR"),
        ("type", "VARCHAR"),
        ("user_id", "VARCHAR"),
        ("anonymous_id", "VARCHAR"),
        ("group_id", "VARCHAR"),
        ("context_group_id", "VARCHAR"),
        ("timestamp", "TIMESTAMP"),
        ("original_timestamp", "TIMESTAMP"),
        ("sent_at", "TIMESTAMP"),
        ("received_at", "TIMESTAMP"),
    ]
    tail = [
        ("context", "JSON"),
        ("message", "JSON"),
        ("_file", "VARCHAR"),
        ("_line", "BIGINT"),
        ("_load_id", "BIGINT"),
        ("_loaded_at", "TIMESTAMP"),
    ]
    specific = {
        "identifies": [("traits", "JSON")],
        "groups": [("traits", "JSON")],
        "tracks": [("event", "VARCHAR"), ("properties", "JSON")],
        "pages": [("name", "VARCHAR"), ("properties", "JSON")],
        "screens": [("name", "VARCHAR"), ("properties", "JSON")],
        "aliases": [("previous_id", "VARCHAR")],
    }
    for table, columns in specific.items():
        found = query(
            db,
            "select column_name, data_type from information_schema.columns "
            f"where table_schema = 'raw' and table_name = '{table}' order by ordinal_position",
        )
        assert found == head + columns + tail, table


def test_type_is_compared_lowercase(tmp_path: Path, db: Path) -> None:
    load(db, write_lines(tmp_path / "a.ndjson", [message(type="Track")]))
    assert query(db, "select type from raw.tracks") == [("track",)]


def test_timestamps_with_offsets_are_converted_to_utc(tmp_path: Path, db: Path) -> None:
    file = write_lines(
        tmp_path / "times.ndjson",
        [
            message(
                messageId="offset",
                timestamp="2026-03-02T10:00:00+02:00",
                originalTimestamp="2026-03-02T10:00:00.250-05:30",
                sentAt="2026-03-02",
                receivedAt="not a time",
            ),
            message(messageId="only-received", timestamp=None, receivedAt="2026-03-02T23:30:00Z"),
        ],
    )
    assert load(db, file).inserted == 2
    rows = query(
        db,
        "select message_id, timestamp, original_timestamp, sent_at, received_at "
        "from raw.tracks order by _line",
    )
    assert rows == [
        (
            "offset",
            dt.datetime(2026, 3, 2, 8, 0),
            dt.datetime(2026, 3, 2, 15, 30, 0, 250000),
            dt.datetime(2026, 3, 2, 0, 0),
            None,
        ),
        ("only-received", None, None, None, dt.datetime(2026, 3, 2, 23, 30)),
    ]


def test_numeric_ids_become_their_text(tmp_path: Path, db: Path) -> None:
    file = write_lines(
        tmp_path / "ids.ndjson",
        [message(type="group", messageId=123, userId=42, groupId=7, context={"groupId": 8})],
    )
    load(db, file)
    assert query(db, "select message_id, user_id, group_id, context_group_id from raw.groups") == [
        ("123", "42", "7", "8")
    ]


def test_null_and_empty_ids_count_as_missing(tmp_path: Path, db: Path) -> None:
    file = write_lines(
        tmp_path / "ids.ndjson",
        [
            message(messageId="kept", userId=None, anonymousId="", groupId="g1"),
            message(messageId="gone", userId="", anonymousId=None),
        ],
    )
    summary = load(db, file)
    assert (summary.inserted, summary.rejected) == (1, 1)
    assert query(db, "select message_id, user_id, anonymous_id, group_id from raw.tracks") == [
        ("kept", None, None, "g1")
    ]
    assert query(db, "select line, reason from raw.rejected") == [(2, "missing_identity")]


def test_account_level_track_with_only_context_group_id_is_kept(tmp_path: Path, db: Path) -> None:
    account_event = message(event="Trial Started", userId=None, context={"groupId": "g1"})
    load(db, write_lines(tmp_path / "a.ndjson", [account_event]))
    assert query(db, "select user_id, anonymous_id, context_group_id, event from raw.tracks") == [
        (None, None, "g1", "Trial Started")
    ]
    assert query(db, "select count(*) from raw.rejected") == [(0,)]


def column_compressions(db: Path, table: str, columns: tuple[str, ...]) -> dict[str, set[str]]:
    """The compression methods of some columns of a raw table, as stored on disk (segments of a
    single repeated value, stored as constants whatever the declared compression, left out)."""
    rows = query(
        db,
        f"select column_name, compression from pragma_storage_info('raw.{table}') "
        f"where column_name in {columns} "
        "and segment_type != 'VALIDITY' and compression != 'Constant'",
    )
    found: dict[str, set[str]] = {}
    for column, compression in rows:
        found.setdefault(column, set()).add(compression)
    return found


def varied_tracks(count: int) -> list[dict[str, object]]:
    """Tracks whose JSON columns differ from row to row (a column of one repeated value is
    stored as a constant, whatever its declared compression)."""
    return [
        message(
            messageId=f"m-{n}",
            properties={"n": n, "path": f"/projects/{n * 7919 % 1000}/tasks/board/settings"},
            context={
                "groupId": f"g{n % 13}",
                "page": {"url": f"https://app.example.test/projects/{n}/tasks?view=board"},
                "userAgent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML)",
            },
        )
        for n in range(count)
    ]


def test_a_new_warehouse_stores_the_json_and_id_columns_with_zstd(tmp_path: Path, db: Path) -> None:
    load(db, write_lines(tmp_path / "tracks.ndjson", varied_tracks(3000)))

    [(version,)] = query(
        db,
        "select tags['storage_version'] from duckdb_databases() where database_name = 'warehouse'",
    )
    assert version.startswith("v1.2.0")
    columns = ("message", "context", "properties", "message_id", "context_group_id")
    assert column_compressions(db, "tracks", columns) == {
        "message": {"ZSTD"},
        "context": {"ZSTD"},
        "properties": {"ZSTD"},
        "message_id": {"ZSTD"},
        "context_group_id": {"ZSTD"},
    }


def test_an_older_warehouse_file_keeps_its_format_and_gets_no_zstd_clause(
    tmp_path: Path, db: Path
) -> None:
    """In a file whose storage format has no ZSTD, DuckDB accepts `using compression zstd` and
    stores the column uncompressed: the loader must leave the clause out there (DuckDB then
    picks the compression itself), and keep it everywhere it is marked in a new file (the JSON
    columns, 17, and the id columns, 34)."""
    duckdb.connect(str(db)).close()  # DuckDB's default format, older than v1.2.0
    summary = load(db, write_lines(tmp_path / "tracks.ndjson", varied_tracks(300)))

    assert summary.inserted == 300
    [(version,)] = query(
        db,
        "select tags['storage_version'] from duckdb_databases() where database_name = 'warehouse'",
    )
    assert not version.startswith("v1.2.0")
    with duckdb.connect(str(db)) as connection:
        assert "using compression" not in database.schema_sql(connection)
    marked = (Path(load_module.__file__).parent / "sql" / "raw_schema.sql").read_text()
    new_file = str(tmp_path / "new.duckdb")
    with duckdb.connect(new_file, config={"storage_compatibility_version": "v1.2.0"}) as connection:
        ddl = database.schema_sql(connection)
    assert ddl.count("using compression zstd") == marked.count("/* compressed */") == 17 + 34


# ---------------------------------------------------------------------------- rejections

VALID = json.dumps(message(messageId="ok"))

REJECTED_LINES = {
    "invalid_json": '{"type": "track", "messageId": "m-2", "userId": "u1"',
    "not_an_object": '[{"type": "track", "messageId": "m-2"}]',
    # type "" is missing; the message lacks messageId too, but type is checked first
    "missing_type": json.dumps({"type": "", "userId": "u1", "timestamp": "2026-03-02"}),
    "unknown_type": json.dumps(message(type="purchase", messageId="m-2")),
    "missing_message_id": json.dumps(message(messageId=None)),
    "missing_identity": json.dumps(message(messageId="m-2", userId=None, anonymousId="")),
    "missing_timestamp": json.dumps(
        message(messageId="m-2", timestamp="yesterday", sentAt="", receivedAt=None)
    ),
    "invalid_id": json.dumps(message(messageId="m-2", userId={"id": "u1"})),
    "missing_event": json.dumps(message(messageId="m-2", event="")),
    "missing_group_id": json.dumps(message(type="group", messageId="m-2", event=None)),
    "missing_previous_id": json.dumps(message(type="alias", messageId="m-2", event=None)),
    "missing_user_id": json.dumps(
        message(type="alias", messageId="m-2", userId=None, anonymousId="a1", previousId="a0")
    ),
    "implausible_timestamp": json.dumps(message(messageId="m-2", timestamp="9999-01-01T00:00:00Z")),
}


def test_every_reason_has_a_rejected_line_test() -> None:
    assert set(REJECTED_LINES) == set(load_module.REASONS)


@pytest.mark.parametrize(
    ("value", "accepted"),
    [
        ("u-1", True),
        (42, True),
        (4.5, True),
        ("{not an object}", True),
        ("true", True),
        ({"id": "u1"}, False),
        (["u1"], False),
        (True, False),
        (False, False),
    ],
)
@pytest.mark.parametrize("field", ["messageId", "userId", "anonymousId", "groupId", "previousId"])
def test_an_id_must_be_a_string_or_a_number(
    tmp_path: Path, db: Path, field: str, value: object, accepted: bool
) -> None:
    fields: dict[str, object] = {"type": "alias", "previousId": "a0", "event": None}
    fields[field] = value
    summary = load(db, write_lines(tmp_path / "ids.ndjson", [message(**fields)]))
    assert summary.rejected_by_reason == ({} if accepted else {"invalid_id": 1})


def test_an_object_as_context_group_id_is_rejected(tmp_path: Path, db: Path) -> None:
    bad = message(messageId="m-2", context={"groupId": {"id": "g1"}})
    summary = load(db, write_lines(tmp_path / "ids.ndjson", [message(), bad]))
    assert summary.rejected_by_reason == {"invalid_id": 1}
    [(detail,)] = query(db, "select detail from raw.rejected")
    assert "context.groupId" in detail


@pytest.mark.parametrize(
    ("times", "accepted"),
    [
        # event time against receivedAt: up to one day later is a clock a little ahead
        ({"timestamp": "2026-03-02T10:00:00Z", "receivedAt": "2026-03-01T10:00:00Z"}, True),
        ({"timestamp": "2026-03-02T10:00:01Z", "receivedAt": "2026-03-01T10:00:00Z"}, False),
        # without receivedAt, against the load's own clock
        ({"timestamp": "9999-01-01T00:00:00Z"}, False),
        ({"originalTimestamp": "2026-01-01T00:00:00Z", "timestamp": "9999-01-01T00:00:00Z"}, False),
        # too early, both directly and through the clock-skew correction
        ({"timestamp": "1970-01-01T00:00:00Z"}, False),
        ({"timestamp": "1999-12-31T23:59:59Z"}, False),
        ({"timestamp": "2000-01-01T00:00:00Z"}, True),
        (
            {
                "timestamp": "2026-03-02T10:00:00Z",
                "sentAt": "2999-01-01T00:00:00Z",
                "receivedAt": "2026-03-02T10:00:05Z",
            },
            False,
        ),
        # a device clock years off is corrected by sentAt and receivedAt: plausible
        (
            {
                "timestamp": "2040-03-02T10:00:00Z",
                "sentAt": "2040-03-02T10:00:02Z",
                "receivedAt": "2026-03-02T10:00:05Z",
            },
            True,
        ),
        # absurd but parseable years do not overflow the arithmetic
        (
            {
                "timestamp": "200000-03-02T10:00:00Z",
                "sentAt": "-200000-01-01T00:00:00Z",
                "receivedAt": "2026-03-02T10:00:05Z",
            },
            False,
        ),
    ],
)
def test_implausible_event_times_are_rejected(
    tmp_path: Path, db: Path, times: dict[str, str], accepted: bool
) -> None:
    line = {key: value for key, value in message().items() if key != "timestamp"} | times
    summary = load(db, write_lines(tmp_path / "times.ndjson", [line]))
    assert summary.rejected_by_reason == ({} if accepted else {"implausible_timestamp": 1})
    if not accepted:
        [(detail, raw_text)] = query(db, "select detail, raw_text from raw.rejected")
        assert detail.startswith("the event time is ")
        assert json.loads(raw_text) == line


@pytest.mark.parametrize("reason", list(REJECTED_LINES))
def test_rejected_line_lands_in_raw_rejected(tmp_path: Path, db: Path, reason: str) -> None:
    bad = REJECTED_LINES[reason]
    file = write_lines(tmp_path / "mixed.ndjson", [VALID, bad])
    summary = load(db, file)

    assert (summary.lines, summary.inserted, summary.rejected) == (2, 1, 1)
    assert summary.rejected_by_reason == {reason: 1}
    [(load_id, name, line, found, detail, raw_text)] = query(
        db, "select load_id, file, line, reason, detail, raw_text from raw.rejected"
    )
    assert (load_id, name, line, found, raw_text) == (summary.load_id, str(file), 2, reason, bad)
    assert detail  # a sentence for humans
    assert query(db, "select message_id from raw.tracks") == [("ok",)]


def test_line_that_is_not_utf8_is_invalid_json(tmp_path: Path, db: Path) -> None:
    file = tmp_path / "latin1.ndjson"
    file.write_bytes(VALID.encode() + b"\n" + '{"name": "café"}'.encode("latin-1") + b"\n")
    summary = load(db, file)
    assert (summary.inserted, summary.rejected_by_reason) == (1, {"invalid_json": 1})
    [(line, raw_text)] = query(db, "select line, raw_text from raw.rejected")
    assert line == 2 and raw_text.startswith('{"name": "caf')


def test_blank_lines_are_skipped_but_line_numbers_stay_real(tmp_path: Path, db: Path) -> None:
    file = write_lines(tmp_path / "blanks.ndjson", ["", "   ", VALID, "", "not json", "\t"])
    summary = load(db, file)
    assert summary.files[0].lines == 2
    assert query(db, "select _line from raw.tracks") == [(3,)]
    assert query(db, "select line from raw.rejected") == [(5,)]


def test_windows_line_endings(tmp_path: Path, db: Path) -> None:
    file = tmp_path / "crlf.ndjson"
    file.write_bytes(f"{VALID}\r\n\r\nnot json\r\n".encode())
    summary = load(db, file)
    assert (summary.lines, summary.inserted) == (2, 1)
    assert query(db, "select line, raw_text from raw.rejected") == [(3, "not json")]
    [(text,)] = query(db, "select message::varchar from raw.tracks")
    assert text == VALID


# ---------------------------------------------------------------------------- duplicates


def test_duplicates_within_a_file_keep_the_first_copy(tmp_path: Path, db: Path) -> None:
    file = write_lines(
        tmp_path / "dupes.ndjson",
        [message(event="First"), message(event="Second"), message(messageId="m-2")],
    )
    summary = load(db, file)
    assert (summary.lines, summary.inserted, summary.duplicates) == (3, 2, 1)
    assert query(db, "select event, _line from raw.tracks where message_id = 'm-1'") == [
        ("First", 1)
    ]


def test_duplicates_across_loads_and_types_are_counted_not_inserted(
    tmp_path: Path, db: Path
) -> None:
    load(db, write_lines(tmp_path / "day1.ndjson", [message(), message(messageId="m-2")]))
    second = write_lines(
        tmp_path / "day2.ndjson",
        [message(event="Again"), message(type="page", messageId="m-2"), message(messageId="m-3")],
    )
    summary = load(db, second)
    assert (summary.inserted, summary.duplicates) == (1, 2)
    assert query(db, "select count(*) from raw.pages") == [(0,)]
    assert query(db, "select event from raw.tracks where message_id = 'm-1'") == [
        ("Task Completed",)
    ]


def test_first_copy_wins_in_sorted_path_order(tmp_path: Path, db: Path) -> None:
    folder = tmp_path / "exports"
    (folder / "b").mkdir(parents=True)
    write_lines(folder / "b" / "part.ndjson", [message(event="from b/part")])
    write_lines(folder / "a.ndjson", [message(event="from a")])
    write_lines(folder / "c.jsonl", [message(event="from c")])
    summary = load(db, folder / "c.jsonl", folder)  # the order given does not matter

    assert [Path(result.file).name for result in summary.files] == [
        "a.ndjson",
        "part.ndjson",
        "c.jsonl",
    ]
    assert query(db, "select event, _file from raw.tracks") == [
        ("from a", str(folder / "a.ndjson"))
    ]
    assert [(r.file, r.duplicates) for r in summary.files][1:] == [
        (str(folder / "b" / "part.ndjson"), 1),
        (str(folder / "c.jsonl"), 1),
    ]


def test_reloading_the_same_files_changes_no_row(tmp_path: Path, db: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_lines(
        folder / "a.ndjson", [message(), message(), "oops", message(type="page", messageId="p")]
    )
    with gzip.open(folder / "b.ndjson.gz", "wt") as handle:
        handle.write(json.dumps(message(messageId="m-9")) + "\n[]\n")
    first = load(db, folder)
    before = snapshot(db)
    second = load(db, folder)

    assert snapshot(db) == before
    assert second.load_id > first.load_id
    assert (second.lines, second.inserted, second.duplicates, second.rejected) == (
        first.lines,
        0,
        first.inserted + first.duplicates,
        first.rejected,
    )
    loads = query(db, "select load_id, count(*) from raw.loads group by all order by 1")
    assert loads == [(first.load_id, 2), (second.load_id, 2)]


def test_every_file_satisfies_the_accounting_identity(tmp_path: Path, db: Path) -> None:
    write_lines(tmp_path / "a.ndjson", [message(), message(), "x", "", message(messageId="m-2")])
    write_lines(tmp_path / "b.ndjson", [message(messageId="m-2"), message(userId=None), "[1]"])
    load(db, tmp_path)
    load(db, tmp_path / "a.ndjson")
    rows = query(
        db,
        "select file, lines, inserted, duplicates, rejected from raw.loads order by load_id, file",
    )
    assert len(rows) == 3
    for file, lines, inserted, duplicates, rejected in rows:
        assert lines == inserted + duplicates + rejected, file
    assert rows == [
        (str(tmp_path / "a.ndjson"), 4, 2, 1, 1),
        (str(tmp_path / "b.ndjson"), 3, 0, 1, 2),
        (str(tmp_path / "a.ndjson"), 4, 0, 3, 1),
    ]


def mixed_lines(prefix: str, count: int) -> list[object]:
    """Valid messages with repeated ids (within and across files), rejections and blank lines."""
    lines: list[object] = []
    for number in range(count):
        lines.append(message(messageId=f"m-{number % 40}", event=f"{prefix} {number}"))
        if number % 7 == 0:
            lines.append("")
        if number % 11 == 0:
            lines.append(f'{{"type": "track", "messageId": "{prefix}-{number}"')
        if number % 13 == 0:
            lines.append(message(type="page", messageId=f"{prefix}-p{number}", userId=None))
    return lines


def comparable(db: Path) -> dict[str, list[tuple]]:
    """The raw tables without the columns that name the load."""
    tables = {f"raw.{table}": "* exclude (_load_id, _loaded_at)" for table in MESSAGE_TABLES}
    tables["raw.rejected"] = "* exclude (load_id, rejected_at)"
    tables["raw.loads"] = "file, lines, inserted, duplicates, rejected"
    return {
        table: sorted(query(db, f"select {columns} from {table}"), key=repr)
        for table, columns in tables.items()
    }


def test_results_do_not_depend_on_block_pass_and_transaction_sizes(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_lines(folder / "a.ndjson", mixed_lines("a", 120))
    write_lines(folder / "b.ndjson", mixed_lines("b", 90))
    (folder / "c.ndjson").write_bytes(json.dumps(message(messageId="last")).encode())  # no \n
    one_pass = load(tmp_path / "one.duckdb", folder)

    # blocks of a few lines (lines cut across blocks), passes of a few blocks, several commits
    # per file (a file's lines span transactions)
    sizes = LoadSizes(read_bytes=300, first_pass_bytes=1500, pass_bytes=4000, commit_bytes=8000)
    many_passes = load_paths(tmp_path / "many.duckdb", [folder], progress=False, sizes=sizes)

    assert comparable(tmp_path / "many.duckdb") == comparable(tmp_path / "one.duckdb")
    assert [(r.lines, r.inserted, r.duplicates, r.rejected) for r in many_passes.files] == [
        (r.lines, r.inserted, r.duplicates, r.rejected) for r in one_pass.files
    ]
    assert (one_pass.inserted, one_pass.duplicates) == (40 + 1, 120 - 40 + 90 + 0)


def test_progress_is_reported_while_parsing_before_any_commit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = write_lines(tmp_path / "a.ndjson", mixed_lines("a", 200))
    sizes = LoadSizes(
        read_bytes=300,
        first_pass_bytes=1500,
        pass_bytes=1500,
        commit_bytes=20_000,
        progress_seconds=0.0,
    )
    summary = load_paths(tmp_path / "w.duckdb", [file], progress=True, sizes=sizes)
    lines = capsys.readouterr().err.splitlines()

    status = [line for line in lines if "messages parsed" in line]
    first_done = next(i for i, line in enumerate(lines) if line.startswith(f"  {file}:"))
    before = [line for line in lines[:first_done] if "messages parsed, 0 committed" in line]
    assert len(before) >= 2, lines  # several passes reported before the first commit
    assert any(", 0 committed" not in line for line in status), "commits are reported too"
    parsed = [int(line.split()[0].replace(",", "")) for line in status]
    assert parsed == sorted(parsed) and parsed[-1] == summary.lines


def test_a_file_spanning_transactions_has_one_loads_row_with_its_totals(tmp_path: Path) -> None:
    file = write_lines(tmp_path / "a.ndjson", mixed_lines("a", 200))
    sizes = LoadSizes(read_bytes=300, first_pass_bytes=1500, pass_bytes=1500, commit_bytes=3000)
    db = tmp_path / "w.duckdb"
    summary = load_paths(db, [file], progress=False, sizes=sizes)
    assert query(db, "select lines, inserted, duplicates, rejected from raw.loads") == [
        (summary.lines, summary.inserted, summary.duplicates, summary.rejected)
    ]
    [(rows,)] = query(db, "select count(*) from raw.tracks")
    assert rows == summary.inserted > 0


def test_the_loader_reads_event_time_as_the_models_do() -> None:
    """The plausibility check computes contract section 3's event time in the loader; it must
    agree with macro segment_event_at, which the models use, for every combination of times."""
    import itertools

    import jinja2

    from accountable.load import rules

    macro_file = Path(__file__).resolve().parents[2] / "macros" / "rules" / "segment_event_at.sql"
    macro = jinja2.Environment(extensions=["jinja2.ext.do"]).from_string(macro_file.read_text())
    models = macro.module.default__segment_event_at(
        "timestamp", "original_timestamp", "sent_at", "received_at"
    )
    moments = [None, "2026-03-02 10:00:00", "2026-03-02 10:00:05.5", "2031-01-01 00:00:00"]
    rows = list(itertools.product(moments, repeat=4))
    with duckdb.connect() as connection:
        connection.execute(
            "create table times (timestamp timestamp, original_timestamp timestamp, "
            "sent_at timestamp, received_at timestamp)"
        )
        connection.executemany("insert into times values (?, ?, ?, ?)", rows)
        different = connection.execute(
            f"select * from times where ({models}) is distinct from "
            f"make_timestamp(({rules.EVENT_US_SQL})::bigint)"
        ).fetchall()
    assert different == []


# ---------------------------------------------------------------------------- formats


def test_a_long_file_of_batch_bodies_numbers_elements_across_record_batches(
    tmp_path: Path, db: Path
) -> None:
    bodies = [
        {"batch": [message(messageId=f"m-{body}-{n}") for n in range(1_000)]} for body in range(61)
    ]
    bodies[60]["batch"][-1] = {"type": "track"}  # element 61,000: rejected, so its number shows
    file = write_lines(tmp_path / "bodies.json", bodies)
    summary = load(db, file)
    assert (summary.lines, summary.inserted, summary.rejected) == (61_000, 60_999, 1)
    assert query(db, "select line from raw.rejected") == [(61_000,)]
    assert query(db, "select max(_line), count(distinct _line) from raw.tracks") == [
        (60_999, 60_999)
    ]


def test_gzip_files_are_read(tmp_path: Path, db: Path) -> None:
    file = tmp_path / "day.json.gz"
    with gzip.open(file, "wt") as handle:
        handle.write(json.dumps(message()) + "\n\n" + "bad\n")
    summary = load(db, file)
    assert (summary.lines, summary.inserted, summary.rejected) == (2, 1, 1)
    assert query(db, "select line, raw_text from raw.rejected") == [(3, "bad")]


BATCH = {
    "sentAt": "2026-03-02T10:05:00Z",
    "context": {"library": {"name": "analytics-python"}, "ip": "10.0.0.1"},
    "batch": [
        {
            "type": "track",
            "messageId": "b1",
            "userId": "u1",
            "event": "A",
            "timestamp": "2026-03-02T10:00:00Z",
        },
        {
            "type": "identify",
            "messageId": "b2",
            "userId": "u1",
            "sentAt": "2026-03-02T11:00:00Z",
            "context": {"ip": "192.168.0.9", "groupId": "g1"},
        },
        42,
        {"type": "track", "messageId": "b3", "event": "B"},
    ],
}


def check_batch_load(db: Path, file: Path) -> None:
    summary = load(db, file)
    assert (summary.lines, summary.inserted, summary.rejected) == (4, 2, 2)
    [(line, sent_at, ip, library, message_text)] = query(
        db,
        "select _line, sent_at, context->>'ip', context->'library'->>'name', message::varchar "
        "from raw.tracks",
    )
    assert (line, sent_at, ip, library) == (
        1,
        dt.datetime(2026, 3, 2, 10, 5),
        "10.0.0.1",
        "analytics-python",
    )
    assert json.loads(message_text)["sentAt"] == "2026-03-02T10:05:00Z"
    [(line, sent_at, ip, library, group)] = query(
        db,
        "select _line, sent_at, context->>'ip', context->'library'->>'name', context_group_id "
        "from raw.identifies",
    )
    assert (line, sent_at, ip, library, group) == (
        2,
        dt.datetime(2026, 3, 2, 11, 0),
        "192.168.0.9",
        "analytics-python",
        "g1",
    )
    rejected = query(db, "select line, reason, raw_text from raw.rejected order by line")
    assert rejected == [
        (3, "not_an_object", "42"),
        (4, "missing_identity", json.dumps(BATCH["batch"][3], separators=(",", ":"))),
    ]


def test_batch_body_on_one_line(tmp_path: Path, db: Path) -> None:
    file = tmp_path / "batch.json"
    file.write_text(json.dumps(BATCH) + "\n")
    check_batch_load(db, file)


def test_batch_bodies_one_per_line_number_elements_on(tmp_path: Path, db: Path) -> None:
    first = {"batch": [message(messageId="b1"), message(messageId="b2")]}
    second = {"batch": [message(messageId="b3", userId=None)], "sentAt": "2026-03-02"}
    file = write_lines(tmp_path / "bodies.ndjson", [first, "", second])
    summary = load(db, file)
    assert (summary.lines, summary.inserted, summary.rejected) == (3, 2, 1)
    assert query(db, "select message_id, _line from raw.tracks order by _line") == [
        ("b1", 1),
        ("b2", 2),
    ]
    assert query(db, "select line, reason from raw.rejected") == [(3, "missing_identity")]


def test_pretty_printed_batch_body(tmp_path: Path, db: Path) -> None:
    file = tmp_path / "batch.json"
    file.write_text(json.dumps(BATCH, indent=2))
    check_batch_load(db, file)


# ---------------------------------------------------------------------------- errors


def test_missing_path_fails_before_anything_is_written(tmp_path: Path, db: Path) -> None:
    good = write_lines(tmp_path / "good.ndjson", [message()])
    load(db, good)
    before = snapshot(db), query(db, "select * from raw.loads")
    other = write_lines(tmp_path / "other.ndjson", [message(messageId="new")])

    with pytest.raises(LoadError, match=r"no-such-file\.ndjson: no such file"):
        load(db, other, tmp_path / "no-such-file.ndjson")
    assert (snapshot(db), query(db, "select * from raw.loads")) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file_fails_before_anything_is_written(tmp_path: Path, db: Path) -> None:
    secret = write_lines(tmp_path / "secret.ndjson", [message()])
    secret.chmod(0)
    with pytest.raises(LoadError, match="cannot be read"):
        load(db, secret)
    assert not db.exists()


def test_corrupt_gzip_is_an_error_and_nothing_of_the_load_is_kept(tmp_path: Path, db: Path) -> None:
    write_lines(tmp_path / "a.ndjson", [message()])
    broken = tmp_path / "b.ndjson.gz"
    broken.write_bytes(gzip.compress((json.dumps(message(messageId="m-2")) + "\n").encode())[:-8])
    with pytest.raises(LoadError, match=r"b\.ndjson\.gz: cannot be read"):
        load(db, tmp_path)
    assert query(db, "select count(*) from raw.tracks") == [(0,)]
    assert query(db, "select count(*) from raw.loads") == [(0,)]


def test_file_named_with_another_extension_is_an_error(tmp_path: Path, db: Path) -> None:
    csv = tmp_path / "events.csv"
    csv.write_text("type,messageId\n")
    with pytest.raises(LoadError, match=r"events\.csv: not a message file"):
        load(db, csv)
    assert not db.exists()


def test_other_files_in_folders_are_skipped_and_counted(tmp_path: Path, db: Path) -> None:
    write_lines(tmp_path / "a.ndjson", [message()])
    (tmp_path / "README.md").write_text("notes")
    (tmp_path / "events.csv").write_text("x")
    summary = load(db, tmp_path)
    skipped = [str(tmp_path / "README.md"), str(tmp_path / "events.csv")]
    assert (len(summary.files), summary.skipped, summary.inserted) == (1, skipped, 1)
    assert query(
        db, "select file, lines, skipped_reason is not null from raw.loads order by 1"
    ) == [
        (skipped[0], 0, True),
        (str(tmp_path / "a.ndjson"), 1, False),
        (skipped[1], 0, True),
    ]


def test_skipped_files_are_named_even_when_quiet(tmp_path: Path, db: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    write_lines(folder / "a.ndjson", [message()])
    (folder / "notes.txt").write_text("x")
    loud = subprocess.run(
        [sys.executable, "-m", "accountable.cli", "load", "--db", str(db), str(folder)],
        capture_output=True,
        text=True,
    )
    assert loud.returncode == 0, loud.stderr
    assert str(folder / "notes.txt") in loud.stderr
    quiet = subprocess.run(
        [sys.executable, "-m", "accountable.cli", "load", "--quiet", "--db", str(db), str(folder)],
        capture_output=True,
        text=True,
    )
    assert quiet.returncode == 0, quiet.stderr
    assert "skipped 1 file of other types" in quiet.stderr


def test_an_older_loads_table_gains_the_skipped_reason_column(tmp_path: Path, db: Path) -> None:
    with duckdb.connect(str(db)) as connection:
        connection.execute("create schema raw")
        connection.execute(
            "create table raw.loads (load_id bigint not null, file varchar not null, "
            "lines bigint not null, inserted bigint not null, duplicates bigint not null, "
            "rejected bigint not null, loaded_at timestamp not null, seconds double)"
        )
    load(db, write_lines(tmp_path / "a.ndjson", [message()]))
    assert query(db, "select lines, skipped_reason from raw.loads") == [(1, None)]


def test_folder_without_message_files_is_an_error(tmp_path: Path, db: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "notes.txt").write_text("nothing here")
    with pytest.raises(LoadError, match="no message files"):
        load(db, folder)


def test_locked_database_is_an_error_that_says_so(tmp_path: Path, db: Path) -> None:
    file = write_lines(tmp_path / "a.ndjson", [message()])
    load(db, file)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time\n"
            f"connection = duckdb.connect({str(db)!r})\n"
            "print('ready', flush=True)\n"
            "sys.stdin.read()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(LoadError, match="locked by another process"):
            load(db, write_lines(tmp_path / "b.ndjson", [message(messageId="m-2")]))
    finally:
        holder.communicate(timeout=30)
    assert query(db, "select message_id from raw.tracks") == [("m-1",)]


def test_progress_goes_to_stderr_only_when_asked(
    tmp_path: Path, db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = write_lines(tmp_path / "a.ndjson", [message(), "bad"])
    load_paths(db, [file], progress=False)
    assert capsys.readouterr() == ("", "")
    load_paths(db, [file], progress=True)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "messages/s" in captured.err and "invalid_json 1" in captured.err
