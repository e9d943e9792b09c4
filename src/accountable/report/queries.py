"""Read what the report shows from the serving file, opened read-only.

The serving file (`accountable publish`) keeps the marts in schema `marts`, or in `main` when the
file is called marts.duckdb (see accountable.publish); the connection's search path is set to the
schema that holds them, so the SQL in report/sql/ names bare mart tables. Each query returns
records (dataclasses), never positional tuples; the figure builders read only those.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from accountable.load.database import is_locked, is_not_duckdb

SQL_DIR = Path(__file__).parent / "sql"

REQUIRED_MARTS = (
    "account_health",
    "account_lifecycle_summary",
    "account_retention",
    "dim_accounts",
    "dim_memberships",
    "dim_users",
    "fct_account_milestones",
    "fct_events",
    "funnel_conversion",
    "metrics_daily",
    "revenue_monthly",
)
"""The marts the report reads; a serving file without one of them cannot make the report."""

OPTIONAL_MARTS = ("account_health_weekly", "account_retention_by_trait")
"""Marts drawn when present (newer builds): account_health_weekly is skipped without a word
otherwise, account_retention_by_trait gets a sentence saying the serving file predates it."""

NEWER_COLUMNS = {
    "account_retention": ("retained_unbounded", "retention_rate_unbounded", "is_complete"),
    "funnel_conversion": (
        "funnel_order",
        "still_in_window",
        "dropped",
        "median_seconds_from_previous",
    ),
}
"""Columns later builds added to required marts: a serving file published before them is read
with report/sql/NAME_without_extras.sql, which selects null in their place."""


class ReportError(Exception):
    """The report cannot be made; the message says what is wrong and what to do."""


@dataclass(frozen=True)
class Overview:
    first_event_at: datetime | None
    last_event_at: datetime | None
    events: int
    accounts: int
    users: int
    active_memberships: int
    activated_accounts: int
    paying_accounts: int
    mrr: float


@dataclass(frozen=True)
class ActiveAccountsDay:
    metric_date: date
    daily_active_accounts: int
    weekly_active_accounts: int
    monthly_active_accounts: int
    accounts_existing: int


@dataclass(frozen=True)
class RetentionCell:
    cohort_start: date
    period_number: int
    cohort_size: int
    retained: int
    retention_rate: float
    retained_unbounded: int | None
    retention_rate_unbounded: float | None
    is_complete: bool | None
    """None in a serving file published before the retention extras."""


@dataclass(frozen=True)
class RetentionByTraitPoint:
    """One value of the trait at one period number, summed over the cohorts' complete cells."""

    breakdown_trait: str
    breakdown_value: str
    accounts: int
    period_number: int | None
    """None (and the counts with it) for a value none of whose cells is complete."""
    cohorts: int | None
    cohort_members: int | None
    retained: int | None
    retained_unbounded: int | None


@dataclass(frozen=True)
class FunnelStep:
    funnel: str
    level: str
    step_number: int
    step_event: str
    entities: int
    conversion_from_previous: float | None
    conversion_from_start: float | None
    conversion_window_days: int
    funnel_order: str | None
    still_in_window: int | None
    dropped: int | None
    median_seconds_from_previous: float | None
    """The last four are None in a serving file published before the funnel modes."""


@dataclass(frozen=True)
class ActivationCohort:
    cohort_start: date
    accounts: int
    activated: int
    open_accounts: int


@dataclass(frozen=True)
class RevenueMonth:
    month: date
    starting_mrr: float
    new_mrr: float
    expansion_mrr: float
    reactivation_mrr: float
    contraction_mrr: float
    churned_mrr: float
    ending_mrr: float
    paying_accounts: int


@dataclass(frozen=True)
class LifecycleCount:
    period_start: date
    status: str
    accounts: int
    accounts_signed: int


@dataclass(frozen=True)
class HealthCount:
    health: str
    accounts: int
    as_of: datetime | None


@dataclass(frozen=True)
class HealthWeek:
    week_start: date
    health: str
    accounts: int


Record = TypeVar("Record")


@cache
def sql(name: str) -> str:
    """The text of report/sql/NAME.sql."""
    return (SQL_DIR / f"{name}.sql").read_text()


class Marts:
    """A read-only connection to the serving file, with the schema of its marts on the path."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.connection = _connect(self.path)
        try:
            self.tables = _use_marts_schema(self.connection, self.path)
        except BaseException:
            self.connection.close()
            raise

    def __enter__(self) -> Marts:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.connection.close()

    def has(self, table: str) -> bool:
        return table in self.tables

    def has_columns(self, table: str, columns: Iterable[str]) -> bool:
        """Whether `table` (a mart on the path) has every one of `columns`."""
        present = {
            row[0]
            for row in self.connection.execute(
                "select column_name from information_schema.columns "
                "where table_catalog = current_database() and table_schema = current_schema() "
                "and table_name = ?",
                [table],
            ).fetchall()
        }
        return set(columns) <= present

    def _edition(self, name: str, table: str) -> str:
        """NAME, or NAME_without_extras for a serving file published before NEWER_COLUMNS."""
        newer = self.has_columns(table, NEWER_COLUMNS[table])
        return name if newer else f"{name}_without_extras"

    def records(self, kind: type[Record], name: str, **parameters: Any) -> list[Record]:
        """Run report/sql/NAME.sql and return its rows as `kind` records (columns by name)."""
        result = self.connection.execute(sql(name), parameters or None)
        columns = [column[0] for column in result.description]
        expected = [field.name for field in dataclasses.fields(kind)]  # type: ignore[arg-type]
        if columns != expected:  # a programming error: the query and its record disagree
            raise AssertionError(f"{name}.sql returns {columns}, {kind.__name__} has {expected}")
        return [kind(*row) for row in result.fetchall()]

    def values(self, name: str, **parameters: Any) -> list[Any]:
        """The first column of report/sql/NAME.sql."""
        return [row[0] for row in self.connection.execute(sql(name), parameters or None).fetchall()]

    # The report's queries, one per chart.

    def overview(self) -> Overview:
        return self.records(Overview, "overview")[0]

    def active_accounts(self) -> list[ActiveAccountsDay]:
        return self.records(ActiveAccountsDay, "active_accounts")

    def retention_periods(self) -> list[str]:
        return self.values("retention_periods")

    def retention(self, period: str) -> list[RetentionCell]:
        name = self._edition("retention", "account_retention")
        return self.records(RetentionCell, name, period=period)

    def retention_by_trait_periods(self) -> list[str] | None:
        """None when the serving file has no account_retention_by_trait (built before it)."""
        if not self.has("account_retention_by_trait"):
            return None
        return self.values("retention_by_trait_periods")

    def retention_by_trait(self, period: str) -> list[RetentionByTraitPoint]:
        return self.records(RetentionByTraitPoint, "retention_by_trait", period=period)

    def funnels(self) -> list[FunnelStep]:
        return self.records(FunnelStep, self._edition("funnels", "funnel_conversion"))

    def milestones(self) -> list[str]:
        return self.values("milestones")

    def activation(self) -> list[ActivationCohort]:
        return self.records(ActivationCohort, "activation")

    def revenue(self) -> list[RevenueMonth]:
        return self.records(RevenueMonth, "revenue")

    def lifecycle_periods(self) -> list[str]:
        return self.values("lifecycle_periods")

    def lifecycle(self, period: str) -> list[LifecycleCount]:
        return self.records(LifecycleCount, "lifecycle", period=period)

    def health(self) -> list[HealthCount]:
        return self.records(HealthCount, "health")

    def health_weekly(self) -> list[HealthWeek] | None:
        """None when the serving file has no account_health_weekly (built before it existed)."""
        if not self.has("account_health_weekly"):
            return None
        return self.records(HealthWeek, "health_weekly")


def _connect(path: Path) -> duckdb.DuckDBPyConnection:
    if not path.exists():
        raise ReportError(
            f"{path}: no such serving file. Build and publish the marts first "
            f"(.venv/bin/dbt build --profiles-dir . && .venv/bin/accountable publish), "
            f"or point --db or $ACCOUNTABLE_MARTS_DB at the serving file"
        )
    if not path.is_file():
        raise ReportError(f"{path}: not a file; point --db or $ACCOUNTABLE_MARTS_DB at one")
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        message = str(error)
        if is_not_duckdb(message):
            raise ReportError(
                f"{path}: this file is not a DuckDB database; point --db or "
                f"$ACCOUNTABLE_MARTS_DB at the serving file that accountable publish writes"
            ) from None
        if is_locked(message):
            raise ReportError(
                f"{path}: another process is writing this file. The report reads the serving "
                f"file (accountable publish), never the warehouse that dbt build writes"
            ) from None
        raise ReportError(f"{path}: cannot open the serving file ({message})") from None


def _use_marts_schema(connection: duckdb.DuckDBPyConnection, path: Path) -> frozenset[str]:
    """Put the schema holding the marts on the search path; return its table names."""
    rows = connection.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_catalog = current_database() and table_schema in ('marts', 'main')"
    ).fetchall()
    by_schema: dict[str, set[str]] = {}
    for schema, table in rows:
        by_schema.setdefault(schema, set()).add(table)
    schema = "marts" if "marts" in by_schema else "main"
    tables = frozenset(by_schema.get(schema, ()))
    missing = [name for name in REQUIRED_MARTS if name not in tables]
    if missing:
        raise ReportError(
            f"{path}: the serving file has no {', '.join(missing)}. Build every model and "
            f"publish again (.venv/bin/dbt build --profiles-dir . && .venv/bin/accountable "
            f"publish), or point --db at a serving file published from a complete build"
        )
    connection.execute(f"set schema = '{schema}'")
    return tables
