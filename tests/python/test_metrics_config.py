"""The metric marts follow the configuration, not the demo product.

A small hand-made dataset of another product (a reporting tool: "Data Source Connected",
"Dashboard Built", "Report Shared") is loaded with the real loader and built with other vars:
other active events, other windows, an extra milestone, no `habit_moment`, a user-level funnel,
daily retention. Every expected value below was worked out by hand from the messages. A bad
configuration must stop dbt with a message naming the faulty entry.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from pathlib import Path

import pytest
from pytest import approx

from dbt_runner import dbt, load, query

pytestmark = pytest.mark.e2e

VARS = {
    "active_events": ["Report Shared", "Dashboard Built"],
    "retention_periods": ["day"],
    "milestones": {
        "activation": {
            "window_days": 3,
            "min_members": 2,
            "exclude_roles": ["viewer"],
            "required_events": [{"event": "Dashboard Built", "min_count": 1, "min_users": 1}],
        },
        "collaboration": {
            "window_days": 10,
            "required_events": [{"event": "Report Shared", "min_count": 3, "min_users": 2}],
        },
        "connected": {
            "window_days": 5,
            "required_events": [{"event": "Data Source Connected"}],
        },
    },
    "funnels": {
        "setup": {
            "level": "account",
            "conversion_window_days": 2,
            "steps": [
                "Account Created",
                "Data Source Connected",
                "Dashboard Built",
                "Report Shared",
            ],
        },
        "sharing": {
            "level": "user",
            "conversion_window_days": 1,
            "steps": ["Page Viewed", "Dashboard Built", "Report Shared"],
        },
    },
    "features": {"dashboards": ["Dashboard Built"], "sharing": ["Report Shared"]},
    "revenue": {
        "mrr_events": [{"event": "Plan Purchased", "property": "amount"}],
        "churn_events": ["Plan Cancelled"],
    },
}


def at(day: int, hhmm: str) -> datetime:
    return datetime.fromisoformat(f"2026-05-{day:02d}T{hhmm}:00")


def _messages() -> list[dict]:
    """Three workspaces (w1, w2, w3) of a reporting tool, May 2026 (the 4th is a Monday)."""
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

    def track(day, hhmm, user, event, group, **properties):
        add(
            day, hhmm, "track", user, event=event, properties=properties, context={"groupId": group}
        )

    # w1: server-side connection, a viewer and an editor join; three shares by two users.
    add(4, "08:50", "page", "u1", name="Pricing")
    add(4, "09:00", "group", "u1", groupId="w1", traits={"name": "Acme", "plan": "pro"})
    track(4, "09:01", "u1", "Account Created", "w1")
    track(4, "10:00", None, "Data Source Connected", "w1")
    track(4, "11:00", "u1", "Dashboard Built", "w1")
    add(5, "09:00", "group", "u2", groupId="w1")
    track(5, "09:01", "u2", "Account Added User", "w1", role="viewer")
    track(5, "12:00", "u2", "Report Shared", "w1")
    add(6, "08:00", "group", "u3", groupId="w1")
    track(6, "08:01", "u3", "Account Added User", "w1", role="editor")
    track(6, "09:00", "u1", "Report Shared", "w1")
    track(6, "10:00", "u3", "Report Shared", "w1")
    # w2: dashboard before the connection, the second member joins after it; a late dashboard.
    add(4, "12:00", "group", "u4", groupId="w2", traits={"name": "Globex", "plan": "free"})
    track(4, "12:01", "u4", "Account Created", "w2")
    add(4, "12:10", "page", "u4", name="Home", context={"groupId": "w2"})
    track(4, "12:30", "u4", "Dashboard Built", "w2")
    add(4, "13:00", "group", "u5", groupId="w2")
    track(5, "12:00", None, "Data Source Connected", "w2")
    track(7, "13:00", "u4", "Dashboard Built", "w2")
    # w3: the second member leaves before the dashboard; the connection comes too late.
    add(8, "10:00", "group", "u6", groupId="w3", traits={"name": "Initech", "plan": "pro"})
    track(8, "10:01", "u6", "Account Created", "w3")
    add(8, "10:05", "page", "u6", name="Home", context={"groupId": "w3"})
    add(8, "10:30", "group", "u7", groupId="w3")
    track(8, "11:00", "u6", "Report Shared", "w3")
    track(8, "12:00", "u7", "Account Removed User", "w3")
    track(9, "09:00", "u6", "Dashboard Built", "w3")
    track(9, "09:30", "u6", "Report Shared", "w3")
    track(14, "10:00", None, "Data Source Connected", "w3")
    # billing under this product's names: w1 pays "99.00", w2's amount is no number, w3 cancels
    # a trial it never paid for
    track(4, "09:30", None, "Plan Purchased", "w1", amount="99.00")
    track(5, "09:30", None, "Plan Purchased", "w2", amount="ninety")
    track(9, "10:00", None, "Plan Cancelled", "w3")
    return messages


def _loaded_warehouse(work: Path) -> Path:
    data = work / "reporting_tool.ndjson"
    data.write_text("".join(json.dumps(message) + "\n" for message in _messages()))
    db = work / "warehouse.duckdb"
    load(db, data)
    return db


@pytest.fixture(scope="module")
def build(tmp_path_factory) -> tuple[Path, str]:
    """The warehouse and what `dbt build` printed."""
    work = tmp_path_factory.mktemp("metrics_config")
    db = _loaded_warehouse(work)
    # Every model and data test (reconciliations included) under these vars. Unit tests depend
    # on neither the data nor these vars: `make dbt-test` runs them.
    result = dbt("build", db, work, vars=VARS, extra=["--exclude-resource-type", "unit_test"])
    return db, result.stdout + result.stderr


@pytest.fixture(scope="module")
def warehouse(build) -> Path:
    return build[0]


def test_one_milestone_row_per_account_per_configured_name(warehouse):
    rows = query(
        warehouse,
        "select milestone, count(*) from marts.fct_account_milestones group by 1 order by 1",
    )
    assert rows == [("activation", 3), ("collaboration", 3), ("connected", 3)]


def test_milestones_achieved_when_worked_out_by_hand(warehouse):
    rows = query(
        warehouse,
        "select account_id, milestone, achieved_at, window_days "
        "from marts.fct_account_milestones order by 1, 2",
    )
    assert rows == [
        # the viewer (day 5) does not count; the editor joining on day 6 makes two members
        ("w1", "activation", at(6, "08:00"), 3),
        # third share at 10:00 on day 6; u1 is the second user, at 09:00
        ("w1", "collaboration", at(6, "10:00"), 10),
        # account-level event, no user needed
        ("w1", "connected", at(4, "10:00"), 5),
        # dashboard at 12:30, second member at 13:00
        ("w2", "activation", at(4, "13:00"), 3),
        ("w2", "collaboration", None, 10),
        ("w2", "connected", at(5, "12:00"), 5),
        # u7 left before the dashboard and nobody joined after
        ("w3", "activation", None, 3),
        # two shares by one user only
        ("w3", "collaboration", None, 10),
        # connected on day 14, after created_at + 5 days
        ("w3", "connected", None, 5),
    ]


def test_days_to_achieve_is_fractional(warehouse):
    rows = query(
        warehouse,
        "select days_to_achieve from marts.fct_account_milestones "
        "where account_id = 'w1' and milestone = 'connected'",
    )
    assert rows[0][0] == pytest.approx(1 / 24)


def test_dim_accounts_reads_activation_and_no_habit_moment(warehouse):
    rows = query(
        warehouse,
        "select account_id, activated_at, habit_moment_at from marts.dim_accounts order by 1",
    )
    assert rows == [
        ("w1", at(6, "08:00"), None),
        ("w2", at(4, "13:00"), None),
        ("w3", None, None),
    ]


def test_funnel_step_counts_at_account_and_user_level(warehouse):
    rows = query(
        warehouse,
        "select funnel, level, step_number, step_event, entities, "
        "conversion_from_previous, conversion_from_start "
        "from marts.funnel_conversion order by 1, 3",
    )
    assert rows == [
        # w1 reaches every step; w2's dashboard comes after its 2-day window; w3 connects too late
        ("setup", "account", 1, "Account Created", 3, 1.0, 1.0),
        ("setup", "account", 2, "Data Source Connected", 2, approx(2 / 3), approx(2 / 3)),
        ("setup", "account", 3, "Dashboard Built", 1, 0.5, approx(1 / 3)),
        ("setup", "account", 4, "Report Shared", 1, 1.0, approx(1 / 3)),
        # u1 shares after its 1-day window; u4 never shares; u6 shares again after its dashboard
        ("sharing", "user", 1, "Page Viewed", 3, 1.0, 1.0),
        ("sharing", "user", 2, "Dashboard Built", 3, 1.0, 1.0),
        ("sharing", "user", 3, "Report Shared", 1, approx(1 / 3), approx(1 / 3)),
    ]


def test_funnel_entities_list_who_dropped_where(warehouse):
    rows = query(
        warehouse,
        "select funnel, entity_id, max(case when is_reached then step_number end) "
        "from marts.fct_funnel_entities group by 1, 2 order by 1, 2",
    )
    assert rows == [
        ("setup", "w1", 4),
        ("setup", "w2", 2),
        ("setup", "w3", 1),
        ("sharing", "u1", 2),
        ("sharing", "u4", 2),
        ("sharing", "u6", 3),
    ]


def test_funnel_breakdown_by_plan(warehouse):
    rows = query(
        warehouse,
        "select funnel, breakdown_value, step_number, entities "
        "from marts.funnel_conversion_by_trait where funnel = 'setup' order by 2, 3",
    )
    assert rows == [
        ("setup", "free", 1, 1),
        ("setup", "free", 2, 1),
        ("setup", "free", 3, 0),
        ("setup", "free", 4, 0),
        ("setup", "pro", 1, 2),
        ("setup", "pro", 2, 1),
        ("setup", "pro", 3, 1),
        ("setup", "pro", 4, 1),
    ]


def test_daily_account_retention_follows_active_events(warehouse):
    rows = query(
        warehouse,
        "select period, cohort_start, period_number, cohort_size, retained "
        "from marts.account_retention order by 2, 3",
    )
    # the latest event (w3's connection, day 14) closes the triangle
    first_cohort = [(k, 2, retained) for k, retained in enumerate([2, 1, 1, 1] + [0] * 7)]
    second_cohort = [(k, 1, retained) for k, retained in enumerate([1, 1] + [0] * 5)]
    assert {row[0] for row in rows} == {"day"}
    by_cohort = {
        cohort: [(row[2], row[3], row[4]) for row in rows if str(row[1]) == cohort]
        for cohort in ("2026-05-04", "2026-05-08")
    }
    assert by_cohort == {"2026-05-04": first_cohort, "2026-05-08": second_cohort}
    assert len(rows) == 18


def test_account_retention_by_plan_on_or_after_and_complete(warehouse):
    rows = query(
        warehouse,
        "select breakdown_value, cohort_start, period_number, cohort_size, retained, "
        "retained_unbounded, is_complete from marts.account_retention_by_trait order by 1, 2, 3",
    )
    # active days: w1 (pro) May 4-6, w2 (free) May 4 and 7, w3 (pro, cohort May 8) May 8-9; the
    # latest event (w3's connection, May 14) leaves each cohort's last day incomplete
    expected = (
        [("free", "2026-05-04", k, 1, int(k in (0, 3)), int(k <= 3), k < 10) for k in range(11)]
        + [("pro", "2026-05-04", k, 1, int(k <= 2), int(k <= 2), k < 10) for k in range(11)]
        + [("pro", "2026-05-08", k, 1, int(k <= 1), int(k <= 1), k < 6) for k in range(7)]
    )
    assert [(row[0], str(row[1]), *row[2:]) for row in rows] == expected
    whole = query(
        warehouse,
        "select retained_unbounded from marts.account_retention "
        "where cohort_start = date '2026-05-04' order by period_number",
    )
    # w2 skipped days 1 and 2 but came back on day 3: still retained on or after them
    assert [row[0] for row in whole] == [2, 2, 2, 1] + [0] * 7


def test_user_retention_has_one_cohort_per_first_seen_day(warehouse):
    rows = query(
        warehouse,
        "select cohort_start, cohort_size, count(*) from marts.user_retention "
        "where period_number >= 0 group by 1, 2 order by 1",
    )
    assert [(str(day), size, periods) for day, size, periods in rows] == [
        ("2026-05-04", 3, 11),
        ("2026-05-05", 1, 10),
        ("2026-05-06", 1, 9),
        ("2026-05-08", 2, 7),
    ]


def test_account_activity_daily_counts_only_active_events(warehouse):
    rows = query(
        warehouse,
        "select account_id, activity_date, active_users, activity_events "
        "from marts.account_activity_daily order by 1, 2",
    )
    assert [(account, str(day), users, events) for account, day, users, events in rows] == [
        ("w1", "2026-05-04", 1, 1),
        ("w1", "2026-05-05", 1, 1),
        ("w1", "2026-05-06", 2, 2),
        ("w2", "2026-05-04", 1, 1),
        ("w2", "2026-05-07", 1, 1),
        ("w3", "2026-05-08", 1, 1),
        ("w3", "2026-05-09", 1, 2),
    ]


def test_metrics_daily_spans_first_to_last_activity_day(warehouse):
    rows = query(
        warehouse,
        "select min(metric_date), max(metric_date), count(*), max(monthly_active_accounts) "
        "from marts.metrics_daily",
    )
    assert [(str(rows[0][0]), str(rows[0][1]), rows[0][2], rows[0][3])] == [
        ("2026-05-04", "2026-05-09", 6, 3)
    ]


BAD_CONFIGS = {
    "retention": {
        "retention_breakdown_trait": "colour",
        "milestones": {
            "habit": {
                "window_days": 7,
                "required_events": [
                    {"event": "Report Shared", "min_days": -1},
                    {"event": "Dashboard Built", "min_days": "two"},
                ],
            },
        },
    },
    "entries": {
        "retention_periods": ["day", "quarter"],
        "milestones": {
            "activation": {"window_days": 0, "required_events": [{"event": "Dashboard Built"}]},
            "collaboration": {"window_days": 7, "min_member": 2},
        },
        "funnels": {"setup": {"level": "account", "conversion_window_days": 2, "steps": []}},
        # int_feature_events is one row per event and feature: a name twice would count it twice
        "features": {"sharing": ["Report Shared", "Report Shared"], "none": []},
    },
    "breakdown_trait": {"funnel_breakdown_trait": "colour"},
}


@pytest.fixture(scope="module")
def bad_config_output(tmp_path_factory) -> dict[str, tuple[int, str]]:
    """`dbt compile` under each bad configuration, side by side (each is mostly a dbt parse)."""
    work = tmp_path_factory.mktemp("bad_config")

    def compile_with(name: str) -> tuple[int, str]:
        result = dbt(
            "compile", work / f"{name}.duckdb", work / name, vars=BAD_CONFIGS[name], check=False
        )
        return result.returncode, result.stdout + result.stderr

    with ThreadPoolExecutor(max_workers=len(BAD_CONFIGS)) as pool:
        return dict(zip(BAD_CONFIGS, pool.map(compile_with, BAD_CONFIGS), strict=True))


def test_bad_configuration_fails_naming_each_entry(bad_config_output):
    returncode, output = bad_config_output["entries"]
    assert returncode != 0
    assert "retention_periods: unknown period 'quarter'" in output
    assert "milestones.activation.window_days: must be positive, got 0" in output
    assert "milestones.collaboration: unknown key 'min_member'" in output
    assert "funnels.setup.steps: the step list is empty" in output
    assert "features.sharing: an event name is listed twice" in output
    assert "features.none: give at least one event name" in output


def test_unknown_funnel_breakdown_trait_fails(bad_config_output):
    returncode, output = bad_config_output["breakdown_trait"]
    assert returncode != 0
    assert "funnel_breakdown_trait: 'colour' is not an account trait column" in output


def test_bad_retention_and_milestone_days_fail_naming_each_entry(bad_config_output):
    returncode, output = bad_config_output["retention"]
    assert returncode != 0
    assert "retention_breakdown_trait: 'colour' is not an account trait column" in output
    entries = "milestones.habit.required_events"
    assert f"{entries}[0].min_days: must be >= 0, got -1" in output
    assert f"{entries}[1].min_days: expected a whole number, got 'two'" in output


# One misspelling in each kind of var that names events; every other name is right.
MISSPELLED = {
    **VARS,
    "active_events": ["Report Shared", "Dashbord Built"],
    "milestones": {
        **VARS["milestones"],
        "connected": {"window_days": 5, "required_events": [{"event": "Data Source Conected"}]},
    },
    "funnels": {
        **VARS["funnels"],
        "sharing": {
            **VARS["funnels"]["sharing"],
            "steps": ["Page Viewed", "Dashboard Built", "Report Shraed"],
        },
    },
    "lifecycle_events": {"user_removed": "Account Removed Usr"},
}
UNMATCHED_WARNING = 'accountable: var {} names "{}", which no loaded event carries'


@pytest.fixture(scope="module")
def misspelled_output(tmp_path_factory) -> dict[str, tuple[int, str]]:
    """A whole `dbt build` under MISSPELLED, then a run that does not build the checked model
    (its table, full of unmatched names, is left from the build)."""
    work = tmp_path_factory.mktemp("misspelled")
    db = _loaded_warehouse(work)
    runs = {
        "build": ["build", "--exclude-resource-type", "unit_test"],
        "other_model": ["run", "--select", "stg_segment__pages"],
    }
    output = {}
    for name, (command, *extra) in runs.items():
        result = dbt(command, db, work, vars=MISSPELLED, extra=extra, check=False)
        output[name] = (result.returncode, result.stdout + result.stderr)
    return output


def test_misspelled_event_names_warn_naming_each_var_without_failing(misspelled_output):
    returncode, output = misspelled_output["build"]
    assert returncode == 0, output[-3000:]
    expected = [
        UNMATCHED_WARNING.format("active_events", "Dashbord Built"),
        UNMATCHED_WARNING.format("milestones.connected.required_events", "Data Source Conected"),
        UNMATCHED_WARNING.format("funnels.sharing.steps", "Report Shraed"),
        UNMATCHED_WARNING.format("lifecycle_events.user_removed", "Account Removed Usr"),
    ]
    assert [line for line in expected if line not in output] == []
    # the right names say nothing
    assert output.count("which no loaded event carries") == len(expected)
    assert "WARN 4 assert_configured_event_names_are_carried_by_loaded_events" in output


def test_a_run_that_does_not_build_the_check_says_nothing_about_it(misspelled_output):
    returncode, output = misspelled_output["other_model"]
    assert returncode == 0, output[-3000:]
    assert "which no loaded event carries" not in output


def test_right_event_names_give_no_warning(build):
    db, output = build
    # the check did run: a row per var path and configured name, each carried by some event
    rows = query(
        db,
        "select var_path, count(*), min(event_count) > 0 "
        "from intermediate.int_configured_event_names group by 1 order by 1",
    )
    assert rows == [
        ("active_events", 2, True),
        ("features.dashboards", 1, True),
        ("features.sharing", 1, True),
        ("funnels.setup.steps", 4, True),
        ("funnels.sharing.steps", 3, True),
        ("lifecycle_events.account_created", 1, True),
        ("lifecycle_events.user_added", 1, True),
        ("lifecycle_events.user_removed", 1, True),
        ("milestones.activation.required_events", 1, True),
        ("milestones.collaboration.required_events", 1, True),
        ("milestones.connected.required_events", 1, True),
        ("revenue.churn_events", 1, True),
        ("revenue.mrr_events", 1, True),
    ]
    assert "which no loaded event carries" not in output


def test_revenue_follows_the_configured_billing_events(build):
    db, _ = build
    assert query(db, "select account_id, month, mrr, movement from marts.account_mrr_monthly") == [
        ("w1", date(2026, 5, 1), 99, "new")
    ]
    assert query(db, "select account_id, reason, amount_text from marts.mrr_event_errors") == [
        ("w2", "not_a_number", "ninety")
    ]
    assert query(db, "select account_id, mrr from marts.dim_accounts order by 1") == [
        ("w1", 99),
        ("w2", 0),
        ("w3", 0),
    ]


def test_features_follow_the_configured_event_names(build):
    db, _ = build
    rows = query(
        db, "select feature, accounts_using, accounts, users_using from marts.feature_adoption"
    )
    assert sorted(rows) == [("dashboards", 3, 3, 3), ("sharing", 2, 3, 4)]
