"""The contract's worked example (section 6), loaded and built end to end (fixture
`worked_example`, conftest.py): the marts must say exactly what the contract says they say."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from dbt_runner import Build, query

pytestmark = pytest.mark.e2e


def at(hhmm: str) -> datetime:
    return datetime.fromisoformat(f"2026-03-02T{hhmm}:00")


@pytest.fixture(scope="module")
def warehouse(worked_example: Build) -> Path:
    return worked_example.db


def test_users_and_first_seen(warehouse):
    rows = query(warehouse, "select user_id, first_seen_at, email from marts.dim_users order by 1")
    assert rows == [("u1", at("09:00"), "u1@x.test"), ("u2", at("11:00"), None)]


def test_accounts_created_at_plan_and_member_count(warehouse):
    rows = query(
        warehouse,
        "select account_id, name, plan, created_at, member_count "
        "from marts.dim_accounts order by 1",
    )
    assert rows == [("g1", "Acme", "free", at("10:02"), 1), ("g2", "Globex", None, at("12:00"), 1)]


def test_memberships(warehouse):
    rows = query(
        warehouse,
        "select account_id, user_id, role, joined_at, left_at, is_active "
        "from marts.dim_memberships order by 1, 2",
    )
    assert rows == [
        ("g1", "u1", "owner", at("10:02"), None, True),
        ("g1", "u2", "viewer", at("11:00"), at("15:00"), False),
        ("g2", "u2", "owner", at("12:00"), None, True),
    ]


def test_attribution_of_every_event(warehouse):
    rows = query(
        warehouse,
        "select event_id, user_id, account_id, attribution from marts.fct_events order by event_at",
    )
    assert rows == [
        ("we-01", "u1", "g1", "pre_account"),
        ("we-03", "u1", "g1", "pre_account"),
        ("we-05", "u1", "g1", "explicit"),
        ("we-06", "u2", "g1", "explicit"),
        ("we-07", "u2", "g1", "explicit"),
        ("we-09", "u2", "g2", "explicit"),
        ("we-10", "u1", "g1", "single_membership"),
        ("we-11", "u2", None, "unattributed"),
        ("we-12", None, "g1", "explicit"),
        ("we-13", "u2", "g1", "explicit"),
        ("we-14", "u2", "g2", "single_membership"),
    ]


def test_default_activation_is_not_reached(warehouse):
    rows = query(
        warehouse,
        "select account_id, activated_at from marts.dim_accounts order by 1",
    )
    assert rows == [("g1", None), ("g2", None)]
    milestones = query(
        warehouse,
        "select milestone, count(*) from marts.fct_account_milestones group by 1 order by 1",
    )
    assert milestones == [("activation", 2), ("habit_moment", 2)]


def test_every_integer_column_of_the_marts_is_at_most_a_bigint(warehouse):
    """DuckDB's sum() of integers is a HUGEINT, which pandas reads as float64 and Arrow as
    decimal128(38, 0): every count the marts expose must be cast back to a BIGINT."""
    columns = query(
        warehouse,
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_schema = 'marts'",
    )
    assert len({table for table, _, _ in columns}) >= 10, "the marts were not built"
    too_wide = [
        f"{table}.{column} {data_type}"
        for table, column, data_type in columns
        if data_type in ("HUGEINT", "UHUGEINT")
        or (data_type.startswith("DECIMAL") and data_type.replace(" ", "").endswith(",0)"))
    ]
    assert too_wide == []
