"""Reading message files into arrow record batches of (file_idx, line, text, raw_text).

Python finds the lines (numpy over big binary blocks) and hands DuckDB whole batches; it never
parses a message of an NDJSON file. Batch bodies (/v1/batch) are parsed here, since their
elements must be cut out and filled in with the batch's sentAt and context.
"""

from __future__ import annotations

import gzip
import itertools
import json
import queue
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pyarrow as pa

from accountable.load.model import LoadSizes

BATCH_FILE_LIMIT = 256 << 20
"""Up to this size, a file whose first line is not JSON is tried as a pretty-printed batch body."""

INCOMING_SCHEMA = pa.schema(
    [
        ("file_idx", pa.int32()),
        ("line", pa.int64()),
        ("text", pa.large_string()),  # what is parsed; null when the line is not UTF-8
        ("raw_text", pa.large_string()),  # the original text, only when it differs from `text`
    ]
)


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
        schema=INCOMING_SCHEMA,
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
            whole = handle.read(BATCH_FILE_LIMIT + 1)
        if len(whole) > BATCH_FILE_LIMIT:
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
        schema=INCOMING_SCHEMA,
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


class ReadAhead:
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
