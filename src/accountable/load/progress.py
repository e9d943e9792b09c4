"""Progress lines on stderr: a status every few seconds, a line per file, a summary."""

from __future__ import annotations

import time
from typing import TextIO

from accountable.load.files import plural_files
from accountable.load.model import SKIPPED_REASON, FileResult, LoadSummary

SKIPPED_LISTED = 20
"""Skipped files named in the summary; raw.loads has them all."""


class Progress:
    """Progress lines on stderr; silent when `stream` is None."""

    def __init__(self, stream: TextIO | None, every_seconds: float) -> None:
        self.stream = stream
        self.every_seconds = every_seconds
        self.started = self.last = time.perf_counter()

    def _print(self, text: str) -> None:
        if self.stream is not None:
            print(text, file=self.stream, flush=True)

    def status(self, results: list[FileResult]) -> None:
        """Messages parsed and committed so far, at most one line every `every_seconds`; called
        after every pass and every commit."""
        now = time.perf_counter()
        if self.stream is None or now - self.last < self.every_seconds:
            return
        self.last = now
        parsed = sum(result.lines for result in results)
        committed = sum(result.inserted + result.duplicates + result.rejected for result in results)
        files = sum(1 for result in results if result.lines)
        rate = parsed / (now - self.started) if now > self.started else 0.0
        self._print(
            f"  {parsed:,} messages parsed, {committed:,} committed "
            f"(file {files:,} of {len(results):,}; {rate:,.0f} messages/s)"
        )

    def file_done(self, result: FileResult) -> None:
        rate = result.lines / result.seconds if result.seconds > 0 else 0.0
        self._print(
            f"  {result.file}: {result.lines:,} lines, {result.inserted:,} inserted, "
            f"{result.duplicates:,} duplicates, {result.rejected:,} rejected "
            f"({result.seconds:.1f}s, {rate:,.0f} messages/s)"
        )

    def summary(self, summary: LoadSummary) -> None:
        rate = summary.lines / summary.seconds if summary.seconds > 0 else 0.0
        skipped = (
            f" ({plural_files(len(summary.skipped))} of other types skipped, listed below)"
            if summary.skipped
            else ""
        )
        reasons = ", ".join(
            f"{reason} {count:,}" for reason, count in summary.rejected_by_reason.items()
        )
        self._print(
            f"load {summary.load_id} into {summary.db_path}: "
            f"{plural_files(len(summary.files))}{skipped}"
        )
        self._print(
            f"  {summary.lines:,} messages: {summary.inserted:,} inserted, "
            f"{summary.duplicates:,} duplicates, {summary.rejected:,} rejected"
            + (f" ({reasons})" if reasons else "")
        )
        self._print(f"  {summary.seconds:.1f}s, {rate:,.0f} messages/s")
        if summary.skipped:
            self._print(f"  skipped, {SKIPPED_REASON} (raw.loads.skipped_reason says so too):")
            for file in summary.skipped[:SKIPPED_LISTED]:
                self._print(f"    {file}")
            if len(summary.skipped) > SKIPPED_LISTED:
                self._print(f"    and {len(summary.skipped) - SKIPPED_LISTED:,} more")
