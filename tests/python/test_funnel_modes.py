"""Funnel modes end to end (contract section 3, "Funnel modes"): strict and any-order funnels,
exclusions, who can still convert, and the configuration's checks.

A small hand-made dataset of a reporting tool is loaded with the real loader and built with a
strict account-level funnel and an any-order user-level one; every expected value was worked out
by hand from the messages. A bad funnel entry must stop dbt with a message naming it.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from dbt_runner import dbt, generate, load, query

pytestmark = pytest.mark.e2e

VARS = {
    "funnels": {
        "setup": {
            "level": "account",
            "order": "strict",
            "conversion_window_days": 7,
            "steps": ["Account Created", "Data Source Connected", "Alert Created"],
            "exclude_events": ["Plan Cancelled"],
        },
        "explore": {
            "level": "user",
            "order": "any",
            "conversion_window_days": 2,
            "steps": ["Report Shared", "Dashboard Built", "Data Source Connected"],
            # a name no event carries: a warning, nobody left out
            "exclude_events": ["Workspace Deleted"],
        },
    },
    "features": {},
    "milestones": {},
}

BAD_FUNNELS = {
    "funnels": {
        "a": {
            "level": "account",
            "conversion_window_days": 7,
            "steps": ["A", "B"],
            "order": "random",
        },
        "b": {
            "level": "user",
            "conversion_window_days": 7,
            "steps": ["A", "B"],
            "exclude_events": "C",
        },
        "c": {
            "level": "user",
            "conversion_window_days": 7,
            "steps": ["A", "B"],
            "exclude_events": ["B"],
        },
        "d": {
            "level": "user",
            "conversion_window_days": 7,
            "steps": ["A", "B", "A"],
            "order": "any",
        },
        "e": {
            "level": "user",
            "conversion_window_days": 7,
            "steps": ["A"],
            "exclude_events": ["C", "C"],
        },
        # a step listed twice is fine in a strict funnel
        "f": {"level": "user", "conversion_window_days": 7, "steps": ["A", "A"], "order": "strict"},
    }
}


def _messages() -> list[dict]:
    """Five workspaces of a reporting tool, May 2026; the data ends on the 14th at 18:00."""
    messages: list[dict] = []

    def add(day: int, hhmm: str, kind: str, user: str | None = None, **fields) -> None:
        message = {
            "type": kind,
            "messageId": f"m{len(messages):03d}",
            "timestamp": f"2026-05-{day:02d}T{hhmm}:00.000Z",
            **fields,
        }
        if user:
            message["userId"] = user
        messages.append(message)

    def track(day, hhmm, user, event, group):
        add(day, hhmm, "track", user, event=event, context={"groupId": group})

    # w1 (strict "setup"): a repeated creation is skipped, a server-side connection is step 2
    add(4, "08:59", "group", "u1", groupId="w1", traits={"name": "Acme", "plan": "pro"})
    track(4, "09:00", "u1", "Account Created", "w1")
    track(4, "09:05", "u1", "Account Created", "w1")
    track(4, "10:00", None, "Data Source Connected", "w1")
    track(4, "11:00", "u1", "Alert Created", "w1")
    # w2: a page right after creating the workspace ends its strict progress
    add(4, "08:59", "group", "u2", groupId="w2", traits={"name": "Globex", "plan": "free"})
    track(4, "09:00", "u2", "Account Created", "w2")
    add(4, "09:30", "page", "u2", name="Home", context={"groupId": "w2"})
    track(4, "10:00", None, "Data Source Connected", "w2")
    track(4, "11:00", "u2", "Alert Created", "w2")
    # w3: cancelled before its last step (which also ends its progress): left out of "setup"
    add(4, "08:59", "group", "u3", groupId="w3", traits={"name": "Initech", "plan": "pro"})
    track(4, "09:00", "u3", "Account Created", "w3")
    track(4, "10:00", None, "Data Source Connected", "w3")
    track(4, "10:30", None, "Plan Cancelled", "w3")
    track(4, "11:00", "u3", "Alert Created", "w3")
    # w4: connected two days before the data ends, nothing since: still in its window
    add(12, "08:59", "group", "u4", groupId="w4", traits={"name": "Umbrella", "plan": "free"})
    track(12, "09:00", "u4", "Account Created", "w4")
    track(12, "10:00", None, "Data Source Connected", "w4")
    # any-order "explore" (users, 2 days): u1 does the three steps in reverse order
    track(5, "09:00", "u1", "Data Source Connected", "w1")
    track(5, "10:00", "u1", "Dashboard Built", "w1")
    track(5, "12:00", "u1", "Report Shared", "w1")
    # u2 shares twice (one distinct step) and builds after its window
    track(6, "09:00", "u2", "Report Shared", "w2")
    track(6, "10:00", "u2", "Report Shared", "w2")
    track(9, "09:00", "u2", "Dashboard Built", "w2")
    # u5 builds on the 14th at 09:00 and shares two hours later: can still connect
    track(14, "09:00", "u5", "Dashboard Built", "w5")
    track(14, "11:00", "u5", "Report Shared", "w5")
    add(14, "18:00", "page", "u5", name="Home", context={"groupId": "w5"})
    return messages


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, tuple[Path, int, str]]:
    """The hand-made world built under VARS, and `dbt compile` under BAD_FUNNELS, side by side."""
    work = tmp_path_factory.mktemp("funnel_modes")
    data = work / "reporting_tool.ndjson"
    data.write_text("".join(json.dumps(message) + "\n" for message in _messages()))
    db = work / "warehouse.duckdb"
    load(db, data)
    # the funnel marts and the event-name check, with the data tests of what they read
    select = [
        "--select",
        "+funnel_conversion +funnel_conversion_by_trait +int_configured_event_names",
        "--indirect-selection",
        "cautious",
    ]
    commands = {
        "build": (db, work / "build", VARS, ["build", "--exclude-resource-type", "unit_test"]),
        "bad": (work / "bad.duckdb", work / "bad", BAD_FUNNELS, ["compile"]),
    }

    def run(name: str) -> tuple[Path, int, str]:
        target_db, target_work, vars, (command, *extra) = commands[name]
        extra = extra + (select if command == "build" else [])
        result = dbt(command, target_db, target_work, vars=vars, extra=extra, check=False)
        return target_db, result.returncode, result.stdout + result.stderr

    with ThreadPoolExecutor(max_workers=len(commands)) as pool:
        return dict(zip(commands, pool.map(run, commands), strict=True))


@pytest.fixture(scope="module")
def warehouse(runs) -> Path:
    db, returncode, output = runs["build"]
    assert returncode == 0, output[-6000:]
    return db


def test_strict_and_any_order_funnels_count_as_worked_out_by_hand(warehouse):
    rows = query(
        warehouse,
        "select funnel, funnel_order, step_number, entities, dropped_from_previous, "
        "still_in_window, dropped, median_seconds_from_previous "
        "from marts.funnel_conversion order by 1 desc, 3",
    )
    assert rows == [
        # w3 is left out; w2's page broke its progress; w4 can still build its dashboard
        ("setup", "strict", 1, 3, 0, 0, 0, None),
        ("setup", "strict", 2, 2, 1, 0, 1, 3600.0),
        ("setup", "strict", 3, 1, 1, 1, 0, 3600.0),
        # level 2: u1 after 1 h, u5 after 2 h (median of two: 1.5 h); u2 dropped
        ("explore", "any", 1, 3, 0, 0, 0, None),
        ("explore", "any", 2, 2, 1, 0, 1, 5400.0),
        # level 3: u1 only (2 h); u5's window is still open at the data's end
        ("explore", "any", 3, 1, 1, 1, 0, 7200.0),
    ]


def test_funnel_entities_explain_each_entity(warehouse):
    rows = query(
        warehouse,
        "select funnel, entity_id, step_number, reached_event, is_still_in_window, is_dropped, "
        "interrupted_by_event, is_excluded from marts.fct_funnel_entities "
        "where reached_at is null and step_number > 1 and (is_still_in_window or is_dropped) "
        "or is_excluded order by 1 desc, 2, 3",
    )
    assert rows == [
        ("setup", "w2", 2, None, False, True, "Page Viewed", False),
        # the cancellation ends its progress and leaves it out
        ("setup", "w3", 1, "Account Created", False, False, None, True),
        ("setup", "w3", 2, "Data Source Connected", False, False, None, True),
        ("setup", "w3", 3, None, False, True, "Plan Cancelled", True),
        ("setup", "w4", 3, None, True, False, None, False),
        ("explore", "u2", 2, None, False, True, None, False),
        ("explore", "u5", 3, None, True, False, None, False),
    ]
    reversed_order = query(
        warehouse,
        "select reached_event from marts.fct_funnel_entities "
        "where funnel = 'explore' and entity_id = 'u1' order by step_number",
    )
    assert reversed_order == [("Data Source Connected",), ("Dashboard Built",), ("Report Shared",)]


def test_the_breakdown_leaves_out_the_excluded_too(warehouse):
    rows = query(
        warehouse,
        "select breakdown_value, step_number, entities, still_in_window, dropped "
        "from marts.funnel_conversion_by_trait where funnel = 'setup' order by 1, 2",
    )
    assert rows == [
        ("free", 1, 2, 0, 0),
        ("free", 2, 1, 0, 1),
        ("free", 3, 0, 1, 0),
        ("pro", 1, 1, 0, 0),
        ("pro", 2, 1, 0, 0),
        ("pro", 3, 1, 0, 0),
    ]


def test_an_excluded_event_no_loaded_event_carries_warns(runs):
    _, _, output = runs["build"]
    assert (
        'accountable: var funnels.explore.exclude_events names "Workspace Deleted", '
        "which no loaded event carries"
    ) in output


def test_bad_funnel_entries_fail_naming_each(runs):
    _, returncode, output = runs["bad"]
    assert returncode != 0
    expected = [
        "funnels.a.order: unknown order 'random' (use sequential, strict or any)",
        "funnels.b.exclude_events: expected a list of names, got 'C'",
        "funnels.c.exclude_events: 'B' is also a step of the funnel",
        "funnels.d.steps: a step is listed twice",
        "funnels.e.exclude_events: an event name is listed twice",
    ]
    assert [message for message in expected if message not in output] == []
    assert "funnels.f" not in output


# ---------------------------------------------------------------- differential (slow)
# Every mode, at both levels, on a generated world: fct_funnel_entities must equal the contract's
# rules written out plainly in Python below (an entity's events sorted by (event_at, event_id)).
REFERENCE_FUNNELS = {
    "sequential": {
        "level": "user",
        "conversion_window_days": 40,
        "steps": ["Signed Up", "Task Completed", "Report Exported"],
        "exclude_events": ["File Uploaded"],
    },
    "strict_user": {
        "level": "user",
        "order": "strict",
        "conversion_window_days": 2,
        "steps": ["Signed Up", "Account Added User", "Page Viewed"],
        "exclude_events": ["Account Created"],
    },
    "strict_account": {
        "level": "account",
        "order": "strict",
        "conversion_window_days": 30,
        "steps": ["Account Created", "Page Viewed", "Project Created", "Task Created"],
    },
    "strict_repeat": {
        "level": "user",
        "order": "strict",
        "conversion_window_days": 30,
        "steps": ["Page Viewed", "Page Viewed", "Comment Added"],
    },
    "any_account": {
        "level": "account",
        "order": "any",
        "conversion_window_days": 10,
        "steps": ["File Uploaded", "Report Exported", "Integration Enabled"],
        "exclude_events": ["Subscription Cancelled", "Trial Ended"],
    },
    "any_user": {
        "level": "user",
        "order": "any",
        "conversion_window_days": 3,
        "steps": ["Comment Added", "Task Completed", "Screen Viewed"],
    },
}


def _reference_rows(events: list[tuple], funnel: dict, latest: datetime) -> dict:
    """entity -> (excluded, [(reached_at, still_in_window, dropped) per step]), by the contract."""
    key = 3 if funnel["level"] == "user" else 4
    by_entity: dict[str, list[tuple]] = {}
    for event in events:
        if event[key] is not None:
            by_entity.setdefault(event[key], []).append(event)
    steps, order = funnel["steps"], funnel.get("order", "sequential")
    window = timedelta(days=funnel["conversion_window_days"])
    rows = {}
    for entity, own in by_entity.items():
        own.sort(key=lambda event: (event[2], event[0]))
        followed: list[str | None] = [None] * len(steps)
        if order == "any":
            done = [event for event in own if event[1] in steps]
            if not done:
                continue
            entered_at = done[0][2]
            firsts: dict[str, datetime] = {}
            for _, name, at, *_ in done:
                if at <= entered_at + window:
                    firsts.setdefault(name, at)
            reached = sorted(firsts.values()) + [None] * (len(steps) - len(firsts))
        else:
            entries = [i for i, event in enumerate(own) if event[1] == steps[0]]
            if not entries:
                continue
            position = entries[0]
            entered_at = own[position][2]
            reached = [entered_at] + [None] * (len(steps) - 1)
            for k in range(1, len(steps)):
                if order == "sequential":
                    later = [
                        at
                        for _, name, at, *_ in own
                        if name == steps[k] and reached[k - 1] <= at <= entered_at + window
                    ]
                    if not later:
                        break
                    reached[k] = later[0]
                    continue
                nxt = position + 1
                if steps[k] != steps[k - 1]:
                    while nxt < len(own) and own[nxt][1] == steps[k - 1]:
                        nxt += 1
                if nxt >= len(own) or own[nxt][2] > entered_at + window:
                    break
                followed[k] = own[nxt][1]
                if own[nxt][1] != steps[k]:
                    break
                reached[k], position = own[nxt][2], nxt
        ends_at, last = entered_at + window, reached[-1]
        excluded = any(
            name in funnel.get("exclude_events", [])
            and at >= entered_at
            and (at < last if last else at <= ends_at)
            for _, name, at, *_ in own
        )
        flags = []
        for k in range(len(steps)):
            stopped = k > 0 and reached[k - 1] is not None and reached[k] is None
            can = ends_at > latest and (order != "strict" or followed[k] is None)
            flags.append((reached[k], stopped and can, stopped and not can))
        rows[entity] = (excluded, flags)
    return rows


@pytest.mark.slow
def test_every_mode_matches_the_rules_written_out_in_python(tmp_path):
    out = tmp_path / "data"
    generate(out, accounts=40, days=45, seed=7)
    db = tmp_path / "warehouse.duckdb"
    load(db, out)
    dbt(
        "run",
        db,
        tmp_path,
        vars={"funnels": REFERENCE_FUNNELS},
        extra=["-s", "+fct_funnel_entities"],
    )
    events = query(
        db,
        "select event_id, event_name, event_at, user_id, account_id "
        "from intermediate.int_events_attributed",
    )
    latest = max(event[2] for event in events)
    for name, funnel in REFERENCE_FUNNELS.items():
        actual: dict[str, tuple] = {}
        for entity, excluded, reached_at, still, dropped in query(
            db,
            "select entity_id, is_excluded, reached_at, is_still_in_window, is_dropped from "
            f"marts.fct_funnel_entities where funnel = '{name}' order by entity_id, step_number",
        ):
            actual.setdefault(entity, (excluded, []))[1].append((reached_at, still, dropped))
        expected = _reference_rows(events, funnel, latest)
        assert len(expected) > 10, name
        wrong = {
            entity: (actual.get(entity), expected.get(entity))
            for entity in set(actual) | set(expected)
            if actual.get(entity) != expected.get(entity)
        }
        assert not wrong, f"{name}: {len(wrong)} entities differ, e.g. {list(wrong.items())[:3]}"
