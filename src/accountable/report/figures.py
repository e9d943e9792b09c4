"""One builder per chart of the report: records in, a titled Plotly figure (or a sentence) out.

A builder never queries: it gets the records accountable.report.queries read, so it can be tested
on hand-made ones. When there is nothing to draw (no revenue configured, no funnel, no activation
milestone) it returns a Chart with a message in place of the figure: an empty chart tells a
reader nothing, a sentence says why it is empty.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import plotly.graph_objects as go

from accountable.report.queries import (
    ActivationCohort,
    ActiveAccountsDay,
    FunnelStep,
    HealthCount,
    HealthWeek,
    LifecycleCount,
    RetentionCell,
    RevenueMonth,
)

PERIOD_PREFERENCE = ("week", "month", "day")
"""Which period the retention and lifecycle charts show when several were built: weeks first."""

HEALTH_ORDER = ("healthy", "at_risk", "dormant")
HEALTH_COLOURS = {"healthy": "#2e8b57", "at_risk": "#f0a202", "dormant": "#9e9e9e"}
LIFECYCLE_ORDER = ("new", "returning", "resurrecting", "dormant")
LIFECYCLE_COLOURS = {
    "new": "#1f77b4",
    "returning": "#2e8b57",
    "resurrecting": "#9467bd",
    "dormant": "#d62728",
}
MRR_MOVEMENTS = (  # (column, legend, colour, sign)
    ("new_mrr", "new", "#1f77b4", 1),
    ("expansion_mrr", "expansion", "#2e8b57", 1),
    ("reactivation_mrr", "reactivation", "#17becf", 1),
    ("contraction_mrr", "contraction", "#f0a202", -1),
    ("churned_mrr", "churned", "#d62728", -1),
)
PERIOD_WORDS = {"day": "day", "week": "week (Monday)", "month": "month"}
MONEY_AXIS = "MRR (billing currency per month)"


@dataclass(frozen=True)
class Chart:
    """One block of the page: a figure, or a message where there is nothing to draw."""

    id: str
    title: str
    caption: str
    figure: go.Figure | None = None
    message: str | None = None
    wide: bool = False


def _layout(figure: go.Figure, title: str, x_title: str, y_title: str, **extra) -> go.Figure:
    """The look every chart shares: a title, both axes named with their unit, legend on top."""
    figure.update_layout(
        title={"text": title, "x": 0.01, "xanchor": "left", "font": {"size": 18}},
        template="plotly_white",
        margin={"l": 70, "r": 30, "t": 100, "b": 60},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "xanchor": "left"},
        font={"size": 13},
        hovermode="x unified",
        **extra,
    )
    figure.update_xaxes(title_text=x_title)
    figure.update_yaxes(title_text=y_title)
    return figure


def _period_axis(figure: go.Figure, starts: Sequence[date], period: str) -> None:
    """Ticks on the periods' own first days (a Monday for weeks), about a dozen at most."""
    if period == "month":
        figure.update_xaxes(dtick="M1", tickformat="%b %Y")
        return
    if not starts:
        return
    days = 7 if period == "week" else 1
    step = days * max(1, -(-len(set(starts)) // 12))
    figure.update_xaxes(tick0=min(starts), dtick=step * 24 * 3600 * 1000, tickformat="%b %d")


def choose_period(available: Iterable[str]) -> str | None:
    """The period to draw among those the marts were built with: week, else month, else day."""
    periods = set(available)
    return next((period for period in PERIOD_PREFERENCE if period in periods), None)


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def slug(text: str) -> str:
    """A fragment for an HTML id: lowercase letters, digits and dashes."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unnamed"


# --------------------------------------------------------------------------------------------
# Activity
# --------------------------------------------------------------------------------------------


def active_accounts_chart(days: Sequence[ActiveAccountsDay]) -> Chart:
    """Daily, 7-day and 28-day active accounts, against the accounts that existed that day."""
    title = "Active accounts"
    caption = (
        "Accounts with at least one activity event on the day (daily), in the 7 days ending on it "
        "(weekly) and in the 28 days ending on it (monthly); the dotted line is every account "
        "created by that day."
    )
    if not days:
        return Chart(
            "active-accounts",
            title,
            caption,
            message="No activity events yet: metrics_daily is empty, so there is no active account "
            "to count. Check var active_events and that track events with a user were loaded.",
            wide=True,
        )
    dates = [day.metric_date for day in days]
    mode = "lines+markers" if len(days) <= 31 else "lines"
    figure = go.Figure()
    for name, values, colour in (
        ("monthly (28 days)", [day.monthly_active_accounts for day in days], "#9ecae1"),
        ("weekly (7 days)", [day.weekly_active_accounts for day in days], "#3182bd"),
        ("daily", [day.daily_active_accounts for day in days], "#08306b"),
    ):
        figure.add_trace(
            go.Scatter(x=dates, y=values, name=name, mode=mode, line={"color": colour})
        )
    figure.add_trace(
        go.Scatter(
            x=dates,
            y=[day.accounts_existing for day in days],
            name="accounts existing",
            mode=mode,
            line={"color": "#636363", "dash": "dot"},
        )
    )
    _layout(figure, f"{title}: daily, weekly and monthly", "date (UTC)", "accounts")
    figure.update_yaxes(rangemode="tozero")
    if (dates[-1] - dates[0]).days < 7:  # a few days: whole days on the axis, not hours
        start = datetime.combine(dates[0], datetime.min.time()) - timedelta(hours=12)
        figure.update_xaxes(
            range=[start, start + timedelta(days=7)],
            dtick=24 * 3600 * 1000,
            tickformat="%b %d",
        )
    return Chart("active-accounts", title, caption, figure=figure, wide=True)


def retention_chart(cells: Sequence[RetentionCell], period: str | None) -> Chart:
    """The account retention triangle: cohorts down, periods since the cohort across."""
    word = period or "week"
    title = f"Account retention by {word}ly cohort" if word != "day" else "Account retention"
    caption = (
        f"Each row is the accounts created in one {PERIOD_WORDS.get(word, word)}; each cell the "
        f"share of them with an activity event {word}s later (0 = the {word} they were created). "
        f"The newest cell of each row is a {word} still under way."
    )
    if period is None or not cells:
        return Chart(
            "retention",
            title,
            caption,
            message="No account retention to show: account_retention has no rows (no account "
            "has a created_at yet, or var retention_periods is empty).",
            wide=True,
        )
    cohorts = sorted({cell.cohort_start for cell in cells})
    sizes = {cell.cohort_start: cell.cohort_size for cell in cells}
    numbers = sorted({cell.period_number for cell in cells})
    rates = {(cell.cohort_start, cell.period_number): cell for cell in cells}
    labels = [f"{cohort:%Y-%m-%d} ({sizes[cohort]})" for cohort in cohorts]
    z, text, counts = [], [], []
    for cohort in cohorts:
        row = [rates.get((cohort, number)) for number in numbers]
        z.append([None if cell is None else round(cell.retention_rate * 100, 1) for cell in row])
        text.append(["" if cell is None else f"{cell.retention_rate:.0%}" for cell in row])
        counts.append(
            ["" if cell is None else f"{cell.retained} of {cell.cohort_size}" for cell in row]
        )
    figure = go.Figure(
        go.Heatmap(
            x=numbers,
            y=labels,
            z=z,
            text=text,
            customdata=counts,
            zmin=0,
            zmax=100,
            colorscale="Blues",
            texttemplate="%{text}",
            hovertemplate=f"cohort %{{y}}<br>{word} %{{x}}: %{{text}} (%{{customdata}} "
            "accounts)<extra></extra>",
            colorbar={"title": {"text": "retained (%)"}, "ticksuffix": "%"},
            xgap=1,
            ygap=1,
        )
    )
    _layout(
        figure,
        title,
        f"{word}s since the cohort's {word}",
        f"cohort: {word} created (accounts in it)",
        height=max(420, 120 + 28 * len(cohorts)),
    )
    figure.update_layout(hovermode="closest")
    figure.update_yaxes(autorange="reversed", type="category")
    figure.update_xaxes(dtick=1, side="top", title_standoff=8)
    figure.update_layout(margin={"t": 120})
    return Chart("retention", title, caption, figure=figure, wide=True)


# --------------------------------------------------------------------------------------------
# Funnels and activation
# --------------------------------------------------------------------------------------------


def funnel_charts(steps: Sequence[FunnelStep]) -> list[Chart]:
    """One horizontal bar chart per configured funnel: who reached each step, and the share."""
    if not steps:
        return [
            Chart(
                "funnels",
                "Funnels",
                "Configured funnels, step by step.",
                message="No funnel is configured (var funnels), so there is no conversion to show.",
            )
        ]
    by_funnel: dict[str, list[FunnelStep]] = {}
    for step in steps:
        by_funnel.setdefault(step.funnel, []).append(step)
    charts, ids = [], set()
    for name, funnel in by_funnel.items():
        chart_id = f"funnel-{slug(name)}"
        while chart_id in ids:
            chart_id += "-x"
        ids.add(chart_id)
        funnel = sorted(funnel, key=lambda step: step.step_number)
        entities = f"{funnel[0].level}s"
        title = f"Funnel {name}"
        caption = (
            f"{funnel[0].level.capitalize()}s that reached each step of funnel {name} within "
            f"{funnel[0].conversion_window_days} days of its first step, with the share of those "
            f"that entered and of those at the step before."
        )
        labels = [f"{step.step_number}. {step.step_event}" for step in funnel]
        text = [
            f"{step.entities:,} ({_percent(step.conversion_from_start)} of start"
            + (
                f", {_percent(step.conversion_from_previous)} of previous)"
                if step.step_number > 1
                else ")"
            )
            for step in funnel
        ]
        figure = go.Figure(
            go.Bar(
                x=[step.entities for step in funnel],
                y=labels,
                orientation="h",
                text=text,
                textposition="auto",
                marker={"color": "#3182bd"},
                hovertemplate="%{y}: %{text}<extra></extra>",
                cliponaxis=False,
            )
        )
        _layout(
            figure,
            f"{title}: {entities} reaching each step",
            f"{entities} reaching the step",
            "step",
            height=max(360, 140 + 60 * len(funnel)),
        )
        figure.update_layout(hovermode="closest", showlegend=False)
        figure.update_yaxes(autorange="reversed", type="category", automargin=True)
        figure.update_xaxes(rangemode="tozero")
        charts.append(Chart(chart_id, title, caption, figure=figure))
    return charts


def activation_chart(cohorts: Sequence[ActivationCohort], milestones: Iterable[str]) -> Chart:
    """Activation rate of each weekly cohort; cohorts that can still activate drawn lighter."""
    title = "Activation rate by weekly cohort"
    caption = (
        "Share of the accounts created each week (Monday) that reached the activation milestone. "
        "Lighter bars: some accounts of the cohort are still inside their activation window, so "
        "the rate may still rise."
    )
    if "activation" not in set(milestones):
        return Chart(
            "activation",
            title,
            caption,
            message="No milestone named activation is configured (var milestones), so there is "
            "no activation rate to show.",
        )
    if not cohorts:
        return Chart("activation", title, caption, message="No account has been created yet.")
    figure = go.Figure()
    for settled, name, colour in (
        (True, "final", "#2e8b57"),
        (False, "accounts still in their window", "#a8d5ba"),
    ):
        chosen = [cohort for cohort in cohorts if (cohort.open_accounts == 0) == settled]
        if not chosen:
            continue
        figure.add_trace(
            go.Bar(
                x=[cohort.cohort_start for cohort in chosen],
                y=[round(100 * cohort.activated / cohort.accounts, 1) for cohort in chosen],
                text=[f"{cohort.activated}/{cohort.accounts}" for cohort in chosen],
                textposition="outside",
                name=name,
                marker={"color": colour},
                customdata=[cohort.open_accounts for cohort in chosen],
                hovertemplate="week of %{x|%Y-%m-%d}: %{y:.0f}% activated (%{text}), "
                "%{customdata} still in window<extra></extra>",
                cliponaxis=False,
            )
        )
    _layout(figure, title, "cohort: week the accounts were created (Monday)", "activated (%)")
    figure.update_layout(hovermode="closest", barmode="overlay")
    figure.update_yaxes(range=[0, 110], ticksuffix="%")
    _period_axis(figure, [cohort.cohort_start for cohort in cohorts], "week")
    return Chart("activation", title, caption, figure=figure)


# --------------------------------------------------------------------------------------------
# Revenue
# --------------------------------------------------------------------------------------------


def revenue_chart(months: Sequence[RevenueMonth]) -> Chart:
    """MRR movements by month: gains above the axis, losses below, ending MRR as a line."""
    title = "MRR movements by month"
    caption = (
        "What moved the monthly recurring revenue each month, month end to month end: new, "
        "expansion and reactivation add (above the axis), contraction and churn remove (below); "
        "the line is the MRR at the month's end."
    )
    if not months:
        return Chart(
            "revenue",
            title,
            caption,
            message="No revenue to show: revenue_monthly is empty. Either no MRR events are "
            "configured (var revenue), or no loaded event of those names carries an amount "
            "above 0.",
        )
    labels = [month.month for month in months]
    figure = go.Figure()
    for column, name, colour, sign in MRR_MOVEMENTS:
        figure.add_trace(
            go.Bar(
                x=labels,
                y=[sign * getattr(month, column) for month in months],
                name=name,
                marker={"color": colour},
                hovertemplate=f"{name}: %{{y:,.0f}}<extra></extra>",
            )
        )
    figure.add_trace(
        go.Scatter(
            x=labels,
            y=[month.ending_mrr for month in months],
            name="ending MRR",
            mode="lines+markers+text",
            text=[f"{month.ending_mrr:,.0f}" for month in months],
            textposition="top center",
            line={"color": "#222222", "width": 2},
            customdata=[month.paying_accounts for month in months],
            hovertemplate="ending MRR: %{y:,.0f} (%{customdata} paying accounts)<extra></extra>",
            cliponaxis=False,
        )
    )
    _layout(figure, title, "month", MONEY_AXIS, barmode="relative")
    figure.update_xaxes(dtick="M1", tickformat="%b %Y")
    figure.update_yaxes(tickformat=",.0f", zeroline=True, zerolinecolor="#444", zerolinewidth=1)
    return Chart("revenue", title, caption, figure=figure)


# --------------------------------------------------------------------------------------------
# Lifecycle and health
# --------------------------------------------------------------------------------------------


def lifecycle_chart(counts: Sequence[LifecycleCount], period: str | None) -> Chart:
    """Accounts new, returning, resurrecting (above the axis) and dormant (below) per period."""
    word = period or "week"
    title = f"Account lifecycle by {word}"
    caption = (
        f"Per {PERIOD_WORDS.get(word, word)}: accounts active for the first time (new), again "
        f"after being active the {word} before (returning) or after a pause (resurrecting); "
        f"below the axis, accounts active the {word} before and not in this one (dormant)."
    )
    if period is None or not counts:
        return Chart(
            "lifecycle",
            title,
            caption,
            message="No lifecycle to show: account_lifecycle_summary is empty (no activity yet, "
            "or var lifecycle_periods is empty).",
        )
    statuses = [status for status in LIFECYCLE_ORDER if any(c.status == status for c in counts)]
    statuses += sorted({c.status for c in counts} - set(statuses))
    figure = go.Figure()
    for status in statuses:
        rows = [count for count in counts if count.status == status]
        figure.add_trace(
            go.Bar(
                x=[row.period_start for row in rows],
                y=[row.accounts_signed for row in rows],
                name=status,
                marker={"color": LIFECYCLE_COLOURS.get(status, "#8c564b")},
                customdata=[row.accounts for row in rows],
                hovertemplate=f"{status}: %{{customdata}}<extra></extra>",
            )
        )
    _layout(figure, title, PERIOD_WORDS.get(word, word), "accounts (dormant below 0)")
    figure.update_layout(barmode="relative")
    _period_axis(figure, [count.period_start for count in counts], word)
    figure.update_yaxes(zeroline=True, zerolinecolor="#444", zerolinewidth=1)
    return Chart("lifecycle", title, caption, figure=figure)


def _health_statuses(names: Iterable[str]) -> list[str]:
    present = set(names)
    return [name for name in HEALTH_ORDER if name in present] + sorted(present - set(HEALTH_ORDER))


def health_chart(counts: Sequence[HealthCount]) -> Chart:
    """How many accounts are healthy, at risk and dormant now."""
    title = "Account health now"
    caption = (
        "Accounts by health status as of the latest event: dormant (no activity in the health "
        "window), at risk (inactive too long, few active seats or activity falling) or healthy."
    )
    if not counts:
        return Chart("health", title, caption, message="No account yet: account_health is empty.")
    by_status = {count.health: count.accounts for count in counts}
    statuses = _health_statuses(by_status)
    total = sum(by_status.values())
    as_of = counts[0].as_of
    figure = go.Figure(
        go.Bar(
            x=statuses,
            y=[by_status[status] for status in statuses],
            text=[f"{by_status[status]} ({by_status[status] / total:.0%})" for status in statuses],
            textposition="outside",
            marker={"color": [HEALTH_COLOURS.get(status, "#8c564b") for status in statuses]},
            hovertemplate="%{x}: %{text}<extra></extra>",
            cliponaxis=False,
        )
    )
    when = f" (as of {as_of:%Y-%m-%d %H:%M} UTC)" if as_of else ""
    _layout(figure, f"{title}{when}", "health status", "accounts")
    figure.update_layout(hovermode="closest", showlegend=False)
    figure.update_yaxes(rangemode="tozero")
    return Chart("health", title, caption, figure=figure)


def health_weekly_chart(weeks: Sequence[HealthWeek]) -> Chart:
    """Accounts per health status per week, stacked."""
    title = "Account health by week"
    caption = "Accounts by health status as of each week's end, stacked: how the mix has moved."
    if not weeks:
        return Chart("health-weekly", title, caption, message="No weekly health: it is empty.")
    figure = go.Figure()
    for status in _health_statuses(week.health for week in weeks):
        rows = [week for week in weeks if week.health == status]
        figure.add_trace(
            go.Bar(
                x=[row.week_start for row in rows],
                y=[row.accounts for row in rows],
                name=status,
                marker={"color": HEALTH_COLOURS.get(status, "#8c564b")},
                hovertemplate=f"{status}: %{{y}}<extra></extra>",
            )
        )
    _layout(figure, title, "week (Monday)", "accounts", barmode="stack")
    _period_axis(figure, [week.week_start for week in weeks], "week")
    return Chart("health-weekly", title, caption, figure=figure)
