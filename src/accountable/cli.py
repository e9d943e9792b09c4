"""The `accountable` command: thin argument parsing over the generate, load, publish and report
modules."""

from __future__ import annotations

import argparse
import os
import sys
from importlib import metadata
from pathlib import Path


def default_db_path() -> Path:
    """$ACCOUNTABLE_DB when set, else warehouse.duckdb in the current directory (the repo root)."""
    return Path(os.environ.get("ACCOUNTABLE_DB") or "warehouse.duckdb")


def default_marts_path() -> Path:
    """$ACCOUNTABLE_MARTS_DB when set, else marts.duckdb in the current directory (the repo root).

    The serving copy BI tools and notebooks read, so `dbt build` never meets their lock.
    """
    return Path(os.environ.get("ACCOUNTABLE_MARTS_DB") or "marts.duckdb")


def package_version() -> str:
    """The installed distribution's version, so `--version` says what pip installed."""
    try:
        return metadata.version("accountable")
    except metadata.PackageNotFoundError:  # running from a source tree that was never installed
        from accountable import __version__

        return __version__


def _positive(value: str) -> int:
    number = int(value)
    if number <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive whole number, got {value}")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="accountable",
        description=(
            "Land Segment-spec messages in DuckDB, generate demo data and publish the marts "
            "for BI tools and notebooks."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {package_version()}")
    sub = parser.add_subparsers(dest="command", required=True)

    gen = sub.add_parser(
        "generate",
        help="write a deterministic synthetic demo dataset as NDJSON",
        description="Write a deterministic (by --seed) synthetic world for the demo product.",
    )
    gen.add_argument("--accounts", type=_positive, default=300, help="number of accounts")
    gen.add_argument("--days", type=_positive, default=90, help="length of the period, in days")
    gen.add_argument("--seed", type=int, default=42, help="random seed (same seed, same files)")
    gen.add_argument(
        "--start", default="2026-01-05", help="first day of the period, YYYY-MM-DD (UTC)"
    )
    gen.add_argument("--gzip", action="store_true", help="write .ndjson.gz instead of .ndjson")
    gen.add_argument(
        "--jobs", type=_positive, default=min(2, os.cpu_count() or 1), help="worker processes"
    )
    gen.add_argument("--out", type=Path, required=True, help="output folder (created if missing)")
    gen.add_argument("--quiet", action="store_true", help="no progress output")

    load = sub.add_parser(
        "load",
        help="land Segment messages from files or folders into the raw tables",
        description=(
            "Land Segment Spec messages (NDJSON, optionally gzip, or /v1/batch bodies) into the "
            "raw schema of the DuckDB warehouse. Files in folders are taken in sorted path order."
        ),
    )
    load.add_argument(
        "--db",
        type=Path,
        default=None,
        help="DuckDB file (default: $ACCOUNTABLE_DB, else warehouse.duckdb)",
    )
    load.add_argument("--quiet", action="store_true", help="no progress output")
    load.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders")

    publish = sub.add_parser(
        "publish",
        help="copy the marts into the serving file that BI tools and notebooks read",
        description=(
            "Copy every table and view of schema marts from the warehouse into the serving file, "
            "written aside and swapped in by an atomic rename: readers of the serving file never "
            "block dbt build, and keep reading the old copy until they reconnect."
        ),
    )
    publish.add_argument(
        "--db",
        type=Path,
        default=None,
        help="the warehouse, read-only (default: $ACCOUNTABLE_DB, else warehouse.duckdb)",
    )
    publish.add_argument(
        "--to",
        type=Path,
        default=None,
        help="the serving file (default: $ACCOUNTABLE_MARTS_DB, else marts.duckdb)",
    )
    publish.add_argument("--quiet", action="store_true", help="no summary")

    report = sub.add_parser(
        "report",
        help="write an HTML page of charts from the serving file",
        description=(
            "Write DIR/index.html: one self-contained page (it opens offline) with charts of "
            "active accounts, retention, activation, funnels, MRR movements, lifecycle and "
            "health, read from the serving file that accountable publish writes."
        ),
    )
    report.add_argument(
        "--db",
        type=Path,
        default=None,
        help="the serving file, read-only (default: $ACCOUNTABLE_MARTS_DB, else marts.duckdb)",
    )
    report.add_argument(
        "--out", type=Path, default=Path("report"), help="output folder (default: report/)"
    )
    report.add_argument("--quiet", action="store_true", help="no summary")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "generate":
        from accountable.generate import GenerateError, generate

        try:
            generate(
                accounts=args.accounts,
                days=args.days,
                seed=args.seed,
                start=args.start,
                out=args.out,
                gzip=args.gzip,
                jobs=args.jobs,
                progress=not args.quiet,
            )
        except GenerateError as error:
            print(f"accountable generate: error: {error}", file=sys.stderr)
            return 2
        return 0
    if args.command == "load":
        from accountable.load import LoadError, load_paths

        try:
            load_paths(args.db or default_db_path(), args.paths, progress=not args.quiet)
        except LoadError as error:
            print(f"accountable load: error: {error}", file=sys.stderr)
            return 2
        return 0
    if args.command == "publish":
        from accountable.publish import PublishError, publish

        try:
            publish(
                args.db or default_db_path(),
                args.to or default_marts_path(),
                progress=not args.quiet,
            )
        except PublishError as error:
            print(f"accountable publish: error: {error}", file=sys.stderr)
            return 2
        return 0
    if args.command == "report":
        from accountable.report import ReportError, write_report

        try:
            summary = write_report(args.db or default_marts_path(), args.out)
        except ReportError as error:
            print(f"accountable report: error: {error}", file=sys.stderr)
            return 2
        if not args.quiet:
            notes = "".join(f"\n  {chart.title}: {chart.message}" for chart in summary.messages)
            print(
                f"Wrote {summary.page} ({len(summary.drawn)} charts) from "
                f"{args.db or default_marts_path()}.{notes}\n"
                f"Open it in a browser: {summary.page.resolve().as_uri()}",
                file=sys.stderr,
            )
        return 0
    return 2  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":
    sys.exit(main())
