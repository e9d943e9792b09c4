"""Activity charts: active accounts, activation by cohort, lifecycle and health."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

import plotly.graph_objects as go

from accountable.report.figures.base import (
    PERIOD_WORDS,
    Chart,
    layout,
    period_axis,
)
from accountable.report.queries import (
    ActivationCohort,
    ActiveAccountsDay,
    HealthCount,
    HealthWeek,
    LifecycleCount,
)

HEALTH_ORDER = ("healthy", "at_risk", "dormant")
HEALTH_COLOURS = {"healthy": "#2e8b57", "at_risk": "#f0a202", "dormant": "#9e9e9e"}
LIFECYCLE_ORDER = ("new", "returning", "resurrecting", "dormant")
LIFECYCLE_COLOURS = {
    "new": "#1f77b4",
    "returning": "#2e8b57",
    "resurrecting": "#9467bd",
    "dormant": "#d62728",
}


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
    layout(figure, f"{title}: daily, weekly and monthly", "date (UTC)", "accounts")
    figure.update_yaxes(rangemode="tozero")
    if (dates[-1] - dates[0]).days < 7:  # a few days: whole days on the axis, not hours
        start = datetime.combine(dates[0], datetime.min.time()) - timedelta(hours=12)
        figure.update_xaxes(
            range=[start, start + timedelta(days=7)],
            dtick=24 * 3600 * 1000,
            tickformat="%b %d",
        )
    return Chart("active-accounts", title, caption, figure=figure, wide=True)


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
    layout(figure, title, "cohort: week the accounts were created (Monday)", "activated (%)")
    figure.update_layout(hovermode="closest", barmode="overlay")
    figure.update_yaxes(range=[0, 110], ticksuffix="%")
    period_axis(figure, [cohort.cohort_start for cohort in cohorts], "week")
    return Chart("activation", title, caption, figure=figure)


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
    layout(figure, title, PERIOD_WORDS.get(word, word), "accounts (dormant below 0)")
    figure.update_layout(barmode="relative")
    period_axis(figure, [count.period_start for count in counts], word)
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
    layout(figure, f"{title}{when}", "health status", "accounts")
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
    layout(figure, title, "week (Monday)", "accounts", barmode="stack")
    period_axis(figure, [week.week_start for week in weeks], "week")
    return Chart("health-weekly", title, caption, figure=figure)
