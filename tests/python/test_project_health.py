"""Project health, as dbt-project-evaluator would check it (the package cannot be installed
here): every model and column documented, the documented columns exactly the built ones, every
model with a primary-key test and not_null on its key, every source table with freshness, models
in the layer their name says.

The manifest and the relations are those of the worked example's build (fixture
`worked_example`, conftest.py), built with the default vars."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from dbt_runner import Build, dbt, query

LAYER_PREFIXES = {"staging": ("stg_",), "intermediate": ("int_",)}
UNIQUE_TESTS = {"unique", "accountable_unique_combination_of_columns"}
NULL_EXPLAINED = re.compile(r"(?<!not )\bnull\b", re.IGNORECASE)
"""A key column without not_null must say when it is null (`null when the account has none`)."""


@pytest.fixture(scope="module")
def manifest(worked_example: Build) -> dict:
    return json.loads((worked_example.target / "manifest.json").read_text())


@pytest.fixture(scope="module")
def built_columns(worked_example: Build) -> dict[tuple[str, str], set[str]]:
    """(schema, relation) -> its column names, as built."""
    columns: dict[tuple[str, str], set[str]] = {}
    for schema, table, column in query(
        worked_example.db,
        "select table_schema, table_name, column_name from information_schema.columns",
    ):
        columns.setdefault((schema, table), set()).add(column)
    return columns


def _models(manifest: dict) -> list[dict]:
    return [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["package_name"] == "accountable"
    ]


def _generic_tests(manifest: dict) -> list[dict]:
    return [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test" and "test_metadata" in node
    ]


def _tests_on(manifest: dict) -> dict[str, list[dict]]:
    """model unique_id -> the test_metadata of the generic tests attached to it."""
    tests: dict[str, list[dict]] = {}
    for node in _generic_tests(manifest):
        model = node.get("attached_node") or node["depends_on"]["nodes"][0]
        tests.setdefault(model, []).append(node["test_metadata"])
    return tests


def _kwarg(metadata: dict, name: str):
    kwargs = metadata.get("kwargs", {})
    return kwargs.get(name, (kwargs.get("arguments") or {}).get(name))


def _key_columns(metadata: dict, columns: set[str]) -> set[str]:
    """The columns a unique test keys on: its column, the columns named in its expression
    (`account_id || '|' || user_id`) or its combination."""
    if metadata["name"] == "accountable_unique_combination_of_columns":
        return set(_kwarg(metadata, "combination_of_columns"))
    return set(re.findall(r"\w+", _kwarg(metadata, "column_name"))) & columns


def test_every_model_is_described(manifest):
    missing = [model["name"] for model in _models(manifest) if not model["description"].strip()]
    assert missing == []


def test_every_model_description_starts_with_its_grain(manifest):
    bad = [
        model["name"]
        for model in _models(manifest)
        if not model["description"].strip().startswith("One row per")
    ]
    assert bad == []


def test_every_documented_column_has_a_description(manifest):
    missing = [
        f"{model['name']}.{name}"
        for model in _models(manifest)
        for name, column in model["columns"].items()
        if not column["description"].strip()
    ]
    assert missing == []


def test_the_documented_columns_are_the_built_columns(manifest, built_columns):
    """Every column a model builds is documented, and every documented column is built: a column
    renamed or dropped in SQL but not in YAML (or the reverse) is caught here, not by a reader."""
    models = _models(manifest)
    assert len(models) >= 20, "the manifest lists too few models"
    differences = []
    for model in models:
        name = model["name"]
        built = built_columns.get((model["schema"], model["alias"]))
        if built is None:
            differences.append(f"{name}: not built")
            continue
        documented = set(model["columns"])
        differences += [f"{name}.{column}: not documented" for column in built - documented]
        differences += [f"{name}.{column}: documented, not built" for column in documented - built]
    assert sorted(differences) == []


def test_every_model_has_a_primary_key_test(manifest):
    """A unique test (on a column or a column combination). A view whose rows are rows of
    another model, a filter of it or one part of a union, may say so (meta key_tested_on: that
    model, its parent or its child), which must have its own key test: scanning ten million rows
    again proves nothing more."""
    tests_on = _tests_on(manifest)
    by_name = {model["name"]: model for model in _models(manifest)}
    children = manifest["child_map"]

    def has_key_test(model: dict) -> bool:
        return any(test["name"] in UNIQUE_TESTS for test in tests_on.get(model["unique_id"], []))

    missing = []
    for model in by_name.values():
        upstream = model["config"].get("meta", {}).get("key_tested_on")
        if upstream is not None:
            assert model["config"]["materialized"] == "view", model["name"]
            related = model["depends_on"]["nodes"] + children[model["unique_id"]]
            assert any(node == by_name[upstream]["unique_id"] for node in related), model["name"]
            if not has_key_test(by_name[upstream]):
                missing.append(f"{model['name']} (via {upstream})")
        elif not has_key_test(model):
            missing.append(model["name"])
    assert missing == []


def test_every_key_column_is_tested_not_null_or_says_when_it_is_null(manifest):
    """The columns of a model's key (those its unique tests name) have a not-null test (not_null,
    or named by the model's accountable_not_null), unless the column's description says when it
    is null (a funnel breakdown by a trait some accounts lack). The unique tests let nulls
    through: a null key would go unnoticed."""
    tests_on = _tests_on(manifest)
    unchecked = []
    for model in _models(manifest):
        tests = tests_on.get(model["unique_id"], [])
        columns = model["columns"]
        keys = set().union(
            *(_key_columns(test, set(columns)) for test in tests if test["name"] in UNIQUE_TESTS)
        )
        not_null = {_kwarg(test, "column_name") for test in tests if test["name"] == "not_null"}
        for test in tests:
            if test["name"] == "accountable_not_null":
                not_null.update(_kwarg(test, "columns"))
        for column in sorted(keys - not_null):
            description = columns.get(column, {}).get("description", "")
            if not NULL_EXPLAINED.search(description):
                unchecked.append(f"{model['name']}.{column}")
    assert unchecked == []


def test_sources_have_freshness(manifest):
    tables = [
        source
        for source in manifest["sources"].values()
        if source["name"] not in ("loads", "rejected")
    ]
    assert tables, "no sources found"
    stale = [
        source["name"]
        for source in tables
        if not (source.get("freshness") or {}).get("warn_after", {}).get("count")
    ]
    assert stale == []


def test_models_live_in_the_layer_their_name_says(manifest):
    misplaced = []
    for model in _models(manifest):
        path = Path(model["original_file_path"])
        layer = path.parts[1]
        prefixes = LAYER_PREFIXES.get(layer)
        if prefixes and not model["name"].startswith(prefixes):
            misplaced.append(str(path))
        if layer == "marts" and model["name"].startswith(("stg_", "int_")):
            misplaced.append(str(path))
    assert misplaced == []


def test_source_is_only_used_in_staging(manifest):
    """Every raw table, the load log included, is read through staging only."""
    offenders = [
        model["name"]
        for model in _models(manifest)
        if not model["name"].startswith("stg_") and model["sources"]
    ]
    assert offenders == []


def test_accountable_not_null_fails_on_each_null_column(worked_example, tmp_path):
    """The one not-null test of a model fails on a null in any column it names, and counts the
    rows: a copy of the worked example's warehouse with two nulls written into a mart."""
    db = tmp_path / "warehouse.duckdb"
    shutil.copy(worked_example.db, db)
    con = duckdb.connect(str(db))
    try:
        first, second = con.execute(
            "select account_id from marts.dim_accounts order by account_id limit 2"
        ).fetchall()
        con.execute("update marts.dim_accounts set created_at = null where account_id = ?", first)
        con.execute("update marts.dim_accounts set mrr = null where account_id = ?", second)
    finally:
        con.close()
    result = dbt(
        "test",
        db,
        tmp_path,
        extra=["--select", "dim_accounts", "--indirect-selection", "cautious"],
        check=False,
    )
    assert result.returncode == 1, result.stdout[-3000:]
    results = json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
    failures = {
        result["unique_id"].split(".")[2].split("_dim_accounts")[0]: result["failures"]
        for result in results
        if result["unique_id"].startswith("test.")
    }
    assert failures["accountable_not_null"] == 2
