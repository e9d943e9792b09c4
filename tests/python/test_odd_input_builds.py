"""The invariant behind the loader's rules: whatever it accepts, `dbt build` builds green.

Hundreds of messages are drawn with a fixed seed from pools of odd but well-formed values: ids
that are numbers, emoji, very long or differ only by case or space; traits and properties that
are null, numbers where text is expected, lists, deep nesting; contexts of every shape; times
with offsets, bare dates, skewed device clocks; aliases in cycles; lifecycle events sent by a
server; names the configuration uses next to names it does not. Among them, lines the loader
must reject. The load must account for every line, and the build (every model and data test)
must pass on what was accepted.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from dbt_runner import dbt, load, query

pytestmark = pytest.mark.e2e

SEED = 20261202
MESSAGES = 600

USERS = ["u1", "u2", "u3", 7, "7", "🚀", "x" * 300, "U1", " u1", "ü-ñ", "u\u200b1"]
ANONYMOUS = ["a1", "a2", "a3", 99, "🙂anon", "a" * 200]
GROUPS = ["g1", "g2", 3, "3", "g🌍", "u1", "G1", "g" * 400, "g 1"]
EVENTS = [
    "Account Created",
    "Account Added User",
    "Account Removed User",
    "Signed Up",
    "Task Completed",
    "Invite Sent",
    "Project Created",
    "Trial Started",
    "🎉 Shipped",
    "Task Completed ",
    "task completed",
    "e" * 500,
    "Événement",
    'Quote " and \\ backslash',
]
ODD_VALUES: list[object] = [
    None,
    "",
    0,
    -1,
    1.5,
    10**30,
    -(10**30),
    1e308,
    True,
    False,
    "🙂",
    "x" * 3000,
    [],
    [1, "a", None],
    {},
    {"a": {"b": [1, {"c": None}]}},
    "1200",
    "1,200",
    "2026-03-02",
    "null",
    "\u0000 nul",
    "line\nbreak",
]
TRAIT_KEYS = ["name", "plan", "email", "industry", "employees", "role", "weird key ✓", ""]
ROLES = ["owner", "admin", "member", "viewer", "billing_admin", "Viewer", 3, None, "", ["admin"]]
START = datetime(2026, 3, 1, tzinfo=UTC)


def _odd(rng: random.Random) -> object:
    return rng.choice(ODD_VALUES)


def _object(rng: random.Random, keys: list[str]) -> object:
    """Usually a mapping of some keys to odd or plain values; sometimes no mapping at all."""
    draw = rng.random()
    if draw < 0.05:
        return rng.choice(["a string", [1, 2], 42, None, ""])
    return {
        key: (_odd(rng) if rng.random() < 0.5 else f"{key}-{rng.randrange(3)}")
        for key in rng.sample(keys, rng.randrange(len(keys) + 1))
    }


def _time(rng: random.Random, moment: datetime) -> str:
    """One moment in one of the ISO-8601 spellings Segment libraries send."""
    form = rng.randrange(5)
    if form == 0:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    if form == 1:
        offset = timezone(timedelta(hours=rng.choice([-8, 2, 5.5])))
        return moment.astimezone(offset).isoformat()
    if form == 2:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    if form == 3:
        return moment.strftime("%Y-%m-%d")
    return moment.isoformat()


def _times(rng: random.Random) -> dict[str, object]:
    """timestamp / sentAt / receivedAt / originalTimestamp in the combinations seen in real data:
    a device clock off by minutes or days, corrected by sentAt and receivedAt; archives with
    originalTimestamp; server messages with only a timestamp or only receivedAt."""
    moment = START + timedelta(seconds=rng.randrange(12 * 86_400))
    skew = timedelta(seconds=rng.choice([0, 0, 0, 90, -3_600, 3 * 86_400, -40 * 86_400]))
    times: dict[str, object] = {}
    shape = rng.randrange(6)
    if shape == 0:
        times["timestamp"] = _time(rng, moment)
    elif shape == 1:
        times["timestamp"] = _time(rng, moment + skew)
        times["sentAt"] = _time(rng, moment + skew + timedelta(seconds=2))
        times["receivedAt"] = _time(rng, moment + timedelta(seconds=3))
    elif shape == 2:
        times["timestamp"] = _time(rng, moment)
        times["originalTimestamp"] = _time(rng, moment + skew)
        times["receivedAt"] = _time(rng, moment + timedelta(seconds=5))
    elif shape == 3:
        times["receivedAt"] = _time(rng, moment)
        times["timestamp"] = rng.choice([None, "", "not a time"])
    elif shape == 4:
        times["sentAt"] = _time(rng, moment)
    else:
        times["timestamp"] = _time(rng, moment)
        times["receivedAt"] = _time(rng, moment + timedelta(hours=rng.choice([0, 1, 23])))
    return times


def _identity(rng: random.Random) -> dict[str, object]:
    fields: dict[str, object] = {}
    if rng.random() < 0.7:
        fields["userId"] = rng.choice(USERS)
    if rng.random() < 0.5:
        fields["anonymousId"] = rng.choice(ANONYMOUS)
    return fields


def _context(rng: random.Random) -> object:
    draw = rng.random()
    if draw < 0.1:
        return rng.choice([None, "", "text", [1, 2], {}])
    context: dict[str, object] = {"library": {"name": "analytics.js", "version": "5.2.1"}}
    if rng.random() < 0.4:
        context["groupId"] = rng.choice([*GROUPS, None, ""])
    if rng.random() < 0.3:
        context["traits"] = _object(rng, TRAIT_KEYS)
    if rng.random() < 0.2:
        context["page"] = {"path": _odd(rng), "nested": {"deep": [{"er": [_odd(rng)]}]}}
    return context


def _message(rng: random.Random, number: int) -> dict[str, object]:
    kind = rng.choices(
        ["track", "identify", "group", "page", "screen", "alias"], [50, 12, 14, 10, 5, 9]
    )[0]
    message: dict[str, object] = {
        "type": rng.choice([kind, kind, kind, kind.upper()]),
        "messageId": rng.choice([f"m-{number}", number, f"🆔-{number}"]),
        **_identity(rng),
        **_times(rng),
    }
    context = _context(rng)
    if context is not None or rng.random() < 0.5:
        message["context"] = context
    if kind == "track":
        message["event"] = rng.choice(EVENTS)
        properties = _object(rng, ["role", "plan", "count", "weird key ✓"])
        if isinstance(properties, dict) and rng.random() < 0.5:
            properties["role"] = rng.choice(ROLES)
        message["properties"] = properties
        if "userId" not in message and "anonymousId" not in message:
            message["context"] = {"groupId": rng.choice(GROUPS)}  # an account-level event
    elif kind in ("identify", "group"):
        message["traits"] = _object(rng, TRAIT_KEYS)
        if kind == "group":
            message["groupId"] = rng.choice(GROUPS)
    elif kind in ("page", "screen"):
        message["name"] = rng.choice([None, "", "Home", "🏠", "n" * 1000, 5])
        message["properties"] = _object(rng, ["path", "title", "referrer"])
    else:  # alias: chains and cycles among users and anonymous ids
        message["previousId"] = rng.choice([*USERS, *ANONYMOUS])
        message["userId"] = rng.choice(USERS)
    if rng.random() < 0.05:  # extra fields are kept verbatim
        message[rng.choice(["integrations", "channel", "version", "💥"])] = _odd(rng)
    return message


def _bad_lines() -> list[str]:
    """Lines the loader must reject: it must not let any of them reach the models."""
    plain = {"type": "track", "messageId": "bad", "userId": "u1", "event": "Task Completed"}
    return [
        "{not json",
        "[1, 2]",
        json.dumps({**plain, "messageId": "bad-1", "timestamp": "9999-01-01T00:00:00Z"}),
        json.dumps({**plain, "messageId": "bad-2", "timestamp": "1970-01-01T00:00:00Z"}),
        json.dumps({**plain, "messageId": "bad-3", "timestamp": "2026-03-02", "event": ""}),
        json.dumps({**plain, "messageId": "bad-4", "timestamp": "2026-03-02", "userId": [1]}),
        json.dumps({"type": "group", "messageId": "bad-5", "userId": "u1", "timestamp": "2026"}),
        json.dumps({"type": "alias", "messageId": "bad-6", "userId": "u1", "sentAt": "2026-03-02"}),
        json.dumps({**plain, "messageId": "bad-7", "timestamp": "2026-03-02", "userId": True}),
    ]


def _write_world(folder: Path) -> int:
    rng = random.Random(SEED)
    lines = [
        json.dumps(_message(rng, number), ensure_ascii=rng.random() < 0.5)
        for number in range(MESSAGES)
    ]
    for line in _bad_lines():
        lines.insert(rng.randrange(len(lines)), line)
    lines += lines[::37]  # duplicates delivered again
    half = len(lines) // 2
    (folder / "a.ndjson").write_text("\n".join(lines[:half]) + "\n", encoding="utf-8")
    (folder / "b.ndjson").write_text("\n".join(lines[half:]) + "\n", encoding="utf-8")
    return len(lines)


def test_whatever_the_loader_accepts_builds_green(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    written = _write_world(data)
    db = tmp_path / "odd.duckdb"
    load(db, data)

    [(lines, inserted, duplicates, rejected)] = query(
        db, "select sum(lines), sum(inserted), sum(duplicates), sum(rejected) from raw.loads"
    )
    assert lines == written == inserted + duplicates + rejected
    assert rejected >= len(_bad_lines())
    assert inserted > MESSAGES // 2, "most odd messages are well-formed and must be accepted"

    vars = {
        "retention_periods": ["day", "week", "month"],
        "account_traits": ["industry", "employees"],
        "user_traits": ["role"],
        "funnels": {
            "onboarding": {
                "level": "account",
                "conversion_window_days": 14,
                "steps": ["Account Created", "Invite Sent", "Project Created", "Task Completed"],
            },
            "people": {
                "level": "user",
                "conversion_window_days": 3,
                "steps": ["Signed Up", "🎉 Shipped", "Task Completed"],
            },
        },
    }
    result = dbt("build", db, tmp_path, vars=vars, check=False)
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]
    assert "ERROR=0" in result.stdout
    [(events,)] = query(db, "select count(*) from marts.fct_events")
    [(accepted,)] = query(
        db,
        "select (select count(*) from raw.tracks) + (select count(*) from raw.pages)"
        " + (select count(*) from raw.screens)",
    )
    assert events == accepted
