"""Fixtures shared across test modules: one warehouse built from the contract's worked example,
read by every test that only needs some built warehouse (its marts, its manifest, its columns),
so the suite builds it once."""

from __future__ import annotations

import pytest

from dbt_runner import REPO, Build, dbt, load

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
