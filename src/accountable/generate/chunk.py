"""Write one chunk of accounts: a part file, its batch files, the noise, and its share of the truth.

A chunk is a fixed range of accounts (sized from the arguments, never from `--jobs`), so each part
file has the same bytes whichever process writes it. Noise is drawn from each account's own random
stream after its simulation: duplicate deliveries (later in the same file, or in the final "late"
part), malformed lines of every rejection reason, and the malformed element of a batch file.
"""

from __future__ import annotations

import gzip as gzip_module
import io
from collections import Counter
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path

import orjson

from accountable.generate import catalog as cat
from accountable.generate.account import AccountSim
from accountable.generate.clock import iso
from accountable.generate.plan import WorldPlan, plan_world
from accountable.generate.revenue import RevenueFold
from accountable.generate.truth import Record, Truth, derive

DUPLICATE_RATE = 0.005
MALFORMED_RATE = 0.6e-4  # per kind per message: about 4 malformed lines per 10,000
MALFORMED_KINDS = (
    "invalid_json",
    "not_an_object",
    "missing_type",
    "unknown_type",
    "missing_message_id",
    "missing_identity",
    "missing_timestamp",
    "invalid_id",
    "missing_event",
    "missing_group_id",
    "missing_previous_id",
    "missing_user_id",
    "implausible_timestamp",
)
GZIP_LEVEL = 3
WRITE_BUFFER = 8 << 20


@dataclass(frozen=True, slots=True)
class ChunkTask:
    seed: int
    accounts: int
    start_ms: int
    days: int
    chunk: int
    first: int  # first account index
    stop: int  # one past the last account index
    batch_files: int  # batch files per full chunk (names are chunk * batch_files + j)
    batch_files_here: int  # batch files of this chunk: one per ~100k messages, at least one
    out: str
    gzip: bool


@dataclass(slots=True)
class ChunkResult:
    chunk: int
    accounts: int
    tmp_events: str
    tmp_memberships: str
    tmp_users: str
    tmp_late: str
    account_first_seen: dict[str, int]
    revenue: RevenueFold = field(default_factory=RevenueFold)
    stats: Counter = field(default_factory=Counter)


_WORLD: dict[tuple, WorldPlan] = {}


def world_for(seed: int, accounts: int, start_ms: int, days: int) -> WorldPlan:
    """The world plan, computed once per process (and inherited by forked workers)."""
    key = (seed, accounts, start_ms, days)
    if key not in _WORLD:
        _WORLD.clear()
        _WORLD[key] = plan_world(seed, accounts, start_ms, days)
    return _WORLD[key]


def part_name(number: int, gzip: bool) -> str:
    return f"part-{number:05d}.ndjson" + (".gz" if gzip else "")


def open_part(path: Path, gzip: bool) -> io.BufferedIOBase:
    """A binary writer; gzip members carry no name and no time, so the bytes are reproducible."""
    raw = open(path, "wb", buffering=WRITE_BUFFER)  # noqa: SIM115 - closed by the caller
    if not gzip:
        return raw
    return _ClosingGzip(raw)


class _ClosingGzip(gzip_module.GzipFile):
    def __init__(self, raw: io.BufferedWriter):
        super().__init__(filename="", mode="wb", compresslevel=GZIP_LEVEL, fileobj=raw, mtime=0)
        self._raw = raw

    def close(self) -> None:
        super().close()
        self._raw.close()


def _malformed(kind: str, base: dict, mid: str, variant: int) -> bytes:
    """One line the loader must reject for `kind`, and for nothing else."""
    msg = dict(base)
    msg["messageId"] = mid
    if kind == "invalid_json":
        text = orjson.dumps(msg)
        if variant % 2:
            return text[: max(10, len(text) * 2 // 3)]  # truncated mid-write
        return str(msg).encode()  # a Python repr: single quotes, None
    if kind == "not_an_object":
        return (b"[" + orjson.dumps(msg) + b"]", b'"Task Created"', b"null", b"42")[variant % 4]
    if kind == "missing_type":
        if variant % 2:
            msg["type"] = None
        else:
            del msg["type"]
    elif kind == "unknown_type":
        msg["type"] = ("transaction", "impression", "event", "click")[variant % 4]
    elif kind == "missing_message_id":
        if variant % 3 == 0:
            del msg["messageId"]
        else:
            msg["messageId"] = "" if variant % 3 == 1 else None
    elif kind == "missing_identity":
        for key in ("userId", "anonymousId", "groupId"):
            msg.pop(key, None)
        if variant % 2:
            msg["userId"], msg["anonymousId"] = None, ""
        msg["context"] = {"library": cat.WEB_LIBRARY}
    elif kind == "missing_timestamp":
        for key in ("timestamp", "sentAt", "receivedAt", "originalTimestamp"):
            msg.pop(key, None)
        if variant % 2:
            msg["timestamp"], msg["sentAt"] = "yesterday at noon", ""
    elif kind == "invalid_id":
        msg["userId"] = ({"id": "u-1"}, ["u-1"], True)[variant % 3]
    elif kind == "missing_event":
        msg["event"] = ("", None)[variant % 2]
    elif kind == "missing_group_id":
        msg.pop("event", None)
        msg.update(type="group", userId=msg.get("userId") or "u-1", traits={"plan": "pro"})
        msg.pop("groupId", None)
        msg["context"] = {"library": cat.WEB_LIBRARY}
    elif kind == "missing_previous_id":
        msg.pop("event", None)
        msg.update(type="alias", userId=msg.get("userId") or "u-1")
    elif kind == "missing_user_id":
        msg.pop("event", None)
        msg.update(type="alias", previousId="anon-1", userId=None, anonymousId="anon-1")
    elif kind == "implausible_timestamp":  # a device clock at zero, or a date far ahead
        for key in ("sentAt", "originalTimestamp"):
            msg.pop(key, None)
        msg["timestamp"] = ("1970-01-01T00:00:00.000Z", "9999-12-31T00:00:00.000Z")[variant % 2]
    return orjson.dumps(msg)


def _tally(records: list[Record], stats: Counter) -> None:
    """Messages by type, for the summary (finer proportions are cheaper to get from the files)."""
    stats.update(map(attrgetter("type"), records))


@dataclass(slots=True)
class _Noise:
    inserts: list[tuple[int, bytes]]  # (index in the account's lines, line)
    late: list[bytes]  # for the final late-deliveries part
    pending: list[tuple[int, bytes]]  # (position of the account after which it comes, line)


def _noise(
    lines: list[bytes], records: list[Record], sim: AccountSim, position: int, stats: Counter
) -> _Noise:
    """Duplicate deliveries of some of an account's lines, and malformed lines of every kind."""
    rng = sim.rng
    noise = _Noise([], [], [])
    count = len(lines)
    chosen = int(rng.expovariate(DUPLICATE_RATE))
    while chosen < count:  # the same bytes again, later: in this file or in the last one
        draw = rng.random()
        if draw < 0.2:
            noise.late.append(lines[chosen])
            stats["duplicates_late_file"] += 1
        elif draw < 0.5:
            noise.pending.append((position + rng.randint(1, 3), lines[chosen]))
            stats["duplicates_same_file"] += 1
        else:
            noise.inserts.append((rng.randint(chosen + 1, count), lines[chosen]))
            stats["duplicates_same_file"] += 1
        chosen += 1 + int(rng.expovariate(DUPLICATE_RATE))
    base = next(record.message for record in records if record.type == "track")
    for number, kind in enumerate(MALFORMED_KINDS):  # the first account of a file has them all
        if position == 0 or rng.random() < count * MALFORMED_RATE:
            line = _malformed(kind, base, f"bad-{sim.mid_prefix}{number}", rng.randrange(12))
            noise.inserts.append((rng.randint(0, count), line))
            stats[f"malformed_{kind}"] += 1
    return noise


def _write_truth(
    truth: Truth, events, memberships, users, result: ChunkResult, stats: Counter
) -> None:
    first_seen = result.account_first_seen
    events.writelines(truth.events)
    memberships.writelines(
        f"{item.account_id},{item.user_id},{iso(item.joined_at)},"
        f"{'' if item.left_at is None else iso(item.left_at)},{item.role or ''}\n"
        for item in truth.memberships
    )
    users.writelines(f"{user},{iso(at)}\n" for user, at in truth.users.items())
    for group, at in truth.account_first_seen.items():
        if at < first_seen.get(group, at + 1):
            first_seen[group] = at
    for name, value in truth.attribution_counts.items():
        stats[f"attribution_{name}"] += value
    stats["users"] += len(truth.users)
    stats["memberships"] += len(truth.memberships)
    result.revenue.add(truth.mrr_events, truth.last_event_at)
    stats.update(f"mrr_event_{item.event_name}" for item in truth.mrr_events)
    stats.update(f"mrr_error_{item.reason}" for item in truth.mrr_events if item.reason)


def run_chunk(task: ChunkTask) -> ChunkResult:
    """Simulate and write the accounts [first, stop) of one chunk."""
    world = world_for(task.seed, task.accounts, task.start_ms, task.days)
    out = Path(task.out)
    tmp = out / ".tmp"
    stem = f"{task.chunk:05d}"
    result = ChunkResult(
        chunk=task.chunk,
        accounts=task.stop - task.first,
        tmp_events=str(tmp / f"events-{stem}.csv"),
        tmp_memberships=str(tmp / f"memberships-{stem}.csv"),
        tmp_users=str(tmp / f"users-{stem}.csv"),
        tmp_late=str(tmp / f"late-{stem}.ndjson"),
        account_first_seen={},
    )
    stats = result.stats
    size = task.stop - task.first
    batch_files = min(task.batch_files_here, task.batch_files, size)
    donors = {task.first + j * size // batch_files: j for j in range(batch_files)}
    pending: list[tuple[int, bytes]] = []  # duplicates waiting for a later account of the file
    dumps = orjson.dumps
    with (
        open_part(out / part_name(task.chunk, task.gzip), task.gzip) as part,
        open(result.tmp_events, "w", buffering=WRITE_BUFFER) as events,
        open(result.tmp_memberships, "w") as memberships,
        open(result.tmp_users, "w") as users,
        open(result.tmp_late, "wb") as late,
    ):
        for position, index in enumerate(range(task.first, task.stop)):
            sim = AccountSim(world, index, batch_donor=index in donors)
            records, batch = sim.run()
            truth = derive(records + batch)
            lines = [dumps(record.message) for record in records]

            noise = _noise(lines, records, sim, position, stats)
            for at, line in sorted(noise.inserts, key=lambda item: -item[0]):
                lines.insert(at, line)
            late.writelines(line + b"\n" for line in noise.late)
            pending.extend(noise.pending)
            lines.extend(line for release, line in pending if release <= position)
            pending = [item for item in pending if item[0] > position]
            if position == 0:
                lines.insert(len(lines) // 2, b"")  # a blank line: skipped, not counted
            part.write(b"\n".join(lines) + b"\n")

            if batch:
                number = task.chunk * task.batch_files + donors[index]
                _write_batch(out / f"batch-{number:05d}.json", batch, sim, sim.rng.randrange(12))
                stats["batch_files"] += 1
                stats["batch_elements"] += len(batch)
                stats["malformed_batch_element"] += 1
            _tally(records, stats)
            _tally(batch, stats)
            stats["messages_valid"] += len(records) + len(batch)
            _write_truth(truth, events, memberships, users, result, stats)
        if pending:
            part.write(b"\n".join(line for _, line in pending) + b"\n")
    return result


def _write_batch(path: Path, batch: list[Record], sim: AccountSim, variant: int) -> None:
    """A /v1/batch body: batch-level `sentAt` and `context` fill what the elements lack."""
    elements: list = [record.message for record in batch]
    first = batch[0]
    identity = (
        {"userId": first.user} if first.user else {"anonymousId": first.message["anonymousId"]}
    )
    bad = {"type": "track", "event": cat.TASK_CREATED, **identity}
    bad["timestamp"] = first.message["timestamp"]
    if variant % 2:
        elements.insert(len(elements) // 2, "not an object")
    else:
        elements.insert(len(elements) // 2, bad)  # no messageId
    body = {"batch": elements, "sentAt": sim.batch_sent_at, "context": {"library": cat.WEB_LIBRARY}}
    # one compact line, as an HTTP client sends it, or pretty-printed, as someone saved it
    option = orjson.OPT_INDENT_2 if variant % 3 == 0 else 0
    path.write_bytes(orjson.dumps(body, option=option) + b"\n")
