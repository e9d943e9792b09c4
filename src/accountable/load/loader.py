"""The load loop: SQL passes over the lines read, and commits that move them into raw."""

from __future__ import annotations

import datetime as dt
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow as pa

from accountable.load import statements
from accountable.load.model import (
    SKIPPED_REASON,
    TABLE_OF_TYPE,
    FileResult,
    LoadError,
    LoadSizes,
)
from accountable.load.progress import Progress
from accountable.load.reader import INCOMING_SCHEMA, ReadAhead


class Loader:
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
        report: Progress,
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
        self.clock = utc_now()  # "the load's own clock" for messages with no receivedAt
        self.duplicates_sql = statements.duplicates()
        self.insert_sql = [statements.insert(kind, table) for kind, table in TABLE_OF_TYPE.items()]

    def run(self) -> list[FileResult]:
        reader = ReadAhead(self.files, self.sizes)
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
        incoming = pa.Table.from_batches(self.pending, schema=INCOMING_SCHEMA)
        lines_by_file: dict[int, int] = {}
        for batch in self.pending:
            index = batch.column(0)[0].as_py()
            lines_by_file[index] = lines_by_file.get(index, 0) + batch.num_rows
        self.parsed_bytes += self.pending_bytes
        self.pending = []
        self.pending_bytes = 0
        self.connection.register("_accountable_incoming", incoming)
        try:
            self.connection.execute(statements.parse(first=not self.passes), {"now": self.clock})
        finally:
            self.connection.unregister("_accountable_incoming")
        self.passes += 1
        self._spread(time.perf_counter() - started, lines_by_file)
        self.report.status(self.results)

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
            connection.execute(statements.read("mark_duplicates"))
            connection.execute("drop table _accountable_duplicates")
            self._count(connection.execute(statements.read("counts")).fetchall())
        loaded_at = utc_now()
        parameters = {"load_id": self.load_id, "loaded_at": loaded_at, "files": self.paths}
        files = [self.paths[index] for index in self.uncommitted]
        connection.execute("begin transaction")
        try:
            if self.passes:
                for sql in self.insert_sql:
                    connection.execute(sql, parameters)
                connection.execute(statements.read("rejected"), parameters)
            connection.execute(
                "delete from raw.loads where load_id = ? and list_contains(?, file)",
                [self.load_id, files],
            )
            done = [self.results[index] for index in self.uncommitted]
            _from_arrow(
                connection,
                "insert into raw.loads by name",
                _loads_rows(self.load_id, done, loaded_at),
            )
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
        self.report.status(self.results)
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

    def _spread(self, seconds: float, lines_by_file: dict[int, int]) -> None:
        """Charge the seconds of a shared step to the files in it, by their share of lines."""
        total = sum(lines_by_file.values())
        for index, lines in lines_by_file.items():
            self.results[index].seconds += seconds * lines / total if total else 0.0


def record_skipped(connection: duckdb.DuckDBPyConnection, load_id: int, skipped: list[str]) -> None:
    """A raw.loads row (no lines) for each file in the folders that was not read."""
    if skipped:
        rows = _loads_rows(load_id, [FileResult(file=file) for file in skipped], utc_now())
        rows = rows.append_column("skipped_reason", pa.array([SKIPPED_REASON] * len(skipped)))
        _from_arrow(connection, "insert into raw.loads by name", rows)


def _loads_rows(load_id: int, results: list[FileResult], loaded_at: dt.datetime) -> pa.Table:
    """raw.loads rows of `results`: each file's counts so far."""
    return pa.table(
        {
            "load_id": pa.array([load_id] * len(results), pa.int64()),
            "file": pa.array([result.file for result in results], pa.string()),
            "lines": pa.array([result.lines for result in results], pa.int64()),
            "inserted": pa.array([result.inserted for result in results], pa.int64()),
            "duplicates": pa.array([result.duplicates for result in results], pa.int64()),
            "rejected": pa.array([result.rejected for result in results], pa.int64()),
            "loaded_at": pa.array([loaded_at] * len(results), pa.timestamp("us")),
            "seconds": pa.array([round(result.seconds, 3) for result in results], pa.float64()),
        }
    )


def _from_arrow(connection: duckdb.DuckDBPyConnection, statement: str, table: pa.Table) -> None:
    """Run `<statement> select * from <table>` (prepared statements with many rows are slow)."""
    connection.register("_accountable_arrow", table)
    try:
        connection.execute(f"{statement} select * from _accountable_arrow")
    finally:
        connection.unregister("_accountable_arrow")


def utc_now() -> dt.datetime:
    """Now in UTC, naive like the TIMESTAMP columns it goes into."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
