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
    RetentionByTraitCell,
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
RETENTION_MEASURES = {"retained": "active in the period", "unbounded": "active in it or later"}
"""How retention counts a member in period k: `retained` (an activity event in period k) or
`unbounded` (in period k or any later one, "on or after": retained_unbounded)."""
UNDER_WAY = "period still under way"
FUNNEL_ORDERS = {
    "sequential": "in order",
    "strict": "in strict order",
    "any": "in any order",
}
TRAIT_COLOURS = (
    "#1f77b4", "#d62728", "#2e8b57", "#9467bd", "#f0a202", "#17becf", "#8c564b", "#e377c2",
)  # fmt: skip
TRAIT_LINES = 8
"""The by-trait chart draws the values with the most accounts, at most this many."""
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


def duration(seconds: float | None) -> str:
    """A span of seconds for a reader: "40 s", "12 min", "2.3 h", "1.5 d"; "n/a" for None."""
    if seconds is None:
        return "n/a"
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


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


def retention_chart(
    cells: Sequence[RetentionCell], period: str | None, measure: str = "retained"
) -> Chart:
    """The account retention triangle: cohorts down, periods since the cohort across.

    `measure` is `retained` (active in period k) or `unbounded` (active in k or later). Cells of
    a period still under way (is_complete false) are drawn lighter behind a dotted outline.
    """
    word = period or "week"
    unbounded = measure == "unbounded"
    title = f"Account retention by {word}ly cohort" if word != "day" else "Account retention"
    if unbounded:
        title += " (on or after)"
    known = any(cell.is_complete is not None for cell in cells)
    activity = (
        f"an activity event {word}s later or in any later {word}"
        if unbounded
        else f"an activity event {word}s later"
    )
    caption = (
        f"Each row is the accounts created in one {PERIOD_WORDS.get(word, word)}; each cell the "
        f"share of them with {activity} (0 = the {word} they were created). "
        + (
            f"Lighter cells in a dotted outline: {UNDER_WAY}, its share may still rise."
            if known or not cells
            else f"The newest cell of each row is a {word} still under way (this serving file "
            "predates is_complete, so it is not marked)."
        )
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
    if unbounded and any(cell.retained_unbounded is None for cell in cells):
        return Chart(
            "retention",
            title,
            caption,
            message="This serving file has no retained_unbounded (it was published before "
            "on-or-after retention existed): build and publish again to see it.",
            wide=True,
        )
    cohorts = sorted({cell.cohort_start for cell in cells})
    sizes = {cell.cohort_start: cell.cohort_size for cell in cells}
    numbers = sorted({cell.period_number for cell in cells})
    rates = {(cell.cohort_start, cell.period_number): cell for cell in cells}
    labels = [f"{cohort:%Y-%m-%d} ({sizes[cohort]})" for cohort in cohorts]

    def counted(cell: RetentionCell) -> tuple[int, float]:
        if unbounded:
            return cell.retained_unbounded or 0, cell.retention_rate_unbounded or 0.0
        return cell.retained, cell.retention_rate

    z, text, hover = [], [], []
    under_way = []  # (row, column) of the cells whose period has not ended
    for row_index, cohort in enumerate(cohorts):
        row = [rates.get((cohort, number)) for number in numbers]
        z.append([None if cell is None else round(counted(cell)[1] * 100, 1) for cell in row])
        text.append(["" if cell is None else f"{counted(cell)[1]:.0%}" for cell in row])
        hover.append(
            [
                ""
                if cell is None
                else f"{counted(cell)[0]} of {cell.cohort_size} accounts"
                + (
                    f"<br><i>{UNDER_WAY}: the share may still rise</i>"
                    if cell.is_complete is False
                    else ""
                )
                for cell in row
            ]
        )
        under_way += [
            (row_index, column)
            for column, cell in enumerate(row)
            if cell is not None and cell.is_complete is False
        ]
    figure = go.Figure(
        go.Heatmap(
            x=numbers,
            y=labels,
            z=z,
            text=text,
            customdata=hover,
            zmin=0,
            zmax=100,
            colorscale="Blues",
            texttemplate="%{text}",
            hovertemplate=f"cohort %{{y}}<br>{word} %{{x}}: %{{text}} (%{{customdata}})"
            "<extra></extra>",
            colorbar={"title": {"text": "retained (%)"}, "ticksuffix": "%"},
            xgap=1,
            ygap=1,
        )
    )
    for number, (row_index, column) in enumerate(under_way):
        x = numbers[column]
        figure.add_shape(  # a veil over the cell: lighter, dotted, still readable
            type="rect",
            xref="x",
            yref="y",
            x0=x - 0.5,
            x1=x + 0.5,
            y0=row_index - 0.5,
            y1=row_index + 0.5,
            fillcolor="rgba(255, 255, 255, 0.55)",
            line={"color": "#f0a202", "width": 1.5, "dash": "dot"},
            layer="above",
            name=f"{UNDER_WAY} (lighter, dotted outline)",
            showlegend=number == 0,
            legendgroup="under-way",
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
    figure.update_layout(
        margin={"t": 120, "b": 50},
        legend={"orientation": "h", "yanchor": "top", "y": -0.02, "x": 0, "xanchor": "left"},
    )
    return Chart("retention", title, caption, figure=figure, wide=True)


def retention_by_trait_chart(
    cells: Sequence[RetentionByTraitCell] | None, period: str | None, measure: str = "retained"
) -> Chart:
    """Retention curves per value of an account trait, over the cohorts' complete cells.

    For each value and period number k, the rate is the retained members over the cohort sizes
    of every cohort whose period k has ended (the cohorts weighted by their size).
    `cells` is None when the serving file has no account_retention_by_trait.
    """
    trait = cells[0].breakdown_trait if cells else None
    word = period or "week"
    unbounded = measure == "unbounded"
    title = f"Account retention by {trait}" if trait else "Account retention by trait"
    caption = (
        f"Per value of the account trait {trait or '(var retention_breakdown_trait)'} (its "
        f"latest value; (none) without one): the share of the accounts created in a "
        f"{PERIOD_WORDS.get(word, word)} with an activity event {word}s later"
        + (" or in any later one" if unbounded else "")
        + f", over every cohort whose {word} k has ended, weighted by cohort size. Periods "
        "still under way are left out; the legend gives the accounts of each value."
    )
    if cells is None:
        return Chart(
            "retention-by-trait",
            title,
            caption,
            message="This serving file has no account_retention_by_trait (it was published "
            "before the mart existed): build every model and publish again to see retention "
            "by account trait.",
        )
    if period is None or not cells:
        return Chart(
            "retention-by-trait",
            title,
            caption,
            message="No retention by trait to show: account_retention_by_trait has no rows (no "
            "account has a created_at yet, or var retention_periods is empty).",
        )
    totals: dict[str, dict[int, list[int]]] = {}  # value -> k -> [retained, cohort members]
    accounts: dict[str, int] = {}
    for cell in cells:
        if cell.period_number == 0:
            accounts[cell.breakdown_value] = (
                accounts.get(cell.breakdown_value, 0) + cell.cohort_size
            )
        if not cell.is_complete:
            continue
        counts = totals.setdefault(cell.breakdown_value, {}).setdefault(cell.period_number, [0, 0])
        counts[0] += cell.retained_unbounded if unbounded else cell.retained
        counts[1] += cell.cohort_size
    if not totals:
        return Chart(
            "retention-by-trait",
            title,
            caption,
            message=f"No {word} of any cohort has ended yet, so there is no complete retention "
            f"by {trait} to show.",
        )
    values = sorted(totals, key=lambda value: (-accounts.get(value, 0), value))
    shown = values[:TRAIT_LINES]
    figure = go.Figure()
    for index, value in enumerate(shown):
        numbers = sorted(totals[value])
        figure.add_trace(
            go.Scatter(
                x=numbers,
                y=[round(100 * totals[value][k][0] / totals[value][k][1], 1) for k in numbers],
                customdata=[f"{totals[value][k][0]} of {totals[value][k][1]}" for k in numbers],
                name=f"{value} ({accounts.get(value, 0)})",
                mode="lines+markers",
                line={"color": TRAIT_COLOURS[index % len(TRAIT_COLOURS)], "width": 2},
                hovertemplate=f"{trait} {value}, {word} %{{x}}: %{{y:.0f}}% "
                "(%{customdata} accounts)<extra></extra>",
            )
        )
    if len(values) > len(shown):
        caption += f" The {len(values) - len(shown)} smallest values are not drawn."
    _layout(
        figure,
        f"{title}: {word}ly cohorts" + (" (on or after)" if unbounded else ""),
        f"{word}s since the cohort's {word}",
        "retained (%, complete cohorts)",
    )
    figure.update_layout(hovermode="closest")
    figure.update_yaxes(range=[0, 105], ticksuffix="%")
    figure.update_xaxes(dtick=1 if max(max(t) for t in totals.values()) <= 20 else None)
    return Chart("retention-by-trait", title, caption, figure=figure)


# --------------------------------------------------------------------------------------------
# Funnels and activation
# --------------------------------------------------------------------------------------------


def _funnel_step_label(step: FunnelStep, steps: int) -> str:
    if step.funnel_order == "any":  # step k of an any-order funnel: k distinct steps done
        return f"{step.step_number} of {steps} steps"
    return f"{step.step_number}. {step.step_event}"


def funnel_charts(steps: Sequence[FunnelStep]) -> list[Chart]:
    """One horizontal bar chart per configured funnel: who reached each step, and the share.

    Past step 1, the bar goes on with the entities of the step before that did not reach this
    one: those still in their window (they may yet) and those that dropped out.
    """
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
        first = funnel[0]
        entities = f"{first.level}s"
        order = first.funnel_order
        title = f"Funnel {name}"
        order_words = FUNNEL_ORDERS.get(order or "", f"order {order}") if order else ""
        if order == "any":
            how = (
                f"Step k: {first.level}s that did k distinct steps of "
                f"{', '.join(step.step_event for step in funnel)}, in any order, within "
                f"{first.conversion_window_days} days of the first"
            )
        else:
            how = (
                f"{first.level.capitalize()}s that reached each step of funnel {name}"
                f"{' ' + order_words if order else ''} within {first.conversion_window_days} "
                f"days of its first step"
            )
        split = first.still_in_window is not None
        caption = f"{how}, with the share of those that entered and of those at the step before" + (
            "; the rest of the step before is split into those still in their window (they "
            "may yet reach the step) and those that dropped out. Median: time from the step "
            "before, over those that reached the step."
            if split
            else "."
        )
        labels = [_funnel_step_label(step, len(funnel)) for step in funnel]
        medians = [
            f", median {duration(step.median_seconds_from_previous)} after the step before"
            if step.step_number > 1 and step.median_seconds_from_previous is not None
            else ""
            for step in funnel
        ]
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
                name="reached the step",
                text=text,
                textposition="auto",
                insidetextanchor="start",
                marker={"color": "#3182bd"},
                customdata=medians,
                hovertemplate="%{y}: %{x:,} reached it%{customdata}<extra></extra>",
                cliponaxis=False,
            )
        )
        if split:
            for column, legend, colour in (
                ("still_in_window", "not yet, still in their window", "#9ecae1"),
                ("dropped", "dropped out", "#e0a3a3"),
            ):
                figure.add_trace(
                    go.Bar(
                        x=[getattr(step, column) or 0 for step in funnel],
                        y=labels,
                        orientation="h",
                        name=legend,
                        marker={"color": colour},
                        hovertemplate=f"%{{y}}: %{{x:,}} {legend}<extra></extra>",
                    )
                )
        _layout(
            figure,
            f"{title}{' (' + order_words + ')' if order else ''}: {entities} reaching each step",
            f"{entities} reaching the step",
            "step",
            height=max(360, 140 + 60 * len(funnel)),
            barmode="stack",
        )
        figure.update_layout(
            hovermode="closest",
            showlegend=split,
            legend={"traceorder": "normal"},
            uniformtext={"minsize": 10, "mode": "show"},
        )
        figure.update_yaxes(autorange="reversed", type="category", automargin=True)
        if any(medians):  # the median time from the step before under each step's name
            figure.update_yaxes(
                tickmode="array",
                tickvals=labels,
                ticktext=[
                    label
                    if step.median_seconds_from_previous is None or step.step_number == 1
                    else f"{label}<br><span style='font-size:11px;color:#666'>median "
                    f"{duration(step.median_seconds_from_previous)} after</span>"
                    for label, step in zip(labels, funnel, strict=True)
                ],
            )
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
