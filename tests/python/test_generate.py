"""`accountable generate`: determinism, coverage of every message kind, and a truth that follows the
contract.

The files are read back as a user's warehouse would see them: landed by `accountable load` (sorted
paths, rejects, first copy wins, batch-level fill-in), each landed message becomes a truth Record
(its time computed from the timestamps the loader parsed), and the truth module's reading of
CONTRACT.md section 3 is applied to the whole world at once. The generator wrote `truth/*.csv`
from its own records, with the times it meant, one account at a time: the two must agree. The
reading itself is held to the contract's worked example below, and the models to the truth in
test_generated_truth.py: one Python reading of the contract, checked from both sides.
"""

from __future__ import annotations

import csv
import gzip
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import orjson
import pytest

from accountable.generate import GenerateError, generate
from accountable.generate.revenue import RevenueFold, errors_csv, monthly_csv
from accountable.generate.truth import BATCH, MAIN, AmbiguousWorld, Record, derive, event_at
from accountable.load import REASONS
from dbt_runner import load

MONTHLY, ERRORS = "account_mrr_monthly.csv", "mrr_event_errors.csv"
SMALL = {"accounts": 8, "days": 40, "seed": 7, "start": "2026-01-05", "lines_per_file": 800}
TYPES = {"identify", "group", "track", "page", "screen", "alias"}
BILLING = {
    "Trial Started",
    "Trial Ended",
    "Subscription Started",
    "Subscription Changed",
    "Subscription Cancelled",
    "Payment Failed",
}


def _generate(out: Path, **overrides) -> Path:
    generate(**{**SMALL, "out": out, "jobs": 1, "progress": False, **overrides})
    return out


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _generate(tmp_path_factory.mktemp("world"))


def _files(out: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(out)): path.read_bytes()
        for path in sorted(out.rglob("*"))
        if path.is_file()
    }


# ------------------------------------------------------------------ the files, as landed
LANDED_SQL = """
with landed as (
    select * from raw.identifies
    union all by name select * from raw.groups
    union all by name select * from raw.tracks
    union all by name select * from raw.pages
    union all by name select * from raw.screens
    union all by name select * from raw.aliases
)
select
    message_id, type, user_id, anonymous_id, previous_id,
    coalesce(group_id, context_group_id), event, properties ->> 'role',
    epoch_ms(timestamp), epoch_ms(original_timestamp), epoch_ms(sent_at), epoch_ms(received_at),
    message, _file
from landed
order by _file, _line
"""


@dataclass(frozen=True)
class Landed:
    """What `accountable load` made of the generated files."""

    records: list[Record]
    """Every inserted message (the first copy of each), in load order."""
    messages: dict[str, dict]
    """message id -> the message as landed (batch elements filled in)."""
    first_file: dict[str, str]
    """message id -> name of the file its first copy came from."""
    rejected: Counter
    """reason -> lines rejected."""
    duplicates: int


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _iso_ms(ms: int) -> str:
    return _iso(datetime.fromtimestamp(ms / 1000, UTC))


def _landed_record(row: tuple) -> Record:
    """A landed message as a truth Record, its time read from the timestamps the loader parsed."""
    mid, kind, user, anon, previous, group, event, role, *times, message, file = row
    timestamp, original, sent, received = times
    at = event_at(timestamp, original, sent, received)
    return Record(
        at=at,
        received=at if received is None else received,
        type=kind,
        user=user,
        anonymous_id=anon,
        previous_id=previous,
        group=group,
        event=event,
        role=role,
        message_id=mid,
        message=orjson.loads(message),
        destination=BATCH if Path(file).name.startswith("batch-") else MAIN,
        at_text=_iso_ms(at),
    )


@pytest.fixture(scope="module")
def landed(world: Path, tmp_path_factory: pytest.TempPathFactory) -> Landed:
    db = tmp_path_factory.mktemp("landed") / "world.duckdb"
    load(db, world)
    with duckdb.connect(str(db), read_only=True) as connection:
        rows = connection.execute(LANDED_SQL).fetchall()
        reasons = "select reason, count(*) from raw.rejected group by reason"
        rejected = Counter(dict(connection.execute(reasons).fetchall()))
        [(duplicates,)] = connection.execute("select sum(duplicates) from raw.loads").fetchall()
    records = [_landed_record(row) for row in rows]
    return Landed(
        records=records,
        messages={record.message_id: record.message for record in records},
        first_file={row[0]: Path(row[-1]).name for row in rows},
        rejected=rejected,
        duplicates=duplicates,
    )


def _repeats(world: Path, landed: Landed) -> list[tuple[str, str, str]]:
    """(message id, file of its first copy, file of a later copy) for every later copy of a
    landed message in the part files, each checked to be the same message. Batch files sort, and
    load, before part files."""
    seen = {mid for mid, name in landed.first_file.items() if not name.startswith("part-")}
    repeats = []
    for path in sorted(world.glob("part-*")):
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rb") as handle:
            for line in handle:
                try:
                    message = orjson.loads(line)
                except orjson.JSONDecodeError:
                    continue
                mid = message.get("messageId") if isinstance(message, dict) else None
                if not isinstance(mid, str) or mid not in landed.messages:
                    continue
                if mid in seen:
                    assert message == landed.messages[mid], f"a duplicate of {mid} differs"
                    repeats.append((mid, landed.first_file[mid], path.name))
                seen.add(mid)
    return repeats


def _time(value) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _present(value) -> bool:
    return value is not None and value != ""


def _truth(out: Path, name: str) -> list[dict]:
    with open(out / "truth" / name, newline="") as handle:
        return list(csv.DictReader(handle))


# ------------------------------------------------------------------ determinism
def test_same_seed_gives_the_same_bytes_whatever_the_number_of_jobs(world: Path, tmp_path: Path):
    again = _generate(tmp_path / "jobs2", jobs=2)
    assert len(list(world.glob("part-*"))) >= 3  # two chunks and the late-deliveries part
    assert _files(again) == _files(world)


def test_another_seed_gives_another_world(world: Path, tmp_path: Path):
    other = _generate(tmp_path / "other", seed=8)
    assert _files(other)["part-00000.ndjson"] != _files(world)["part-00000.ndjson"]


def test_a_rerun_replaces_the_previous_output(world: Path, tmp_path: Path):
    out = _generate(tmp_path / "rerun", lines_per_file=100)
    assert len(list(out.glob("part-*"))) > len(list(world.glob("part-*")))
    _generate(out)
    assert _files(out) == _files(world)


def test_gzip_output_holds_the_same_lines(world: Path, tmp_path: Path):
    zipped = _generate(tmp_path / "gz", gzip=True)
    parts = sorted(zipped.glob("part-*.ndjson.gz"))
    assert [p.name.removesuffix(".gz") for p in parts] == sorted(
        p.name for p in world.glob("part-*.ndjson")
    )
    for path in parts:
        assert gzip.decompress(path.read_bytes()) == (world / path.stem).read_bytes()
    assert _files(_generate(tmp_path / "gz2", gzip=True)) == _files(zipped)


def test_a_bad_start_date_is_explained(tmp_path: Path):
    with pytest.raises(GenerateError, match="YYYY-MM-DD"):
        generate(accounts=1, days=1, start="05/01/2026", out=tmp_path, progress=False)


# ------------------------------------------------------------------ what the files hold
def test_every_message_type_and_source_is_present(landed: Landed):
    valid = list(landed.messages.values())
    assert {m["type"] for m in valid} == TYPES
    anonymous = [
        m for m in valid if not _present(m.get("userId")) and _present(m.get("anonymousId"))
    ]
    assert {m["type"] for m in anonymous} >= {"page", "track", "screen"}
    account_level = [r for r in landed.records if r.user is None and r.anonymous_id is None]
    assert account_level and all(r.group for r in account_level)
    assert {r.event for r in account_level if r.type == "track"} >= BILLING - {
        "Subscription Changed",
        "Payment Failed",
    }
    identified = [m for m in valid if _present(m.get("userId"))]
    assert any("anonymousId" in m and m["anonymousId"] is None for m in identified)
    assert any(m.get("anonymousId") == "" for m in identified)
    tracked = [r for r in landed.records if r.type == "track"]
    assert any(r.group for r in tracked) and any(not r.group for r in tracked)
    tracks = [m for m in valid if m["type"] == "track"]
    events = {m.get("event") for m in tracks}
    assert events >= {
        "Signed Up",
        "Account Created",
        "Invite Sent",
        "Account Added User",
        "Account Removed User",
        "Project Created",
        "Task Created",
        "Task Completed",
        "Comment Added",
        "CTA Clicked",
    }
    added = [m for m in tracks if m["event"] == "Account Added User"]
    assert {m["properties"]["role"] for m in added} == {
        "admin",
        "member",
        "billing_admin",
        "viewer",
    }
    invites = [m for m in tracks if m["event"] == "Invite Sent"]
    assert all({"invitee_email", "role"} <= m["properties"].keys() for m in invites)
    created = [m for m in valid if m["type"] == "group" and m.get("traits", {}).get("industry")]
    assert created and all({"name", "plan", "employees"} <= m["traits"].keys() for m in created)


def test_aliases_stitch_anonymous_ids_and_retire_old_user_ids(landed: Landed):
    valid = list(landed.messages.values())
    aliases = [m for m in valid if m["type"] == "alias"]
    previous = {m["previousId"] for m in aliases}
    as_user = {m["userId"] for m in valid if _present(m.get("userId")) and m["type"] != "alias"}
    as_anon = {m["anonymousId"] for m in valid if _present(m.get("anonymousId"))}
    assert previous & as_user, "an old user id, aliased to a new one"
    assert previous & as_anon, "an anonymous id stitched by an alias"
    both = {m["anonymousId"] for m in valid if _present(m.get("anonymousId")) and m.get("userId")}
    assert previous & as_anon - both, "an anonymous id stitched only by the alias"


def test_clocks_are_skewed_archived_and_offset(landed: Landed):
    valid = list(landed.messages.values())
    client = [m for m in valid if "sentAt" in m and "receivedAt" in m and "timestamp" in m]
    skews = [_time(m["sentAt"]) - _time(m["receivedAt"]) for m in client]
    hours = [skew.total_seconds() / 3600 for skew in skews]
    assert any(h > 24 for h in hours) and any(h < -24 for h in hours), "days either way"
    assert any(0.01 < abs(h) < 1 for h in hours), "minutes"
    server = [m for m in valid if "sentAt" not in m and m["type"] != "alias"]
    assert any("receivedAt" in m for m in server) and any("receivedAt" not in m for m in server)
    archived = [m for m in valid if "originalTimestamp" in m]
    assert archived and all(m["timestamp"].endswith("Z") for m in archived)
    assert any(m["timestamp"][-6] in "+-" for m in valid), "a +02:00-style offset"
    stamps = [m[k] for m in valid for k in ("timestamp", "sentAt", "receivedAt") if k in m]
    assert all(len(s) in (24, 29) and s[19] == "." for s in stamps), "ISO with milliseconds"


def test_duplicates_repeat_a_message_later_in_the_same_or_another_file(world: Path, landed: Landed):
    repeats = _repeats(world, landed)
    assert len(repeats) == landed.duplicates, "every duplicate the loader counted is a repeat"
    assert any(first == this for _, first, this in repeats)
    assert any(first != this for _, first, this in repeats)
    assert 0.002 < len(repeats) / len(landed.records) < 0.02


def test_every_kind_of_malformed_line_is_present_and_rare(landed: Landed):
    assert set(landed.rejected) == set(REASONS)
    assert sum(landed.rejected.values()) < 0.01 * len(landed.records)


def test_batch_files_rely_on_batch_level_sent_at_and_context(world: Path, landed: Landed):
    paths = sorted(world.glob("batch-*.json"))
    assert paths
    for path in paths:
        body = orjson.loads(path.read_bytes())
        assert _time(body["sentAt"]) and body["context"]["library"]["name"]
        elements = [e for e in body["batch"] if isinstance(e, dict) and "messageId" in e]
        assert 5 <= len(elements) <= 13
        assert all("sentAt" not in e for e in elements)
        assert all(e["messageId"] in landed.messages for e in elements)
        assert any("context" not in e for e in elements)
        assert len(body["batch"]) == len(elements) + 1  # and one malformed element


def test_people_belong_to_several_accounts_and_leave_them(world: Path):
    memberships = _truth(world, "memberships.csv")
    per_user = Counter(row["user_id"] for row in memberships)
    assert max(per_user.values()) >= 3, "a consultant in three accounts"
    assert any(row["left_at"] for row in memberships)
    assert any(not row["role"] for row in memberships)
    assert {row["role"] for row in memberships} >= {"owner", "admin", "member"}
    users = {row["user_id"] for row in _truth(world, "users.csv")}
    assert users - {row["user_id"] for row in memberships}, "a sign-up who never joined"


# ------------------------------------------------------------------ the truth
def test_truth_events_are_the_valid_first_copies_of_tracks_pages_and_screens(
    world: Path, landed: Landed
):
    rows = _truth(world, "events.csv")
    ids = [row["message_id"] for row in rows]
    assert len(ids) == len(set(ids))
    kinds = {"track", "page", "screen"}
    assert set(ids) == {r.message_id for r in landed.records if r.type in kinds}
    assert {row["expected_attribution"] for row in rows} == {
        "explicit",
        "single_membership",
        "pre_account",
        "unattributed",
    }


def test_truth_follows_the_contract_rules(world: Path, landed: Landed):
    """The generator wrote the truth from its own records, with the times it meant, one account
    at a time. The truth module's reading of the contract, applied to the whole world as the
    loader landed it (times parsed from the files), must give the same truth."""
    derived = derive(landed.records)
    expected = {
        "events": {
            mid: (user, account, attribution, at, event_type, name)
            for mid, user, account, attribution, at, event_type, name in csv.reader(derived.events)
        },
        "memberships": {
            (item.account_id, item.user_id): (
                _iso_ms(item.joined_at),
                "" if item.left_at is None else _iso_ms(item.left_at),
                item.role or "",
            )
            for item in derived.memberships
        },
        "users": {user: _iso_ms(at) for user, at in derived.users.items()},
        "accounts": {group: _iso_ms(at) for group, at in derived.account_first_seen.items()},
    }
    events = {
        row["message_id"]: (
            row["expected_user_id"],
            row["expected_account_id"],
            row["expected_attribution"],
            row["event_at"],
            row["event_type"],
            row["event_name"],
        )
        for row in _truth(world, "events.csv")
    }
    assert events == expected["events"]
    memberships = {
        (row["account_id"], row["user_id"]): (row["joined_at"], row["left_at"], row["role"])
        for row in _truth(world, "memberships.csv")
    }
    assert memberships == expected["memberships"]
    users = {row["user_id"]: row["first_seen_at"] for row in _truth(world, "users.csv")}
    assert users == expected["users"]
    accounts = {row["account_id"]: row["created_at"] for row in _truth(world, "accounts.csv")}
    assert accounts == expected["accounts"]
    revenue = RevenueFold()
    revenue.add(derived.mrr_events, derived.last_event_at)
    monthly = "".join(",".join(row.values()) + "\n" for row in _truth(world, MONTHLY))
    assert monthly == monthly_csv(revenue.rows()) and monthly
    errors = "".join(",".join(row.values()) + "\n" for row in _truth(world, ERRORS))
    assert errors == errors_csv(revenue.errors) and errors


def test_truth_holds_the_corner_cases(world: Path, landed: Landed):
    """Ambiguous and after-leaving events stay unattributed; a removed-then-re-added member is
    one interval; anonymous history goes to the first account."""
    rows = _truth(world, "events.csv")
    valid = landed.messages
    unattributed = [r for r in rows if r["expected_attribution"] == "unattributed"]
    assert any(r["expected_user_id"] == "" for r in unattributed), "never-resolved visitors"
    assert any(r["expected_user_id"] for r in unattributed), "ambiguous or after leaving"
    pre = [r for r in rows if r["expected_attribution"] == "pre_account"]
    assert any(not _present(valid[r["message_id"]].get("userId")) for r in pre)
    memberships = _truth(world, "memberships.csv")
    removals = {(r.group, r.user) for r in landed.records if r.event == "Account Removed User"}
    readded = [r for r in memberships if (r["account_id"], r["user_id"]) in removals]
    assert any(not r["left_at"] for r in readded), "removed, then added again: active"
    assert any(r["left_at"] for r in readded), "removed for good"


def test_volume_is_about_five_hundred_messages_per_account_per_quarter(tmp_path: Path):
    summary = generate(accounts=60, days=30, seed=3, out=tmp_path, progress=False)
    per_account_day = summary.stats["messages_valid"] / 60 / 30
    assert 3.5 < per_account_day < 8.5


# ------------------------------------------------------------------ the rules engine on its own
def _record(
    hhmm: str, kind: str, user=None, anon=None, group=None, event=None, role=None, previous=None
) -> Record:
    moment = datetime.fromisoformat(f"2026-03-02T{hhmm}:00+00:00")
    at = int(moment.timestamp() * 1000)
    mid = f"m{hhmm}"
    return Record(
        at, at, kind, user, anon, previous, group, event, role, mid, {}, MAIN, _iso(moment)
    )


def test_rules_engine_reproduces_the_contract_worked_example():
    records = [
        _record("09:00", "page", anon="a1"),
        _record("10:00", "identify", user="u1", anon="a1"),
        _record("10:01", "track", user="u1", event="Signed Up"),
        _record("10:02", "group", user="u1", group="g1"),
        _record("10:03", "track", user="u1", group="g1", event="Account Created"),
        _record("11:00", "track", user="u2", group="g1", event="Signed Up"),
        _record("11:01", "track", user="u2", group="g1", event="Account Added User", role="viewer"),
        _record("12:00", "group", user="u2", group="g2"),
        _record("12:01", "track", user="u2", group="g2", event="Account Created"),
        _record("13:00", "track", user="u1", event="Task Completed"),
        _record("13:30", "track", user="u2", event="Task Completed"),
        _record("14:00", "track", group="g1", event="Trial Started"),
        _record("15:00", "track", user="u2", group="g1", event="Account Removed User"),
        _record("16:00", "track", user="u2", event="Task Completed"),
    ]
    truth = derive(records)
    attributed = {line.split(",")[0]: tuple(line.split(",")[1:4]) for line in truth.events}
    assert attributed == {
        "m09:00": ("u1", "g1", "pre_account"),
        "m10:01": ("u1", "g1", "pre_account"),
        "m10:03": ("u1", "g1", "explicit"),
        "m11:00": ("u2", "g1", "explicit"),
        "m11:01": ("u2", "g1", "explicit"),
        "m12:01": ("u2", "g2", "explicit"),
        "m13:00": ("u1", "g1", "single_membership"),
        "m13:30": ("u2", "", "unattributed"),
        "m14:00": ("", "g1", "explicit"),
        "m15:00": ("u2", "g1", "explicit"),
        "m16:00": ("u2", "g2", "single_membership"),
    }
    memberships = {
        (m.account_id, m.user_id): (m.joined_at, m.left_at, m.role) for m in truth.memberships
    }
    at = {r.message_id: r.at for r in records}
    assert memberships == {
        ("g1", "u1"): (at["m10:02"], None, "owner"),
        ("g1", "u2"): (at["m11:00"], at["m15:00"], "viewer"),
        ("g2", "u2"): (at["m12:00"], None, "owner"),
    }
    assert truth.users == {"u1": at["m09:00"], "u2": at["m11:00"]}
    assert truth.account_first_seen == {"g1": at["m10:02"], "g2": at["m12:00"]}


def test_rules_engine_refuses_a_world_the_contract_does_not_decide():
    tied = [
        _record("09:00", "identify", user="u1", anon="a1"),
        _record("09:00", "identify", user="u2", anon="a1"),
    ]
    with pytest.raises(AmbiguousWorld):
        derive(tied)
    chain = [
        _record("09:00", "alias", user="u2", previous="u1"),
        _record("09:01", "alias", user="u3", previous="u2"),
    ]
    with pytest.raises(AmbiguousWorld):
        derive(chain)
