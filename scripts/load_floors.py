"""Load floors: what parts of a load cost on their own, to put the loader's speed in context.

Not a test: it prints numbers. For a folder of message files it times, each in a fresh process
and a fresh database, from the cheapest step to the whole load:

- bare        DuckDB's read_json of the *.ndjson files into a table, schema detected, bad lines
              skipped (the benchmark's reference for the 3x target);
- duckdb_parse DuckDB's own line reader, then one JSON parse per line into the fields the loader
              keeps (the same json_transform), one table: no line numbers, no checks;
- read        the loader's reader alone: the lines of every file with their numbers (the contract
              wants the line of every row and rejection), no database;
- read_store  that reader, and the text of each line stored in one table;
- read_parse  that reader, and one JSON parse per line into the fields the loader keeps, stored
              in one table: the least a load that records line numbers and parses with DuckDB's
              JSON functions can do; no checks, no deduplication, no split by message type;
- load        `accountable load` itself.

Messages per second are over the rows each step reads (the reader skips blank lines; DuckDB's
readers skip the lines they cannot read); CPU is user + system seconds of the step's process
(both cores: it can exceed the wall time).

Usage: .venv/bin/python scripts/load_floors.py FOLDER [--work DIR] [--steps a,b,...]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

STEPS = ("bare", "duckdb_parse", "read", "read_store", "read_parse", "load")


def run_step(step: str, folder: Path, db: Path) -> dict:
    """Run one step in this process; return its lines and wall seconds."""
    import duckdb
    import pyarrow as pa

    from accountable import load
    from accountable.load import database, files, reader, statements

    for path in (db, Path(f"{db}.wal")):
        path.unlink(missing_ok=True)
    started = time.perf_counter()
    if step == "load":
        summary = load.load_paths(db, [folder], progress=False)
        return {"lines": summary.lines, "seconds": time.perf_counter() - started}

    message_files, _ignored = files.collect_files([folder])
    shape = json.dumps(statements.MESSAGE_SHAPE)

    def parse(line: str, source: str) -> str:
        return (
            f"select {line} m.*, doc as message from (\n"
            f"    select *, json_transform(doc, '{shape}') as m\n"
            f"    from (select {line} try_cast(text as json) as doc from {source})\n"
            ")"
        )

    lines = 0

    def batches():
        nonlocal lines
        read_ahead = reader.ReadAhead(message_files, load.LoadSizes())
        try:
            for index in range(len(message_files)):
                for batch in read_ahead.batches(index):
                    lines += batch.num_rows
                    yield batch
        finally:
            read_ahead.close()

    if step == "read":
        for _batch in batches():
            pass
        return {"lines": lines, "seconds": time.perf_counter() - started}

    connection = duckdb.connect(str(db))
    database.configure(connection, load.LoadSizes())
    ndjson = str(folder / "*.ndjson")
    if step == "bare":
        connection.execute(
            "create table bare as select * from read_json(?, format='newline_delimited', "
            "union_by_name=true, ignore_errors=true)",
            [ndjson],
        )
    elif step == "duckdb_parse":
        source = (
            f"read_csv('{ndjson}', header=false, delim=chr(1), quote='', escape='', "
            "columns={'text': 'VARCHAR'}, strict_mode=false, ignore_errors=true)"
        )
        connection.execute("create table parsed as " + parse("", source))
    else:
        stream = pa.RecordBatchReader.from_batches(reader.INCOMING_SCHEMA, batches())
        connection.register("incoming", stream)
        if step == "read_store":
            connection.execute("create table stored as select file_idx, line, text from incoming")
        else:
            select = parse("file_idx, line,", "incoming")
            connection.execute("create table parsed as " + select)
    connection.execute("checkpoint")
    if not lines:
        table = {"bare": "bare", "duckdb_parse": "parsed"}[step]
        lines = connection.execute(f"select count(*) from {table}").fetchone()[0]
    connection.close()
    return {"lines": lines, "seconds": time.perf_counter() - started}


def measure(step: str, folder: Path, db: Path) -> dict:
    """Run a step in a child process; add its CPU seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(
        [sys.executable, __file__, str(folder), "--step", step, "--db", str(db)],
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["cpu"] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    for path in (db, Path(f"{db}.wal")):
        path.unlink(missing_ok=True)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a folder of message files")
    parser.add_argument("--work", type=Path, default=REPO / "target" / "load_floors")
    parser.add_argument(
        "--steps", default=",".join(STEPS), help=f"comma list of {', '.join(STEPS)}"
    )
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(run_step(args.step, args.folder.resolve(), args.db)))
        return 0

    steps = [step.strip() for step in args.steps.split(",") if step.strip()]
    unknown = sorted(set(steps) - set(STEPS))
    if unknown:
        parser.error(f"unknown step(s) {', '.join(unknown)}; choose from {', '.join(STEPS)}")
    args.work.mkdir(parents=True, exist_ok=True)
    db = args.work / "floor.duckdb"
    results: dict[str, dict] = {}
    print(f"{'step':<13} {'seconds':>8} {'CPU s':>7} {'msg/s':>9} {'x bare':>7}", flush=True)
    for step in steps:
        figures = results[step] = measure(step, args.folder.resolve(), db)
        count = figures["lines"]
        ratio = figures["seconds"] / results["bare"]["seconds"] if "bare" in results else None
        print(
            f"{step:<13} {figures['seconds']:8.1f} {figures['cpu']:7.1f}"
            f" {count / figures['seconds']:9,.0f} {'' if ratio is None else f'{ratio:6.2f}x':>7}",
            flush=True,
        )
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
