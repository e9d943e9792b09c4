"""fct_events is incremental. A sequence of incremental runs, each after a batch of new data, must
give exactly the tables a full refresh gives over the same data, even when messages arrive late
and identities are resolved late (an identify that stitches old anonymous events arrives days
after them, a membership that re-attributes old events arrives after them)."""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path

import duckdb
import pytest

from dbt_runner import BIN, REPO, dbt, load

pytestmark = pytest.mark.e2e

MARTS = ["fct_events", "dim_users", "dim_accounts", "dim_memberships"]
# A zero look-back proves the re-processing of touched people is exact on its own.
VARS = {"events_lookback_days": 0}


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

    paths = []
    for index, batch in enumerate(batches):
        path = work / f"batch-{index}.json"
        path.write_text("\n".join(batch) + "\n")
        paths.append(path)
    return paths


def _table_rows(db: Path, table: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return sorted(
            con.execute(f"select * from marts.{table}").fetchall(), key=lambda row: repr(row)
        )
    finally:
        con.close()


def test_incremental_runs_equal_a_full_refresh(tmp_path):
    batches = _batches(tmp_path)
    incremental_db = tmp_path / "incremental.duckdb"
    full_db = tmp_path / "full.duckdb"

    for batch in batches:
        load(incremental_db, batch)
        load(full_db, batch)
        dbt("run", incremental_db, tmp_path / "incremental", vars=VARS)
    dbt("run", full_db, tmp_path / "full", vars=VARS, extra=["--full-refresh"])

    events = _table_rows(full_db, "fct_events")
    assert len(events) > 1000, "the fixture world is too small to mean anything"
    for table in MARTS:
        assert _table_rows(incremental_db, table) == _table_rows(full_db, table), table
