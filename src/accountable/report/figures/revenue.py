"""The revenue chart: MRR movements by month."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from accountable.report.figures.base import MONEY_AXIS, Chart, layout
from accountable.report.queries import RevenueMonth

MRR_MOVEMENTS = (  # (column, legend, colour, sign)
    ("new_mrr", "new", "#1f77b4", 1),
    ("expansion_mrr", "expansion", "#2e8b57", 1),
    ("reactivation_mrr", "reactivation", "#17becf", 1),
    ("contraction_mrr", "contraction", "#f0a202", -1),
    ("churned_mrr", "churned", "#d62728", -1),
)


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
    layout(figure, title, "month", MONEY_AXIS, barmode="relative")
    figure.update_xaxes(dtick="M1", tickformat="%b %Y")
    figure.update_yaxes(tickformat=",.0f", zeroline=True, zerolinecolor="#444", zerolinewidth=1)
    return Chart("revenue", title, caption, figure=figure)
