"""The warehouse file: opening it with clear errors, the raw schema, the load's settings."""

from __future__ import annotations

import os
import re
from pathlib import Path

import duckdb

from accountable.load.model import LoadError, LoadSizes
from accountable.load.statements import read

STORAGE_VERSION = "v1.2.0"
"""The storage format of a warehouse the loader creates: the oldest with ZSTD for strings
(DuckDB 1.2). Such a file opens with DuckDB 1.2 and later, dbt-duckdb's included."""


def connect(db_path: Path) -> duckdb.DuckDBPyConnection:
    folder = Path(os.path.abspath(db_path)).parent
    if not folder.is_dir():
        raise LoadError(
            f"{db_path}: the folder {folder} does not exist; create it or choose another "
            f"database path (--db or $ACCOUNTABLE_DB)"
        )
    # A new file gets a storage format with ZSTD; an existing one keeps its own.
    new_file = not os.path.exists(db_path)
    config = {"storage_compatibility_version": STORAGE_VERSION} if new_file else {}
    try:
        return duckdb.connect(str(db_path), config=config)
    except duckdb.IOException as error:
        message = str(error)
        if is_locked(message):
            raise LoadError(
                f"{db_path}: the database is locked by another process{lock_holder(message)}. "
                f"Close the program "
                f"that has it open (a running dbt, a notebook, a DuckDB shell) and load again"
            ) from None
        if is_not_duckdb(message):
            raise LoadError(
                f"{db_path}: this file is not a DuckDB database; choose another database path "
                f"(--db or $ACCOUNTABLE_DB)"
            ) from None
        raise LoadError(f"{db_path}: cannot open the database ({message})") from None
    except duckdb.Error as error:
        raise LoadError(f"{db_path}: cannot open the database ({error})") from None


def is_locked(message: str) -> bool:
    """True when DuckDB's error says another process holds the file's lock."""
    return "lock" in message.lower()


def is_not_duckdb(message: str) -> bool:
    """True when DuckDB's error says the file is not a DuckDB database."""
    return "not a valid DuckDB database" in message


def lock_holder(message: str) -> str:
    """' (held by <program and pid>)' from DuckDB's lock error, or '' when it names none."""
    holder = message.split("Conflicting lock is held in", 1)
    return f" (held by {holder[1].split('. See')[0].strip()})" if len(holder) == 2 else ""


def schema_sql(connection: duckdb.DuckDBPyConnection) -> str:
    """The DDL of the raw schema (create ... if not exists), run at every load.

    The JSON and id columns (`/* compressed */` in the file) are stored with ZSTD where the
    file's storage format has it: it writes faster than FSST, DuckDB's pick for them otherwise
    (FSST took about a tenth of the load's CPU time), and stores them about 2.5x smaller. In an
    older format DuckDB would accept the clause and silently store the column uncompressed, so
    it is left out there."""
    ddl = read("raw_schema")
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


def configure(connection: duckdb.DuckDBPyConnection, sizes: LoadSizes) -> None:
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
