"""`accountable publish` against CONTRACT.md section 7: the marts, and only they, copied into a
serving file that is swapped in atomically, so readers never block the warehouse's writers."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import duckdb
import pytest

from accountable.cli import main
from accountable.publish import PublishError, publish, serving_schema, temp_path
from dbt_runner import REPO, dbt, load

FIXTURE = REPO / "tests" / "fixtures" / "worked_example.json"

MARTS = ("dim_accounts", "fct_events", "Odd Name", "v_account_names")
"""The relations of the hand-made warehouse's marts schema (the last one is a view)."""


def make_warehouse(path: Path) -> Path:
    """A small warehouse shaped like dbt's: raw, staging views, intermediate and marts tables,
    with the column types the marts use, and a marts view that reads another schema through the
    catalog-qualified name dbt-duckdb writes."""
    catalog = path.name.split(".")[0]
    connection = duckdb.connect(str(path))
    connection.execute(
        f"""
        create schema raw;
        create schema staging;
        create schema intermediate;
        create schema marts;
        create table raw.tracks as select 'm1' as message_id, '{{}}'::json as message;
        create view staging.stg_accounts as select 'g1' as account_id, 'Acme' as name;
        create table intermediate.int_accounts as select * from staging.stg_accounts;
        create table marts.dim_accounts as
            select
                'g' || range as account_id,
                range::integer as member_count,
                (range % 2 = 0) as is_active,
                timestamp '2026-03-02 10:00:00' + to_minutes(range) as created_at,
                date '2026-03-02' as created_date,
                (range * 1.5)::decimal(18, 2) as mrr,
                range / 7 as ratio,
                ['a', 'b'] as tags,
                {{'plan': 'free', 'seats': range}} as traits,
                '{{"k": 1}}'::json as raw_traits
            from range(25);
        create table marts.fct_events as
            select 'e' || range as event_id, 'g' || (range % 25) as account_id
            from range(1000);
        create table marts."Odd Name" as select 1 as "a column";
        create view marts.v_account_names as
            select account_id, name from "{catalog}".staging.stg_accounts;
        """
    )
    connection.close()
    return path


def relations(path: Path, schema: str) -> dict[str, list[tuple[str, str]]]:
    """name -> [(column, type)] of every relation in `schema` of the file at `path`."""
    connection = duckdb.connect(str(path), read_only=True)
    try:
        rows = connection.execute(
            "select table_name, column_name, data_type from information_schema.columns "
            "where table_schema = ? order by table_name, ordinal_position",
            [schema],
        ).fetchall()
    finally:
        connection.close()
    columns: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        columns.setdefault(table, []).append((column, data_type))
    return columns


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if ".publishing-" in path.name)


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return make_warehouse(tmp_path / "warehouse.duckdb")


# --------------------------------------------------------------------------------------------
# What is copied
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("target_name", ["marts.duckdb", "serving.duckdb"])
def test_every_marts_relation_is_copied_with_its_rows_and_column_types(warehouse, target_name):
    target = warehouse.parent / target_name
    summary = publish(warehouse, target, progress=False)

    schema = serving_schema(target)
    assert schema == ("main" if target_name == "marts.duckdb" else "marts")
    source, copied = relations(warehouse, "marts"), relations(target, schema)
    assert sorted(copied) == sorted(MARTS)
    assert copied == source
    assert {table.name: table.rows for table in summary.tables} == {
        "dim_accounts": 25,
        "fct_events": 1000,
        "Odd Name": 1,
        "v_account_names": 1,
    }
    assert [table.name for table in summary.tables if table.was_view] == ["v_account_names"]

    connection = duckdb.connect(str(warehouse), read_only=True)
    connection.execute(f"attach '{target}' as serving (read_only)")
    for name in MARTS:
        for first, second in (("marts", f"serving.{schema}"), (f"serving.{schema}", "marts")):
            difference = connection.execute(
                f'select count(*) from (select * from {first}."{name}" '
                f'except all select * from {second}."{name}")'
            ).fetchone()[0]
            assert difference == 0, (name, first, second)
    view_type = connection.execute(
        "select table_type from information_schema.tables "
        "where table_catalog = 'serving' and table_name = 'v_account_names'"
    ).fetchone()[0]
    connection.close()
    assert view_type == "BASE TABLE"


@pytest.mark.parametrize("target_name", ["marts.duckdb", "serving.duckdb"])
def test_the_warehouse_queries_work_unchanged_on_the_serving_file(warehouse, target_name):
    target = warehouse.parent / target_name
    publish(warehouse, target, progress=False)
    connection = duckdb.connect(str(target), read_only=True)
    try:
        rows = connection.sql("select count(*), max(member_count) from marts.dim_accounts")
        assert rows.fetchall() == [(25, 24)]
    finally:
        connection.close()


def test_the_serving_file_holds_no_raw_staging_or_intermediate_schema(warehouse):
    target = warehouse.parent / "serving.duckdb"
    publish(warehouse, target, progress=False)
    connection = duckdb.connect(str(target), read_only=True)
    try:
        schemas = {
            row[0]
            for row in connection.execute(
                "select schema_name from duckdb_schemas() where not internal"
            ).fetchall()
        }
        views = connection.execute("select count(*) from duckdb_views() where not internal")
        view_count = views.fetchone()[0]
    finally:
        connection.close()
    assert schemas - {"main"} == {"marts"}
    assert view_count == 0


def test_publishing_again_replaces_the_marts_and_leaves_no_temporary_file(warehouse):
    target = warehouse.parent / "marts.duckdb"
    publish(warehouse, target, progress=False)
    connection = duckdb.connect(str(warehouse))
    connection.execute("drop table marts.fct_events")
    connection.execute("insert into marts.dim_accounts (account_id) values ('g-new')")
    connection.close()

    publish(warehouse, target, progress=False)

    assert sorted(relations(target, "main")) == sorted(set(MARTS) - {"fct_events"})
    connection = duckdb.connect(str(target), read_only=True)
    assert connection.sql("select count(*) from marts.dim_accounts").fetchall() == [(26,)]
    connection.close()
    assert leftovers(warehouse.parent) == []
    assert not Path(f"{target}.wal").exists()


# --------------------------------------------------------------------------------------------
# Errors: what is wrong, where, what to do; nothing half-done
# --------------------------------------------------------------------------------------------


def test_a_missing_warehouse_says_where_and_to_build_it(tmp_path):
    missing = tmp_path / "nowhere.duckdb"
    with pytest.raises(PublishError, match="no such warehouse") as error:
        publish(missing, tmp_path / "marts.duckdb", progress=False)
    assert str(missing) in str(error.value)
    assert "dbt build" in str(error.value)
    assert list(tmp_path.iterdir()) == []


def test_a_warehouse_without_marts_says_run_dbt_build_first(tmp_path):
    empty = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(empty)).close()
    with pytest.raises(PublishError, match="run dbt build first"):
        publish(empty, tmp_path / "marts.duckdb", progress=False)

    connection = duckdb.connect(str(empty))
    connection.execute("create schema marts")
    connection.close()
    with pytest.raises(PublishError, match="no tables in schema 'marts'; run dbt build first"):
        publish(empty, tmp_path / "marts.duckdb", progress=False)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["warehouse.duckdb"]


def test_a_missing_target_folder_says_which_folder(warehouse):
    folder = warehouse.parent / "no" / "such"
    with pytest.raises(PublishError, match="does not exist; create it") as error:
        publish(warehouse, folder / "marts.duckdb", progress=False)
    assert str(folder) in str(error.value)


def test_publishing_onto_the_warehouse_itself_is_refused(warehouse):
    with pytest.raises(PublishError, match="the warehouse itself"):
        publish(warehouse, warehouse, progress=False)
    assert relations(warehouse, "raw")  # still the warehouse, untouched


def test_a_warehouse_being_written_says_to_wait_for_the_writer(warehouse):
    target = warehouse.parent / "marts.duckdb"
    writer = _hold(warehouse, read_only=False)
    try:
        with pytest.raises(PublishError, match="being written by another process") as error:
            publish(warehouse, target, progress=False)
    finally:
        _release(writer)
    assert f"PID {writer.pid}" in str(error.value)
    assert "publish again" in str(error.value)
    assert not target.exists()
    assert leftovers(warehouse.parent) == []


def _hold(path: Path, read_only: bool) -> subprocess.Popen:
    """Another process with `path` open (a dbt build when read_only is False) until released."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, duckdb; c = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == '1'); "
            "print('ready', flush=True); sys.stdin.readline()",
            str(path),
            "1" if read_only else "0",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "ready"
    return holder


def _release(holder: subprocess.Popen) -> None:
    holder.stdin.write("\n")
    holder.stdin.flush()
    assert holder.wait(timeout=30) == 0


def test_a_failed_copy_keeps_the_old_serving_file_and_leaves_no_temporary_file(warehouse):
    target = warehouse.parent / "marts.duckdb"
    publish(warehouse, target, progress=False)
    before = target.read_bytes()
    connection = duckdb.connect(str(warehouse))
    connection.execute("create table staging.gone as select 1 as x")
    connection.execute("create view marts.zz_broken as select * from staging.gone")
    connection.execute("drop table staging.gone")
    connection.close()

    with pytest.raises(
        PublishError, match=r"(?s)marts\.zz_broken failed .*nothing was published"
    ) as error:
        publish(warehouse, target, progress=False)
    assert str(error.value).startswith(f"{warehouse}: copying the view")

    assert target.read_bytes() == before
    assert leftovers(warehouse.parent) == []


def test_a_system_error_half_way_becomes_an_actionable_error_and_leaves_nothing(
    warehouse, monkeypatch
):
    target = warehouse.parent / "marts.duckdb"

    def disk_full(path: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("accountable.publish._fsync", disk_full)
    with pytest.raises(PublishError, match="left as it was .*No space left on device"):
        publish(warehouse, target, progress=False)
    assert not target.exists()
    assert leftovers(warehouse.parent) == []


# --------------------------------------------------------------------------------------------
# The command line
# --------------------------------------------------------------------------------------------


def test_version_prints_the_installed_package_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"accountable {metadata.version('accountable')}"


def test_the_command_uses_the_environment_defaults_and_prints_a_summary(
    warehouse, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ACCOUNTABLE_DB", str(warehouse))
    monkeypatch.delenv("ACCOUNTABLE_MARTS_DB", raising=False)
    assert main(["publish"]) == 0
    assert (tmp_path / "marts.duckdb").is_file()
    summary = capsys.readouterr().err
    assert "Published 4 marts tables, 1 of them views, now tables (1,027 rows)" in summary
    assert "marts.duckdb" in summary

    monkeypatch.setenv("ACCOUNTABLE_MARTS_DB", str(tmp_path / "elsewhere.duckdb"))
    assert main(["publish", "--quiet"]) == 0
    assert capsys.readouterr() == ("", "")
    assert relations(tmp_path / "elsewhere.duckdb", "marts")


def test_the_command_reports_errors_and_exits_2(tmp_path, capsys):
    missing = tmp_path / "missing.duckdb"
    code = main(["publish", "--db", str(missing), "--to", str(tmp_path / "m.duckdb")])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("accountable publish: error: ")
    assert "Traceback" not in err


# --------------------------------------------------------------------------------------------
# End to end: a real reader process holds the serving file through load, build and publishes
# --------------------------------------------------------------------------------------------

_READER = """
import json, sys
import duckdb
connection = duckdb.connect(sys.argv[1], read_only=True)
def answer():
    rows = connection.sql("select account_id from marts.dim_accounts order by 1").fetchall()
    print(json.dumps([row[0] for row in rows]), flush=True)
answer()
for line in sys.stdin:
    if line.strip() == "quit":
        break
    answer()
connection.close()
"""


class Reader:
    """A separate process that opens the serving file read-only and keeps it open, answering
    `select account_id from marts.dim_accounts` each time it is asked."""

    def __init__(self, path: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", _READER, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.first = self._answer()

    def _answer(self) -> list[str]:
        line = self.process.stdout.readline()
        assert line, f"the reader died: {self.process.stderr.read()}"
        return json.loads(line)

    def ask(self) -> list[str]:
        self.process.stdin.write("again\n")
        self.process.stdin.flush()
        return self._answer()

    def close(self) -> int:
        if self.process.poll() is None:
            self.process.stdin.write("quit\n")
            self.process.stdin.flush()
        return self.process.wait(timeout=30)


def _accounts(path: Path) -> list[str]:
    """What a new connection sees."""
    connection = duckdb.connect(str(path), read_only=True)
    try:
        rows = connection.sql("select account_id from marts.dim_accounts order by 1").fetchall()
    finally:
        connection.close()
    return [row[0] for row in rows]


def _command(*args: str | Path, db: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, ACCOUNTABLE_DB=str(db))
    result = subprocess.run(
        [str(Path(sys.executable).parent / "accountable"), *map(str, args)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    return result


@pytest.mark.e2e
def test_readers_of_the_serving_file_never_block_load_build_or_publish(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    serving = tmp_path / "marts.duckdb"
    previous = tmp_path / "previous.duckdb"
    connection = duckdb.connect(str(previous))
    connection.execute("create schema marts")
    connection.execute("create table marts.dim_accounts as select 'old-release' as account_id")
    connection.close()
    _command("publish", "--quiet", "--db", previous, "--to", serving, db=db)

    old_reader = Reader(serving)
    new_reader = None
    try:
        assert old_reader.first == ["old-release"]

        # The warehouse is written while a reader holds the serving file open.
        load(db, FIXTURE)
        dbt("build", db, tmp_path, extra=["--exclude-resource-type", "unit_test"])
        _command("publish", "--db", db, "--to", serving, db=db)
        assert old_reader.ask() == ["old-release"]
        assert _accounts(serving) == ["g1", "g2"]

        # A second publish while readers hold the first file and the one before it.
        new_reader = Reader(serving)
        assert new_reader.first == ["g1", "g2"]
        # A copy keeps the file name: dbt-duckdb's views name their catalog, the file's stem.
        changed = tmp_path / "changed" / db.name
        changed.parent.mkdir()
        shutil.copyfile(db, changed)
        connection = duckdb.connect(str(changed))
        connection.execute("insert into marts.dim_accounts (account_id) values ('g3')")
        connection.close()
        result = _command("publish", "--db", changed, "--to", serving, db=db)
        assert "Published" in result.stderr

        assert new_reader.ask() == ["g1", "g2"]
        assert old_reader.ask() == ["old-release"]
        assert _accounts(serving) == ["g1", "g2", "g3"]
        assert leftovers(tmp_path) == []
    finally:
        codes = [reader.close() for reader in (old_reader, new_reader) if reader is not None]
    assert codes == [0, 0]


def test_the_new_file_is_written_beside_the_target_so_the_rename_is_atomic():
    assert temp_path(Path("/srv/data/marts.duckdb")) == Path(
        f"/srv/data/marts.duckdb.publishing-{os.getpid()}"
    )
