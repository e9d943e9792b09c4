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

import datetime as dt
import gzip
import itertools
import json
import os
import queue
import re
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, TextIO

import duckdb
import numpy as np
import orjson
import pyarrow as pa

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

REASONS = (
    "invalid_json",
    "not_an_object",
    "missing_type",
    "unknown_type",
    "missing_message_id",
    "invalid_id",
    "missing_event",
    "missing_group_id",
    "missing_previous_id",
    "missing_user_id",
    "missing_identity",
    "missing_timestamp",
    "implausible_timestamp",
)
"""Rejection reason codes, in the order they are checked (`_PARSE_SELECT`, CTE `classified`)."""

_ID_FIELDS = {
    "message_id": "$.messageId",
    "user_id": "$.userId",
    "anonymous_id": "$.anonymousId",
    "group_id": "$.groupId",
    "previous_id": "$.previousId",
}
"""Id columns -> their JSON path in the message: each must be a string or a number."""

EARLIEST_EVENT_AT = dt.datetime(2000, 1, 1)
"""An event time before this is implausible (a device clock at zero, a bug upstream)."""

LATEST_AFTER_RECEIVED = dt.timedelta(days=1)
"""An event time more than this after the message was received is implausible."""

# Columns of the six message tables (sql/raw_schema.sql), as `column: expression over the parsed
# batch`. The common ones come first and last; the type-specific ones sit between.
_COMMON_HEAD = (
    "message_id",
    "type",
    "user_id",
    "anonymous_id",
    "group_id",
    "context_group_id",
    "timestamp",
    "original_timestamp",
    "sent_at",
    "received_at",
)
_COMMON_TAIL = ("context", "message", "_file", "_line", "_load_id", "_loaded_at")
_SPECIFIC = {
    "identifies": ("traits",),
    "groups": ("traits",),
    "tracks": ("event", "properties"),
    "pages": ("name", "properties"),
    "screens": ("name", "properties"),
    "aliases": ("previous_id",),
}


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


_BATCH_FILE_LIMIT = 256 << 20
"""Up to this size, a file whose first line is not JSON is tried as a pretty-printed batch body."""

_SKIPPED_LISTED = 20
"""Skipped files named in the summary; raw.loads has them all."""

_STORAGE_VERSION = "v1.2.0"
"""The storage format of a warehouse the loader creates: the oldest with ZSTD for strings
(DuckDB 1.2). Such a file opens with DuckDB 1.2 and later, dbt-duckdb's included."""

_INCOMING_SCHEMA = pa.schema(
    [
        ("file_idx", pa.int32()),
        ("line", pa.int64()),
        ("text", pa.large_string()),  # what is parsed; null when the line is not UTF-8
        ("raw_text", pa.large_string()),  # the original text, only when it differs from `text`
    ]
)


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
# --------------------------------------------------------------------------------------------


def load_paths(
    db_path: Path, paths: list[Path], progress: bool = True, sizes: LoadSizes | None = None
) -> LoadSummary:
    """Load every message file in `paths` (files or folders) into the raw tables of `db_path`.

    All paths are checked before anything is written, so a typo leaves the database unchanged.
    Raises LoadError with an actionable message for missing or unreadable paths, folders without
    message files, files that cannot be decoded, and a database locked by another process.
    """
    started = time.perf_counter()
    files, skipped = _collect_files(paths)
    sizes = sizes or LoadSizes()
    report = _Progress(sys.stderr if progress else None, sizes.progress_seconds)
    connection = _connect(Path(db_path))
    try:
        _configure(connection, sizes)
        connection.execute(_schema_sql(connection))
        load_id = connection.execute("select nextval('raw.load_id_seq')").fetchone()[0]
        results = _Loader(connection, load_id, files, report, sizes).run()
        _record_skipped(connection, load_id, skipped)
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
            f"accountable load: skipped {_files(len(skipped))} of other types in the folders "
            f"given; raw.loads lists them (skipped_reason)",
            file=sys.stderr,
        )
    return summary


# --------------------------------------------------------------------------------------------
# Finding the files
# --------------------------------------------------------------------------------------------


def _is_message_file(name: str) -> bool:
    """True for .ndjson, .jsonl and .json names, optionally ending in .gz (case-insensitive)."""
    lowered = name.lower()
    if lowered.endswith(".gz"):
        lowered = lowered[:-3]
    return lowered.endswith(MESSAGE_SUFFIXES)


def _collect_files(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """The message files named by `paths`, absolute, unique, in sorted path order; and the files
    inside the folders that were skipped for their extension, in sorted order.

    Raises LoadError for anything that would make the load fail half-way, before any write.
    """
    if not paths:
        raise LoadError("no files or folders given: name at least one .ndjson/.jsonl/.json file")
    found: dict[str, Path] = {}
    skipped: set[str] = set()
    for given in paths:
        path = Path(os.path.abspath(given))
        if not path.exists():
            raise LoadError(f"{path}: no such file or folder; check the path and run again")
        if path.is_dir():
            in_folder, skipped_here = _walk(path)
            if not in_folder:
                raise LoadError(
                    f"{path}: no message files in this folder or below (names ending in "
                    f".ndjson, .jsonl or .json, optionally .gz); found "
                    f"{_files(len(skipped_here))} of other types"
                )
            skipped.update(skipped_here)
            for file in in_folder:
                found.setdefault(str(file), file)
        elif path.is_file():
            if not _is_message_file(path.name):
                raise LoadError(
                    f"{path}: not a message file; name it .ndjson, .jsonl or .json (optionally "
                    f".gz), or pass its folder to load only the message files in it"
                )
            found.setdefault(str(path), path)
        else:
            raise LoadError(f"{path}: neither a regular file nor a folder")
    files = [found[key] for key in sorted(found)]
    for file in files:
        _check_readable(file)
    return _drop_same_files(files), sorted(skipped)


def _files(count: int) -> str:
    return f"{count:,} file" if count == 1 else f"{count:,} files"


def _walk(folder: Path) -> tuple[list[Path], list[str]]:
    def fail(error: OSError) -> None:
        raise LoadError(f"{error.filename}: cannot read this folder ({error.strerror})")

    files: list[Path] = []
    skipped: list[str] = []
    for root, _dirs, names in os.walk(folder, onerror=fail):
        for name in names:
            if _is_message_file(name):
                files.append(Path(root, name))
            else:
                skipped.append(str(Path(root, name)))
    return files, skipped


def _check_readable(file: Path) -> None:
    try:
        with open(file, "rb") as handle:
            handle.read(1)
    except OSError as error:
        raise LoadError(
            f"{file}: cannot be read ({error.strerror}); fix its permissions or leave it out"
        ) from None


def _drop_same_files(files: list[Path]) -> list[Path]:
    """Keep the first of several paths to one file (symlinks), so nothing counts twice."""
    seen: set[tuple[int, int]] = set()
    unique = []
    for file in files:
        stat = file.stat()
        key = (stat.st_dev, stat.st_ino)
        if key not in seen:
            seen.add(key)
            unique.append(file)
    return unique


# --------------------------------------------------------------------------------------------
# The database
# --------------------------------------------------------------------------------------------


def _connect(db_path: Path) -> duckdb.DuckDBPyConnection:
    folder = Path(os.path.abspath(db_path)).parent
    if not folder.is_dir():
        raise LoadError(
            f"{db_path}: the folder {folder} does not exist; create it or choose another "
            f"database path (--db or $ACCOUNTABLE_DB)"
        )
    # A new file gets a storage format with ZSTD; an existing one keeps its own.
    new_file = not os.path.exists(db_path)
    config = {"storage_compatibility_version": _STORAGE_VERSION} if new_file else {}
    try:
        return duckdb.connect(str(db_path), config=config)
    except duckdb.IOException as error:
        message = str(error)
        if "lock" in message.lower():
            holder = message.split("Conflicting lock is held in", 1)
            who = f" (held by {holder[1].split('. See')[0].strip()})" if len(holder) == 2 else ""
            raise LoadError(
                f"{db_path}: the database is locked by another process{who}. Close the program "
                f"that has it open (a running dbt, a notebook, a DuckDB shell) and load again"
            ) from None
        if "not a valid DuckDB database" in message:
            raise LoadError(
                f"{db_path}: this file is not a DuckDB database; choose another database path "
                f"(--db or $ACCOUNTABLE_DB)"
            ) from None
        raise LoadError(f"{db_path}: cannot open the database ({message})") from None
    except duckdb.Error as error:
        raise LoadError(f"{db_path}: cannot open the database ({error})") from None


def _schema_sql(connection: duckdb.DuckDBPyConnection) -> str:
    """The DDL of the raw schema (create ... if not exists), run at every load.

    The JSON and id columns (`/* compressed */` in the file) are stored with ZSTD where the
    file's storage format has it: it writes faster than FSST, DuckDB's pick for them otherwise
    (FSST took about a tenth of the load's CPU time), and stores them about 2.5x smaller. In an
    older format DuckDB would accept the clause and silently store the column uncompressed, so
    it is left out there."""
    ddl = resources.files("accountable").joinpath("sql/raw_schema.sql").read_text()
    clause = "using compression zstd" if _has_zstd(connection) else ""
    return ddl.replace("/* compressed */", clause)


def _has_zstd(connection: duckdb.DuckDBPyConnection) -> bool:
    """True when the database file is in a storage format with ZSTD for strings (v1.2.0+)."""
    row = connection.execute(
        "select tags['storage_version'] from duckdb_databases() "
        "where database_name = current_database()"
    ).fetchone()
    found = re.match(r"v(\d+)\.(\d+)", str(row[0] if row else ""))
    return found is not None and (int(found[1]), int(found[2])) >= (1, 2)


def _configure(connection: duckdb.DuckDBPyConnection, sizes: LoadSizes) -> None:
    """Session settings of the load (they do not outlive the connection).

    - Times are UTC; DuckDB's own progress bar is off (the loader reports progress itself).
    - Memory is capped (LoadSizes.memory_limit_bytes, at most half the RAM): beyond that
      DuckDB spills to `<database>.tmp`, so a load slows down instead of exhausting memory.
    - Dictionary compression is not tried: its analysis hashes every string of every column and
      costs about a third of the insert time, for no gain on JSON and ids; FSST still compresses.
    - Vacuum tasks would merge the partly filled row groups each load leaves behind at the next
      checkpoint, compressing data just written a second time.
    - Row order within a raw table carries no meaning (`_file`, `_line` do), and without it
      DuckDB writes the rows on all cores.
    """
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    memory_limit = max(256 << 20, min(sizes.memory_limit_bytes, memory // 2))
    connection.execute("set TimeZone = 'UTC'")
    connection.execute("set enable_progress_bar = false")
    connection.execute(f"set memory_limit = '{memory_limit >> 20} MiB'")
    connection.execute("set disabled_compression_methods = 'dictionary,dict_fsst'")
    connection.execute("set max_vacuum_tasks = 0")
    connection.execute("set preserve_insertion_order = false")


# --------------------------------------------------------------------------------------------
# Reading files into arrow record batches of (file_idx, line, text, raw_text)
# --------------------------------------------------------------------------------------------


def _open(file: Path):
    return gzip.open(file, "rb") if file.name.lower().endswith(".gz") else open(file, "rb")


def _read_batches(file: Path, file_idx: int, read_bytes: int) -> Iterator[pa.RecordBatch]:
    """The non-blank lines of `file` as record batches, whatever its format."""
    bodies = _batch_bodies(file)
    if bodies is None:
        yield from _ndjson_batches(file, file_idx, read_bytes)
    else:
        yield from _batch_body_batches(bodies, file_idx)


def _ndjson_batches(file: Path, file_idx: int, read_bytes: int) -> Iterator[pa.RecordBatch]:
    """Cut the file into lines with numpy over big blocks; blank lines are dropped but keep
    their numbers, so `line` is always the real line number in the file."""
    lines_before = 0
    carry = b""
    with _open(file) as handle:
        first = True
        while True:
            block = handle.read(read_bytes)
            if not block:
                break
            data = carry + block if carry else block
            if first:
                data = data.removeprefix(b"\xef\xbb\xbf")
                first = False
            cut = data.rfind(b"\n")
            if cut < 0:
                carry = data
                continue
            carry = data[cut + 1 :]
            batch, count = _lines_batch(data[: cut + 1], lines_before, file_idx)
            lines_before += count
            if batch.num_rows:
                yield batch
        if carry:
            batch, _count = _lines_batch(carry + b"\n", lines_before, file_idx)
            if batch.num_rows:
                yield batch


def _lines_batch(data: bytes, lines_before: int, file_idx: int) -> tuple[pa.RecordBatch, int]:
    """One record batch from `data`, whole lines each ending in a newline.

    The newlines are removed from the buffer, so the arrow offsets of line k are simply its
    start and end minus k, and the strings point into one contiguous buffer (no copy per line).
    """
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n")
    newlines = np.flatnonzero(np.frombuffer(data, np.uint8) == 10)
    count = len(newlines)
    ends = newlines - np.arange(count, dtype=np.int64)
    offsets = np.empty(count + 1, dtype=np.int64)
    offsets[0] = 0
    offsets[1:] = ends
    compact = data.replace(b"\n", b"")
    texts = pa.LargeStringArray.from_buffers(count, pa.py_buffer(offsets), pa.py_buffer(compact))
    raw_texts = pa.nulls(count, pa.large_string())
    try:
        texts.validate(full=True)
    except pa.ArrowInvalid:
        texts, raw_texts = _decode_line_by_line(compact, offsets)
    numbers = np.arange(lines_before + 1, lines_before + count + 1, dtype=np.int64)
    batch = pa.RecordBatch.from_arrays(
        [pa.array(np.full(count, file_idx, dtype=np.int32)), pa.array(numbers), texts, raw_texts],
        schema=_INCOMING_SCHEMA,
    )
    keep = _non_blank(compact, offsets)
    if keep is not None:
        batch = batch.filter(pa.array(keep))
    return batch, count


def _non_blank(compact: bytes, offsets: np.ndarray) -> np.ndarray | None:
    """A mask of the lines that are not blank, or None when no line is blank (the usual case)."""
    lengths = np.diff(offsets)
    keep = lengths > 0
    starts = offsets[:-1]
    first_bytes = np.frombuffer(compact, np.uint8)[starts[keep]] if compact else np.array([])
    suspects = np.flatnonzero(keep)[np.isin(first_bytes, (9, 13, 32))]
    for index in suspects:
        if not compact[offsets[index] : offsets[index + 1]].strip():
            keep[index] = False
    return None if keep.all() else keep


def _decode_line_by_line(compact: bytes, offsets: np.ndarray) -> tuple[pa.Array, pa.Array]:
    """The slow path for a block holding bytes that are not UTF-8: such lines get a null `text`
    (rejected as invalid JSON) and keep a readable copy of their bytes as `raw_text`."""
    texts: list[str | None] = []
    raw_texts: list[str | None] = []
    for start, end in itertools.pairwise(offsets.tolist()):
        chunk = compact[start:end]
        try:
            texts.append(chunk.decode("utf-8"))
            raw_texts.append(None)
        except UnicodeDecodeError:
            texts.append(None)
            raw_texts.append(chunk.decode("utf-8", errors="replace"))
    return pa.array(texts, pa.large_string()), pa.array(raw_texts, pa.large_string())


_NOT_JSON = object()


def _loads(text: bytes | str) -> Any:
    """Parse JSON strictly (no NaN or Infinity); _NOT_JSON when it is not. The standard library
    rather than orjson, which turns integers beyond 64 bits into floats: elements are written
    back as text, and their numbers must survive unchanged."""
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return _NOT_JSON


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _dumps(value: Any) -> str:
    try:
        return orjson.dumps(value).decode()
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _is_batch_body(value: Any) -> bool:
    """A /v1/batch body: an object with a `batch` list and no message type of its own."""
    return (
        isinstance(value, dict)
        and isinstance(value.get("batch"), list)
        and value.get("type") in (None, "")
    )


def _batch_bodies(file: Path) -> Iterator[Any] | None:
    """The items of a /v1/batch file, one at a time, or None when the file is plain NDJSON.

    A batch file is either one JSON object over many lines (pretty-printed), or one body per line
    (usually a single line). In the second form a line that is not a batch body is kept as an
    item of its own, so nothing is lost; the lines are read as they are consumed, so a long file
    of bodies needs no more memory than a short one.
    """
    with _open(file) as handle:
        first = b""
        for raw in handle:
            if raw.strip():
                first = raw.strip().removeprefix(b"\xef\xbb\xbf")
                break
    if not first.startswith(b"{"):
        return None
    value = _loads(first)
    if value is _NOT_JSON:
        with _open(file) as handle:
            whole = handle.read(_BATCH_FILE_LIMIT + 1)
        if len(whole) > _BATCH_FILE_LIMIT:
            return None
        value = _loads(whole.removeprefix(b"\xef\xbb\xbf"))
        return iter([value]) if _is_batch_body(value) else None
    if not _is_batch_body(value):
        return None
    return _body_lines(file)


def _body_lines(file: Path) -> Iterator[Any]:
    """Each non-blank line of a file of batch bodies, parsed (or its text when not JSON)."""
    with _open(file) as handle:
        for raw in handle:
            if raw.strip():
                value = _loads(raw.strip().removeprefix(b"\xef\xbb\xbf"))
                yield value if value is not _NOT_JSON else raw.decode("utf-8", "replace")


_BATCH_ELEMENTS = 50_000
"""Batch elements per record batch."""


def _batch_body_batches(items: Iterator[Any], file_idx: int) -> Iterator[pa.RecordBatch]:
    """Record batches from batch bodies: each element of `batch` is a line, numbered by its
    position; batch-level sentAt and context fill in what the element lacks."""
    texts: list[str | None] = []
    raw_texts: list[str | None] = []
    first_number = 1
    for item in items:
        if not _is_batch_body(item):
            original = item if isinstance(item, str) else _dumps(item)
            texts.append(original.strip())
            raw_texts.append(None)
        else:
            for element in item["batch"]:
                original = _dumps(element)
                filled = _fill_from_batch(element, item)
                text = original if filled is element else _dumps(filled)
                texts.append(text)
                raw_texts.append(None if text == original else original)
        if len(texts) >= _BATCH_ELEMENTS:
            yield _elements_batch(texts, raw_texts, first_number, file_idx)
            first_number += len(texts)
            texts, raw_texts = [], []
    if texts:
        yield _elements_batch(texts, raw_texts, first_number, file_idx)


def _elements_batch(
    texts: list[str | None], raw_texts: list[str | None], first_number: int, file_idx: int
) -> pa.RecordBatch:
    count = len(texts)
    return pa.RecordBatch.from_arrays(
        [
            pa.array(np.full(count, file_idx, dtype=np.int32)),
            pa.array(np.arange(first_number, first_number + count, dtype=np.int64)),
            pa.array(texts, pa.large_string()),
            pa.array(raw_texts, pa.large_string()),
        ],
        schema=_INCOMING_SCHEMA,
    )


def _missing(value: Any) -> bool:
    return value is None or value == ""


def _fill_from_batch(element: Any, body: dict[str, Any]) -> Any:
    """The element with the batch's sentAt and context keys it lacks (the element itself when
    nothing is filled in)."""
    if not isinstance(element, dict):
        return element
    filled = element
    sent_at = body.get("sentAt")
    if _missing(element.get("sentAt")) and not _missing(sent_at):
        filled = {**filled, "sentAt": sent_at}
    batch_context = body.get("context")
    if isinstance(batch_context, dict) and batch_context:
        context = element.get("context")
        if _missing(context):
            filled = {**filled, "context": batch_context}
        elif isinstance(context, dict):
            extra = {key: value for key, value in batch_context.items() if key not in context}
            if extra:
                filled = {**filled, "context": {**context, **extra}}
    return filled


class _ReadAhead:
    """Reads the files on a background thread, a few blocks ahead of the SQL passes, so that
    reading, gunzipping and cutting lines overlap with DuckDB's work (both release the GIL).
    Errors are handed over and raised where the batches are consumed."""

    def __init__(self, files: list[Path], sizes: LoadSizes) -> None:
        self._sizes = sizes
        self._queue: queue.Queue[tuple[int, pa.RecordBatch | BaseException | None]]
        self._queue = queue.Queue(maxsize=sizes.read_ahead)
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._read, args=(files,), name="accountable-read", daemon=True
        )
        self._thread.start()

    def _put(self, item: tuple[int, pa.RecordBatch | BaseException | None]) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _read(self, files: list[Path]) -> None:
        for index, file in enumerate(files):
            try:
                for batch in _read_batches(file, index, self._sizes.read_bytes):
                    if not self._put((index, batch)):
                        return
            except BaseException as error:  # raised again in the consuming thread
                self._put((index, error))
                return
            if not self._put((index, None)):
                return

    def batches(self, index: int) -> Iterator[pa.RecordBatch]:
        """The record batches of file `index`; files must be asked for in order."""
        while True:
            got, item = self._queue.get()
            if got != index:
                raise RuntimeError(f"internal error: read file {got} while expecting {index}")
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def close(self) -> None:
        self._stop.set()
        self._thread.join()


# --------------------------------------------------------------------------------------------
# The SQL of one pass
# --------------------------------------------------------------------------------------------


# The fields read from a message, in one json_transform (one parse per line): VARCHAR turns
# numbers into their text (numeric ids), JSON keeps a sub-document, TIMESTAMPTZ parses ISO-8601
# (`Z`, offsets, fractions, bare dates) and gives null for anything else; missing keys and JSON
# null come out as SQL null. context.groupId is read from `context` afterwards.
_MESSAGE_SHAPE = {
    "type": "VARCHAR",
    "messageId": "VARCHAR",
    "userId": "VARCHAR",
    "anonymousId": "VARCHAR",
    "groupId": "VARCHAR",
    "previousId": "VARCHAR",
    "event": "VARCHAR",
    "name": "VARCHAR",
    "timestamp": "TIMESTAMPTZ",
    "originalTimestamp": "TIMESTAMPTZ",
    "sentAt": "TIMESTAMPTZ",
    "receivedAt": "TIMESTAMPTZ",
    "context": "JSON",
    "traits": "JSON",
    "properties": "JSON",
}


def _utc_wall_time(column: str) -> str:
    """SQL for a parsed TIMESTAMPTZ as the TIMESTAMP of its UTC wall time, null when infinite.
    make_timestamp(epoch_us(...)) equals a cast to TIMESTAMP in UTC, without the ICU calendar
    arithmetic of that cast (15x cheaper, and a message has four)."""
    return f"case when isfinite({column}) then make_timestamp(epoch_us({column})) end"


def _not_an_id(column: str, document: str, path: str) -> str:
    """SQL: true when the id in `column` is present but neither a JSON string nor a number.

    json_transform turns any value into VARCHAR (an object into its JSON text, true into
    'true'), so only a value that looks like an object, an array or a boolean is parsed again to
    ask its JSON type: such values are rare, so the check is nearly free."""
    return (
        f"case when left({column}, 1) in ('{{', '[') or {column} in ('true', 'false') "
        f"then json_type({document}, '{path}') not in ('VARCHAR', 'BIGINT', 'UBIGINT', 'DOUBLE') "
        f"else false end"
    )


_BAD_IDS = " || ".join(
    f"case when {_not_an_id(column, 'doc', path)} then ', {path[2:]}' else '' end"
    for column, path in {**_ID_FIELDS, "context_group_id": "$.context.groupId"}.items()
)
"""SQL: the names of the message's malformed ids, each behind ', '."""

_EVENT_US = """case
            when original_timestamp is not null
                then epoch_us(coalesce(timestamp, original_timestamp))::hugeint
            when timestamp is not null and sent_at is not null and received_at is not null
                then epoch_us(received_at)::hugeint - epoch_us(sent_at) + epoch_us(timestamp)
            else epoch_us(coalesce(timestamp, received_at, sent_at))::hugeint
        end"""
"""SQL: the event time of contract section 3 (the rule of macro segment_event_at), in epoch
microseconds as HUGEINT, so that absurd times (year 200000) cannot overflow the arithmetic."""

_LATEST_AFTER_RECEIVED_US = int(LATEST_AFTER_RECEIVED.total_seconds()) * 1_000_000
_EARLIEST_EVENT_US = int((EARLIEST_EVENT_AT - dt.datetime(1970, 1, 1)).total_seconds()) * 1_000_000


_PARSE_SELECT = f"""
with

incoming as (
    select
        file_idx,
        line,
        text,
        raw_text,
        try_cast(text as json) as doc  -- null: not JSON (or not UTF-8, then text is null)
    from _accountable_incoming
),

shaped as (
    select
        *,
        case
            when doc is null then false
            when starts_with(text, '{{') then true
            else json_type(doc) = 'OBJECT'
        end as is_object,
        case when is_object then json_transform(doc, '{json.dumps(_MESSAGE_SHAPE)}') end as m
    from incoming
),

fields as (
    select
        file_idx,
        line,
        text,
        raw_text,
        doc,
        is_object,
        nullif(m.type, '') as type_text,
        lower(type_text) as type,
        nullif(m.messageId, '') as message_id,
        nullif(m.userId, '') as user_id,
        nullif(m.anonymousId, '') as anonymous_id,
        nullif(m.groupId, '') as group_id,
        nullif(m.previousId, '') as previous_id,
        nullif(m.event, '') as event,
        nullif(m.name, '') as name,
        {_utc_wall_time("m.timestamp")} as timestamp,
        {_utc_wall_time("m.originalTimestamp")} as original_timestamp,
        {_utc_wall_time("m.sentAt")} as sent_at,
        {_utc_wall_time("m.receivedAt")} as received_at,
        case when m.context != '""' then m.context end as context,
        case when m.traits != '""' then m.traits end as traits,
        case when m.properties != '""' then m.properties end as properties,
        nullif(json_extract_string(context, '$.groupId'), '') as context_group_id
    from shaped
),

timed as (
    select
        *,
        {_EVENT_US} as event_us,
        epoch_us(coalesce(received_at, $now))::hugeint as received_us,
        case when is_object then substr({_BAD_IDS}, 3) end as bad_ids
    from fields
),

classified as (
    select
        *,
        case
            when doc is null then 'invalid_json'
            when not is_object then 'not_an_object'
            when type_text is null then 'missing_type'
            when type not in ('identify', 'group', 'track', 'page', 'screen', 'alias')
                then 'unknown_type'
            when message_id is null then 'missing_message_id'
            when bad_ids != '' then 'invalid_id'
            when type = 'track' and event is null then 'missing_event'
            when type = 'group' and group_id is null then 'missing_group_id'
            when type = 'alias' and previous_id is null then 'missing_previous_id'
            when type = 'alias' and user_id is null then 'missing_user_id'
            when coalesce(user_id, anonymous_id, group_id, context_group_id) is null
                then 'missing_identity'
            when event_us is null then 'missing_timestamp'
            when event_us < {_EARLIEST_EVENT_US}
                or event_us > received_us + {_LATEST_AFTER_RECEIVED_US}
                then 'implausible_timestamp'
        end as reason
    from timed
)

select
    file_idx,
    line,
    case when reason is null then 'inserted' else 'rejected' end as outcome,
    reason,
    case reason
        when 'invalid_json' then
            case
                when text is null then 'the line is not UTF-8 text, so it is not JSON'
                else 'the line is not valid JSON (truncated, or not JSON at all)'
            end
        when 'not_an_object' then
            'the line is valid JSON but ' || case json_type(doc)
                when 'ARRAY' then 'an array'
                when 'NULL' then 'null'
                else 'a ' || lower(json_type(doc))
            end || ', not a message object'
        when 'missing_type' then 'the message has no "type" (missing, null or empty)'
        when 'unknown_type' then
            'the message type "' || type_text
            || '" is not one of identify, group, track, page, screen, alias'
        when 'missing_message_id' then
            'the message has no "messageId" (missing, null or empty), so it cannot be deduplicated'
        when 'invalid_id' then
            'an id must be a string or a number; this message has an object, array or boolean '
            || 'as ' || replace(bad_ids, ', ', ' and ')
        when 'missing_identity' then
            'the message has none of userId, anonymousId, groupId and context.groupId'
        when 'missing_event' then 'the track message has no "event" (missing, null or empty)'
        when 'missing_group_id' then
            'the group message has no "groupId" (missing, null or empty)'
        when 'missing_previous_id' then
            'the alias message has no "previousId" (missing, null or empty)'
        when 'missing_user_id' then 'the alias message has no "userId" (missing, null or empty)'
        when 'missing_timestamp' then
            'the message has no parseable time: timestamp, originalTimestamp, receivedAt and '
            || 'sentAt are all missing or not ISO-8601'
            || coalesce(
                ' (timestamp is ' || json_extract(doc, '$.timestamp') || ')',
                ' (originalTimestamp is ' || json_extract(doc, '$.originalTimestamp') || ')',
                ' (receivedAt is ' || json_extract(doc, '$.receivedAt') || ')',
                ' (sentAt is ' || json_extract(doc, '$.sentAt') || ')',
                ''
            )
        when 'implausible_timestamp' then
            'the event time is '
            || case
                when event_us < {_EARLIEST_EVENT_US} then 'before {EARLIEST_EVENT_AT:%Y-%m-%d}'
                else 'more than one day after the message was received'
            end
            || ' (' || concat_ws(
                ', ',
                'timestamp ' || timestamp,
                'originalTimestamp ' || original_timestamp,
                'sentAt ' || sent_at,
                'receivedAt ' || received_at,
                case
                    when received_at is null
                        then 'no receivedAt; loaded at ' || date_trunc('second', $now)
                end
            ) || ', UTC)'
    end as detail,
    case when reason is not null then coalesce(raw_text, text) end as rejected_text,
    case when reason is null then doc end as message,
    message_id,
    type,
    user_id,
    anonymous_id,
    group_id,
    context_group_id,
    timestamp,
    original_timestamp,
    sent_at,
    received_at,
    event,
    name,
    previous_id,
    context,
    traits,
    properties
from classified
"""


def _parse_sql(first: bool) -> str:
    """Parse the lines of `_accountable_incoming` into the parsed table (created by the first
    pass after a commit, appended to by the next ones)."""
    if first:
        return f"create or replace temp table _accountable_parsed as\n{_PARSE_SELECT}"
    return f"insert into _accountable_parsed\n{_PARSE_SELECT}"


_DUPLICATES_SQL = """
create or replace temp table _accountable_duplicates as
with

accepted as (
    select file_idx, line, message_id
    from _accountable_parsed
    where outcome = 'inserted'
),

loaded_before as (
    {loaded_before}
),

repeated_ids as (
    select message_id
    from accepted
    group by message_id
    having count(*) > 1
),

later_copies as (
    select file_idx, line
    from (
        select
            accepted.file_idx,
            accepted.line,
            row_number() over (
                partition by accepted.message_id order by accepted.file_idx, accepted.line
            ) as copy_number
        from accepted
        inner join repeated_ids on accepted.message_id = repeated_ids.message_id
    )
    where copy_number > 1
)

select accepted.file_idx, accepted.line
from accepted
inner join loaded_before on accepted.message_id = loaded_before.message_id
union
select file_idx, line
from later_copies
"""


def _duplicates_sql() -> str:
    """The parsed lines whose messageId was loaded before: into a raw table, or on an earlier
    line (the first copy in file order, then line order, wins).

    Each `in (select ... from accepted)` builds its hash table on the new ids and streams the raw
    table's ids past it, so a big warehouse costs one scan of a column per transaction."""
    loaded_before = "\n    union all\n    ".join(
        f"select message_id from raw.{table} "
        f"where message_id in (select accepted.message_id from accepted)"
        for table in TABLE_OF_TYPE.values()
    )
    return _DUPLICATES_SQL.format(loaded_before=loaded_before)


_MARK_DUPLICATES_SQL = """
update _accountable_parsed as parsed
set outcome = 'duplicate'
from _accountable_duplicates as duplicates
where parsed.file_idx = duplicates.file_idx and parsed.line = duplicates.line
"""

_COUNTS_SQL = """
select file_idx, coalesce(reason, outcome) as outcome, count(*) as messages
from _accountable_parsed
group by all
"""


def _insert_sql(message_type: str, table: str) -> str:
    """Insert the transaction's new messages of one type, in one statement per table.

    One big statement per table lets DuckDB compress and write the rows on all cores as it
    goes; small appends would stay in memory and be compressed at commit on one core. The
    statement is a plain filtered scan on purpose: any join (even with a two-row list of files)
    also makes DuckDB keep the rows until commit. `$files` is the list of file paths of the
    call, indexed by file_idx."""
    columns = (*_COMMON_HEAD, *_SPECIFIC[table], *_COMMON_TAIL)
    values = {
        "_file": "$files[parsed.file_idx + 1]",
        "_line": "parsed.line",
        "_load_id": "$load_id",
        "_loaded_at": "$loaded_at",
    }
    select = ",\n    ".join(values.get(column, f"parsed.{column}") for column in columns)
    return f"""
insert into raw.{table} ({", ".join(columns)})
select
    {select}
from _accountable_parsed as parsed
where parsed.outcome = 'inserted' and parsed.type = '{message_type}'
"""


_REJECTED_SQL = """
insert into raw.rejected (load_id, file, line, reason, detail, raw_text, rejected_at)
with

rejected_here as (
    select
        $files[parsed.file_idx + 1] as file,
        parsed.line,
        parsed.reason,
        parsed.detail,
        parsed.rejected_text
    from _accountable_parsed as parsed
    where parsed.outcome = 'rejected'
)

select $load_id, file, line, reason, detail, rejected_text, $loaded_at
from rejected_here
where not exists (
    select 1
    from raw.rejected
    where
        rejected.file = rejected_here.file
        and rejected.line = rejected_here.line
        and rejected.raw_text = rejected_here.rejected_text
)
order by file, line
"""


# --------------------------------------------------------------------------------------------
# The load loop
# --------------------------------------------------------------------------------------------


class _Loader:
    """Reads the files in order, one SQL pass per ~pass_bytes of lines (a pass may hold several
    small files or part of a big one) that parses and classifies them into a temporary table.
    Once ~commit_bytes are parsed, they are deduplicated and one transaction moves them into the
    raw tables, with the raw.loads rows of the files they came from. A big file spans several
    transactions: each one writes the file's counts so far, so `lines = inserted + duplicates +
    rejected` holds after every commit, and memory holds one transaction's lines at most."""

    def __init__(
        self,
        connection: duckdb.DuckDBPyConnection,
        load_id: int,
        files: list[Path],
        report: _Progress,
        sizes: LoadSizes,
    ) -> None:
        self.connection = connection
        self.load_id = load_id
        self.files = files
        self.sizes = sizes
        self.paths = [str(file) for file in files]
        self.report = report
        self.results = [FileResult(file=path) for path in self.paths]
        self.pending: list[pa.RecordBatch] = []  # lines read, not yet through a pass
        self.pending_bytes = 0
        self.passes = 0  # passes in the parsed table since the last commit
        self.parsed_bytes = 0  # text in the parsed table
        self.uncommitted: list[int] = []  # files with lines (or an end) not yet committed
        self.finished: set[int] = set()  # files read to their end
        self.clock = _utc_now()  # "the load's own clock" for messages with no receivedAt
        self.duplicates_sql = _duplicates_sql()
        self.insert_sql = [_insert_sql(kind, table) for kind, table in TABLE_OF_TYPE.items()]

    def run(self) -> list[FileResult]:
        reader = _ReadAhead(self.files, self.sizes)
        try:
            for index, file in enumerate(self.files):
                self._read_file(index, file, reader.batches(index))
            self._commit()
        finally:
            reader.close()
        return self.results

    def _read_file(self, index: int, file: Path, batches: Iterator[pa.RecordBatch]) -> None:
        result = self.results[index]
        self.uncommitted.append(index)
        started = time.perf_counter()
        while True:
            try:
                batch = next(batches)
            except StopIteration:
                break
            except (OSError, EOFError, ValueError, zlib.error) as error:
                raise LoadError(
                    f"{file}: cannot be read ({error}). What this load committed before stays "
                    f"(raw.loads counts it); lines of this file and of the files read with it "
                    f"since the last commit were not kept. Fix or remove the file and load "
                    f"again: messages loaded before are counted as duplicates"
                ) from None
            self.pending.append(batch)
            self.pending_bytes += batch.nbytes
            result.lines += batch.num_rows
            threshold = self.sizes.pass_bytes if self.passes else self.sizes.first_pass_bytes
            if self.pending_bytes >= threshold:
                result.seconds += time.perf_counter() - started
                self._run_pass()
                if self.parsed_bytes >= self.sizes.commit_bytes:
                    self._commit()
                started = time.perf_counter()
        result.seconds += time.perf_counter() - started
        self.finished.add(index)

    def _run_pass(self) -> None:
        """Parse and classify the pending lines into the parsed table."""
        if not self.pending:
            return
        started = time.perf_counter()
        incoming = pa.Table.from_batches(self.pending, schema=_INCOMING_SCHEMA)
        lines_by_file: dict[int, int] = {}
        for batch in self.pending:
            index = batch.column(0)[0].as_py()
            lines_by_file[index] = lines_by_file.get(index, 0) + batch.num_rows
        self.parsed_bytes += self.pending_bytes
        self.pending = []
        self.pending_bytes = 0
        self.connection.register("_accountable_incoming", incoming)
        try:
            self.connection.execute(_parse_sql(first=not self.passes), {"now": self.clock})
        finally:
            self.connection.unregister("_accountable_incoming")
        self.passes += 1
        self._spread(time.perf_counter() - started, lines_by_file)
        self.report.tick(self.results)

    def _commit(self) -> None:
        """Deduplicate the parsed lines, then move the new messages into the raw tables, the
        rejections into raw.rejected and the files' counts so far into raw.loads, in one
        transaction.

        Everything before `begin` touches only temporary tables: DuckDB scans and updates them
        much faster outside a transaction that has written to them."""
        self._run_pass()
        if not self.uncommitted:
            return
        started = time.perf_counter()
        connection = self.connection
        if self.passes:
            connection.execute(self.duplicates_sql)
            connection.execute(_MARK_DUPLICATES_SQL)
            connection.execute("drop table _accountable_duplicates")
            self._count(connection.execute(_COUNTS_SQL).fetchall())
        loaded_at = _utc_now()
        parameters = {"load_id": self.load_id, "loaded_at": loaded_at, "files": self.paths}
        files = [self.paths[index] for index in self.uncommitted]
        connection.execute("begin transaction")
        try:
            if self.passes:
                for sql in self.insert_sql:
                    connection.execute(sql, parameters)
                connection.execute(_REJECTED_SQL, parameters)
            connection.execute(
                "delete from raw.loads where load_id = ? and list_contains(?, file)",
                [self.load_id, files],
            )
            _from_arrow(connection, "insert into raw.loads by name", self._loads_rows(loaded_at))
            connection.execute("commit")
        except BaseException:
            connection.execute("rollback")
            raise
        if self.passes:
            connection.execute("drop table _accountable_parsed")
        self.passes = 0
        self.parsed_bytes = 0
        lines_by_file = {index: self.results[index].lines for index in self.uncommitted}
        self._spread(time.perf_counter() - started, lines_by_file)
        for index in self.uncommitted:
            if index in self.finished:
                self.report.file_done(self.results[index])
        self.report.committed(self.results)
        self.uncommitted = [index for index in self.uncommitted if index not in self.finished]

    def _count(self, counts: list[tuple[int, str, int]]) -> None:
        for index, outcome, count in counts:
            result = self.results[index]
            if outcome == "duplicate":
                result.duplicates += count
            elif outcome == "inserted":
                result.inserted += count
            else:
                result.rejected += count
                reasons = result.rejected_by_reason
                reasons[outcome] = reasons.get(outcome, 0) + count

    def _loads_rows(self, loaded_at: dt.datetime) -> pa.Table:
        """The raw.loads rows of the files in the transaction: their counts so far."""
        done = [self.results[index] for index in self.uncommitted]
        return pa.table(
            {
                "load_id": pa.array([self.load_id] * len(done), pa.int64()),
                "file": pa.array([result.file for result in done], pa.string()),
                "lines": pa.array([result.lines for result in done], pa.int64()),
                "inserted": pa.array([result.inserted for result in done], pa.int64()),
                "duplicates": pa.array([result.duplicates for result in done], pa.int64()),
                "rejected": pa.array([result.rejected for result in done], pa.int64()),
                "loaded_at": pa.array([loaded_at] * len(done), pa.timestamp("us")),
                "seconds": pa.array([round(result.seconds, 3) for result in done], pa.float64()),
            }
        )

    def _spread(self, seconds: float, lines_by_file: dict[int, int]) -> None:
        """Charge the seconds of a shared step to the files in it, by their share of lines."""
        total = sum(lines_by_file.values())
        for index, lines in lines_by_file.items():
            self.results[index].seconds += seconds * lines / total if total else 0.0


SKIPPED_REASON = "not a message file (names end in .ndjson, .jsonl or .json, optionally .gz)"
"""raw.loads.skipped_reason of a file found in a folder but not read."""


def _record_skipped(
    connection: duckdb.DuckDBPyConnection, load_id: int, skipped: list[str]
) -> None:
    """A raw.loads row (no lines) for each file in the folders that was not read."""
    if not skipped:
        return
    count = len(skipped)
    rows = pa.table(
        {
            "load_id": pa.array([load_id] * count, pa.int64()),
            "file": pa.array(skipped, pa.string()),
            "lines": pa.array([0] * count, pa.int64()),
            "inserted": pa.array([0] * count, pa.int64()),
            "duplicates": pa.array([0] * count, pa.int64()),
            "rejected": pa.array([0] * count, pa.int64()),
            "loaded_at": pa.array([_utc_now()] * count, pa.timestamp("us")),
            "skipped_reason": pa.array([SKIPPED_REASON] * count, pa.string()),
        }
    )
    _from_arrow(connection, "insert into raw.loads by name", rows)


def _from_arrow(connection: duckdb.DuckDBPyConnection, statement: str, table: pa.Table) -> None:
    """Run `<statement> select * from <table>` (prepared statements with many rows are slow)."""
    connection.register("_accountable_arrow", table)
    try:
        connection.execute(f"{statement} select * from _accountable_arrow")
    finally:
        connection.unregister("_accountable_arrow")


def _utc_now() -> dt.datetime:
    """Now in UTC, naive like the TIMESTAMP columns it goes into."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


# --------------------------------------------------------------------------------------------
# Progress
# --------------------------------------------------------------------------------------------


class _Progress:
    """Progress lines on stderr; silent when `stream` is None."""

    def __init__(self, stream: TextIO | None, every_seconds: float) -> None:
        self.stream = stream
        self.every_seconds = every_seconds
        self.started = self.last = time.perf_counter()

    def _print(self, text: str) -> None:
        if self.stream is not None:
            print(text, file=self.stream, flush=True)

    def _status(self, results: list[FileResult]) -> None:
        """Messages parsed and committed so far, at most one line every `every_seconds`."""
        now = time.perf_counter()
        if self.stream is None or now - self.last < self.every_seconds:
            return
        self.last = now
        parsed = sum(result.lines for result in results)
        committed = sum(result.inserted + result.duplicates + result.rejected for result in results)
        files = sum(1 for result in results if result.lines)
        rate = parsed / (now - self.started) if now > self.started else 0.0
        self._print(
            f"  {parsed:,} messages parsed, {committed:,} committed "
            f"(file {files:,} of {len(results):,}; {rate:,.0f} messages/s)"
        )

    def tick(self, results: list[FileResult]) -> None:
        """After a pass: lines parsed, not yet committed."""
        self._status(results)

    def committed(self, results: list[FileResult]) -> None:
        """After a commit."""
        self._status(results)

    def file_done(self, result: FileResult) -> None:
        rate = result.lines / result.seconds if result.seconds > 0 else 0.0
        self._print(
            f"  {result.file}: {result.lines:,} lines, {result.inserted:,} inserted, "
            f"{result.duplicates:,} duplicates, {result.rejected:,} rejected "
            f"({result.seconds:.1f}s, {rate:,.0f} messages/s)"
        )

    def summary(self, summary: LoadSummary) -> None:
        rate = summary.lines / summary.seconds if summary.seconds > 0 else 0.0
        skipped = (
            f" ({_files(len(summary.skipped))} of other types skipped, listed below)"
            if summary.skipped
            else ""
        )
        reasons = ", ".join(
            f"{reason} {count:,}" for reason, count in summary.rejected_by_reason.items()
        )
        self._print(
            f"load {summary.load_id} into {summary.db_path}: {_files(len(summary.files))}{skipped}"
        )
        self._print(
            f"  {summary.lines:,} messages: {summary.inserted:,} inserted, "
            f"{summary.duplicates:,} duplicates, {summary.rejected:,} rejected"
            + (f" ({reasons})" if reasons else "")
        )
        self._print(f"  {summary.seconds:.1f}s, {rate:,.0f} messages/s")
        if summary.skipped:
            self._print(f"  skipped, {SKIPPED_REASON} (raw.loads.skipped_reason says so too):")
            for file in summary.skipped[:_SKIPPED_LISTED]:
                self._print(f"    {file}")
            if len(summary.skipped) > _SKIPPED_LISTED:
                self._print(f"    and {len(summary.skipped) - _SKIPPED_LISTED:,} more")
