"""The engagement marts against the generator's truth. The generator records every event's true
person and account and every membership's join and leave; this file applies contract section 3
(Lifecycle, Weekly activity and seats, Features, Health) to that record in plain Python and
compares every row of the engagement marts with it. The vars are this file's own (not the
demo's): a subset of track events as activity, features mixing several events, an event type
other than track and account-level events, and health windows that are not whole weeks."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from dbt_runner import dbt, generate, load, query

pytestmark = pytest.mark.e2e

ACTIVE_EVENTS = [
    "Task Created",
    "Task Completed",
    "Comment Added",
    "Project Created",
    "File Uploaded",
]
FEATURES = {
    "work": ["Task Created", "Task Completed", "Project Created"],
    "talk": ["Comment Added"],
    "browse": ["Page Viewed"],
    "billing": ["Trial Started", "Subscription Started"],
    "unused": ["Nothing Like This"],
}
HEALTH = {
    "window_days": 9,
    "at_risk_days_inactive": 2.5,
    "at_risk_min_seat_share": 0.5,
    "at_risk_min_trend": 0.8,
}
VARS = {
    "active_events": ACTIVE_EVENTS,
    "features": FEATURES,
    "health": HEALTH,
    "lifecycle_periods": ["week", "month"],
}
NAMES = {"page": "Page Viewed", "screen": "Screen Viewed"}
MICROSECOND = timedelta(microseconds=1)
END_OF_TIME = datetime(9999, 12, 31)


def _time(text: str) -> datetime | None:
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _monday(moment: datetime | date) -> date:
    day = moment.date() if isinstance(moment, datetime) else moment
    return day - timedelta(days=day.weekday())


def _month(moment: datetime | date) -> date:
    return date(moment.year, moment.month, 1)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


class Truth:
    """The generator's record, read once: events, memberships, accounts."""

    def __init__(self, folder: Path):
        self.events = [
            {
                "user": row["expected_user_id"] or None,
                "account": row["expected_account_id"] or None,
                "at": _time(row["event_at"]),
                "type": row["event_type"],
                "name": row["event_name"] or NAMES[row["event_type"]],
            }
            for row in _read(folder / "events.csv")
        ]
        self.memberships = [
            (row["account_id"], row["user_id"], _time(row["joined_at"]), _time(row["left_at"]))
            for row in _read(folder / "memberships.csv")
        ]
        self.created = {
            row["account_id"]: _time(row["created_at"]) for row in _read(folder / "accounts.csv")
        }
        self.latest = max(event["at"] for event in self.events)
        self.activity = [
            event
            for event in self.events
            if event["type"] == "track"
            and event["user"] is not None
            and event["account"] is not None
            and event["name"] in ACTIVE_EVENTS
        ]

    def members_at(self, account: str, moment: datetime) -> set[str]:
        return {
            user
            for account_id, user, joined, left in self.memberships
            if account_id == account and joined <= moment < (left or END_OF_TIME)
        }

    def health_as_of(self, account: str, as_of: datetime) -> tuple:
        window = timedelta(days=HEALTH["window_days"])
        done = [
            event for event in self.activity if event["account"] == account and event["at"] <= as_of
        ]
        in_window = [event for event in done if event["at"] > as_of - window]
        previous = [event for event in done if as_of - 2 * window < event["at"] <= as_of - window]
        last = max((event["at"] for event in done), default=None)
        days_inactive = None if last is None else (as_of - last).total_seconds() / 86400
        members = self.members_at(account, as_of)
        active = members & {event["user"] for event in in_window}
        seat_share = len(active) / len(members) if members else None
        trend = len(in_window) / len(previous) if previous else None
        if not in_window:
            health = "dormant"
        elif (
            (days_inactive is not None and days_inactive > HEALTH["at_risk_days_inactive"])
            or (seat_share is not None and seat_share < HEALTH["at_risk_min_seat_share"])
            or (trend is not None and trend < HEALTH["at_risk_min_trend"])
        ):
            health = "at_risk"
        else:
            health = "healthy"
        return (
            last,
            _round(days_inactive),
            len(members),
            len(active),
            _round(seat_share),
            len(in_window),
            len(previous),
            _round(trend),
            health,
        )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> tuple[Path, Truth]:
    work = tmp_path_factory.mktemp("engagement")
    out = work / "data"
    generate(out, accounts=50, days=50, seed=11)
    db = work / "warehouse.duckdb"
    load(db, out)
    dbt("run", db, work, vars=VARS, extra=["--select", "+marts.engagement"])
    return db, Truth(out / "truth")


def test_weekly_activity_and_seats_match_the_truth(world):
    db, truth = world
    last_week = _monday(truth.latest)
    by_week = defaultdict(list)
    for event in truth.activity:
        by_week[(event["account"], _monday(event["at"]))].append(event)
    expected = {}
    for account, created in truth.created.items():
        week = _monday(created)
        while week <= last_week:
            end = datetime.combine(week + timedelta(days=7), datetime.min.time()) - MICROSECOND
            members = truth.members_at(account, end)
            events = by_week[(account, week)]
            users = {event["user"] for event in events}
            expected[(account, week)] = (
                len(members),
                len(members & users),
                len(users),
                len(events),
                len({event["at"].date() for event in events}),
            )
            week += timedelta(days=7)
    actual = {
        (account, week): tuple(rest)
        for account, week, *rest in query(
            db,
            "select account_id, week_start, members, active_members, active_users,"
            " activity_events, active_days from marts.account_activity_weekly",
        )
    }
    assert sum(1 for value in expected.values() if value[0] > value[1] > 0) > 5
    assert actual == expected


def test_lifecycle_matches_the_truth(world):
    db, truth = world
    expected = {}
    for period, start_of, step in (
        ("week", _monday, lambda day: day + timedelta(days=7)),
        ("month", _month, _next_month),
    ):
        last = start_of(truth.latest)
        active = defaultdict(set)
        for event in truth.activity:
            active[event["account"]].add(start_of(event["at"]))
        for account, periods in active.items():
            current, seen, before = min(periods), False, False
            while current <= last:
                if current in periods:
                    status = "new" if not seen else "returning" if before else "resurrecting"
                    expected[(period, current, account)] = status
                    seen = True
                elif before:
                    expected[(period, current, account)] = "dormant"
                before = current in periods
                current = step(current)
    actual = {
        (period, start, account): status
        for period, start, account, status in query(
            db, "select period, period_start, account_id, status from marts.account_lifecycle"
        )
    }
    statuses = {(key[0], value) for key, value in expected.items()}
    assert {("week", "new"), ("week", "returning"), ("week", "dormant")} <= statuses
    assert actual == expected


def test_feature_usage_and_adoption_match_the_truth(world):
    db, truth = world
    uses = defaultdict(list)
    for event in truth.events:
        if event["account"] is None:
            continue
        for feature, names in FEATURES.items():
            if event["name"] in names:
                uses[(event["account"], feature)].append(event)

    def usage(events):
        return (
            min(event["at"] for event in events),
            max(event["at"] for event in events),
            len(events),
            len({event["at"].date() for event in events}),
        )

    def users(events):
        return len({event["user"] for event in events} - {None})

    expected_accounts = {
        key: (*usage(events)[:3], users(events), usage(events)[3]) for key, events in uses.items()
    }
    actual_accounts = {
        (account, feature): tuple(rest)
        for account, feature, *rest in query(
            db,
            "select account_id, feature, first_used_at, last_used_at, events, users, active_days"
            " from marts.account_feature_usage",
        )
    }
    assert actual_accounts == expected_accounts

    member_uses = defaultdict(list)
    for (account, feature), events in uses.items():
        for event in events:
            if event["user"] is not None:
                member_uses[(account, event["user"], feature)].append(event)
    actual_members = {
        (account, user, feature): tuple(rest)
        for account, user, feature, *rest in query(
            db,
            "select account_id, user_id, feature, first_used_at, last_used_at, events, active_days"
            " from marts.membership_feature_usage",
        )
    }
    assert actual_members == {key: usage(events) for key, events in member_uses.items()}

    expected_adoption = {}
    for feature in FEATURES:
        keys = [key for key in uses if key[1] == feature]
        using = len(keys)
        expected_adoption[feature] = (
            using,
            len(truth.created),
            round(using / len(truth.created), 9),
            users([event for key in keys for event in uses[key]]),
        )
    actual_adoption = {
        feature: (using, accounts, round(float(rate), 9), users)
        for feature, using, accounts, rate, users in query(
            db,
            "select feature, accounts_using, accounts, adoption_rate, users_using"
            " from marts.feature_adoption",
        )
    }
    assert actual_adoption == expected_adoption
    assert expected_adoption["unused"][0] == 0
    assert expected_adoption["billing"][0] > 0 and expected_adoption["browse"][0] > 0


HEALTH_COLUMNS = (
    "last_activity_at, round(days_inactive, 6), members, active_members,"
    " round(active_seat_share, 6), activity_events_window, activity_events_previous_window,"
    " round(activity_trend, 6), health"
)


def test_health_now_and_every_week_match_the_truth(world):
    db, truth = world
    expected_now = {account: truth.health_as_of(account, truth.latest) for account in truth.created}
    actual_now = {
        account: tuple(rest)
        for account, *rest in query(
            db, f"select account_id, {HEALTH_COLUMNS} from marts.account_health"
        )
    }
    assert {value[-1] for value in expected_now.values()} == {"healthy", "at_risk", "dormant"}
    assert actual_now == expected_now

    last_week = _monday(truth.latest)
    expected_weekly = {}
    for account, created in truth.created.items():
        week = _monday(created)
        while week <= last_week:
            end = datetime.combine(week + timedelta(days=7), datetime.min.time()) - MICROSECOND
            expected_weekly[(account, week)] = truth.health_as_of(account, min(end, truth.latest))
            week += timedelta(days=7)
    actual_weekly = {
        (account, week): tuple(rest)
        for account, week, *rest in query(
            db, f"select account_id, week_start, {HEALTH_COLUMNS} from marts.account_health_weekly"
        )
    }
    moves = {
        (expected_weekly[(account, week - timedelta(days=7))][-1], value[-1])
        for (account, week), value in expected_weekly.items()
        if (account, week - timedelta(days=7)) in expected_weekly
    }
    assert len(moves) >= 5  # accounts move between statuses, the history has something to show
    assert actual_weekly == expected_weekly
