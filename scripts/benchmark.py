"""Benchmark: generate, load, stage and build at 1 and 10 million messages; print the figures.

Not a test: it prints numbers to compare with the targets (2-core machine):
- generate 10M messages in under 2 minutes; load at >= 150,000 messages/s, within 3x of a bare
  DuckDB read_json of the same files;
- full build of the entity models (fct_events and dimensions) of the 10M world under 3 minutes,
  and an incremental run after ~1% more data under 15% of it;
- full `dbt build` of the whole project under 4 minutes, incremental under 20% of it.

The ~1% increment is a second, small world (another seed, every id prefixed `late-`) loaded after
the first build: new accounts and people arriving, as after a day of new data.

Usage: .venv/bin/python scripts/benchmark.py [--sizes 1m,10m] [--keep] [--work DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SIZES = {"100k": 200, "1m": 2000, "10m": 20000}  # accounts; ~500 messages each over 90 days

MEASURE = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,"
    " code)\n"
)


def measure(args: list[str], env: dict[str, str], log: Path) -> tuple[float, float]:
    """Run a command; return (seconds, peak RSS in MiB of the process tree's largest process)."""
    with log.open("a") as out:
        out.write(f"\n$ {' '.join(args)}\n")
        out.flush()
        result = subprocess.run(
            [sys.executable, "-c", MEASURE, *args],
            env=env,
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=out,
            text=True,
        )
    lines = result.stdout.strip().splitlines()
    seconds, rss_kib, code = lines[-1].split()
    with log.open("a") as out:
        out.write("\n".join(lines[:-1]) + "\n")
    if int(code) != 0:
        raise SystemExit(f"benchmark step failed: {' '.join(args)} (see {log})")
    return float(seconds), int(rss_kib) / 1024


def count_lines(folder: Path) -> int:
    total = 0
    for path in sorted(folder.glob("*.ndjson")):
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 24):
                total += chunk.count(b"\n")
    return total


def bare_read_seconds(folder: Path, db: Path) -> float:
    import duckdb

    con = duckdb.connect(str(db))
    start = time.perf_counter()
    con.execute(
        "create table bare as select * from read_json(?, format='newline_delimited', "
        "union_by_name=true, ignore_errors=true)",
        [str(folder / "*.ndjson")],
    )
    seconds = time.perf_counter() - start
    con.close()
    return seconds


def run_size(name: str, accounts: int, work: Path, log: Path) -> dict:
    data = work / f"data-{name}"
    late = work / f"late-{name}"
    db = work / f"warehouse-{name}.duckdb"
    for path in (data, late):
        shutil.rmtree(path, ignore_errors=True)
    for suffix in ("", ".wal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    env = dict(os.environ, ACCOUNTABLE_DB=str(db))
    dbt = [str(BIN / "dbt")]
    dbt_flags = [
        "--profiles-dir",
        str(REPO),
        "--target-path",
        str(work / "target"),
        "--log-path",
        str(work / "logs"),
    ]
    figures: dict = {"size": name, "accounts": accounts}
    print(f"[{name}] generating {accounts} accounts ...", flush=True)

    seconds, rss = measure(
        [
            str(BIN / "accountable"),
            "generate",
            "--quiet",
            "--accounts",
            str(accounts),
            "--days",
            "90",
            "--seed",
            "1",
            "--out",
            str(data),
        ],
        env,
        log,
    )
    messages = count_lines(data)
    figures.update(
        messages=messages,
        generate_s=seconds,
        generate_msg_s=messages / seconds,
        generate_peak_mib=rss,
    )
    print(f"[{name}] {messages:,} lines in {seconds:.1f}s", flush=True)

    bare_db = work / f"bare-{name}.duckdb"
    bare_db.unlink(missing_ok=True)
    figures["bare_read_s"] = bare_read_seconds(data, bare_db)
    bare_db.unlink(missing_ok=True)

    seconds, rss = measure(
        [str(BIN / "accountable"), "load", "--quiet", "--db", str(db), str(data)], env, log
    )
    figures.update(
        load_s=seconds,
        load_msg_s=messages / seconds,
        load_peak_mib=rss,
        load_vs_bare=seconds / figures["bare_read_s"],
    )
    print(f"[{name}] loaded in {seconds:.1f}s ({messages / seconds:,.0f} msg/s)", flush=True)

    seconds, rss = measure([*dbt, "run", *dbt_flags, "--select", "staging"], env, log)
    stage_count = subprocess.run(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1], read_only=True); "
            "t = time.perf_counter(); "
            "[c.execute(f'select count(*), min(event_at), max(event_at) from staging.{v}')"
            ".fetchone()"
            " for v in ['stg_segment__tracks', 'stg_segment__pages', 'stg_segment__identifies',"
            " 'stg_segment__groups', 'stg_segment__screens', 'stg_segment__aliases']]; "
            "print(time.perf_counter() - t)",
            str(db),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    stage_scan = float(stage_count.stdout.strip())
    figures.update(stage_s=seconds + stage_scan, stage_msg_s=messages / (seconds + stage_scan))

    # Entity models (issue: users, accounts, memberships, events), then the whole project.
    seconds, rss = measure(
        [*dbt, "run", *dbt_flags, "--select", "+marts.core", "--full-refresh"], env, log
    )
    figures.update(core_full_s=seconds, core_full_peak_mib=rss)
    print(f"[{name}] core models full run {seconds:.1f}s", flush=True)
    seconds, rss = measure([*dbt, "build", *dbt_flags, "--full-refresh"], env, log)
    figures.update(build_full_s=seconds, build_full_peak_mib=rss)
    print(f"[{name}] full dbt build {seconds:.1f}s", flush=True)

    # ~1% more data: land the held-back tail, then incremental runs.
    held = hold_back_tail_after_load(data, late, db, env, log)
    figures["increment_messages"] = held
    seconds, rss = measure([*dbt, "run", *dbt_flags, "--select", "+marts.core"], env, log)
    figures.update(
        core_incremental_s=seconds, core_incremental_share=seconds / figures["core_full_s"]
    )
    seconds, rss = measure([*dbt, "build", *dbt_flags], env, log)
    figures.update(
        build_incremental_s=seconds,
        build_incremental_peak_mib=rss,
        build_incremental_share=seconds / figures["build_full_s"],
    )
    print(f"[{name}] incremental build {seconds:.1f}s", flush=True)
    return figures


def hold_back_tail_after_load(data: Path, late: Path, db: Path, env: dict, log: Path) -> int:
    """Land about 1% more messages: a second small world whose ids are all new."""
    messages = count_lines(data)
    accounts = max(2, round(messages * 0.01 / 500))
    measure(
        [
            str(BIN / "accountable"),
            "generate",
            "--quiet",
            "--accounts",
            str(accounts),
            "--days",
            "90",
            "--seed",
            "2",
            "--out",
            str(late),
        ],
        env,
        log,
    )
    # Different seed, same id scheme would collide: the loader would count them as duplicates.
    # Prefix every id-bearing value so the increment is genuinely new data.
    for path in sorted(late.glob("*.ndjson")):
        text = path.read_text()
        for key in (
            '"messageId": "',
            '"userId": "',
            '"anonymousId": "',
            '"groupId": "',
            '"previousId": "',
            '"messageId":"',
            '"userId":"',
            '"anonymousId":"',
            '"groupId":"',
            '"previousId":"',
        ):
            text = text.replace(key, key + "late-")
        path.write_text(text)
    held = count_lines(late)
    measure([str(BIN / "accountable"), "load", "--quiet", "--db", str(db), str(late)], env, log)
    return held


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1m,10m", help=f"comma list of {', '.join(SIZES)}")
    parser.add_argument("--work", type=Path, default=REPO / "target" / "benchmark")
    parser.add_argument("--keep", action="store_true", help="keep generated data and warehouses")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    log = args.work / "benchmark.log"
    log.write_text("")
    results = []
    for name in args.sizes.split(","):
        results.append(run_size(name, SIZES[name], args.work, log))
        print(json.dumps(results[-1], indent=2), flush=True)
        if not args.keep:
            for path in args.work.glob(f"*-{name}*"):
                shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink()
    print(
        "\nsize  messages     gen msg/s  load msg/s  load/bare  core full  core incr  "
        "build full  build incr"
    )
    for r in results:
        print(
            f"{r['size']:<5} {r['messages']:>10,}  {r['generate_msg_s']:>9,.0f}  "
            f"{r['load_msg_s']:>10,.0f}  {r['load_vs_bare']:>9.2f}  {r['core_full_s']:>8.1f}s  "
            f"{r['core_incremental_s']:>8.1f}s  {r['build_full_s']:>9.1f}s  "
            f"{r['build_incremental_s']:>9.1f}s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
