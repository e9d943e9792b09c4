"""The `accountable` command: thin argument parsing over the generate and load modules."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def default_db_path() -> Path:
    """$ACCOUNTABLE_DB when set, else warehouse.duckdb in the current directory (the repo root)."""
    return Path(os.environ.get("ACCOUNTABLE_DB") or "warehouse.duckdb")


def _positive(value: str) -> int:
    number = int(value)
    if number <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive whole number, got {value}")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="accountable",
        description="Land Segment-spec messages in DuckDB and generate demo data.",
    )
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
    return 2  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":
    sys.exit(main())
