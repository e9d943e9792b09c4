"""Fast ISO-8601 formatting of epoch milliseconds.

Every message carries two to four timestamps, so formatting is on the generator's hot path:
`datetime.isoformat` costs more than building the message. Days are formatted once and
cached, the time of day comes from two tables.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

SECOND_MS = 1_000
MINUTE_MS = 60_000
HOUR_MS = 3_600_000
DAY_MS = 86_400_000

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_HOURS_MINUTES = [f"{hour:02d}:{minute:02d}:" for hour in range(24) for minute in range(60)]
_SECONDS = [f"{second:02d}.{milli:03d}" for second in range(60) for milli in range(1000)]
SECONDS_Z = [text + "Z" for text in _SECONDS]  # "SS.mmmZ" by millisecond of the minute
MINUTE_PREFIX = 17  # len("2026-01-05T09:30:"): what two times in the same minute share
_DAYS: dict[int, str] = {}


def _day_prefix(day: int) -> str:
    prefix = (_EPOCH + timedelta(days=day)).strftime("%Y-%m-%dT")
    _DAYS[day] = prefix
    return prefix


def iso(ms: int) -> str:
    """`2026-01-05T09:30:00.123Z` for an epoch time in milliseconds."""
    day, rest = divmod(ms, DAY_MS)
    prefix = _DAYS.get(day) or _day_prefix(day)
    return f"{prefix}{_HOURS_MINUTES[rest // MINUTE_MS]}{SECONDS_Z[rest % MINUTE_MS]}"


def iso_near(ms: int, other_ms: int, other_text: str) -> str:
    """`iso(ms)`, reusing `other_text` (= `iso(other_ms)`) when both fall in the same minute."""
    if ms // MINUTE_MS == other_ms // MINUTE_MS:
        return other_text[:MINUTE_PREFIX] + SECONDS_Z[ms % MINUTE_MS]
    return iso(ms)


def iso_offset(ms: int, offset_minutes: int) -> str:
    """The same instant written in local time with a `+02:00`-style offset."""
    day, rest = divmod(ms + offset_minutes * MINUTE_MS, DAY_MS)
    prefix = _DAYS.get(day) or _day_prefix(day)
    sign = "+" if offset_minutes >= 0 else "-"
    hours, minutes = divmod(abs(offset_minutes), 60)
    clock = _HOURS_MINUTES[rest // MINUTE_MS] + _SECONDS[rest % MINUTE_MS]
    return f"{prefix}{clock}{sign}{hours:02d}:{minutes:02d}"


def epoch_ms(day: date) -> int:
    """Milliseconds since the epoch at 00:00 UTC of a date."""
    return (day - date(1970, 1, 1)).days * DAY_MS


def weekday(ms: int) -> int:
    """0 for Monday .. 6 for Sunday (1970-01-01 was a Thursday)."""
    return (ms // DAY_MS + 3) % 7
