"""README "Connecting a BI tool", done as it says: the published serving file opened read-only
through SQLAlchemy + duckdb-engine (what Superset and most Python BI tools use) and through
DuckDB's own Python client. Listing columns is what breaks first when SQLAlchemy moves (2.1
fails on pg_collation, 2.0.55 and later on regclass): the pinned versions must list them."""

from __future__ import annotations

import subprocess
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa

from dbt_runner import BIN, REPO, Build

pytestmark = pytest.mark.e2e

CORE_MARTS = {"dim_users", "dim_accounts", "dim_memberships", "fct_events", "revenue_monthly"}
"""Some of contract section 5's marts; every published table is compared with DuckDB's list."""


def publish(db: Path, to: Path) -> None:
    result = subprocess.run(
        [str(BIN / "accountable"), "publish", "--db", str(db), "--to", str(to)],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def serving_file(worked_example: Build, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("serving") / "marts.duckdb"
    publish(worked_example.db, path)
    return path


def engine(path: Path) -> sa.Engine:
    """The README's URL: the serving file, read-only (Superset: the same URI in its form)."""
    return sa.create_engine(f"duckdb:///{path}?access_mode=read_only")


def built_columns(path: Path, table: str) -> list[tuple[str, str]]:
    connection = duckdb.connect(str(path), read_only=True)
    try:
        return connection.execute(
            "select column_name, data_type from information_schema.columns"
            " where table_name = ? order by ordinal_position",
            [table],
        ).fetchall()
    finally:
        connection.close()


def duckdb_tables(path: Path) -> list[str]:
    connection = duckdb.connect(str(path), read_only=True)
    try:
        return [row[0] for row in connection.execute("show tables").fetchall()]
    finally:
        connection.close()


def test_sqlalchemy_lists_the_marts_and_their_columns(serving_file):
    # DuckDB's own answers first: in one process, a file is opened with one configuration
    checked = ("dim_accounts", "fct_events", "account_mrr_monthly")
    expected_tables = duckdb_tables(serving_file)
    expected_columns = {table: built_columns(serving_file, table) for table in checked}
    bi = engine(serving_file)
    try:
        inspector = sa.inspect(bi)
        tables = inspector.get_table_names()
        assert set(tables) >= CORE_MARTS
        assert sorted(tables) == sorted(expected_tables)
        for table in checked:
            columns = inspector.get_columns(table)
            assert [column["name"] for column in columns] == [
                name for name, _ in expected_columns[table]
            ]
        types = {column["name"]: column["type"] for column in inspector.get_columns("dim_accounts")}
        assert isinstance(types["created_at"], sa.DateTime)
        assert isinstance(types["member_count"], sa.Integer)
        # what a BI tool does when it adds a dataset: reflect the table whole
        table = sa.Table("dim_accounts", sa.MetaData(), autoload_with=bi)
        assert "account_id" in table.columns
        assert inspector.get_pk_constraint("dim_accounts")["constrained_columns"] == []
    finally:
        bi.dispose()


def test_sqlalchemy_reads_the_marts_and_cannot_write(serving_file):
    bi = engine(serving_file)
    try:
        with bi.connect() as connection:
            accounts = connection.execute(
                sa.text("select account_id, name from dim_accounts order by account_id")
            ).fetchall()
            assert [tuple(row) for row in accounts] == [("g1", "Acme"), ("g2", "Globex")]
            # the warehouse's spelling works on the serving file too (README, Reading the warehouse)
            assert connection.execute(sa.text("select count(*) from marts.dim_accounts")).scalar()
            with pytest.raises(sa.exc.DBAPIError, match="read-only"):
                connection.execute(sa.text("create table scratch as select 1 as x"))
    finally:
        bi.dispose()


def test_an_open_bi_connection_does_not_block_a_publish(worked_example, tmp_path):
    """A BI tool holding the serving file open (read-only) never makes a publish fail; it sees
    the new file when it reconnects."""
    path = tmp_path / "marts.duckdb"
    publish(worked_example.db, path)
    bi = engine(path)
    try:
        with bi.connect() as connection:
            before = connection.execute(sa.text("select count(*) from fct_events")).scalar()
            publish(worked_example.db, path)
            assert connection.execute(sa.text("select count(*) from fct_events")).scalar() == before
    finally:
        bi.dispose()


def test_duckdb_python_client_reads_the_serving_file(serving_file):
    connection = duckdb.connect(str(serving_file), read_only=True)
    try:
        names = {row[0] for row in connection.execute("show tables").fetchall()}
        assert names >= CORE_MARTS
        assert connection.sql("select count(*) from marts.dim_accounts").fetchone() == (2,)
    finally:
        connection.close()
