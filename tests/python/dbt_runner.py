"""Helpers for end-to-end tests: load files, run dbt against a throwaway warehouse, query it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import duckdb

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


class Build(NamedTuple):
    """A warehouse dbt built, and the target folder that dbt wrote (manifest.json, ...)."""

    db: Path
    target: Path


def _env(db: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["ACCOUNTABLE_DB"] = str(db)
    env.setdefault("ACCOUNTABLE_THREADS", "2")
    return env


def generate(out: Path, *, accounts: int, days: int, seed: int) -> None:
    """Write a generated world into `out` with the real generator, as a user would."""
    subprocess.run(
        [
            str(BIN / "accountable"), "generate", "--quiet", "--accounts", str(accounts),
            "--days", str(days), "--seed", str(seed), "--out", str(out),
        ],
        check=True,
    )  # fmt: skip


def load(db: Path, *paths: Path) -> None:
    """Land files with the real loader, as a user would."""
    result = subprocess.run(
        [str(BIN / "accountable"), "load", "--quiet", "--db", str(db), *map(str, paths)],
        cwd=REPO,
        env=_env(db),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr + result.stdout


def dbt(
    command: str,
    db: Path,
    work: Path,
    *,
    vars: dict | None = None,
    extra: list[str] | None = None,
    check: bool = True,
    project: Path = REPO,
) -> subprocess.CompletedProcess:
    """Run a dbt command on `db`, with target/ and logs/ under `work` (never the repo's), in the
    repository's dbt project or in `project` (a modified copy)."""
    args = [
        str(BIN / "dbt"),
        command,
        "--profiles-dir",
        str(REPO),
        "--project-dir",
        str(project),
        "--target-path",
        str(work / "target"),
        "--log-path",
        str(work / "logs"),
    ]
    if vars is not None:
        args += ["--vars", json.dumps(vars, ensure_ascii=False)]
    args += extra or []
    result = subprocess.run(args, cwd=project, env=_env(db), capture_output=True, text=True)
    if check:
        assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    return result


def query(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()
