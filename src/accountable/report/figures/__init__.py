"""One builder per chart of the report: records in, a titled Plotly figure (or a sentence) out.

A builder never queries: it gets the records accountable.report.queries read, so it can be tested
on hand-made ones. When there is nothing to draw (no revenue configured, no funnel, no activation
milestone) it returns a Chart with a message in place of the figure: an empty chart tells a
reader nothing, a sentence says why it is empty.

The builders live by subject (activity, retention, funnels, revenue) on the shared look of base;
this module names them all, as the report and the notebook use them.
"""

from accountable.report.figures.activity import (
    activation_chart,
    active_accounts_chart,
    health_chart,
    health_weekly_chart,
    lifecycle_chart,
)
from accountable.report.figures.base import Chart, choose_period, duration, slug
from accountable.report.figures.funnels import funnel_charts
from accountable.report.figures.retention import retention_by_trait_chart, retention_chart
from accountable.report.figures.revenue import revenue_chart

__all__ = [
    "Chart",
    "activation_chart",
    "active_accounts_chart",
    "choose_period",
    "duration",
    "funnel_charts",
    "health_chart",
    "health_weekly_chart",
    "lifecycle_chart",
    "retention_by_trait_chart",
    "retention_chart",
    "revenue_chart",
    "slug",
]
