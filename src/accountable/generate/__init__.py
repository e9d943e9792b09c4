"""`accountable generate`: a deterministic synthetic world for the demo product, with its truth.

The world is a collaborative project-management tool: organic and invited sign-ups, anonymous
browsing stitched by identify or alias, people in several accounts, removals and re-adds, a
billing life per account (billing.py: trials, plans, seats, cancellations, comebacks, bad
amounts), skewed device clocks, duplicates and malformed lines. `--out` receives
`part-XXXXX.ndjson[.gz]` files (about `lines_per_file` lines each, the last one holding late
duplicate deliveries), small `batch-XXXXX.json` files (/v1/batch bodies), and `truth/*.csv`:
what a correct warehouse must show for these files under the contract's rules.

Same arguments and seed, same bytes, whatever `jobs`: accounts are cut into chunks from the
arguments alone, each account has its own seeded random stream, and the world plan that lets a
person be a guest in another account is derived from the seed by every process.
"""

from __future__ import annotations

import multiprocessing
import shutil
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from accountable.generate.chunk import ChunkTask, open_part, part_name, run_chunk, world_for
from accountable.generate.clock import epoch_ms, iso
from accountable.generate.revenue import RevenueFold, errors_csv, monthly_csv

__all__ = ["GenerateError", "GenerateSummary", "generate"]

MESSAGES_PER_ACCOUNT_DAY = 5.6  # what the simulation averages (about 500 per account over 90 days)
MESSAGES_PER_BATCH_FILE = 100_000
TRUTH_HEADERS = {
    "events.csv": "message_id,expected_user_id,expected_account_id,expected_attribution,event_at,"
    "event_type,event_name\n",
    "memberships.csv": "account_id,user_id,joined_at,left_at,role\n",
    "accounts.csv": "account_id,created_at\n",
    "users.csv": "user_id,first_seen_at\n",
    "account_mrr_monthly.csv": "account_id,month,mrr,previous_mrr,mrr_change,movement\n",
    "mrr_event_errors.csv": "event_id,account_id,event_name,event_at,reason\n",
}


class GenerateError(ValueError):
    """Arguments `generate` cannot work with; the message says what to change."""


@dataclass(slots=True)
class GenerateSummary:
    out: Path
    files: list[Path]
    seconds: float
    stats: Counter = field(default_factory=Counter)

    @property
    def messages(self) -> int:
        """Lines and batch elements written, duplicates and malformed ones included."""
        noise = sum(v for k, v in self.stats.items() if k.startswith(("malformed_", "duplicates")))
        return self.stats["messages_valid"] + noise


def _parse_start(start: str) -> int:
    try:
        return epoch_ms(date.fromisoformat(start))
    except ValueError:
        raise GenerateError(f"--start must be a date as YYYY-MM-DD, got {start!r}") from None


def _tasks(
    seed: int, accounts: int, start_ms: int, days: int, out: Path, gzip: bool, lines: int
) -> list[ChunkTask]:
    """Cut the accounts into chunks of about `lines` messages, from the arguments alone."""
    per_account = MESSAGES_PER_ACCOUNT_DAY * days
    chunk_accounts = max(1, round(lines / per_account))

    def batch_files(size: int) -> int:
        return max(1, round(size * per_account / MESSAGES_PER_BATCH_FILE))

    return [
        ChunkTask(
            seed=seed,
            accounts=accounts,
            start_ms=start_ms,
            days=days,
            chunk=number,
            first=first,
            stop=min(first + chunk_accounts, accounts),
            batch_files=batch_files(chunk_accounts),
            batch_files_here=batch_files(min(chunk_accounts, accounts - first)),
            out=str(out),
            gzip=gzip,
        )
        for number, first in enumerate(range(0, accounts, chunk_accounts))
    ]


def _clear_previous_output(out: Path) -> None:
    """Remove files a previous run left under the names this one writes."""
    for pattern in ("part-*.ndjson", "part-*.ndjson.gz", "batch-*.json"):
        for path in out.glob(pattern):
            path.unlink()
    for name in TRUTH_HEADERS:
        (out / "truth" / name).unlink(missing_ok=True)
    shutil.rmtree(out / ".tmp", ignore_errors=True)


def _results(tasks: list[ChunkTask], jobs: int) -> Iterator:
    """Chunk results in chunk order, computed in `jobs` processes."""
    if jobs <= 1 or len(tasks) <= 1:
        yield from map(run_chunk, tasks)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with context.Pool(min(jobs, len(tasks))) as pool:
        yield from pool.imap(run_chunk, tasks)


def _append(target, path: str) -> None:
    with open(path, "rb") as source:
        shutil.copyfileobj(source, target, 16 << 20)
    Path(path).unlink()


def generate(
    *,
    accounts: int = 300,
    days: int = 90,
    seed: int = 42,
    start: str = "2026-01-05",
    out: Path,
    gzip: bool = False,
    jobs: int = 1,
    progress: bool = True,
    lines_per_file: int = 500_000,
) -> GenerateSummary:
    """Write the demo world for `accounts` accounts over `days` days from `start` into `out`.

    `jobs` worker processes share the work without changing a byte of it; `lines_per_file`
    (about 500k messages per part file by default) exists so tests can cut small worlds into
    several files. Returns what was written, with counts by kind in `stats`.
    """
    if accounts < 1 or days < 1 or jobs < 1 or lines_per_file < 1:
        raise GenerateError("accounts, days, jobs and lines_per_file must be positive")
    start_ms = _parse_start(start)
    began = time.perf_counter()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    _clear_previous_output(out)
    (out / ".tmp").mkdir()
    (out / "truth").mkdir(exist_ok=True)
    world_for(seed, accounts, start_ms, days)  # once here, inherited by forked workers
    tasks = _tasks(seed, accounts, start_ms, days, out, gzip, lines_per_file)

    stats: Counter = Counter()
    first_seen: dict[str, int] = {}
    revenue = RevenueFold()
    truth = {name: open(out / "truth" / name, "wb") for name in TRUTH_HEADERS}  # noqa: SIM115
    late_path = out / part_name(len(tasks), gzip)
    done_accounts = 0
    try:
        for name, handle in truth.items():
            handle.write(TRUTH_HEADERS[name].encode())
        with open_part(late_path, gzip) as late:
            for result in _results(tasks, jobs):
                _append(truth["events.csv"], result.tmp_events)
                _append(truth["memberships.csv"], result.tmp_memberships)
                _append(truth["users.csv"], result.tmp_users)
                revenue.merge(result.revenue)
                _append(late, result.tmp_late)
                for group, at in result.account_first_seen.items():
                    if at < first_seen.get(group, at + 1):
                        first_seen[group] = at
                stats.update(result.stats)
                done_accounts += result.accounts
                if progress:
                    _report(done_accounts, accounts, result.chunk + 1, len(tasks), stats, began)
        rows = "".join(f"{group},{iso(at)}\n" for group, at in sorted(first_seen.items()))
        truth["accounts.csv"].write(rows.encode())
        truth["account_mrr_monthly.csv"].write(monthly_csv(revenue.rows()).encode())
        truth["mrr_event_errors.csv"].write(errors_csv(revenue.errors).encode())
    finally:
        for handle in truth.values():
            handle.close()
    shutil.rmtree(out / ".tmp", ignore_errors=True)

    files = sorted(out.glob("part-*")) + sorted(out.glob("batch-*.json"))
    summary = GenerateSummary(out, files, time.perf_counter() - began, stats)
    if progress:
        print(
            f"generate: wrote {summary.messages:,} messages ({stats['messages_valid']:,} valid, "
            f"{_noise(stats, 'duplicates'):,} duplicates, {_noise(stats, 'malformed_'):,} "
            f"malformed, {stats['batch_elements']:,} in batch files) for {accounts:,} accounts "
            f"and {stats['users']:,} users in {len(files)} files under {out} in "
            f"{summary.seconds:.1f}s ({summary.messages / max(summary.seconds, 1e-9):,.0f} msg/s); "
            f"truth in {out / 'truth'}",
            file=sys.stderr,
        )
    return summary


def _noise(stats: Counter, prefix: str) -> int:
    return sum(value for key, value in stats.items() if key.startswith(prefix))


def _report(done: int, total: int, chunk: int, chunks: int, stats: Counter, began: float) -> None:
    elapsed = time.perf_counter() - began
    messages = stats["messages_valid"]
    print(
        f"generate: {done:,}/{total:,} accounts ({chunk}/{chunks} files), {messages:,} messages, "
        f"{messages / max(elapsed, 1e-9):,.0f} msg/s, {elapsed:.0f}s",
        file=sys.stderr,
        flush=True,
    )
