"""Retention charts: the cohort triangle, and retention curves per value of an account trait."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from accountable.report.figures.base import PERIOD_WORDS, Chart, layout
from accountable.report.queries import RetentionByTraitPoint, RetentionCell

UNDER_WAY = "period still under way"
TRAIT_COLOURS = (
    "#1f77b4", "#d62728", "#2e8b57", "#9467bd", "#f0a202", "#17becf", "#8c564b", "#e377c2",
)  # fmt: skip
TRAIT_LINES = 8
"""The by-trait chart draws the values with the most accounts, at most this many."""


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
    layout(
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
    points: Sequence[RetentionByTraitPoint] | None, period: str | None, measure: str = "retained"
) -> Chart:
    """Retention curves per value of an account trait, over the cohorts' complete cells.

    For each value and period number k, the rate is the retained members over the cohort sizes
    of every cohort whose period k has ended (the cohorts weighted by their size); the query
    sums them. `points` is None when the serving file has no account_retention_by_trait.
    """
    trait = points[0].breakdown_trait if points else None
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
    if points is None:
        return Chart(
            "retention-by-trait",
            title,
            caption,
            message="This serving file has no account_retention_by_trait (it was published "
            "before the mart existed): build every model and publish again to see retention "
            "by account trait.",
        )
    if period is None or not points:
        return Chart(
            "retention-by-trait",
            title,
            caption,
            message="No retention by trait to show: account_retention_by_trait has no rows (no "
            "account has a created_at yet, or var retention_periods is empty).",
        )
    curves: dict[str, list[RetentionByTraitPoint]] = {}  # value -> its points, most accounts first
    for point in points:
        if point.period_number is not None and point.cohort_members:
            curves.setdefault(point.breakdown_value, []).append(point)
    if not curves:
        return Chart(
            "retention-by-trait",
            title,
            caption,
            message=f"No {word} of any cohort has ended yet, so there is no complete retention "
            f"by {trait} to show.",
        )
    accounts = {point.breakdown_value: point.accounts for point in points}
    shown = list(curves)[:TRAIT_LINES]
    figure = go.Figure()
    for index, value in enumerate(shown):
        curve = curves[value]
        retained = [
            (point.retained_unbounded if unbounded else point.retained) or 0 for point in curve
        ]
        figure.add_trace(
            go.Scatter(
                x=[point.period_number for point in curve],
                y=[
                    round(100 * kept / point.cohort_members, 1)
                    for kept, point in zip(retained, curve, strict=True)
                ],
                customdata=[
                    f"{kept} of {point.cohort_members} accounts in {point.cohorts} cohorts"
                    for kept, point in zip(retained, curve, strict=True)
                ],
                name=f"{value} ({accounts[value]})",
                mode="lines+markers",
                line={"color": TRAIT_COLOURS[index % len(TRAIT_COLOURS)], "width": 2},
                hovertemplate=f"{trait} {value}, {word} %{{x}}: %{{y:.0f}}% "
                "(%{customdata})<extra></extra>",
            )
        )
    if len(curves) > len(shown):
        caption += f" The {len(curves) - len(shown)} values with the fewest accounts are not drawn."
    layout(
        figure,
        f"{title}: {word}ly cohorts" + (" (on or after)" if unbounded else ""),
        f"{word}s since the cohort's {word}",
        "retained (%, complete cohorts)",
    )
    figure.update_layout(hovermode="closest")
    figure.update_yaxes(range=[0, 105], ticksuffix="%")
    longest = max(point.period_number for curve in curves.values() for point in curve)
    if longest <= 20:
        figure.update_xaxes(dtick=1)
    return Chart("retention-by-trait", title, caption, figure=figure)
