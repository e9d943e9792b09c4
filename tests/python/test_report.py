"""`accountable report` (CONTRACT.md section 7): the figure builders on a hand-made serving file,
the command's errors, and the page of a generated world opened in a real headless browser, where
every chart must have been drawn by plotly.js with its title and axis titles, offline."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import duckdb
import pytest

from accountable.cli import main
from accountable.report import ReportError, build_charts, write_report
from accountable.report.figures import (
    activation_chart,
    choose_period,
    duration,
    funnel_charts,
    retention_by_trait_chart,
    retention_chart,
    revenue_chart,
    slug,
)
from accountable.report.queries import REQUIRED_MARTS, Marts, RetentionByTraitPoint
from dbt_runner import BIN, query

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)


# --------------------------------------------------------------------------------------------
# A hand-made serving file: the columns the report reads, a few rows each
# --------------------------------------------------------------------------------------------

SERVING_SQL = """
create table fct_events as
    select * from (values
        ('e1', timestamp '2026-03-02 10:00', 'g1', 'u1'),
        ('e2', timestamp '2026-03-20 12:00', 'g2', 'u2')
    ) as t (event_id, event_at, account_id, user_id);
create table dim_accounts as
    select * from (values
        ('g1', timestamp '2026-03-02 10:00', timestamp '2026-03-03 09:00', 50.0),
        ('g2', timestamp '2026-03-03 10:00', null, 0.0),
        ('g3', timestamp '2026-03-18 10:00', null, 0.0)
    ) as t (account_id, created_at, activated_at, mrr);
create table dim_users as select * from (values ('u1'), ('u2')) as t (user_id);
create table dim_memberships as
    select * from (values ('g1', 'u1', true), ('g2', 'u2', false))
        as t (account_id, user_id, is_active);
create table fct_account_milestones as
    select * from (values
        ('g1', 'activation', timestamp '2026-03-03 09:00', timestamp '2026-03-16 10:00'),
        ('g2', 'activation', null, timestamp '2026-03-17 10:00'),
        ('g3', 'activation', null, timestamp '2026-04-01 10:00')
    ) as t (account_id, milestone, achieved_at, window_ends_at);
create table metrics_daily as
    select * from (values
        (date '2026-03-02', 1, 1, 1, 1),
        (date '2026-03-03', 2, 2, 2, 2)
    ) as t (metric_date, daily_active_accounts, weekly_active_accounts, monthly_active_accounts,
            accounts_existing);
create table account_retention as
    select * from (values
        ('week', date '2026-03-02', 0, 2, 2, 1.0),
        ('week', date '2026-03-02', 1, 2, 1, 0.5),
        ('week', date '2026-03-16', 0, 1, 1, 1.0),
        ('month', date '2026-03-01', 0, 3, 3, 1.0)
    ) as t (period, cohort_start, period_number, cohort_size, retained, retention_rate);
create table funnel_conversion as
    select * from (values
        ('signup', 'account', 1, 'Step One', 10, 1.0, 1.0, 7),
        ('signup', 'account', 2, 'Step Two', 4, 0.4, 0.4, 7),
        ('a/b funnel', 'user', 1, 'Open', 0, 1.0, null, 3),
        ('a/b funnel', 'user', 2, 'Close', 0, null, null, 3)
    ) as t (funnel, level, step_number, step_event, entities, conversion_from_previous,
            conversion_from_start, conversion_window_days);
create table revenue_monthly (
    month date, starting_mrr decimal(38, 6), new_mrr decimal(38, 6),
    expansion_mrr decimal(38, 6), reactivation_mrr decimal(38, 6),
    contraction_mrr decimal(38, 6), churned_mrr decimal(38, 6), ending_mrr decimal(38, 6),
    paying_accounts bigint
);
create table account_lifecycle_summary as
    select * from (values
        ('week', date '2026-03-02', 'new', 2, 2),
        ('week', date '2026-03-09', 'dormant', 1, -1),
        ('week', date '2026-03-09', 'returning', 1, 1)
    ) as t (period, period_start, status, accounts, accounts_signed);
create table account_health as
    select * from (values
        ('g1', timestamp '2026-03-20 12:00', 'healthy'),
        ('g2', timestamp '2026-03-20 12:00', 'dormant'),
        ('g3', timestamp '2026-03-20 12:00', 'dormant')
    ) as t (account_id, as_of, health);
"""


NEWER_SQL = """
alter table account_retention add column retained_unbounded bigint;
alter table account_retention add column retention_rate_unbounded double;
alter table account_retention add column is_complete boolean;
update account_retention set
    retained_unbounded = case when period_number = 0 then retained else retained + 1 end,
    retention_rate_unbounded = (case when period_number = 0 then retained else retained + 1 end)
        / cohort_size,
    is_complete = not (cohort_start = date '2026-03-16' or period_number = 1 or period = 'month');
alter table funnel_conversion add column funnel_order varchar;
alter table funnel_conversion add column still_in_window bigint;
alter table funnel_conversion add column dropped bigint;
alter table funnel_conversion add column median_seconds_from_previous double;
update funnel_conversion set
    funnel_order = case when funnel = 'signup' then 'sequential' else 'any' end,
    still_in_window = case when step_number = 1 then 0 else 2 end,
    dropped = case when step_number = 1 then 0 else 4 end,
    median_seconds_from_previous = case when step_number = 1 then null else 8280 end;
update funnel_conversion set still_in_window = 0, dropped = 0, median_seconds_from_previous = null
    where funnel = 'a/b funnel';
create table account_retention_by_trait as
    select * from (values
        ('week', 'plan', 'pro', date '2026-03-02', 0, 2, 2, 2, true),
        ('week', 'plan', 'pro', date '2026-03-02', 1, 2, 1, 1, true),
        ('week', 'plan', 'pro', date '2026-03-09', 0, 2, 1, 1, true),
        ('week', 'plan', 'pro', date '2026-03-09', 1, 2, 0, 0, false),
        ('week', 'plan', '(none)', date '2026-03-02', 0, 1, 1, 1, true),
        ('week', 'plan', '(none)', date '2026-03-02', 1, 1, 0, 1, true),
        ('week', 'plan', '(none)', date '2026-03-16', 0, 5, 5, 5, false),
        ('month', 'plan', 'pro', date '2026-03-01', 0, 4, 4, 4, false)
    ) as t (period, breakdown_trait, breakdown_value, cohort_start, period_number, cohort_size,
            retained, retained_unbounded, is_complete);
"""
"""What newer builds add: the retention extras, the funnel modes, retention by trait."""


def make_serving(
    path: Path, *, schema: str = "marts", extra_sql: str = "", newer: bool = False
) -> Path:
    """A serving file with the marts in `schema` (`main` as publish does for marts.duckdb);
    `newer`: with the columns and mart of issue 17, else as published before them."""
    connection = duckdb.connect(str(path))
    if schema != "main":
        connection.execute(f"create schema {schema}; set schema = '{schema}'")
    connection.execute(SERVING_SQL + (NEWER_SQL if newer else "") + extra_sql)
    connection.close()
    return path


def charts_of(path: Path) -> dict:
    with Marts(path) as marts:
        return {chart.id: chart for chart in build_charts(marts)}


@pytest.mark.parametrize(
    ("name", "schema"), [("serving.duckdb", "marts"), ("marts.duckdb", "main")]
)
def test_the_marts_are_found_in_either_schema_publish_uses(tmp_path, name, schema):
    charts = charts_of(make_serving(tmp_path / name, schema=schema))
    assert list(charts) == [
        "active-accounts",
        "retention",
        "retention-by-trait",
        "activation",
        "funnel-a-b-funnel",
        "funnel-signup",
        "revenue",
        "lifecycle",
        "health",
    ]


def test_empty_revenue_is_a_sentence_not_an_empty_chart(tmp_path):
    chart = charts_of(make_serving(tmp_path / "serving.duckdb"))["revenue"]
    assert chart.figure is None
    assert "revenue_monthly is empty" in chart.message
    assert revenue_chart([]).figure is None


def test_revenue_losses_are_drawn_below_the_axis(tmp_path):
    extra = """
        insert into revenue_monthly values
            ('2026-02-01', 0, 100, 0, 0, 0, 0, 100, 2),
            ('2026-03-01', 100, 20, 30, 5, 10, 40, 105, 2);
    """
    chart = charts_of(make_serving(tmp_path / "serving.duckdb", extra_sql=extra))["revenue"]
    traces = {trace.name: list(trace.y) for trace in chart.figure.data}
    assert traces["new"] == [100, 20]
    assert traces["expansion"] == [0, 30]
    assert traces["contraction"] == [0, -10]
    assert traces["churned"] == [0, -40]
    assert traces["ending MRR"] == [100, 105]
    assert chart.figure.layout.barmode == "relative"


def test_activation_rate_per_weekly_cohort_and_cohorts_that_can_still_activate(tmp_path):
    chart = charts_of(make_serving(tmp_path / "serving.duckdb"))["activation"]
    traces = {trace.name: trace for trace in chart.figure.data}
    final, still_open = traces["final"], traces["accounts still in their window"]
    assert list(final.x) == [date(2026, 3, 2)]  # g1 activated, g2's window has ended
    assert list(final.y) == [50.0]
    assert list(final.text) == ["1/2"]
    assert list(still_open.x) == [date(2026, 3, 16)]  # g3: window ends after the last event
    assert list(still_open.y) == [0.0]


def test_no_activation_milestone_says_so_in_place_of_the_chart(tmp_path):
    extra = "update fct_account_milestones set milestone = 'first_value';"
    chart = charts_of(make_serving(tmp_path / "serving.duckdb", extra_sql=extra))["activation"]
    assert chart.figure is None
    assert "No milestone named activation" in chart.message
    assert activation_chart([], ["activation"]).figure is None


def test_one_chart_per_funnel_with_its_steps_in_order(tmp_path):
    charts = charts_of(make_serving(tmp_path / "serving.duckdb"))
    signup = charts["funnel-signup"].figure.data[0]
    assert list(signup.y) == ["1. Step One", "2. Step Two"]
    assert list(signup.x) == [10, 4]
    assert "40% of start" in signup.text[1]
    assert charts["funnel-a-b-funnel"].figure.layout.xaxis.title.text == "users reaching the step"
    (nothing,) = funnel_charts([])
    assert nothing.figure is None and "No funnel is configured" in nothing.message


def test_weekly_retention_triangle_and_lifecycle_with_dormant_below_zero(tmp_path):
    charts = charts_of(make_serving(tmp_path / "serving.duckdb"))
    heatmap = charts["retention"].figure.data[0]
    assert list(heatmap.x) == [0, 1]
    assert list(heatmap.y) == ["2026-03-02 (2)", "2026-03-16 (1)"]
    assert [list(row) for row in heatmap.z] == [[100.0, 50.0], [100.0, None]]
    lifecycle = {trace.name: list(trace.y) for trace in charts["lifecycle"].figure.data}
    assert lifecycle == {"new": [2], "returning": [1], "dormant": [-1]}
    assert choose_period(["month", "day"]) == "month"
    assert choose_period([]) is None


def test_health_counts_and_weekly_health_only_when_the_mart_exists(tmp_path):
    charts = charts_of(make_serving(tmp_path / "serving.duckdb"))
    bars = charts["health"].figure.data[0]
    assert list(bars.x) == ["healthy", "dormant"]
    assert list(bars.y) == [1, 2]
    assert "health-weekly" not in charts

    extra = """
        create table account_health_weekly as select * from (values
            ('g1', date '2026-03-02', 'healthy'), ('g2', date '2026-03-02', 'at_risk'),
            ('g1', date '2026-03-09', 'healthy'), ('g2', date '2026-03-09', 'healthy')
        ) as t (account_id, week_start, health);
    """
    weekly = charts_of(make_serving(tmp_path / "weekly.duckdb", extra_sql=extra))["health-weekly"]
    traces = {trace.name: (list(trace.x), list(trace.y)) for trace in weekly.figure.data}
    assert traces == {
        "healthy": ([date(2026, 3, 2), date(2026, 3, 9)], [1, 2]),
        "at_risk": ([date(2026, 3, 2)], [1]),
    }


def test_every_drawn_chart_has_a_title_and_named_axes(tmp_path):
    for chart in charts_of(make_serving(tmp_path / "serving.duckdb")).values():
        if chart.figure is None:
            continue
        layout = chart.figure.layout
        assert layout.title.text, chart.id
        assert layout.xaxis.title.text and layout.yaxis.title.text, chart.id


# --------------------------------------------------------------------------------------------
# Issue 17's columns: incomplete retention cells, funnel splits and medians, retention by trait
# --------------------------------------------------------------------------------------------


def test_retention_cells_of_a_period_under_way_are_marked_and_say_so(tmp_path):
    chart = charts_of(make_serving(tmp_path / "serving.duckdb", newer=True))["retention"]
    heatmap = chart.figure.data[0]
    assert [list(row) for row in heatmap.z] == [[100.0, 50.0], [100.0, None]]
    # (2026-03-02, week 1) and (2026-03-16, week 0) are under way: veiled, and the hover says so
    veils = [(shape.x0, shape.y0) for shape in chart.figure.layout.shapes]
    assert veils == [(0.5, -0.5), (-0.5, 0.5)]
    assert sum(bool(shape.showlegend) for shape in chart.figure.layout.shapes) == 1
    assert "period still under way" in chart.figure.layout.shapes[0].name
    hover = [list(row) for row in heatmap.customdata]
    assert "under way" not in hover[0][0]
    assert "period still under way" in hover[0][1] and "period still under way" in hover[1][0]
    assert "Lighter cells" in chart.caption


def test_an_old_serving_file_marks_no_cell_and_says_why(tmp_path):
    chart = charts_of(make_serving(tmp_path / "serving.duckdb"))["retention"]
    assert not chart.figure.layout.shapes
    assert "predates is_complete" in chart.caption


def test_retention_on_or_after_draws_retained_unbounded(tmp_path):
    with Marts(make_serving(tmp_path / "serving.duckdb", newer=True)) as marts:
        cells = marts.retention("week")
    chart = retention_chart(cells, "week", measure="unbounded")
    assert [list(row) for row in chart.figure.data[0].z] == [[100.0, 100.0], [100.0, None]]
    assert "on or after" in chart.title
    with Marts(make_serving(tmp_path / "old.duckdb")) as marts:
        old = retention_chart(marts.retention("week"), "week", measure="unbounded")
    assert old.figure is None and "no retained_unbounded" in old.message


def test_funnel_bars_split_the_rest_into_still_in_window_and_dropped(tmp_path):
    charts = charts_of(make_serving(tmp_path / "serving.duckdb", newer=True))
    signup = charts["funnel-signup"].figure
    traces = {trace.name: list(trace.x) for trace in signup.data}
    assert traces == {
        "reached the step": [10, 4],
        "not yet, still in their window": [0, 2],
        "dropped out": [0, 4],
    }
    assert signup.layout.barmode == "stack"
    assert "(in order)" in signup.layout.title.text
    assert list(signup.data[0].y) == ["1. Step One", "2. Step Two"]
    ticks = list(signup.layout.yaxis.ticktext)
    assert "median 2.3 h after" in ticks[1] and "median" not in ticks[0]
    assert "2.3 h after the step before" in signup.data[0].customdata[1]
    any_order = charts["funnel-a-b-funnel"]
    assert "(in any order)" in any_order.figure.layout.title.text
    assert list(any_order.figure.data[0].y) == ["1 of 2 steps", "2 of 2 steps"]
    assert "Open, Close, in any order" in any_order.caption


def test_an_old_funnel_has_one_bar_per_step_and_no_legend(tmp_path):
    signup = charts_of(make_serving(tmp_path / "serving.duckdb"))["funnel-signup"].figure
    assert [trace.name for trace in signup.data] == ["reached the step"]
    assert signup.layout.showlegend is False
    assert "order" not in signup.layout.title.text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(None, "n/a"), (42, "42 s"), (720, "12 min"), (8280, "2.3 h"), (129600, "1.5 d")],
)
def test_durations_read_as_a_person_would_say_them(seconds, text):
    assert duration(seconds) == text


def test_retention_by_trait_averages_complete_cells_weighted_by_cohort_size(tmp_path):
    chart = charts_of(make_serving(tmp_path / "serving.duckdb", newer=True))["retention-by-trait"]
    assert chart.title == "Account retention by plan"
    traces = {trace.name: (list(trace.x), list(trace.y)) for trace in chart.figure.data}
    # pro: week 0 over both cohorts (3 of 4), week 1 over the first only (its second is under
    # way); (none): the 2026-03-16 cohort is under way, so only 2026-03-02 counts; the legend
    # gives every account of the value, most accounts first
    assert list(traces) == ["(none) (6)", "pro (4)"]
    assert traces["pro (4)"] == ([0, 1], [75.0, 50.0])
    assert traces["(none) (6)"] == ([0, 1], [100.0, 0.0])
    with Marts(tmp_path / "serving.duckdb") as marts:
        unbounded = retention_by_trait_chart(marts.retention_by_trait("week"), "week", "unbounded")
    assert list(unbounded.figure.data[0].y) == [100.0, 100.0]


def test_retention_by_trait_draws_the_values_with_most_accounts_and_says_what_it_left_out():
    points = [
        RetentionByTraitPoint("plan", f"plan {index}", 20 - index, 0, 1, 20 - index, 10, 10)
        for index in range(10)
    ]
    chart = retention_by_trait_chart(points, "week")
    assert [trace.name for trace in chart.figure.data][:2] == ["plan 0 (20)", "plan 1 (19)"]
    assert len(chart.figure.data) == 8
    assert "The 2 values with the fewest accounts are not drawn." in chart.caption


def test_retention_by_trait_missing_or_empty_or_under_way_is_a_sentence(tmp_path):
    missing = charts_of(make_serving(tmp_path / "old.duckdb"))["retention-by-trait"]
    assert missing.figure is None and "has no account_retention_by_trait" in missing.message
    extra = "delete from account_retention_by_trait;"
    empty = charts_of(make_serving(tmp_path / "empty.duckdb", newer=True, extra_sql=extra))
    assert "account_retention_by_trait has no rows" in empty["retention-by-trait"].message
    extra = "update account_retention_by_trait set is_complete = false;"
    young = charts_of(make_serving(tmp_path / "young.duckdb", newer=True, extra_sql=extra))
    assert "No week of any cohort has ended yet" in young["retention-by-trait"].message


def test_a_newer_serving_file_makes_the_whole_page(tmp_path):
    summary = write_report(make_serving(tmp_path / "serving.duckdb", newer=True), tmp_path / "out")
    assert [chart.id for chart in summary.messages] == ["revenue"]
    page = summary.page.read_text()
    assert page.count("Plotly.newPlot(") == len(summary.drawn) == 8
    assert "period still under way" in page


# --------------------------------------------------------------------------------------------
# The command: the page, and errors a user can act on
# --------------------------------------------------------------------------------------------


def test_the_page_inlines_plotly_once_and_fetches_nothing(tmp_path):
    summary = write_report(make_serving(tmp_path / "serving.duckdb"), tmp_path / "out")
    page = summary.page.read_text()
    assert summary.page == tmp_path / "out" / "index.html"
    assert page.count("* plotly.js v") == 1
    assert page.count("Plotly.newPlot(") == len(summary.drawn) == 7
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=", page)
    assert "revenue_monthly is empty" in page
    assert "Events from 2026-03-02 10:00 to 2026-03-20 12:00 UTC" in page
    # this serving file predates account_retention_by_trait: a sentence says so
    assert [chart.id for chart in summary.messages] == ["retention-by-trait", "revenue"]
    assert "has no account_retention_by_trait" in page


def test_a_missing_serving_file_is_a_message_not_a_traceback(tmp_path, capsys):
    assert main(["report", "--db", str(tmp_path / "nope.duckdb"), "--out", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert "nope.duckdb: no such serving file" in error and "accountable publish" in error
    assert "Traceback" not in error


def test_a_missing_mart_is_named(tmp_path, capsys):
    path = make_serving(tmp_path / "serving.duckdb", extra_sql="drop table funnel_conversion;")
    assert main(["report", "--db", str(path), "--out", str(tmp_path / "out")]) == 2
    error = capsys.readouterr().err
    assert "has no funnel_conversion" in error
    assert not (tmp_path / "out").exists()


def test_a_file_that_is_not_duckdb_is_a_message(tmp_path):
    path = tmp_path / "serving.duckdb"
    path.write_text("not a database")
    with pytest.raises(ReportError, match="not a DuckDB database"):
        write_report(path, tmp_path / "out")


def test_the_marts_the_report_needs_are_the_ones_dbt_documents():
    documented = set()
    for yml in Path(__file__).resolve().parents[2].glob("models/marts/**/_*__models.yml"):
        documented |= set(re.findall(r"^  - name: (\w+)", yml.read_text(), flags=re.M))
    assert set(REQUIRED_MARTS) <= documented


# --------------------------------------------------------------------------------------------
# End to end: a generated world, published, reported and rendered by a real browser
# --------------------------------------------------------------------------------------------


def render_dom(page: Path, work: Path) -> str:
    """The page's DOM once headless Chromium ran its scripts; every host name is unresolvable."""
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run installs it (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    result = subprocess.run(
        [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND",
            f"--user-data-dir={work / 'chromium-profile'}", "--virtual-time-budget=10000",
            "--dump-dom", page.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def rendered_sections(dom: str) -> dict[str, str]:
    """chart id -> the DOM of its section (sections are siblings in <main>)."""
    parts = re.split(r'<section id="section-([^"]+)"', dom.split("<main>", 1)[1])
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def svg_text(section: str, css_class: str) -> str:
    """The text of the first SVG text element with `css_class` (title, axis titles)."""
    match = re.search(rf'<text class="{css_class}"[^>]*>(.*?)</text>', section, flags=re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)) if match else ""


@pytest.mark.e2e
def test_every_chart_of_a_generated_world_renders_in_a_headless_browser(served_world, tmp_path):
    out = tmp_path / "report"
    result = subprocess.run(
        [str(BIN / "accountable"), "report", "--db", str(served_world.marts), "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "Open it in a browser: file://" in result.stderr

    funnels = [
        row[0] for row in query(served_world.marts, "select distinct funnel from funnel_conversion")
    ]
    assert funnels, "the world's vars configure funnels"
    expected = ["active-accounts", "retention", "activation", "revenue", "lifecycle", "health"]
    expected += [f"funnel-{slug(name)}" for name in funnels]
    tables = {
        row[0]
        for row in query(served_world.marts, "select table_name from information_schema.tables")
    }
    if "account_health_weekly" in tables:
        expected.append("health-weekly")
    by_trait = "account_retention_by_trait" in tables
    if by_trait:
        expected.append("retention-by-trait")

    sections = rendered_sections(render_dom(out / "index.html", tmp_path))
    assert set(sections) == set(expected)
    for chart_id in expected:
        section = sections[chart_id]
        assert re.search(rf'<div id="{chart_id}"[^>]*class="[^"]*js-plotly-plot', section), chart_id
        assert section.count('class="main-svg"') >= 1, chart_id
        assert svg_text(section, "gtitle"), f"{chart_id} has no title"
        assert svg_text(section, "xtitle") and svg_text(section, "ytitle"), chart_id
    assert re.search(r'class="[^"]*\bbars\b', sections["revenue"]), "no MRR bars drawn"
    assert "heatmaplayer" in sections["retention"] or "hm" in sections["retention"]
    assert "period still under way" in sections["retention"], "no legend for immature cells"
    for name in funnels:
        funnel = sections[f"funnel-{slug(name)}"]
        assert "dropped out" in funnel and "still in their window" in funnel, name
    if by_trait:
        assert re.search(r'class="[^"]*\bscatterlayer', sections["retention-by-trait"])


@pytest.mark.e2e
def test_a_world_without_revenue_shows_the_sentence_in_the_browser(worked_example, tmp_path):
    marts = tmp_path / "serving.duckdb"
    assert main(["publish", "--quiet", "--db", str(worked_example.db), "--to", str(marts)]) == 0
    summary = write_report(marts, tmp_path / "report")
    # one day of data: no week of any cohort has ended, so retention by trait is a sentence too
    assert [chart.id for chart in summary.messages] == ["retention-by-trait", "revenue"]
    sections = rendered_sections(render_dom(summary.page, tmp_path))
    assert "No week of any cohort has ended yet" in sections["retention-by-trait"]
    assert "revenue_monthly is empty" in sections["revenue"]
    assert "js-plotly-plot" not in sections["revenue"]
    for chart_id in summary.drawn:
        assert 'class="main-svg"' in sections[chart_id], chart_id
