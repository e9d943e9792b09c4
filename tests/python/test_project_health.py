"""Project health, as dbt-project-evaluator would check it (the package cannot be installed
here): every model and column documented, every model with a primary-key test, every source
table with freshness, models in the layer their name says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dbt_runner import dbt

LAYER_PREFIXES = {"staging": ("stg_",), "intermediate": ("int_",)}


@pytest.fixture(scope="module")
def manifest(tmp_path_factory) -> dict:
    work = tmp_path_factory.mktemp("health")
    dbt("parse", work / "parse.duckdb", work)
    return json.loads((work / "target" / "manifest.json").read_text())


def _models(manifest: dict) -> list[dict]:
    return [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["package_name"] == "accountable"
    ]


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


def test_every_model_documents_some_columns(manifest):
    missing = [model["name"] for model in _models(manifest) if not model["columns"]]
    assert missing == []


def test_every_model_has_a_primary_key_test(manifest):
    """A unique test (on a column or a column combination) and not_null on the key. A view that
    is one row per row of another model may say so (meta key_tested_on: that model), which must
    have its own key test: scanning ten million rows again proves nothing more."""
    tests_by_model: dict[str, set[str]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test" or "test_metadata" not in node:
            continue
        name = node["test_metadata"]["name"]
        for parent in node["depends_on"]["nodes"]:
            tests_by_model.setdefault(parent, set()).add(name)
    unique_tests = {"unique", "accountable_unique_combination_of_columns"}
    by_name = {model["name"]: model for model in _models(manifest)}

    def has_key_test(model: dict) -> bool:
        return bool(tests_by_model.get(model["unique_id"], set()) & unique_tests)

    missing = []
    for model in by_name.values():
        upstream = model["config"].get("meta", {}).get("key_tested_on")
        if upstream is not None:
            assert model["config"]["materialized"] == "view", model["name"]
            parents = model["depends_on"]["nodes"]
            assert any(node.endswith(f".{upstream}") for node in parents), model["name"]
            if not has_key_test(by_name[upstream]):
                missing.append(f"{model['name']} (via {upstream})")
        elif not has_key_test(model):
            missing.append(model["name"])
    assert missing == []


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
    """Messages are read through staging only. The load log (raw.loads) is bookkeeping: the
    incremental models read the newest load id from it (macros/incremental/watermarks.sql)."""
    offenders = [
        model["name"]
        for model in _models(manifest)
        if not model["name"].startswith("stg_")
        and [source for source in model["sources"] if source != ["segment", "loads"]]
    ]
    assert offenders == []
