"""What a load is given and what it returns: its sizes, its per-file results, its errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from accountable.load.rules import REASONS

MESSAGE_SUFFIXES = (".ndjson", ".jsonl", ".json")
"""File name endings the loader reads, each optionally followed by `.gz`."""

TABLE_OF_TYPE = {
    "identify": "identifies",
    "group": "groups",
    "track": "tracks",
    "page": "pages",
    "screen": "screens",
    "alias": "aliases",
}
"""Segment message type -> raw table. Types are compared lowercase."""


@dataclass(frozen=True)
class LoadSizes:
    """How a load cuts its work. The defaults bound a load's peak memory (about 1.5 GB on the
    benchmark's files) whatever the number and size of the files: memory holds at most one
    transaction's parsed text, DuckDB's buffers are capped, and the reader runs a few blocks
    ahead. Tests pass tiny sizes to cut lines across blocks, passes and transactions."""

    read_bytes: int = 16 << 20
    """Bytes read from a file at a time; each block becomes one arrow record batch."""
    read_ahead: int = 4
    """Blocks the reader thread may hold ahead of the SQL passes."""
    first_pass_bytes: int = 64 << 20
    """A smaller first pass gets DuckDB going while the reader is still filling the next one."""
    pass_bytes: int = 128 << 20
    """Text per SQL pass that parses and classifies lines into the transaction's parsed table."""
    commit_bytes: int = 320 << 20
    """Text per transaction (one file's lines may span several). Big enough that the inserts
    into the raw tables run in parallel and fill whole row groups; small enough that the parsed
    table stays in memory."""
    memory_limit_bytes: int = 896 << 20
    """DuckDB's memory cap for the load (its buffers and the parsed table); beyond it DuckDB
    spills to `<database>.tmp` rather than grow."""
    progress_seconds: float = 5.0
    """Seconds between progress lines."""


class LoadError(Exception):
    """A load that cannot start or finish; the message says what is wrong and what to do."""


@dataclass
class FileResult:
    """What one file contributed to a load (one row of raw.loads)."""

    file: str
    lines: int = 0
    inserted: int = 0
    duplicates: int = 0
    rejected: int = 0
    seconds: float = 0.0
    rejected_by_reason: dict[str, int] = field(default_factory=dict)


@dataclass
class LoadSummary:
    """The outcome of one `load_paths` call: totals and one FileResult per file."""

    load_id: int
    db_path: Path
    files: list[FileResult]
    skipped: list[str]
    seconds: float

    @property
    def lines(self) -> int:
        return sum(result.lines for result in self.files)

    @property
    def inserted(self) -> int:
        return sum(result.inserted for result in self.files)

    @property
    def duplicates(self) -> int:
        return sum(result.duplicates for result in self.files)

    @property
    def rejected(self) -> int:
        return sum(result.rejected for result in self.files)

    @property
    def rejected_by_reason(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for result in self.files:
            for reason, count in result.rejected_by_reason.items():
                totals[reason] = totals.get(reason, 0) + count
        return {reason: totals[reason] for reason in REASONS if reason in totals}


# --------------------------------------------------------------------------------------------
# Public entry point


SKIPPED_REASON = "not a message file (names end in .ndjson, .jsonl or .json, optionally .gz)"
"""raw.loads.skipped_reason of a file found in a folder but not read."""
