"""Columns a chart needs without a join (issue 16): the account's name in the marts keyed by
account, the member's in the membership marts; and account trait columns typed by their values
(numbers sort as numbers), the same after incremental runs as after a full refresh."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dbt_runner import Build, dbt, load, query

pytestmark = pytest.mark.e2e

NAMED = {
    "fct_account_milestones": "name",
    "account_activity_daily": "name",
    "account_mrr_monthly": "name",
    "account_revenue_usage": "name",
    "account_lifecycle": "name",
    "account_activity_weekly": "name",
    "account_feature_usage": "name",
    "mrr_event_errors": "account_name",
    "dim_memberships": "account_name",
    "membership_feature_usage": "account_name",
}
"""mart -> its column holding the account's name."""


def test_marts_keyed_by_account_carry_its_name(worked_example: Build):
    for mart, column in NAMED.items():
        wrong = query(
            worked_example.db,
            f"""
            select mart.account_id, mart.{column}, dim_accounts.name
            from marts.{mart} as mart
            left join marts.dim_accounts on mart.account_id = dim_accounts.account_id
            where mart.{column} is distinct from dim_accounts.name
            """,
        )
        assert wrong == [], mart
    named = query(worked_example.db, "select count(name) from marts.account_activity_daily")
    assert named[0][0] > 0


def test_membership_marts_carry_the_members_name_and_email(worked_example: Build):
    rows = query(
        worked_example.db,
        """
        select dim_memberships.user_id, dim_memberships.user_email, dim_users.email,
            dim_memberships.user_name, dim_users.name
        from marts.dim_memberships
        left join marts.dim_users on dim_memberships.user_id = dim_users.user_id
        """,
    )
    assert rows and all(row[1] == row[2] and row[3] == row[4] for row in rows)
    assert ("u1", "u1@x.test") in {(row[0], row[1]) for row in rows}


# ---------------------------------------------------------------------------- trait types

TRAITS = ["employees", "seats", "is_public", "size", "tags"]
VARS = {"account_traits": TRAITS}


def _group(message_id: str, account: str, at: str, traits: dict) -> str:
    return json.dumps(
        {
            "type": "group",
            "messageId": message_id,
            "userId": f"owner-{account}",
            "groupId": account,
            "traits": traits,
            "timestamp": at,
        }
    )


def _track(message_id: str, account: str, at: str) -> str:
    return json.dumps(
        {
            "type": "track",
            "messageId": message_id,
            "userId": f"owner-{account}",
            "event": "Task Completed",
            "context": {"groupId": account},
            "timestamp": at,
        }
    )


FIRST_BATCH = [
    # employees: integers only, one of them larger with fewer digits-first ("1200" < "3" as text)
    _group("g-1", "acc-1", "2026-03-02T10:00:00Z", {"name": "One", "employees": 1200}),
    _group("g-2", "acc-2", "2026-03-02T11:00:00Z", {"name": "Two", "employees": 3}),
    _group("g-3", "acc-3", "2026-03-02T12:00:00Z", {"name": "Three", "employees": 45}),
    # seats: numbers, one not integral; is_public: booleans; size: a string and a number
    _group("g-4", "acc-1", "2026-03-03T10:00:00Z", {"seats": 2.5, "is_public": True}),
    _group("g-5", "acc-2", "2026-03-03T10:00:00Z", {"seats": 10, "is_public": False}),
    _group("g-6", "acc-1", "2026-03-03T11:00:00Z", {"size": "big", "tags": ["a", "b"]}),
    _group("g-7", "acc-2", "2026-03-03T11:00:00Z", {"size": 5, "employees": None}),
    _track("t-1", "acc-1", "2026-03-04T10:00:00Z"),
]

SECOND_BATCH = [
    # employees turns mixed: a later batch sends a string
    _group("g-8", "acc-3", "2026-03-05T10:00:00Z", {"employees": "many"}),
    _track("t-2", "acc-3", "2026-03-05T11:00:00Z"),
]


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n")
    return path


def _types(db: Path, table: str) -> dict[str, str]:
    rows = query(
        db,
        "select column_name, data_type from information_schema.columns"
        f" where table_schema = 'marts' and table_name = '{table}'",
    )
    return {column: data_type for column, data_type in rows if column in TRAITS}


def _rows(db: Path, table: str) -> list[tuple]:
    return sorted(query(db, f"select * from marts.{table}"), key=repr)


SELECT = ["--select", "+dim_accounts", "+account_history"]


@pytest.fixture(scope="module")
def batches(tmp_path_factory) -> list[Path]:
    work = tmp_path_factory.mktemp("trait_batches")
    return [_write(work / "first.json", FIRST_BATCH), _write(work / "second.json", SECOND_BATCH)]


def test_trait_columns_take_the_type_of_their_values_and_stay_exact_incrementally(
    tmp_path, batches
):
    db = tmp_path / "incremental.duckdb"
    load(db, batches[0])
    dbt("run", db, tmp_path / "run", vars=VARS, extra=SELECT)
    typed = {
        "employees": "BIGINT",
        "seats": "DOUBLE",
        "is_public": "BOOLEAN",
        "size": "VARCHAR",
        "tags": "VARCHAR",
    }
    assert _types(db, "dim_accounts") == typed
    assert _types(db, "account_history") == typed
    by_size = query(db, "select account_id from marts.dim_accounts order by employees desc")
    assert [row[0] for row in by_size] == ["acc-1", "acc-3", "acc-2"]
    assert query(db, "select seats, is_public from marts.dim_accounts where account_id = 'acc-1'")[
        0
    ] == (2.5, True)

    # a later batch makes employees mixed: text, in the incremental run as in a full refresh
    load(db, batches[1])
    result = dbt("run", db, tmp_path / "run", vars=VARS, extra=SELECT)
    assert "account trait employees has values of several kinds" in result.stdout
    full = tmp_path / "full.duckdb"
    load(full, *batches)
    dbt("run", full, tmp_path / "full", vars=VARS, extra=[*SELECT, "--full-refresh"])
    for table in ("dim_accounts", "account_history"):
        assert _types(db, table) == {**typed, "employees": "VARCHAR"}
        assert _types(db, table) == _types(full, table)
        assert _rows(db, table) == _rows(full, table)
    employees = query(db, "select account_id, employees from marts.dim_accounts")
    assert sorted(employees) == [("acc-1", "1200"), ("acc-2", "3"), ("acc-3", "many")]
