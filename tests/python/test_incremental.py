"""The entity models and fct_events are incremental. A sequence of incremental runs, each after a
batch of new data, must give exactly the tables a full refresh gives over the same data, even when
messages arrive late and identities are resolved late: an identify that stitches old anonymous
events arrives days after them, a membership that re-attributes old events arrives after them, a
late but earlier message gives an anonymous id another owner, an alias merges an old user id (with
its events and memberships) into another user."""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path

import duckdb
import pytest

from dbt_runner import BIN, REPO, dbt, load, query

pytestmark = pytest.mark.e2e

MARTS = ["fct_events", "dim_users", "dim_accounts", "dim_memberships"]
INTERMEDIATE = [
    "int_identity__previous_ids",
    "int_identity__anonymous_ids",
    "int_memberships",
    "int_users",
    "int_accounts",
]
# Incremental bookkeeping: when a row last changed differs by construction between the two.
BOOKKEEPING = {"changed_load_id", "previous_user_id"}


def _message(kind: str, message_id: str, at: str, **fields) -> str:
    return json.dumps({"type": kind, "messageId": message_id, "timestamp": at, **fields})


# Identity changes that move old events, delivered in later batches than the events they move.
# p-old is an old user id with events and a membership; an alias in batch 2 merges it into p-new.
# a-moved first meets p-one (batch 0); a late message of batch 1, earlier, gives it to p-two.
IDENTITY_CASES = [
    [
        _message("identify", "ic-01", "2026-02-01T10:00:00Z", userId="p-old", anonymousId="a-old"),
        _message("page", "ic-02", "2026-02-01T09:00:00Z", anonymousId="a-old", name="Home"),
        _message(
            "group",
            "ic-03",
            "2026-02-01T10:05:00Z",
            userId="p-old",
            groupId="g-ic",
            traits={"name": "Identity Co"},
        ),
        _message("track", "ic-04", "2026-02-01T11:00:00Z", userId="p-old", event="Task Completed"),
        _message("group", "ic-05", "2026-02-02T10:00:00Z", userId="p-new", groupId="g-ic2"),
        _message(
            "track",
            "ic-06",
            "2026-02-01T12:00:00Z",
            userId="p-one",
            anonymousId="a-moved",
            event="Task Completed",
        ),
        _message("page", "ic-07", "2026-02-01T08:00:00Z", anonymousId="a-moved", name="Home"),
        _message("group", "ic-08", "2026-02-01T12:30:00Z", userId="p-one", groupId="g-ic"),
    ],
    [
        _message(
            "identify", "ic-11", "2026-02-01T11:30:00Z", userId="p-two", anonymousId="a-moved"
        ),
        _message("group", "ic-12", "2026-02-01T11:40:00Z", userId="p-two", groupId="g-ic2"),
        _message("track", "ic-13", "2026-02-03T09:00:00Z", userId="p-old", event="Task Completed"),
    ],
    [
        json.dumps(
            {
                "type": "alias",
                "messageId": "ic-21",
                "previousId": "p-old",
                "userId": "p-new",
                "timestamp": "2026-02-04T10:00:00Z",
            }
        ),
        _message("track", "ic-22", "2026-02-04T10:05:00Z", userId="p-new", event="Task Completed"),
    ],
]
# A zero look-back proves the re-processing of moved people is exact on its own; with a look-back
# the re-processed sets change shape and must stay disjoint.
LOOKBACKS = [0, 2]


def _event_time(line: str) -> str:
    try:
        message = json.loads(line)
    except ValueError:
        return ""
    if not isinstance(message, dict):
        return ""
    for key in ("originalTimestamp", "timestamp", "receivedAt", "sentAt"):
        if isinstance(message.get(key), str):
            return message[key]
    return ""


def _batches(work: Path) -> list[Path]:
    """Three batches cut by time, with ~10% of each later batch's lines delivered early and
    ~10% of the earlier batches' lines (identifies and groups among them) delivered late."""
    generated = work / "generated"
    subprocess.run(
        [
            str(BIN / "accountable"),
            "generate",
            "--quiet",
            "--accounts",
            "12",
            "--days",
            "21",
            "--seed",
            "11",
            "--jobs",
            "1",
            "--out",
            str(generated),
        ],
        check=True,
    )
    lines = []
    for path in sorted(generated.glob("*.ndjson")):
        lines += [line for line in path.read_text().splitlines() if line.strip()]
    lines.sort(key=_event_time)
    rng = random.Random(5)
    cut = [len(lines) // 3, 2 * len(lines) // 3]
    batches: list[list[str]] = [lines[: cut[0]], lines[cut[0] : cut[1]], lines[cut[1] :]]
    for index in (0, 1):
        late = [line for line in batches[index] if rng.random() < 0.1]
        batches[index] = [line for line in batches[index] if line not in set(late)]
        batches[2] += late

    # The contract's worked example, its identify (which stitches the 09:00 page) delivered last.
    example = (REPO / "tests" / "fixtures" / "worked_example.json").read_text().splitlines()
    identify = [line for line in example if '"identify"' in line]
    batches[0] += [line for line in example[:7] if line not in identify]
    batches[1] += example[7:]
    batches[2] += identify
    for index, case in enumerate(IDENTITY_CASES):
        batches[index] += case

    paths = []
    for index, batch in enumerate(batches):
        path = work / f"batch-{index}.json"
        path.write_text("\n".join(batch) + "\n")
        paths.append(path)
    return paths


def _table_rows(db: Path, table: str, schema: str = "marts") -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        columns = [
            name
            for (name,) in con.execute(
                "select column_name from information_schema.columns"
                " where table_schema = ? and table_name = ? order by ordinal_position",
                [schema, table],
            ).fetchall()
            if name not in BOOKKEEPING
        ]
        rows = con.execute(f"select {', '.join(columns)} from {schema}.{table}").fetchall()
        return sorted(rows, key=repr)
    finally:
        con.close()


@pytest.mark.parametrize("lookback_days", LOOKBACKS)
def test_incremental_runs_equal_a_full_refresh(tmp_path, lookback_days):
    vars = {"events_lookback_days": lookback_days}
    batches = _batches(tmp_path)
    incremental_db = tmp_path / "incremental.duckdb"
    full_db = tmp_path / "full.duckdb"

    for batch in batches:
        load(incremental_db, batch)
        load(full_db, batch)
        dbt("run", incremental_db, tmp_path / "incremental", vars=vars)
    dbt("run", full_db, tmp_path / "full", vars=vars, extra=["--full-refresh"])

    events = _table_rows(full_db, "fct_events")
    assert len(events) > 1000, "the fixture world is too small to mean anything"
    for table in MARTS:
        assert _table_rows(incremental_db, table) == _table_rows(full_db, table), table
    for table in INTERMEDIATE:
        incremental = _table_rows(incremental_db, table, "intermediate")
        assert incremental == _table_rows(full_db, table, "intermediate"), table

    # the identity cases did what they are here for
    con = duckdb.connect(str(full_db), read_only=True)
    try:
        owners = dict(
            con.execute(
                "select anonymous_id, user_id from intermediate.int_identity__anonymous_ids"
                " where anonymous_id in ('a-old', 'a-moved')"
            ).fetchall()
        )
        users = {row[0] for row in con.execute("select user_id from marts.dim_users").fetchall()}
    finally:
        con.close()
    assert owners == {"a-old": "p-new", "a-moved": "p-two"}
    assert "p-old" not in users and "p-new" in users


def test_a_model_run_without_the_identity_models_it_reads_stops_with_a_clear_message(tmp_path):
    """int_users merges the identity changes recorded by the identity models: run alone after a
    new load, before them, it would miss those changes. It must refuse, not drift."""
    db = tmp_path / "warehouse.duckdb"
    example = (REPO / "tests" / "fixtures" / "worked_example.json").read_text().splitlines()
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    first.write_text("\n".join(example[:7]) + "\n")
    second.write_text("\n".join(example[7:]) + "\n")
    load(db, first)
    dbt("run", db, tmp_path, extra=["--select", "+int_users"])
    load(db, second)

    alone = dbt("run", db, tmp_path, extra=["--select", "int_users"], check=False)
    assert alone.returncode != 0
    assert "has not taken in the newest load" in alone.stdout
    assert "dbt build --select +int_users" in alone.stdout

    dbt("run", db, tmp_path, extra=["--select", "+int_users"])
    users = query(db, "select user_id from intermediate.int_users order by user_id")
    assert users == [("u1",), ("u2",)]
