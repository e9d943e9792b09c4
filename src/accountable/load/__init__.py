"""Land Segment Spec messages from files or folders into the raw schema of the DuckDB warehouse.

Python finds the files and cuts them into lines (numpy over big binary blocks, on a background
thread), handing DuckDB pyarrow batches of (file, line number, text). Everything per message is
set-based SQL: one statement parses and classifies a pass of lines (json_transform reads every
field in one parse), one finds the duplicates, one insert per raw table moves the new messages.
So a load runs at DuckDB speed on all cores, in memory bounded by LoadSizes whatever its size:
it commits every few hundred MB of text, and DuckDB's buffers are capped.

The rules are CONTRACT.md section 2: a message is inserted into the table of its type, counted
as a duplicate of a messageId loaded before (the first copy in sorted path order, then line
order, wins) or rejected into raw.rejected with a reason code; `lines = inserted + duplicates +
rejected` holds for every file, and loading the same files again changes no row. Each commit
writes the raw.loads rows of its files with their counts so far, so the accounting holds after
every commit: an interrupted load keeps what it committed, and loading the same files again
completes it (what was committed counts as duplicates).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import duckdb

from accountable.load import database
from accountable.load.files import collect_files, plural_files
from accountable.load.loader import Loader, record_skipped
from accountable.load.model import (
    MESSAGE_SUFFIXES,
    SKIPPED_REASON,
    TABLE_OF_TYPE,
    FileResult,
    LoadError,
    LoadSizes,
    LoadSummary,
)
from accountable.load.progress import Progress
from accountable.load.rules import REASONS

__all__ = [
    "MESSAGE_SUFFIXES",
    "REASONS",
    "SKIPPED_REASON",
    "TABLE_OF_TYPE",
    "FileResult",
    "LoadError",
    "LoadSizes",
    "LoadSummary",
    "load_paths",
]


def load_paths(
    db_path: Path, paths: list[Path], progress: bool = True, sizes: LoadSizes | None = None
) -> LoadSummary:
    """Load every message file in `paths` (files or folders) into the raw tables of `db_path`.

    All paths are checked before anything is written, so a typo leaves the database unchanged.
    Raises LoadError with an actionable message for missing or unreadable paths, folders without
    message files, files that cannot be decoded, and a database locked by another process.
    """
    started = time.perf_counter()
    files, skipped = collect_files(paths)
    sizes = sizes or LoadSizes()
    report = Progress(sys.stderr if progress else None, sizes.progress_seconds)
    connection = database.connect(Path(db_path))
    try:
        database.configure(connection, sizes)
        connection.execute(database.schema_sql(connection))
        load_id = connection.execute("select nextval('raw.load_id_seq')").fetchone()[0]
        results = Loader(connection, load_id, files, report, sizes).run()
        record_skipped(connection, load_id, skipped)
    except duckdb.Error as error:
        raise LoadError(
            f"{db_path}: the load failed and its open transaction was rolled back ({error}). "
            f"What it committed before stays, counted in raw.loads; loading again is safe"
        ) from error
    finally:
        connection.close()
    summary = LoadSummary(
        load_id=load_id,
        db_path=Path(db_path),
        files=results,
        skipped=skipped,
        seconds=time.perf_counter() - started,
    )
    report.summary(summary)
    if skipped and not progress:
        print(
            f"accountable load: skipped {plural_files(len(skipped))} of other types in the folders "
            f"given; raw.loads lists them (skipped_reason)",
            file=sys.stderr,
        )
    return summary
