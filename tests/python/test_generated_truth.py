"""The generator knows who did what in which account; the models must recover it. A generated
world (with skewed clocks, anonymous history, aliases, multi-account people, removals, re-adds,
duplicates and malformed lines) is loaded and built, and every event's person and account and
every membership's join and leave time are compared with the generator's own record."""

from __future__ import annotations

import csv
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from dbt_runner import dbt, generate, load, query

pytestmark = pytest.mark.e2e


def _time(text: str) -> datetime | None:
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> tuple[Path, Path]:
    work = tmp_path_factory.mktemp("truth")
    out = work / "data"
    generate(out, accounts=60, days=40, seed=3)
    db = work / "warehouse.duckdb"
    load(db, out)
    dbt("run", db, work, extra=["--select", "+marts.core", "+marts.revenue"])
    return db, out / "truth"


def test_every_event_has_the_true_person_account_and_method(world):
    db, truth = world
    expected = {
        row["message_id"]: (
            row["expected_user_id"] or None,
            row["expected_account_id"] or None,
            row["expected_attribution"],
            _time(row["event_at"]),
        )
        for row in _read(truth / "events.csv")
    }
    actual = {
        event_id: (user_id, account_id, attribution, event_at)
        for event_id, user_id, account_id, attribution, event_at in query(
            db, "select event_id, user_id, account_id, attribution, event_at from marts.fct_events"
        )
    }
    assert len(expected) > 5000
    assert set(actual) == set(expected)
    wrong = {key: (actual[key], expected[key]) for key in expected if actual[key] != expected[key]}
    assert not wrong, f"{len(wrong)} events differ, e.g. {list(wrong.items())[:5]}"
    methods = {value[2] for value in expected.values()}
    assert methods == {"explicit", "single_membership", "pre_account", "unattributed"}


def test_every_membership_has_the_true_join_leave_and_role(world):
    db, truth = world
    expected = {
        (row["account_id"], row["user_id"]): (
            _time(row["joined_at"]),
            _time(row["left_at"]),
            row["role"] or None,
        )
        for row in _read(truth / "memberships.csv")
    }
    actual = {
        (account_id, user_id): (joined_at, left_at, role)
        for account_id, user_id, joined_at, left_at, role in query(
            db, "select account_id, user_id, joined_at, left_at, role from marts.dim_memberships"
        )
    }
    assert set(actual) == set(expected)
    wrong = {key: (actual[key], expected[key]) for key in expected if actual[key] != expected[key]}
    assert not wrong, f"{len(wrong)} memberships differ, e.g. {list(wrong.items())[:5]}"
    assert any(left_at for _, left_at, _ in expected.values()), "no removal in the world"


def test_accounts_and_users_match_the_truth(world):
    db, truth = world
    accounts = {
        row["account_id"]: _time(row["created_at"]) for row in _read(truth / "accounts.csv")
    }
    assert dict(query(db, "select account_id, created_at from marts.dim_accounts")) == accounts
    users = {row["user_id"]: _time(row["first_seen_at"]) for row in _read(truth / "users.csv")}
    assert dict(query(db, "select user_id, first_seen_at from marts.dim_users")) == users


def test_every_account_month_has_the_true_mrr_and_movement(world):
    """Contract section 3, Revenue, against the generator's billing lives (trials, plans, seat
    add-ons, up- and downgrades, cancellations, comebacks, starts cancelled within the month)."""
    db, truth = world
    expected = {
        (row["account_id"], date.fromisoformat(row["month"])): (
            Decimal(row["mrr"]),
            Decimal(row["previous_mrr"]),
            Decimal(row["mrr_change"]),
            row["movement"],
        )
        for row in _read(truth / "account_mrr_monthly.csv")
    }
    actual = {
        (account_id, month): (mrr, previous_mrr, mrr_change, movement)
        for account_id, month, mrr, previous_mrr, mrr_change, movement in query(
            db,
            "select account_id, month, mrr, previous_mrr, mrr_change, movement"
            " from marts.account_mrr_monthly",
        )
    }
    assert len(expected) > 20
    assert {value[3] for value in expected.values()} >= {"new", "expansion", "churn"}
    assert actual == expected


def test_every_bad_amount_is_listed_with_its_reason(world):
    db, truth = world
    expected = {
        row["event_id"]: (row["account_id"], row["event_name"], row["reason"])
        for row in _read(truth / "mrr_event_errors.csv")
    }
    actual = {
        event_id: (account_id, event_name, reason)
        for event_id, account_id, event_name, reason in query(
            db, "select event_id, account_id, event_name, reason from marts.mrr_event_errors"
        )
    }
    assert expected, "the generated world has no bad amount to check"
    assert actual == expected
