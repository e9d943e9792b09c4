"""Fixtures shared across test modules: one warehouse built from the contract's worked example,
read by every test that only needs some built warehouse (its marts, its manifest, its columns),
so the suite builds it once."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import NamedTuple

import pytest

from dbt_runner import BIN, REPO, Build, dbt, generate, load

WORKED_EXAMPLE = REPO / "tests" / "fixtures" / "worked_example.json"


@pytest.fixture(scope="session")
def worked_example(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The worked example (CONTRACT.md section 6), loaded and built with the default vars: every
    model and data test. Unit tests depend on no data; `make dbt-test` runs them. Read it, never
    write it: other modules share it."""
    work = tmp_path_factory.mktemp("worked_example")
    db = work / "warehouse.duckdb"
    load(db, WORKED_EXAMPLE)
    dbt("build", db, work, extra=["--exclude-resource-type", "unit_test"])
    return Build(db=db, target=work / "target")


class ServedWorld(NamedTuple):
    """A generated world, built and published: the serving file the report and notebook read."""

    db: Path
    marts: Path
    work: Path


@pytest.fixture(scope="session")
def served_world(tmp_path_factory: pytest.TempPathFactory) -> ServedWorld:
    """A small generated world (40 accounts, 45 days: revenue, funnels, lifecycle, health), every
    model built with the repository's vars and published to a serving file. Read it, never write
    it: the report and notebook tests share it."""
    work = tmp_path_factory.mktemp("served_world")
    data = work / "data"
    generate(data, accounts=40, days=45, seed=7)
    db = work / "warehouse.duckdb"
    load(db, data)
    dbt("run", db, work)
    marts = work / "marts.duckdb"
    subprocess.run(
        [str(BIN / "accountable"), "publish", "--quiet", "--db", str(db), "--to", str(marts)],
        check=True,
    )
    return ServedWorld(db=db, marts=marts, work=work)
