"""What every chart of the report shares: the Chart record, the look, periods and wording."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import plotly.graph_objects as go

PERIOD_PREFERENCE = ("week", "month", "day")
"""Which period the retention and lifecycle charts show when several were built: weeks first."""

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


def layout(figure: go.Figure, title: str, x_title: str, y_title: str, **extra) -> go.Figure:
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


def period_axis(figure: go.Figure, starts: Sequence[date], period: str) -> None:
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


def percent(value: float | None) -> str:
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
