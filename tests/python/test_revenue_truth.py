"""Revenue in the demo world and in its truth: the generator gives accounts a realistic billing life
(with bad amounts), and the truth follows CONTRACT.md section 3 "Revenue".

The world is read from the files, as a warehouse would land it (first copy of each message id,
malformed lines skipped). The rules are held to hand-made records, one behaviour per test; that
the truth files equal those rules applied to the whole landed world is checked in
test_generate.py (`test_truth_follows_the_contract_rules`).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import orjson
import pytest

from accountable.generate import generate
from accountable.generate.plan import FEATURES
from accountable.generate.revenue import MOVEMENTS, REASONS, RevenueFold, month_of
from accountable.generate.truth import MAIN, Record, derive
from dbt_runner import load

REVENUE = {"Subscription Started", "Subscription Changed", "Subscription Cancelled"}


# ------------------------------------------------------------------ the world
@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One account per forced feature, over four months."""
    out = tmp_path_factory.mktemp("revenue")
    generate(accounts=len(FEATURES) + 16, days=110, seed=11, out=out, progress=False)
    return out


@pytest.fixture(scope="module")
def messages(world: Path, tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    """The tracks and group calls as `accountable load` lands them (first copy of each id)."""
    db = tmp_path_factory.mktemp("revenue-landed") / "world.duckdb"
    load(db, world)
    sql = "select message from raw.tracks union all select message from raw.groups"
    with duckdb.connect(str(db), read_only=True) as connection:
        return [orjson.loads(message) for (message,) in connection.execute(sql).fetchall()]


def _truth(out: Path, name: str) -> list[dict[str, str]]:
    with (out / "truth" / name).open(newline="") as handle:
        return list(csv.DictReader(handle))


def _at(message: dict) -> str:
    return message["timestamp"]  # billing events come from the server: true timestamps


def _billing(messages: list[dict]) -> dict[str, list[dict]]:
    """Account id -> its revenue events, in time order."""
    by_account: dict[str, list[dict]] = defaultdict(list)
    for message in messages:
        if message["type"] == "track" and message["event"] in REVENUE:
            by_account[message["context"]["groupId"]].append(message)
    for events in by_account.values():
        events.sort(key=lambda message: (_at(message), message["messageId"]))
    return by_account


def test_billing_events_belong_to_the_account_and_come_from_its_owner_or_no_one(
    messages: list[dict],
):
    billing = [m for m in messages if m["type"] == "track" and m["event"] in REVENUE]
    assert {m["event"] for m in billing} == REVENUE
    assert all(m["context"]["groupId"].startswith("acc_") for m in billing)
    by_user = [m for m in billing if m.get("userId")]
    assert by_user and any(not m.get("userId") for m in billing)
    assert all(m["userId"][4:10] == m["context"]["groupId"][4:] for m in by_user), "a member"


def test_every_kind_of_billing_life_is_in_the_world(world: Path, messages: list[dict]):
    billing = _billing(messages)
    trials = {
        m["context"]["groupId"]
        for m in messages
        if m["type"] == "track" and m["event"] == "Trial Ended"
    }
    paying = {row["account_id"] for row in _truth(world, "account_mrr_monthly.csv")}
    assert trials - set(billing), "a trial that never converts: no subscription at all"
    assert trials & paying, "a trial that converts"
    errors = {row["event_id"] for row in _truth(world, "mrr_event_errors.csv")}
    started = [
        m
        for events in billing.values()
        for m in events
        if m["event"] != "Subscription Cancelled" and m["messageId"] not in errors
    ]
    assert {m["properties"]["plan"] for m in started} == {"team", "business", "enterprise"}
    changed = [
        m["properties"]
        for events in billing.values()
        for m in events
        if m["event"] == "Subscription Changed"
    ]
    order = ["team", "business", "enterprise"]
    moves = {
        (order.index(p["previous_plan"]) < order.index(p["plan"]))
        for p in changed
        if "previous_plan" in p
    }
    assert moves == {True, False}, "upgrades and downgrades"
    assert any(p.get("previous_seats", 99) < p.get("seats", 0) for p in changed), "seat add-ons"
    lives = {account: [m["event"] for m in events] for account, events in billing.items()}
    comebacks = [
        events
        for events in lives.values()
        if "Subscription Cancelled" in events
        and "Subscription Started" in events[events.index("Subscription Cancelled") :]
    ]
    assert comebacks, "an account that cancels and starts again"
    brief = [
        account
        for account, events in billing.items()
        if [m["event"] for m in events] == ["Subscription Started", "Subscription Cancelled"]
        and events[0]["timestamp"][:7] == events[1]["timestamp"][:7]
    ]
    assert brief, "an account that starts and cancels inside one month"
    assert not set(brief) & paying, "which never shows in account_mrr_monthly"
    tied = [
        account
        for account, events in billing.items()
        if len({_at(m) for m in events}) < len(events)
    ]
    assert tied, "two changes at the same instant"


def test_amounts_are_numbers_numeric_strings_and_a_few_bad_ones(world: Path, messages: list[dict]):
    errors = _truth(world, "mrr_event_errors.csv")
    assert {row["reason"] for row in errors} == set(REASONS)
    billing = {m["messageId"]: m for events in _billing(messages).values() for m in events}
    bad = [billing[row["event_id"]]["properties"].get("mrr") for row in errors]
    assert {type(value) for value in bad} >= {type(None), str, bool, dict}
    assert "abc" in bad and any(value in (-49, "-49.00") for value in bad)
    valid = [
        m["properties"]["mrr"]
        for mid, m in billing.items()
        if m["event"] != "Subscription Cancelled" and mid not in {r["event_id"] for r in errors}
    ]
    assert any(isinstance(value, str) and value.endswith(".00") for value in valid)
    assert any(isinstance(value, int) for value in valid)
    assert any(isinstance(value, float) for value in valid), "a discounted, fractional amount"


def test_the_plan_trait_follows_what_the_account_pays(world: Path, messages: list[dict]):
    plan_trait: dict[str, tuple[str, str]] = {}
    for m in messages:
        plan = (m.get("traits") or {}).get("plan") if m["type"] == "group" else None
        if plan and _at(m) > plan_trait.get(m["groupId"], ("", ""))[0]:
            plan_trait[m["groupId"]] = (_at(m), plan)
    errors = {row["event_id"] for row in _truth(world, "mrr_event_errors.csv")}
    checked = 0
    for account, events in _billing(messages).items():
        valid = [m for m in events if m["messageId"] not in errors]
        if not valid:
            continue
        last = valid[-1]
        paying = (
            last["event"] != "Subscription Cancelled"
            and Decimal(str(last["properties"]["mrr"])) > 0
        )
        assert plan_trait[account][1] == (last["properties"]["plan"] if paying else "free"), account
        checked += 1
    assert checked > 10


def test_the_truth_has_every_movement(world: Path):
    rows = _truth(world, "account_mrr_monthly.csv")
    assert {row["movement"] for row in rows} == set(MOVEMENTS)
    months = sorted({row["month"] for row in rows})
    assert len(months) == 4 and all(month.endswith("-01") for month in months)
    for row in rows:
        mrr, previous, change = (Decimal(row[k]) for k in ("mrr", "previous_mrr", "mrr_change"))
        assert change == mrr - previous


# ------------------------------------------------------------------ the rules, on hand-made records
def _record(
    when: str, event: str, mrr: object = "-", *, group="g1", mid=None, user=None, kind="track"
):
    """A record at `when` (`MM-DD` or `MM-DDTHH:MM:SS.fff`, 2026, UTC); mrr "-" leaves it out."""
    text = f"2026-{when}" if "T" in when else f"2026-{when}T12:00:00.000"
    moment = datetime.fromisoformat(text + "+00:00")
    at = int(moment.timestamp() * 1000)
    properties = {} if mrr == "-" else {"mrr": mrr}
    message = {"properties": properties}
    mid = mid or f"m-{group}-{when}-{event}"
    return Record(
        at, at, kind, user, None, None, group, event, None, mid, message, MAIN, text + "Z"
    )


def _rows(records: list[Record]) -> dict[str, list[tuple[str, str, str, str]]]:
    fold = RevenueFold()
    truth = derive(records)
    fold.add(truth.mrr_events, truth.last_event_at)
    rows: dict[str, list] = defaultdict(list)
    for row in fold.rows():
        rows[row.account_id].append(
            (row.month.isoformat()[:7], str(row.mrr), str(row.mrr_change), row.movement)
        )
    return dict(rows)


def _errors(records: list[Record]) -> dict[str, str]:
    return {item.event_id: item.reason for item in derive(records).mrr_events if item.reason}


START, CHANGE, CANCEL = "Subscription Started", "Subscription Changed", "Subscription Cancelled"


def test_each_movement_month_end_to_month_end():
    records = [
        _record("02-10", START, 100),
        _record("03-05", CHANGE, 150),
        _record("04-20", CHANGE, 120),
        _record("05-15", CANCEL),
        _record("07-02", START, 80),
        _record("08-20", "Task Completed", group=None, user="u1"),
    ]
    assert _rows(records)["g1"] == [
        ("2026-02", "100", "100", "new"),
        ("2026-03", "150", "50", "expansion"),
        ("2026-04", "120", "-30", "contraction"),
        ("2026-05", "0", "-120", "churn"),
        ("2026-06", "0", "0", "inactive"),
        ("2026-07", "80", "80", "reactivation"),
        ("2026-08", "80", "0", "flat"),
    ]


def test_a_start_and_cancel_inside_one_month_never_shows():
    records = [
        _record("03-03", START, 49, group="g2"),
        _record("03-20", CANCEL, group="g2"),
        _record("03-25", START, 49, group="g3"),
        _record("04-02", CANCEL, group="g3"),
        _record("05-01", START, 10),
    ]
    rows = _rows(records)
    assert "g2" not in rows
    assert rows["g3"] == [
        ("2026-03", "49", "49", "new"),
        ("2026-04", "0", "-49", "churn"),
        ("2026-05", "0", "0", "inactive"),
    ]
    assert rows["g1"] == [("2026-05", "10", "10", "new")], "an account's rows start when it pays"


def test_month_end_is_just_before_the_next_month_begins():
    records = [
        _record("03-10", START, 100),
        _record("03-31T23:59:59.999", CHANGE, 200),
        _record("04-01T00:00:00.000", CHANGE, 300),
    ]
    assert _rows(records)["g1"] == [
        ("2026-03", "200", "200", "new"),
        ("2026-04", "300", "100", "expansion"),
    ]


def test_months_run_from_the_first_paid_event_of_any_account_to_the_latest_event():
    records = [
        _record("01-05", START, 0, group="g2"),  # valid but 0: does not open the months
        _record("02-10", START, 60),
        _record("04-03", "Page Viewed", group=None, user="u9", kind="page"),
    ]
    assert _rows(records) == {
        "g1": [
            ("2026-02", "60", "60", "new"),
            ("2026-03", "60", "0", "flat"),
            ("2026-04", "60", "0", "flat"),
        ]
    }


def test_ties_at_the_same_instant_go_to_the_larger_event_id():
    records = [
        _record("03-10", START, 100),
        _record("03-12T09:00:00.000", CHANGE, 300, mid="m-a"),
        _record("03-12T09:00:00.000", CHANGE, 200, mid="m-b"),
        _record("04-12T09:00:00.000", CHANGE, 500, mid="m-d"),
        _record("04-12T09:00:00.000", CHANGE, 400, mid="m-c"),
    ]
    assert _rows(records)["g1"] == [
        ("2026-03", "200", "200", "new"),
        ("2026-04", "500", "300", "expansion"),
    ]


def test_numeric_strings_count_and_bad_amounts_change_nothing():
    records = [
        _record("03-10", START, "49.00"),
        _record("03-11", CHANGE, mid="e-missing"),
        _record("03-12", CHANGE, None, mid="e-null"),
        _record("03-13", CHANGE, "abc", mid="e-abc"),
        _record("03-14", CHANGE, True, mid="e-true"),
        _record("03-15", CHANGE, {"amount": 5}, mid="e-object"),
        _record("03-16", CHANGE, -5, mid="e-negative"),
        _record("03-17", CHANGE, "-5.00", mid="e-negative-text"),
        _record("04-02", CHANGE, "1e2"),
        _record("04-03", CHANGE, 12.5, mid="e-last"),
    ]
    assert _errors(records) == {
        "e-missing": "missing",
        "e-null": "missing",
        "e-abc": "not_a_number",
        "e-true": "not_a_number",
        "e-object": "not_a_number",
        "e-negative": "negative",
        "e-negative-text": "negative",
    }
    assert _rows(records)["g1"] == [
        ("2026-03", "49.00", "49.00", "new"),
        ("2026-04", "12.5", "-36.50", "contraction"),
    ]


def test_a_cancellation_ignores_its_amount_and_an_event_needs_an_account():
    records = [
        _record("03-10", START, 100),
        _record("04-10", CANCEL, 100),  # the amount given up, not the new MRR
        _record("04-11", START, 70, group=None),  # no group id, no user: no account
    ]
    assert _rows(records)["g1"] == [
        ("2026-03", "100", "100", "new"),
        ("2026-04", "0", "-100", "churn"),
    ]
    assert [item.event_name for item in derive(records).mrr_events] == [START, CANCEL]


def test_an_event_without_group_id_counts_for_the_account_it_is_attributed_to():
    records = [
        _record("03-01", "Account Created", group="g1", user="u1"),
        _record("03-10", START, 100, group=None, user="u1"),  # single membership: g1
    ]
    assert _rows(records)["g1"] == [("2026-03", "100", "100", "new")]


def test_folding_worlds_one_at_a_time_gives_the_whole_world_rows():
    records = [
        _record("02-10", START, 100, group="g1"),
        _record("03-05", START, 40, group="g2"),
        _record("04-05", CANCEL, group="g1"),
        _record("05-05", "Task Completed", group="g2", user="u2"),
    ]
    whole = RevenueFold()
    truth = derive(records)
    whole.add(truth.mrr_events, truth.last_event_at)
    folded = RevenueFold()
    for group in ("g2", "g1"):
        part = RevenueFold()
        truth = derive([r for r in records if r.group == group])
        part.add(truth.mrr_events, truth.last_event_at)
        folded.merge(part)
    assert folded.rows() == whole.rows()
    assert month_of(whole.first_paid_at) == month_of(records[0].at)
