"""Copy the marts into a serving file that readers use while dbt writes the warehouse.

DuckDB lets one process write a file, or several read it, never both: a notebook holding the
warehouse open, even read-only, makes the next `dbt build` fail on the file lock. So readers get
their own file. `publish` opens the warehouse read-only, copies every table and view of schema
`marts` (views become tables) into a new file beside the serving file, closes it, and swaps it in
with one atomic rename (CONTRACT.md section 7). A reader that has the old file open keeps its open
handle on the old inode and reads it undisturbed; the next connection opens the new file. Nothing
here ever opens the serving file itself, so no reader can make a publish fail.

Why the schema is sometimes `main`: DuckDB names a file's catalog after its stem, and refuses
`marts.dim_accounts` as "ambiguous" when a file called marts.duckdb also holds a schema `marts`.
In a file with that stem the tables live in `main`, so `marts.dim_accounts` resolves to the
catalog and the same queries work against the warehouse and the serving file alike.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import duckdb

from accountable.load.database import is_locked, is_not_duckdb, lock_holder

SOURCE_SCHEMA = "marts"
"""The warehouse schema that is published (dbt's `+schema: marts`)."""

_SERVING_ALIAS = "accountable__serving"
"""The name the new file is attached under while it is written; unlikely to meet a file stem."""


class PublishError(Exception):
    """A publish that cannot start or finish; the message says what is wrong and what to do."""


@dataclass(frozen=True)
class PublishedTable:
    """One relation copied into the serving file."""

    name: str
    rows: int
    was_view: bool


@dataclass(frozen=True)
class PublishSummary:
    """What a publish did, for the command's summary line and for tests."""

    warehouse: Path
    target: Path
    schema: str
    tables: tuple[PublishedTable, ...]
    seconds: float

    @property
    def rows(self) -> int:
        return sum(table.rows for table in self.tables)


def serving_schema(target: Path) -> str:
    """The schema the marts get in `target`: `marts`, or `main` when the catalog is `marts` too."""
    return "main" if _catalog_name(target) == SOURCE_SCHEMA else SOURCE_SCHEMA


def temp_path(target: Path) -> Path:
    """Where the new serving file is written before the swap: same folder, so rename is atomic."""
    return target.with_name(f"{target.name}.publishing-{os.getpid()}")


def publish(db_path: Path, target: Path, progress: bool = True) -> PublishSummary:
    """Copy every relation of schema `marts` in `db_path` into `target`, swapped in atomically.

    Raises PublishError, leaving `target` as it was and no temporary file behind, when the
    warehouse is missing, locked by a writer or has no marts, or `target` cannot be written.
    """
    started = time.perf_counter()
    db_path, target = Path(db_path), Path(target)
    _check_paths(db_path, target)
    schema = serving_schema(target)
    scratch = temp_path(target)
    _remove(scratch)
    connection = duckdb.connect(":memory:")
    try:
        warehouse = _attach_warehouse(connection, db_path)
        relations = _marts_relations(connection, warehouse, db_path)
        tables = _copy(connection, db_path, warehouse, relations, scratch, schema)
        connection.close()  # detaches and checkpoints the new file: it is complete on disk
        _swap(scratch, target)
    except (duckdb.Error, OSError) as error:  # a full disk, a vanished folder, ...
        _abandon(connection, scratch)
        raise PublishError(
            f"{target}: the publish failed and the serving file was left as it was ({error}); "
            f"fix the cause and publish again"
        ) from error
    except BaseException:  # PublishError, and an interrupt half-way: leave nothing behind
        _abandon(connection, scratch)
        raise
    summary = PublishSummary(
        warehouse=db_path,
        target=target,
        schema=schema,
        tables=tuple(tables),
        seconds=time.perf_counter() - started,
    )
    if progress:
        _print_summary(summary, sys.stderr)
    return summary


# --------------------------------------------------------------------------------------------
# Checks before anything is written
# --------------------------------------------------------------------------------------------


def _check_paths(db_path: Path, target: Path) -> None:
    if not db_path.exists():
        raise PublishError(
            f"{db_path}: no such warehouse. Build it first (accountable load PATH..., then "
            f".venv/bin/dbt build --profiles-dir .), or point --db or $ACCOUNTABLE_DB at it"
        )
    if not db_path.is_file():
        raise PublishError(f"{db_path}: not a file; point --db or $ACCOUNTABLE_DB at the warehouse")
    folder = Path(os.path.abspath(target)).parent
    if not folder.is_dir():
        raise PublishError(
            f"{target}: the folder {folder} does not exist; create it or choose another serving "
            f"file (--to or $ACCOUNTABLE_MARTS_DB)"
        )
    if target.is_dir():
        raise PublishError(
            f"{target}: is a folder; name a file for the serving copy (--to or "
            f"$ACCOUNTABLE_MARTS_DB), e.g. {target / 'marts.duckdb'}"
        )
    if target.exists() and os.path.samefile(db_path, target):
        raise PublishError(
            f"{target}: this is the warehouse itself; publish to another file (--to or "
            f"$ACCOUNTABLE_MARTS_DB), e.g. marts.duckdb"
        )
    if not os.access(folder, os.W_OK):
        raise PublishError(
            f"{target}: cannot write in {folder}; fix its permissions or choose another serving "
            f"file (--to or $ACCOUNTABLE_MARTS_DB)"
        )


def _catalog_name(path: Path) -> str:
    """The catalog DuckDB gives a file it opens: its name up to the first dot, lowercase."""
    return path.name.split(".", 1)[0].lower()


# --------------------------------------------------------------------------------------------
# The copy
# --------------------------------------------------------------------------------------------


def _attach_warehouse(connection: duckdb.DuckDBPyConnection, db_path: Path) -> str:
    """Attach the warehouse read-only under its own catalog name, which dbt's views refer to."""
    alias = _catalog_name(db_path)
    try:
        connection.execute(f"attach {_literal(str(db_path))} as {_ident(alias)} (read_only)")
    except duckdb.IOException as error:
        message = str(error)
        if is_locked(message):
            raise PublishError(
                f"{db_path}: the warehouse is being written by another process"
                f"{lock_holder(message)}, most likely "
                f"a dbt build or a load in progress. Wait for it to finish, then publish again"
            ) from None
        if is_not_duckdb(message):
            raise PublishError(
                f"{db_path}: this file is not a DuckDB database; point --db or $ACCOUNTABLE_DB "
                f"at the warehouse"
            ) from None
        raise PublishError(f"{db_path}: cannot open the warehouse ({message})") from None
    except duckdb.Error as error:
        raise PublishError(f"{db_path}: cannot open the warehouse ({error})") from None
    return alias


def _marts_relations(
    connection: duckdb.DuckDBPyConnection, warehouse: str, db_path: Path
) -> list[tuple[str, bool]]:
    """(name, is a view) of every relation in the warehouse's marts schema, by name."""
    rows = connection.execute(
        "select table_name, table_type = 'VIEW' from information_schema.tables "
        "where table_catalog = ? and table_schema = ? order by table_name",
        [warehouse, SOURCE_SCHEMA],
    ).fetchall()
    if not rows:
        raise PublishError(
            f"{db_path}: the warehouse has no tables in schema '{SOURCE_SCHEMA}'; run dbt build "
            f"first (.venv/bin/dbt build --profiles-dir .), then publish"
        )
    return [(name, bool(is_view)) for name, is_view in rows]


def _copy(
    connection: duckdb.DuckDBPyConnection,
    db_path: Path,
    warehouse: str,
    relations: list[tuple[str, bool]],
    scratch: Path,
    schema: str,
) -> list[PublishedTable]:
    """Create each relation as a table in the new file at `scratch`; one transaction for all."""
    try:
        connection.execute(f"attach {_literal(str(scratch))} as {_SERVING_ALIAS}")
    except duckdb.Error as error:
        raise PublishError(f"{scratch}: cannot create the new serving file ({error})") from None
    published = []
    connection.execute("begin")
    if schema != "main":
        connection.execute(f"create schema {_SERVING_ALIAS}.{_ident(schema)}")
    for name, was_view in relations:
        source = f"{_ident(warehouse)}.{SOURCE_SCHEMA}.{_ident(name)}"
        destination = f"{_SERVING_ALIAS}.{_ident(schema)}.{_ident(name)}"
        try:
            connection.execute(f"create table {destination} as select * from {source}")
        except duckdb.Error as error:
            kind = "view" if was_view else "table"
            raise PublishError(
                f"{db_path}: copying the {kind} {SOURCE_SCHEMA}.{name} failed ({error}); "
                f"nothing was published. Fix the cause (dbt build again if the model is broken) "
                f"and publish again"
            ) from None
        rows = connection.execute(f"select count(*) from {destination}").fetchone()[0]
        published.append(PublishedTable(name=name, rows=rows, was_view=was_view))
    connection.execute("commit")
    connection.execute(f"detach {_SERVING_ALIAS}")
    return published


def _swap(scratch: Path, target: Path) -> None:
    """Make the new file durable, then put it in place in one rename (readers keep the old one)."""
    _fsync(scratch)
    try:
        os.replace(scratch, target)
    except OSError as error:
        raise PublishError(
            f"{target}: cannot replace the serving file ({error.strerror}); check the folder's "
            f"permissions and publish again"
        ) from None
    _fsync(Path(os.path.abspath(target)).parent)


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _abandon(connection: duckdb.DuckDBPyConnection, scratch: Path) -> None:
    """Roll back and close (closing twice is harmless), then delete the half-written file."""
    connection.close()
    _remove(scratch)


def _remove(scratch: Path) -> None:
    """Delete a temporary serving file and its write-ahead log, if any."""
    for leftover in (scratch, scratch.with_name(scratch.name + ".wal")):
        leftover.unlink(missing_ok=True)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _print_summary(summary: PublishSummary, stream: TextIO) -> None:
    views = sum(table.was_view for table in summary.tables)
    as_tables = f", {views} of them views, now tables" if views else ""
    print(
        f"Published {len(summary.tables)} marts tables{as_tables} ({summary.rows:,} rows) "
        f"from {summary.warehouse} to {summary.target} in {summary.seconds:.1f}s.\n"
        f"Read it with duckdb.connect('{summary.target}', read_only=True); "
        f"select * from marts.dim_accounts",
        file=stream,
        flush=True,
    )
