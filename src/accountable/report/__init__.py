"""`accountable report`: one self-contained HTML page of charts from the serving file.

queries reads the marts (read-only, from the file `accountable publish` writes), figures turns
records into titled Plotly figures or a sentence where there is nothing to draw, page lays them
out with plotly.js inlined once, so the page opens offline (CONTRACT.md section 7).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from accountable.report import figures
from accountable.report.figures import Chart
from accountable.report.page import render
from accountable.report.queries import Marts, ReportError

__all__ = ["Chart", "ReportError", "ReportSummary", "build_charts", "write_report"]


@dataclass(frozen=True)
class ReportSummary:
    """What a report run wrote, for the command's output and for tests."""

    page: Path
    charts: tuple[Chart, ...]

    @property
    def drawn(self) -> list[str]:
        return [chart.id for chart in self.charts if chart.figure is not None]

    @property
    def messages(self) -> list[Chart]:
        return [chart for chart in self.charts if chart.figure is None]


def build_charts(marts: Marts) -> list[Chart]:
    """Every chart of the report, in page order."""
    retention_period = figures.choose_period(marts.retention_periods())
    lifecycle_period = figures.choose_period(marts.lifecycle_periods())
    trait_periods = marts.retention_by_trait_periods()  # None: the serving file predates the mart
    trait_period = figures.choose_period(trait_periods or [])
    charts = [
        figures.active_accounts_chart(marts.active_accounts()),
        figures.retention_chart(
            marts.retention(retention_period) if retention_period else [], retention_period
        ),
        figures.retention_by_trait_chart(
            None
            if trait_periods is None
            else marts.retention_by_trait(trait_period)
            if trait_period
            else [],
            trait_period,
        ),
        figures.activation_chart(marts.activation(), marts.milestones()),
        *figures.funnel_charts(marts.funnels()),
        figures.revenue_chart(marts.revenue()),
        figures.lifecycle_chart(
            marts.lifecycle(lifecycle_period) if lifecycle_period else [], lifecycle_period
        ),
        figures.health_chart(marts.health()),
    ]
    weekly_health = marts.health_weekly()
    if weekly_health is not None:
        charts.append(figures.health_weekly_chart(weekly_health))
    return charts


def write_report(db: Path, out: Path) -> ReportSummary:
    """Read the serving file `db`, write `out`/index.html; ReportError when it cannot."""
    db, out = Path(db), Path(out)
    if out.exists() and not out.is_dir():
        raise ReportError(f"{out}: is a file; --out names the folder that gets index.html")
    with Marts(db) as marts:
        overview = marts.overview()
        charts = build_charts(marts)
    page = out / "index.html"
    text = render(overview, charts, db, datetime.now(UTC))
    try:
        out.mkdir(parents=True, exist_ok=True)
        scratch = page.with_name(f"index.html.writing-{os.getpid()}")
        scratch.write_text(text, encoding="utf-8")
        os.replace(scratch, page)  # a browser reloading the page never sees half of it
    except OSError as error:
        raise ReportError(f"{page}: cannot write the report ({error.strerror})") from None
    return ReportSummary(page=page, charts=tuple(charts))
