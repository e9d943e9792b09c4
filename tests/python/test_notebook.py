"""The marimo notebook (CONTRACT.md section 7) runs headless on a generated world's serving file,
as `marimo export html` runs it, and a cell that raises fails the run: marimo's export exits 1 and
says "some cells failed to execute" while still writing the page, so both are checked."""

from __future__ import annotations

import html
import os
import re
import subprocess
from pathlib import Path

import pytest

from dbt_runner import BIN, REPO, query

NOTEBOOK = REPO / "notebooks" / "explore.py"


class NotebookRun:
    """One headless run of a notebook: marimo's exit code, its output and the page it wrote."""

    def __init__(self, notebook: Path, marts: Path, out: Path) -> None:
        env = dict(os.environ, ACCOUNTABLE_MARTS_DB=str(marts))
        result = subprocess.run(
            [str(BIN / "marimo"), "export", "html", str(notebook), "-o", str(out), "-f"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        self.returncode = result.returncode
        self.output = result.stdout + result.stderr
        self.page = out.read_text() if out.exists() else ""
        # The cells' outputs are HTML inside JSON inside the page, the plots' JSON in attributes:
        # `unescaped` undoes both escapings, `text` also drops the tags (and with them the plots).
        page = self.page
        for _ in range(2):
            page = re.sub(r"\\u([0-9a-fA-F]{4})", lambda hit: chr(int(hit[1], 16)), page)
            page = html.unescape(page)
        self.unescaped = page.replace("\\n", " ").replace("\\", "")
        self.text = re.sub(r"\s+", " ", re.sub(r"<[^<>]*>", "", self.unescaped))

    @property
    def failed(self) -> bool:
        """marimo reports a failed cell by its exit code and a line; either one is a failure."""
        return self.returncode != 0 or "cells failed" in self.output


@pytest.mark.e2e
def test_the_notebook_runs_every_cell_on_a_generated_world(served_world, tmp_path):
    run = NotebookRun(NOTEBOOK, served_world.marts, tmp_path / "notebook.html")
    assert not run.failed, run.output[-4000:]
    assert "MarimoExceptionRaisedError" not in run.page

    # It read this world's serving file: its accounts, funnels and the account it opens first.
    (accounts,) = query(served_world.marts, "select count(*) from dim_accounts")[0]
    assert f"{accounts:,} accounts, " in run.text
    for (funnel,) in query(served_world.marts, "select distinct funnel from funnel_conversion"):
        assert f"Funnel {funnel}" in run.text
    # the funnel's step table and chart split the rest of the step before; retention by trait
    assert "still_in_window" in run.text and "dropped" in run.text
    assert "not yet, still in their window" in run.unescaped
    assert "on or after" in run.text
    (trait,) = query(
        served_world.marts, "select distinct breakdown_trait from account_retention_by_trait"
    )[0]
    assert f"Account retention by {trait}" in run.unescaped
    (busiest,) = query(
        served_world.marts,
        "select account_id from dim_accounts order by member_count desc, account_id limit 1",
    )[0]
    assert f"Weekly activity of {busiest}" in run.unescaped


@pytest.mark.e2e
def test_a_cell_that_raises_fails_the_headless_run(served_world, tmp_path):
    broken = tmp_path / "explore.py"
    broken.write_text(
        NOTEBOOK.read_text().replace(
            'if __name__ == "__main__":',
            '@app.cell\ndef _(marts):\n    raise RuntimeError("a failing cell")\n\n\n'
            'if __name__ == "__main__":',
        )
    )
    run = NotebookRun(broken, served_world.marts, tmp_path / "notebook.html")
    assert run.failed
    assert run.returncode != 0
    assert "a failing cell" in run.page


def test_without_a_serving_file_the_notebook_says_what_to_do(tmp_path):
    run = NotebookRun(NOTEBOOK, tmp_path / "missing.duckdb", tmp_path / "notebook.html")
    assert not run.failed, run.output[-4000:]
    assert "Cannot read the marts" in run.text
    assert "missing.duckdb: no such serving file" in run.text
    assert "MarimoExceptionRaisedError" not in run.page
