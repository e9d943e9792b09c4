import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="accountable: explore the marts")


@app.cell
def _():
    import os
    from pathlib import Path

    import marimo as mo
    import pandas as pd
    import plotly.graph_objects as go

    from accountable.report import figures
    from accountable.report.queries import Marts, ReportError

    return Marts, Path, ReportError, figures, go, mo, os, pd


@app.function
def shown(chart, mo):
    """A report chart's figure, or its sentence where there is nothing to draw."""
    if chart.figure is None:
        return mo.callout(mo.md(f"**{chart.title}**: {chart.message}"), kind="info")
    return chart.figure


@app.cell
def _(Marts, Path, ReportError, mo, os):
    # The serving file (`accountable publish`), opened read-only: a build never meets its lock.
    serving_path = Path(
        os.environ.get("ACCOUNTABLE_MARTS_DB") or mo.notebook_dir().parent / "marts.duckdb"
    )
    try:
        marts = Marts(serving_path)
    except ReportError as error:
        mo.stop(True, mo.callout(mo.md(f"**Cannot read the marts.** {error}"), kind="danger"))
    con = marts.connection
    overview = marts.overview()
    mo.md(
        f"""
        # accountable: explore the marts

        Reading **{serving_path}** (read-only). Events from
        **{overview.first_event_at:%Y-%m-%d}** to **{overview.last_event_at:%Y-%m-%d}** (UTC):
        **{overview.accounts:,}** accounts, **{overview.users:,}** users,
        **{overview.events:,}** events, **{overview.activated_accounts:,}** activated accounts,
        **{overview.paying_accounts:,}** paying, MRR now **{overview.mrr:,.0f}**.

        After a new `dbt build` and `accountable publish`, re-run this cell to read the new copy.
        """
    )
    return con, marts


@app.cell
def _(con, mo):
    accounts = con.execute(
        """
        select
            account_id, name, plan, created_at, member_count, members_ever,
            activated_at, habit_moment_at, mrr, first_paid_at, churned_at
        from dim_accounts
        order by created_at
        """
    ).df()
    mo.vstack([mo.md("## Accounts"), mo.ui.table(accounts, page_size=10, selection=None)])
    return (accounts,)


@app.cell
def _(figures, marts, mo):
    mo.vstack(
        [
            mo.md("## Activity and activation"),
            figures.active_accounts_chart(marts.active_accounts()).figure,
            shown(figures.activation_chart(marts.activation(), marts.milestones()), mo),
        ]
    )
    return


@app.cell
def _(figures, marts, mo):
    retention_periods = marts.retention_periods()
    retention_period = mo.ui.dropdown(
        options=retention_periods or ["week"],
        value=figures.choose_period(retention_periods) or "week",
        label="Retention period",
    )
    retention_measure = mo.ui.radio(
        options={
            "retained: active in period k": "retained",
            "on or after: active in period k or later (retained_unbounded)": "unbounded",
        },
        value="retained: active in period k",
        label="Count a member in period k when",
    )
    retention_by_trait = mo.ui.switch(value=True, label="Also split by the breakdown trait")
    return retention_by_trait, retention_measure, retention_period


@app.cell
def _(figures, marts, mo, retention_by_trait, retention_measure, retention_period):
    _period = retention_period.value
    _measure = retention_measure.value
    _blocks = [
        mo.md("## Retention"),
        mo.hstack([retention_period, retention_measure, retention_by_trait], justify="start"),
        shown(figures.retention_chart(marts.retention(_period), _period, _measure), mo),
    ]
    if retention_by_trait.value:
        # account_retention_by_trait: None when the serving file predates it (a sentence says so)
        _trait_periods = marts.retention_by_trait_periods()
        _trait_cells = None
        if _trait_periods is not None:
            _trait_cells = marts.retention_by_trait(_period) if _period in _trait_periods else []
        _blocks.append(shown(figures.retention_by_trait_chart(_trait_cells, _period, _measure), mo))
    mo.vstack(_blocks)
    return


@app.cell
def _(figures, marts, mo):
    funnel_steps = marts.funnels()
    funnel_charts = {chart.title: chart for chart in figures.funnel_charts(funnel_steps)}
    funnel = mo.ui.dropdown(
        options=list(funnel_charts), value=next(iter(funnel_charts)), label="Funnel"
    )
    return funnel, funnel_charts, funnel_steps


@app.cell
def _(figures, funnel, funnel_charts, funnel_steps, mo, pd):
    _name = funnel.value.removeprefix("Funnel ")
    _steps = pd.DataFrame(
        [
            {
                "step": step.step_number,
                "event": step.step_event,
                "entities": step.entities,
                "conversion_from_previous": step.conversion_from_previous,
                "conversion_from_start": step.conversion_from_start,
                # of the step before, those that did not reach this step: still able to, or not
                "still_in_window": step.still_in_window,
                "dropped": step.dropped,
                "median_from_previous": None
                if step.median_seconds_from_previous is None
                else figures.duration(step.median_seconds_from_previous),
                "order": step.funnel_order,
                "window_days": step.conversion_window_days,
            }
            for step in funnel_steps
            if step.funnel == _name
        ]
    )
    mo.vstack(
        [
            mo.md("## Funnels"),
            funnel,
            shown(funnel_charts[funnel.value], mo),
            mo.md(funnel_charts[funnel.value].caption),
            mo.ui.table(_steps, selection=None) if len(_steps) else mo.md(""),
        ]
    )
    return


@app.cell
def _(con, figures, marts, mo):
    _revenue = con.execute("select * from revenue_monthly order by month").df()
    mo.vstack(
        [
            mo.md("## Revenue"),
            shown(figures.revenue_chart(marts.revenue()), mo),
            mo.ui.table(_revenue, selection=None) if len(_revenue) else mo.md(""),
        ]
    )
    return


@app.cell
def _(accounts, mo):
    _busiest = accounts.sort_values(["member_count", "account_id"], ascending=[False, True])
    _labels = {
        f"{row.name or '(no name)'} ({row.account_id})": row.account_id
        for row in _busiest.itertuples()
    }
    account = mo.ui.dropdown(
        options=_labels,
        value=next(iter(_labels), None),
        searchable=True,
        label="Account",
    )
    return (account,)


@app.cell
def _(account, con, go, mo):
    mo.stop(account.value is None, mo.md("No account to show."))
    _id = account.value
    _members = con.execute(
        """
        select
            dim_memberships.user_id, dim_users.email, dim_memberships.role,
            dim_memberships.joined_at, dim_memberships.left_at, dim_memberships.is_active,
            dim_memberships.event_count, dim_memberships.last_event_at
        from dim_memberships
        left join dim_users on dim_memberships.user_id = dim_users.user_id
        where dim_memberships.account_id = ?
        order by dim_memberships.joined_at
        """,
        [_id],
    ).df()
    _milestones = con.execute(
        """
        select milestone, achieved_at, days_to_achieve, window_days, window_ends_at
        from fct_account_milestones where account_id = ? order by milestone
        """,
        [_id],
    ).df()
    _weekly = con.execute(
        """
        select week_start, members, active_members, activity_events
        from account_activity_weekly where account_id = ? order by week_start
        """,
        [_id],
    ).df()
    _mrr = con.execute(
        "select month, mrr, movement from account_mrr_monthly where account_id = ? order by month",
        [_id],
    ).df()

    _activity = go.Figure()
    _activity.add_bar(x=_weekly.week_start, y=_weekly.activity_events, name="activity events")
    _activity.add_scatter(
        x=_weekly.week_start, y=_weekly.active_members, name="active members", yaxis="y2"
    )
    _activity.add_scatter(
        x=_weekly.week_start,
        y=_weekly.members,
        name="members",
        yaxis="y2",
        line={"dash": "dot"},
    )
    _activity.update_layout(
        title=f"Weekly activity of {_id}",
        template="plotly_white",
        xaxis_title="week (Monday)",
        yaxis_title="activity events",
        yaxis2={"title": "members", "overlaying": "y", "side": "right", "rangemode": "tozero"},
        legend={"orientation": "h", "y": 1.1},
    )
    if len(_mrr):
        _revenue = go.Figure(
            go.Bar(x=_mrr.month, y=_mrr.mrr, text=_mrr.movement, textposition="outside")
        )
        _revenue.update_layout(
            title=f"Month-end MRR of {_id}",
            template="plotly_white",
            xaxis_title="month",
            yaxis_title="MRR (billing currency per month)",
        )
        _revenue.update_xaxes(dtick="M1", tickformat="%b %Y")
    else:
        _revenue = mo.md("This account has never paid.")
    mo.vstack(
        [
            mo.md("## One account"),
            account,
            mo.md("**Members**"),
            mo.ui.table(_members, selection=None),
            mo.md("**Milestones**"),
            mo.ui.table(_milestones, selection=None),
            _activity,
            _revenue,
        ]
    )
    return


if __name__ == "__main__":
    app.run()
