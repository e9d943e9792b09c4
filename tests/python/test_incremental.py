"""The entity models and fct_events are incremental. A sequence of incremental runs, each after a
batch of new data, must give exactly the tables a full refresh gives over the same data, even when
messages arrive late and identities are resolved late: an identify that stitches old anonymous
events arrives days after them, a membership that re-attributes old events arrives after them, a
late but earlier message gives an anonymous id another owner, an alias merges an old user id (with
its events and memberships) into another user."""

from __future__ import annotations

import json
import random
import shutil
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
    "int_events_attributed",
    "int_memberships",
    "int_users",
    "int_accounts",
]


def _message(kind: str, message_id: str, at: str, **fields) -> str:
    return json.dumps({"type": kind, "messageId": message_id, "timestamp": at, **fields})


# Identity changes that move old events, delivered in later batches than the events they move.
# p-old is an old user id with events and a membership; an alias in batch 1 merges it into p-new,
# and batch 2 brings messages sent as p-old and as its anonymous id.
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
        # explicit events (a group id) whose person moves later: by the alias, by a late pairing
        _message(
            "track",
            "ic-09",
            "2026-02-01T11:10:00Z",
            userId="p-old",
            groupId="g-ic",
            event="Task Completed",
        ),
        _message("page", "ic-10", "2026-02-01T08:10:00Z", anonymousId="a-moved", groupId="g-ic"),
    ],
    [
        _message(
            "identify", "ic-11", "2026-02-01T11:30:00Z", userId="p-two", anonymousId="a-moved"
        ),
        _message("group", "ic-12", "2026-02-01T11:40:00Z", userId="p-two", groupId="g-ic2"),
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
    # after the alias: messages sent as the old user id and as its anonymous id
    [
        _message("track", "ic-13", "2026-02-03T09:00:00Z", userId="p-old", event="Task Completed"),
        _message("page", "ic-23", "2026-02-05T09:00:00Z", anonymousId="a-old", name="Home"),
    ],
]
# A zero look-back proves the re-processing of moved people is exact on its own; with a look-back
# the re-processed sets change shape and must stay disjoint (a slow variant: `make test-slow`).
LOOKBACKS = [0, pytest.param(2, marks=pytest.mark.slow)]


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
        rows = con.execute(f"select * from {schema}.{table}").fetchall()
        return sorted(rows, key=repr)
    finally:
        con.close()


def _differences(incremental_db: Path, full_db: Path) -> list[str]:
    """The tables whose rows differ between the two warehouses."""
    differ = [
        table
        for table in MARTS
        if _table_rows(incremental_db, table) != _table_rows(full_db, table)
    ]
    for table in INTERMEDIATE:
        incremental = _table_rows(incremental_db, table, "intermediate")
        if incremental != _table_rows(full_db, table, "intermediate"):
            differ.append(table)
    return differ


def _run_in_batches(work: Path, batches: list[Path], vars: dict, project: Path = REPO) -> Path:
    """Load each batch and run dbt incrementally after it; return the warehouse."""
    db = work / "incremental.duckdb"
    for batch in batches:
        load(db, batch)
        dbt("run", db, work / "incremental", vars=vars, project=project)
    return db


def _full_refresh(work: Path, batches: list[Path], vars: dict) -> Path:
    db = work / "full.duckdb"
    for batch in batches:
        load(db, batch)
    dbt("run", db, work / "full", vars=vars, extra=["--full-refresh"])
    return db


@pytest.fixture(scope="module")
def batches(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return _batches(tmp_path_factory.mktemp("batches"))


@pytest.fixture(scope="module")
def full_db(tmp_path_factory: pytest.TempPathFactory, batches: list[Path]) -> Path:
    """One full refresh over all the batches, which every sequence of incremental runs over them
    must equal, whatever its look-back. Read only: the tests share it."""
    return _full_refresh(tmp_path_factory.mktemp("full"), batches, {"events_lookback_days": 0})


@pytest.mark.parametrize("lookback_days", LOOKBACKS)
def test_incremental_runs_equal_a_full_refresh(tmp_path, batches, full_db, lookback_days):
    vars = {"events_lookback_days": lookback_days}
    incremental_db = _run_in_batches(tmp_path, batches, vars)

    events = _table_rows(full_db, "fct_events")
    assert len(events) > 1000, "the fixture world is too small to mean anything"
    assert _differences(incremental_db, full_db) == []

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


# Parts of the run scope, each removed in turn from a copy of the project: without any of them
# an incremental run misses a person whose messages moved, and the sequence must differ from a
# full refresh. (The scope is a superset; a mutation that only shrinks what is needed anyway
# would not be caught, so each mutation removes a part that the identity cases need.)
SCOPE_MUTATIONS = {
    # the users an anonymous id was seen with: an anonymous-only message or a late pairing
    # would not touch the person who owns (or owned) the anonymous id
    "paired users": (
        "int_run__scope.sql",
        "\n    union\n\n    select user_id\n    from paired_users\n",
        "\n",
    ),
    # following alias calls forward: a message of an old user id would not touch the user it
    # became, an alias would not touch the old owner of the ids it moves
    "alias closure": (
        "int_run__scope.sql",
        "\n    union\n\n    select alias_calls.user_id\n    from touched_users\n",
        "\n    union\n\n    select alias_calls.user_id\n"
        "    from (select '' as user_id) as touched_users\n",
    ),
    # re-attributing only the older events without a group id: an explicit event sent as an
    # old user id (or an anonymous id) would keep the person it had before an alias (a late
    # pairing) moved it
    "moved events": (
        "int_run__event_messages.sql",
        "            or sent_user_id in",
        "            or false and sent_user_id in",
    ),
    "moved anonymous events": (
        "int_run__event_messages.sql",
        "            or (sent_user_id is null and anonymous_id in",
        "            or false and (sent_user_id is null and anonymous_id in",
    ),
}

# One mutation shows in the fast suite that the test can fail; the others are slow variants
# (`make test-slow`).
MUTATIONS = [
    pytest.param(name, marks=() if name == "alias closure" else pytest.mark.slow)
    for name in sorted(SCOPE_MUTATIONS)
]


@pytest.mark.parametrize("mutation", MUTATIONS)
def test_a_smaller_run_scope_breaks_exactness(tmp_path, batches, full_db, mutation):
    """The differential test can fail: with part of the run scope removed, the same batches give
    incremental tables that differ from a full refresh."""
    project = tmp_path / "project"
    project.mkdir()
    for name in ("dbt_project.yml", "profiles.yml", "models", "macros", "tests", "analyses"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("python"))
        elif source.exists():
            shutil.copy(source, project / name)
    file, old, new = SCOPE_MUTATIONS[mutation]
    model = project / "models" / "intermediate" / "run" / file
    text = model.read_text()
    assert text.count(old) == 1, f"mutation {mutation!r} no longer matches {file}"
    model.write_text(text.replace(old, new))

    vars = {"events_lookback_days": 0}
    incremental_db = _run_in_batches(tmp_path, batches, vars, project=project)
    assert _differences(incremental_db, full_db) != []


def test_a_model_that_fell_behind_catches_up(tmp_path, batches, full_db):
    """Run scope and manifest: a run that builds only some models (here the people and what they
    read) leaves the others behind; the next run takes in every load since the oldest model's
    last, so all of them end where a full refresh does. A model run without the run scope stops
    with what to run instead."""
    vars = {"events_lookback_days": 0}
    db = tmp_path / "incremental.duckdb"
    load(db, batches[0])
    dbt("run", db, tmp_path / "incremental", vars=vars)
    load(db, batches[1])

    alone = dbt(
        "run", db, tmp_path / "incremental", vars=vars, extra=["--select", "int_users"], check=False
    )
    assert alone.returncode != 0
    assert "which this run does not build" in alone.stdout
    assert "dbt build --select +int_users" in alone.stdout

    dbt("run", db, tmp_path / "incremental", vars=vars, extra=["--select", "+int_users"])
    manifest = dict(query(db, "select model_name, last_load_id from main.accountable_manifest"))
    assert manifest["int_users"] > manifest["int_events_attributed"]

    load(db, batches[2])
    dbt("run", db, tmp_path / "incremental", vars=vars)
    assert _differences(db, full_db) == []
    manifest = dict(query(db, "select model_name, last_load_id from main.accountable_manifest"))
    assert len(set(manifest.values())) == 1, manifest
