"""Benchmark: generate, load, stage and build at 1 and 10 million messages; print the figures.

Not a test: it prints numbers to compare with the targets (2-core machine):
- generate 10M messages in under 2 minutes; load at >= 150,000 messages/s, within 3x of a bare
  DuckDB read_json of the same files (the median of three, on files synced to disk);
- full build of the entity models (fct_events and dimensions) of the 10M world under 3 minutes,
  and an incremental run after ~1% more data under 15% of it;
- full `dbt build` of the whole project under 4 minutes, incremental under 20% of it.

The ~1% increment is the world's last day of arrivals (by `receivedAt`), held back from the first
load and landed after the full builds: a daily run's new data, touching people and accounts that
already exist (new sign-ups stitching anonymous history among them). The day before it is held
back too and landed first, with its own incremental run (reported as the first incremental run):
the first run after a full build also pays for DuckDB compacting the row groups that the parallel
full build left partly filled (a one-time cost of its checkpoint). The measured run is the second
one, a daily run in the steady state. Each sequence then runs once more with nothing new loaded,
and a dbt invocation that selects nothing is timed: the floors under any incremental run.

Builds run as in production: `dbt build --exclude-resource-type unit_test` (unit tests check logic
on fixtures, not the data; `make test` runs them). For each dbt step the figures give the wall time
and dbt's own elapsed time from run_results.json (the wall time minus start-up and parsing).

Scale (`--sizes 100m`, not run by default): 100 million messages, written gzip-compressed (the
NDJSON would take 54 GB of disk), and only the steps a team runs every day: generate, load, full
`dbt build`, and one daily increment (load + incremental `dbt build`), each with its time and
peak memory. The generated files are deleted once loaded, before the build. Holding back the last
day would rewrite 54 GB of gzip; the increment is instead the next day of a world generated with
another seed and the same account and user ids (0.3x the accounts, about 1% of the messages): a
day of new messages for accounts and people that already exist.

Usage: .venv/bin/python scripts/benchmark.py [--sizes 1m,10m] [--keep] [--work DIR]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SIZES = {"100k": 200, "1m": 2000, "10m": 20000, "100m": 200000}
"""Accounts per size: ~500 messages each over 90 days."""
LEAN = {"100m"}
"""Sizes run lean: gzip files, generate / load / full build / one daily increment only."""

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


def _open(path: Path, mode: str = "rb"):
    return gzip.open(path, mode, compresslevel=3) if path.name.endswith(".gz") else path.open(mode)


def _message_files(folder: Path) -> list[Path]:
    return sorted([*folder.glob("*.ndjson"), *folder.glob("*.ndjson.gz")])


def count_lines(folder: Path) -> int:
    total = 0
    for path in _message_files(folder):
        with _open(path) as handle:
            while chunk := handle.read(1 << 24):
                total += chunk.count(b"\n")
    return total


def bare_read_seconds(folder: Path, db: Path, runs: int = 3) -> list[float]:
    """Seconds of DuckDB's own read_json of the files into a table with no checks, `runs` times
    into a fresh database each. The files are synced to disk first: right after the generator
    wrote them, the kernel is still writing them back, and the read then took 19.4 s where it
    takes 14-17 s on settled files (10M); the load's reference must not be slowed that way."""
    import duckdb

    os.sync()
    runs_seconds = []
    for _run in range(runs):
        db.unlink(missing_ok=True)
        con = duckdb.connect(str(db))
        start = time.perf_counter()
        con.execute(
            "create table bare as select * from read_json(?, format='newline_delimited', "
            "union_by_name=true, ignore_errors=true)",
            [str(folder / "*.ndjson")],
        )
        runs_seconds.append(time.perf_counter() - start)
        con.close()
    db.unlink(missing_ok=True)
    return runs_seconds


def run_size(name: str, accounts: int, work: Path, log: Path, keep: bool = False) -> dict:
    data = work / f"data-{name}"
    late = work / f"late-{name}"
    warmup = work / f"warmup-{name}"
    db = work / f"warehouse-{name}.duckdb"
    for path in (data, late, warmup):
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
    _kept, held, first_held_day = split_tail(data, late, 0.01)
    _kept, warmup_held, warmup_day = split_tail(data, warmup, 0.01)
    messages = count_lines(data)
    figures.update(
        increment_messages=held,
        increment_first_day=first_held_day,
        warmup_increment_messages=warmup_held,
        warmup_increment_first_day=warmup_day,
        messages=messages,
        generate_s=seconds,
        generate_msg_s=messages / seconds,
        generate_peak_mib=rss,
    )
    print(
        f"[{name}] {messages + held + warmup_held:,} lines in {seconds:.1f}s;"
        f" {warmup_held:,} + {held:,} held back (arrived from {warmup_day}, {first_held_day})",
        flush=True,
    )
    figures["generate_msg_s"] = (messages + held + warmup_held) / seconds

    bare_db = work / f"bare-{name}.duckdb"
    bare_db.unlink(missing_ok=True)
    bare_runs = bare_read_seconds(data, bare_db)
    figures["bare_read_runs_s"] = bare_runs
    figures["bare_read_s"] = sorted(bare_runs)[len(bare_runs) // 2]
    print(
        f"[{name}] bare read_json {figures['bare_read_s']:.1f}s (median of "
        + ", ".join(f"{seconds:.1f}" for seconds in bare_runs)
        + ")",
        flush=True,
    )

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
    core = ["--select", "+marts.core"]
    build = ["--exclude-resource-type", "unit_test"]
    seconds, rss = measure([*dbt, "run", *dbt_flags, *core, "--full-refresh"], env, log)
    figures.update(core_full_s=seconds, core_full_dbt_s=dbt_elapsed(work), core_full_peak_mib=rss)
    print(f"[{name}] core models full run {seconds:.1f}s", flush=True)
    seconds, rss = measure([*dbt, "build", *dbt_flags, *build, "--full-refresh"], env, log)
    figures.update(
        build_full_s=seconds, build_full_dbt_s=dbt_elapsed(work), build_full_peak_mib=rss
    )
    print(f"[{name}] full dbt build {seconds:.1f}s", flush=True)

    # ~1% more data, twice: land the held-back day before last and run incrementally (the first
    # run after the full build), then the last day and run again (the measured daily run). Both
    # the entity models alone and the whole build start from the same copy of the warehouse.
    snapshot = work / f"snapshot-{name}.duckdb"
    shutil.copyfile(db, snapshot)
    steps = (
        ("core", [*dbt, "run", *dbt_flags, *core]),
        ("build", [*dbt, "build", *dbt_flags, *build]),
    )
    for step, command in steps:
        shutil.copyfile(snapshot, db)
        for prefix, increment in ((f"{step}_first", warmup), (step, late)):
            load_s, _ = measure(
                [str(BIN / "accountable"), "load", "--quiet", "--db", str(db), str(increment)],
                env,
                log,
            )
            seconds, rss = measure(command, env, log)
            figures.update(
                {
                    f"{prefix}_incremental_s": seconds,
                    f"{prefix}_incremental_dbt_s": dbt_elapsed(work),
                    f"{prefix}_incremental_peak_mib": rss,
                    f"{prefix}_incremental_share": seconds / figures[f"{step}_full_s"],
                    "increment_load_s": load_s,
                }
            )
            print(f"[{name}] incremental {prefix.replace('_', ' ')} {seconds:.1f}s", flush=True)
        # The same command once more with nothing new loaded: what a run costs whatever the
        # size of the increment (start-up, models rebuilt in full, tests over whole tables).
        seconds, _ = measure(command, env, log)
        figures.update(
            {
                f"{step}_empty_incremental_s": seconds,
                f"{step}_empty_incremental_dbt_s": dbt_elapsed(work),
                f"{step}_empty_incremental_share": seconds / figures[f"{step}_full_s"],
            }
        )
        print(f"[{name}] incremental {step}, nothing new loaded {seconds:.1f}s", flush=True)
    # dbt's own floor: an invocation that selects nothing (start-up, parsing, writing artifacts).
    noop = sorted(
        measure([*dbt, "run", *dbt_flags, "--select", "tag:benchmark_selects_nothing"], env, log)[0]
        for _ in range(3)
    )
    figures.update(dbt_noop_s=noop[1], dbt_noop_share_of_core_full=noop[1] / figures["core_full_s"])
    print(f"[{name}] dbt invocation selecting nothing {noop[1]:.1f}s (median of 3)", flush=True)
    if not keep:
        snapshot.unlink()
    return figures


def run_lean(name: str, accounts: int, work: Path, log: Path) -> dict:
    """The steps a team runs every day, at a scale where the rest would take hours: generate
    (gzip), load, full build, and one daily increment, each with its time and peak memory."""
    data, late = work / f"data-{name}", work / f"late-{name}"
    db = work / f"warehouse-{name}.duckdb"
    for path in (data, late):
        shutil.rmtree(path, ignore_errors=True)
    for suffix in ("", ".wal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    env = dict(os.environ, ACCOUNTABLE_DB=str(db))
    dbt = [str(BIN / "dbt"), "build", "--profiles-dir", str(REPO), "--exclude-resource-type"]
    dbt += ["unit_test", "--target-path", str(work / "target"), "--log-path", str(work / "logs")]
    figures: dict = {"size": name, "accounts": accounts}

    def step(label: str, args: list[str]) -> None:
        print(f"[{name}] {label} ...", flush=True)
        seconds, rss = measure(args, env, log)
        figures.update({f"{label}_s": seconds, f"{label}_peak_mib": rss})
        print(f"[{name}] {label} {seconds:.1f}s, peak {rss:,.0f} MiB", flush=True)

    generate = [str(BIN / "accountable"), "generate", "--quiet", "--gzip"]
    world = ["--seed", "1", "--accounts", str(accounts), "--days", "90", "--out", str(data)]
    step("generate", [*generate, *world])
    next_day = ["--seed", "2", "--accounts", str(accounts * 3 // 10), "--days", "1"]
    step("generate_increment", [*generate, *next_day, "--start", "2026-04-05", "--out", str(late)])
    figures["data_gz_bytes"] = sum(path.stat().st_size for path in _message_files(data))
    step("load", [str(BIN / "accountable"), "load", "--quiet", "--db", str(db), str(data)])
    figures["messages"] = loaded_lines(db)
    figures["load_msg_s"] = figures["messages"] / figures["load_s"]
    shutil.rmtree(data)
    step("build_full", [*dbt, "--full-refresh"])
    figures["warehouse_bytes"] = db.stat().st_size
    step(
        "increment_load", [str(BIN / "accountable"), "load", "--quiet", "--db", str(db), str(late)]
    )
    figures["increment_messages"] = loaded_lines(db) - figures["messages"]
    step("build_incremental", dbt)
    return figures


def loaded_lines(db: Path) -> int:
    """Every line the loads of `db` read (raw.loads)."""
    import duckdb

    with duckdb.connect(str(db), read_only=True) as connection:
        return int(connection.execute("select sum(lines) from raw.loads").fetchone()[0])


def dbt_elapsed(work: Path) -> float:
    """dbt's own elapsed time of its last command (run_results.json): wall time minus start-up."""
    results = json.loads((work / "target" / "run_results.json").read_text())
    return float(results["elapsed_time"])


RECEIVED_DAY = re.compile(rb'"receivedAt": ?"(\d{4}-\d\d-\d\d)')


def split_tail(data: Path, tail: Path, share: float) -> tuple[int, int, str]:
    """Move the messages that arrived last (by `receivedAt` day) out of `data` into `tail`.

    The held-back days are the newest ones whose messages make up about `share` of all lines:
    the increment a daily run sees, touching people and accounts that already exist. Batch
    files and lines without `receivedAt` stay in `data`. Returns (lines kept, lines held back,
    first held-back day).
    """
    days: dict[bytes, int] = {}
    files = _message_files(data)
    for path in files:
        with _open(path) as handle:
            for line in handle:
                found = RECEIVED_DAY.search(line, 0, 4096)
                if found:
                    days[found.group(1)] = days.get(found.group(1), 0) + 1
    total = sum(days.values())
    held, cutoff = 0, max(days)
    for day in sorted(days, reverse=True):
        if held + days[day] > share * total and held > 0:
            break
        held += days[day]
        cutoff = day
    tail.mkdir(parents=True, exist_ok=True)
    kept = held_back = 0
    for path in files:
        keep_path = path.with_name(path.name + ".keep" + (".gz" if path.suffix == ".gz" else ""))
        with (
            _open(path) as source,
            _open(keep_path, "wb") as keep,
            _open(tail / path.name, "wb") as late,
        ):
            for line in source:
                found = RECEIVED_DAY.search(line, 0, 4096)
                if found and found.group(1) >= cutoff:
                    late.write(line)
                    held_back += 1
                else:
                    keep.write(line)
                    kept += 1
        keep_path.replace(path)
    return kept, held_back, cutoff.decode()


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
    lean = []
    for name in args.sizes.split(","):
        if name in LEAN:
            lean.append(run_lean(name, SIZES[name], args.work, log))
            print(json.dumps(lean[-1], indent=2), flush=True)
        else:
            results.append(run_size(name, SIZES[name], args.work, log, args.keep))
            print(json.dumps(results[-1], indent=2), flush=True)
        if not args.keep:
            for path in args.work.glob(f"*-{name}*"):
                shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink()
    for r in lean:
        print(
            f"\n{r['size']}: {r['messages']:,} messages ({r['data_gz_bytes'] / 1e9:.1f} GB gzip);"
            f" generate {r['generate_s']:.0f}s; load {r['load_s']:.0f}s"
            f" ({r['load_msg_s']:,.0f} msg/s, peak {r['load_peak_mib']:,.0f} MiB);"
            f" full build {r['build_full_s']:.0f}s (peak {r['build_full_peak_mib']:,.0f} MiB);"
            f" daily increment of {r['increment_messages']:,}: load {r['increment_load_s']:.0f}s,"
            f" build {r['build_incremental_s']:.0f}s (peak {r['build_incremental_peak_mib']:,.0f}"
            f" MiB); warehouse {r['warehouse_bytes'] / 1e9:.1f} GB"
        )
    if not results:
        return 0
    print(
        "\nsize  messages     gen msg/s  load msg/s  load/bare  core full  core incr  "
        "build full  build incr   (wall; dbt elapsed in brackets)"
    )
    for r in results:
        print(
            f"{r['size']:<5} {r['messages']:>10,}  {r['generate_msg_s']:>9,.0f}  "
            f"{r['load_msg_s']:>10,.0f}  {r['load_vs_bare']:>9.2f}  "
            f"{r['core_full_s']:.1f}s ({r['core_full_dbt_s']:.1f})  "
            f"{r['core_incremental_s']:.1f}s ({r['core_incremental_dbt_s']:.1f}) "
            f"{r['core_incremental_share']:.0%}  "
            f"{r['build_full_s']:.1f}s ({r['build_full_dbt_s']:.1f})  "
            f"{r['build_incremental_s']:.1f}s ({r['build_incremental_dbt_s']:.1f}) "
            f"{r['build_incremental_share']:.0%}"
        )
        print(
            f"      first incremental run after the full build: core"
            f" {r['core_first_incremental_s']:.1f}s ({r['core_first_incremental_dbt_s']:.1f})"
            f" {r['core_first_incremental_share']:.0%}, build"
            f" {r['build_first_incremental_s']:.1f}s ({r['build_first_incremental_dbt_s']:.1f})"
            f" {r['build_first_incremental_share']:.0%}"
        )
        print(
            f"      floors: dbt selecting nothing {r['dbt_noop_s']:.1f}s"
            f" ({r['dbt_noop_share_of_core_full']:.0%} of core full); nothing new loaded: core"
            f" {r['core_empty_incremental_s']:.1f}s ({r['core_empty_incremental_dbt_s']:.1f})"
            f" {r['core_empty_incremental_share']:.0%}, build"
            f" {r['build_empty_incremental_s']:.1f}s ({r['build_empty_incremental_dbt_s']:.1f})"
            f" {r['build_empty_incremental_share']:.0%}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
