"""Lay the charts out as one self-contained HTML page.

Plotly's JavaScript is inlined once, in the head, and every figure is a div plus a call to
Plotly.newPlot: the page opens offline, from a file, with nothing fetched.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from plotly.offline import get_plotlyjs

from accountable.report.figures import Chart
from accountable.report.queries import Overview

PLOT_CONFIG = {"displaylogo": False, "responsive": True}

STYLE = """
body { font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       margin: 0; background: #f4f5f7; color: #222; }
header { background: #12355b; color: #fff; padding: 20px 32px 16px; }
header h1 { margin: 0 0 4px; font-size: 26px; }
header p { margin: 0; opacity: 0.85; font-size: 14px; }
.stats { display: flex; flex-wrap: wrap; gap: 10px; margin-top: 14px; }
.stat { background: rgba(255, 255, 255, 0.12); border-radius: 6px; padding: 8px 14px; }
.stat b { display: block; font-size: 22px; }
.stat span { font-size: 12px; opacity: 0.85; }
nav { padding: 10px 32px; font-size: 13px; background: #fff; border-bottom: 1px solid #ddd; }
nav a { margin-right: 14px; color: #12355b; }
main { display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 16px;
       padding: 16px 24px 32px; }
section { background: #fff; border-radius: 8px; box-shadow: 0 1px 3px rgba(0, 0, 0, 0.12);
          padding: 8px 12px 12px; min-width: 0; }
section.wide { grid-column: 1 / -1; }
section p.caption { margin: 4px 8px 0; color: #555; font-size: 13px; }
section.empty h2 { font-size: 18px; margin: 10px 8px; }
section.empty p.message { margin: 8px; padding: 16px; background: #fff8e1;
                          border-left: 4px solid #f0a202; font-size: 15px; }
footer { padding: 0 32px 24px; color: #777; font-size: 12px; }
"""


def _stat(value: str, label: str) -> str:
    return f'<div class="stat"><b>{html.escape(value)}</b><span>{html.escape(label)}</span></div>'


def _time(moment: datetime | None) -> str:
    return "none" if moment is None else f"{moment:%Y-%m-%d %H:%M}"


def header(overview: Overview, source: Path, generated_at: datetime) -> str:
    """The data's range and counts, so a reader knows what the charts cover."""
    span = (
        f"Events from {_time(overview.first_event_at)} to {_time(overview.last_event_at)} UTC"
        if overview.first_event_at
        else "No events"
    )
    days = (
        (overview.last_event_at.date() - overview.first_event_at.date()).days + 1
        if overview.first_event_at and overview.last_event_at
        else 0
    )
    stats = [
        _stat(f"{days:,}", "days of data"),
        _stat(f"{overview.accounts:,}", "accounts"),
        _stat(f"{overview.users:,}", "users"),
        _stat(f"{overview.active_memberships:,}", "active memberships"),
        _stat(f"{overview.events:,}", "events"),
        _stat(f"{overview.activated_accounts:,}", "activated accounts"),
        _stat(f"{overview.paying_accounts:,}", "paying accounts"),
        _stat(f"{overview.mrr:,.0f}", "MRR now"),
    ]
    return (
        "<header><h1>accountable: account analytics</h1>"
        f"<p>{html.escape(span)} &middot; read from {html.escape(str(source))} &middot; "
        f"report written {generated_at:%Y-%m-%d %H:%M} UTC</p>"
        f'<div class="stats">{"".join(stats)}</div></header>'
    )


def chart_block(chart: Chart) -> str:
    """A section holding the chart's figure and caption, or its title and message."""
    classes = ["wide"] if chart.wide else []
    caption = f'<p class="caption">{html.escape(chart.caption)}</p>'
    if chart.figure is None:
        classes.append("empty")
        body = (
            f"<h2>{html.escape(chart.title)}</h2>"
            f'<p class="message">{html.escape(chart.message or "Nothing to show.")}</p>'
        )
        caption = ""
    else:
        height = chart.figure.layout.height or 440
        body = chart.figure.to_html(
            full_html=False,
            include_plotlyjs=False,
            div_id=chart.id,
            config=PLOT_CONFIG,
            default_width="100%",
            default_height=f"{height}px",
        )
    class_attribute = f' class="{" ".join(classes)}"' if classes else ""
    return (
        f'<section id="section-{chart.id}"{class_attribute} data-chart="{chart.id}">'
        f"{body}{caption}</section>"
    )


def render(
    overview: Overview, charts: Sequence[Chart], source: Path, generated_at: datetime
) -> str:
    """The whole page: plotly.js once in the head, the header, a table of contents, the charts."""
    links = "".join(
        f'<a href="#section-{chart.id}">{html.escape(chart.title)}</a>' for chart in charts
    )
    blocks = "\n".join(chart_block(chart) for chart in charts)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>accountable report</title>
<style>{STYLE}</style>
<script type="text/javascript">{get_plotlyjs()}</script>
</head>
<body>
{header(overview, source, generated_at)}
<nav>{links}</nav>
<main>
{blocks}
</main>
<footer>Written by accountable report from the serving file (accountable publish). Hover a chart
for exact values; every number comes from the marts named in the captions.</footer>
</body>
</html>
"""
