"""The semantic layer (CONTRACT.md section 7): `mf query`, run as a user runs it from the project
root, gives for each metric the same per-period values as plain SQL over the marts it describes.

MetricFlow reads `target/semantic_manifest.json` under the project root, so each warehouse gets
a copy of the project whose target/ holds the manifest dbt wrote for that warehouse."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from dbt_runner import BIN, REPO, Build, dbt, generate, load, query

pytestmark = pytest.mark.e2e

REQUIRED = ["accounts", "activated_accounts", "activation_rate", "active_accounts", "events", "mrr"]
"""The metrics contract section 7 names."""

BY_MONTH = {
    "accounts": """
        select date_trunc('month', created_at), count(*)
        from marts.dim_accounts group by 1""",
    "activated_accounts": """
        select date_trunc('month', created_at), count(activated_at)
        from marts.dim_accounts group by 1""",
    "activation_rate": """
        select date_trunc('month', created_at), count(activated_at) / count(*)
        from marts.dim_accounts group by 1""",
    "paid_conversion_rate": """
        select date_trunc('month', created_at), count(first_paid_at) / count(*)
        from marts.dim_accounts group by 1""",
    "active_accounts": """
        select date_trunc('month', activity_date), count(distinct account_id)
        from marts.account_activity_daily group by 1""",
    "activity_events": """
        select date_trunc('month', activity_date), sum(activity_events)
        from marts.account_activity_daily group by 1""",
    "events": """
        select date_trunc('month', event_at), count(*) from marts.fct_events group by 1""",
    "mrr": "select month, ending_mrr from marts.revenue_monthly",
    "paying_accounts": "select month, paying_accounts from marts.revenue_monthly",
    "new_mrr": "select month, new_mrr from marts.revenue_monthly",
    "expansion_mrr": "select month, expansion_mrr from marts.revenue_monthly",
    "reactivation_mrr": "select month, reactivation_mrr from marts.revenue_monthly",
    "contraction_mrr": "select month, contraction_mrr from marts.revenue_monthly",
    "churned_mrr": "select month, churned_mrr from marts.revenue_monthly",
    "churned_accounts": "select month, churned_accounts from marts.revenue_monthly",
}
"""Each metric by month, written as plain SQL over the marts (revenue from revenue_monthly,
which the semantic layer does not read: it sums account_mrr_monthly)."""


def mf_project(manifest_target: Path, where: Path) -> Path:
    """A copy of the dbt project whose target/ holds the semantic manifest in `manifest_target`
    (dbt wrote it for one warehouse: its relations name that warehouse's catalog)."""
    project = where / "project"
    project.mkdir()
    for name in ("dbt_project.yml", "profiles.yml", "models", "macros", "analyses"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, project / name)
        else:
            shutil.copy(source, project / name)
    (project / "target").mkdir()
    shutil.copy(manifest_target / "semantic_manifest.json", project / "target")
    return project


def mf_query(project: Path, db: Path, metrics: list[str], group_by: str) -> list[dict]:
    """`mf query --metrics ... --group-by ... --csv`, run from the project root as the README
    says; the rows of the CSV it writes."""
    out = project / "query.csv"
    env = dict(os.environ, ACCOUNTABLE_DB=str(db), DBT_PROFILES_DIR=".")
    result = subprocess.run(
        [
            str(BIN / "mf"), "query", "--metrics", ",".join(metrics), "--group-by", group_by,
            "--csv", str(out),
        ],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert result.returncode == 0 and out.exists(), result.stdout[-4000:] + result.stderr[-4000:]
    with out.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _day(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return datetime.fromisoformat(value).date()


def _number(value) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value))


def _close(left: Decimal | None, right: Decimal | None) -> bool:
    if left is None or right is None:
        return left == right
    return abs(left - right) <= Decimal("1e-9") * max(1, abs(right))


def metric_differences(
    rows: list[dict], db: Path, queries: dict[str, str], time_column: str
) -> dict:
    """metric -> {period: (from mf, from SQL)} where they differ, for each metric of `queries`
    (metric -> its SQL by period); a period only one side has counts as a difference (a metric
    with no value in a period mf lists is null there)."""
    differences: dict[str, dict] = {}
    for metric, sql in queries.items():
        from_mf = {_day(row[time_column]): _number(row[metric]) for row in rows}
        from_mf = {period: value for period, value in from_mf.items() if value is not None}
        from_sql = {
            _day(period): _number(value) for period, value in query(db, sql) if value is not None
        }
        wrong = {
            period: (from_mf.get(period), from_sql.get(period))
            for period in set(from_mf) | set(from_sql)
            if not _close(from_mf.get(period), from_sql.get(period))
        }
        if wrong:
            differences[metric] = wrong
    return differences


@pytest.fixture(scope="module")
def example_project(worked_example: Build, tmp_path_factory) -> Path:
    return mf_project(worked_example.target, tmp_path_factory.mktemp("mf_example"))


def test_required_metrics_by_month_equal_sql_over_the_marts_on_the_worked_example(
    worked_example, example_project
):
    """The fast case: the contract's worked example (two accounts, one month, no revenue)."""
    rows = mf_query(example_project, worked_example.db, REQUIRED, "metric_time__month")
    assert [row["metric_time__month"][:10] for row in rows] == ["2026-03-01"]
    assert int(rows[0]["accounts"]) == 2 and int(rows[0]["events"]) > 0
    required = {metric: BY_MONTH[metric] for metric in REQUIRED}
    assert metric_differences(rows, worked_example.db, required, "metric_time__month") == {}


def test_a_wrong_definition_is_caught(worked_example, example_project):
    """The comparison can fail: SQL that counts activity events instead of distinct accounts
    differs from mf's active_accounts on the worked example (one account, several events)."""
    rows = mf_query(example_project, worked_example.db, ["active_accounts"], "metric_time__month")
    wrong_sql = {"active_accounts": BY_MONTH["activity_events"]}
    assert metric_differences(rows, worked_example.db, wrong_sql, "metric_time__month") != {}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, Path]:
    """A generated world of several months, with revenue, built in its own project copy."""
    work = tmp_path_factory.mktemp("mf_generated")
    out = work / "data"
    generate(out, accounts=30, days=75, seed=5)
    db = work / "warehouse.duckdb"
    load(db, out)
    build = work / "build"
    dbt("run", db, build)
    return db, mf_project(build / "target", work)


@pytest.mark.slow
def test_every_monthly_metric_equals_sql_over_the_marts_on_a_generated_world(generated):
    db, project = generated
    metrics = list(BY_MONTH)
    rows = mf_query(project, db, metrics, "metric_time__month")
    assert len(rows) >= 3, "the generated world should span several months"
    for metric in REQUIRED + ["new_mrr", "churned_mrr", "paying_accounts"]:
        assert any(_number(row[metric]) for row in rows), f"{metric} is never above 0"
    assert metric_differences(rows, db, BY_MONTH, "metric_time__month") == {}


@pytest.mark.slow
def test_trailing_active_accounts_equal_metrics_daily(generated):
    """The cumulative metrics count distinct accounts over the trailing 7 and 28 days, as
    metrics_daily does by its own (span) algorithm."""
    db, project = generated
    metrics = ["weekly_active_accounts", "monthly_active_accounts"]
    rows = mf_query(project, db, metrics, "metric_time__day")
    from_mf = {
        _day(row["metric_time__day"]): tuple(_number(row[metric]) or 0 for metric in metrics)
        for row in rows
    }
    expected = query(
        db,
        "select metric_date, weekly_active_accounts, monthly_active_accounts"
        " from marts.metrics_daily",
    )
    assert len(expected) > 30
    wrong = {
        day: (from_mf.get(day), (Decimal(weekly), Decimal(monthly)))
        for day, weekly, monthly in expected
        if from_mf.get(day, (0, 0)) != (Decimal(weekly), Decimal(monthly))
    }
    assert wrong == {}
