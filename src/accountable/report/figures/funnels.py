"""Funnel charts: one per configured funnel, step by step."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from accountable.report.figures.base import Chart, duration, layout, percent, slug
from accountable.report.queries import FunnelStep

FUNNEL_ORDERS = {
    "sequential": "in order",
    "strict": "in strict order",
    "any": "in any order",
}


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
            f"{step.entities:,} ({percent(step.conversion_from_start)} of start"
            + (
                f", {percent(step.conversion_from_previous)} of previous)"
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
        layout(
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
