"""The contract's semantics (CONTRACT.md section 3), applied to the messages the simulation emitted.

The truth files say what a correct warehouse must show for the generated files, so they are
derived from the emitted messages with the contract's rules, not read off the plan: whatever the
simulation happened to do, the truth follows. Every person's messages are emitted by the simulation
of their home account, so one account's records are a closed world for identity, memberships and
attribution; only account creation times are merged across accounts (guests carry the group ids
of other accounts). MRR events are read off once attributed; revenue.py turns them into the
monthly revenue truth when the whole world's months are known.

Where the contract leaves a case open (two users tied as the earliest holder of an anonymous id,
an alias chain, two removals without a re-add in between), the simulation must not produce it:
`derive` raises `AmbiguousWorld` rather than write a truth that a correct model could contradict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from accountable.generate.revenue import REVENUE_EVENTS, MrrEvent, mrr_event

MAIN, BATCH = 0, 1
"""Where a record's message goes: the NDJSON parts or a batch file."""


class Record(NamedTuple):
    """One emitted, valid message (duplicates and malformed lines are not records), with what
    the truth needs of it. Times are epoch milliseconds."""

    at: int
    """When it happened (the contract's event_at: the device's skew undone)."""
    received: int
    """When the server received it: the order messages are written in."""
    type: str
    user: str | None
    anonymous_id: str | None
    previous_id: str | None
    group: str | None
    """The group id it carries (a group call's, or context.groupId)."""
    event: str | None
    role: str | None
    message_id: str
    message: dict
    destination: int
    """MAIN or BATCH."""
    at_text: str
    """`at` as ISO-8601, as the truth files write it."""


EVENT_TYPES = frozenset(("track", "page", "screen"))
ATTRIBUTIONS = ("explicit", "single_membership", "pre_account", "unattributed")

ACCOUNT_CREATED = "Account Created"
ACCOUNT_ADDED_USER = "Account Added User"
ACCOUNT_REMOVED_USER = "Account Removed User"


class AmbiguousWorld(AssertionError):
    """The simulation emitted a case the contract does not decide; the generator has a bug."""


def event_at(
    timestamp: int | None, original: int | None, sent: int | None, received: int | None
) -> int:
    """The moment an event happened, per the contract: trust corrected archives, else undo the
    sending device's clock skew with the server's receive time, else take what is there."""
    if original is not None and timestamp is not None:
        return timestamp
    if timestamp is not None and sent is not None and received is not None:
        return received - (sent - timestamp)
    for value in (timestamp, received, sent):
        if value is not None:
            return value
    raise AmbiguousWorld("a valid message needs a timestamp")


@dataclass(slots=True)
class Membership:
    account_id: str
    user_id: str
    joined_at: int
    left_at: int | None
    role: str | None

    def active_at(self, moment: int) -> bool:
        return self.joined_at <= moment and (self.left_at is None or moment < self.left_at)


@dataclass(slots=True)
class Truth:
    """What one account's simulation contributes to the truth files."""

    events: list[str]  # CSV lines of events.csv
    memberships: list[Membership]
    users: dict[str, int]  # user_id -> first_seen_at
    account_first_seen: dict[str, int]  # group id -> earliest message carrying it
    attribution_counts: dict[str, int]
    mrr_events: list[MrrEvent] = field(default_factory=list)  # in record order
    last_event_at: int | None = None  # the latest event_at of a track, page or screen


def _identity(records: list[Record]) -> tuple[dict[str, str], dict[str, str]]:
    """(aliases: previous id -> user id, anonymous id -> user id), both already resolved."""
    aliases: dict[str, str] = {}
    earliest: dict[str, tuple[int, str]] = {}
    for record in records:
        user = record.user
        if user is None:
            continue
        if record.type == "alias":
            previous = record.previous_id
            if aliases.setdefault(previous, user) != user:
                raise AmbiguousWorld(f"{previous} aliased to two users")
        anon = record.anonymous_id
        if anon is None:
            continue
        seen = earliest.get(anon)
        if seen is None or record.at < seen[0]:
            earliest[anon] = (record.at, user)
        elif record.at == seen[0] and user != seen[1]:
            raise AmbiguousWorld(f"{anon} first seen with two users at the same moment")
    for previous, user in aliases.items():
        if user in aliases:
            raise AmbiguousWorld(f"alias chain {previous} -> {user} -> {aliases[user]}")
    anonymous = {anon: aliases.get(user, user) for anon, (_, user) in earliest.items()}
    for previous, user in aliases.items():
        if anonymous.setdefault(previous, user) != user:
            raise AmbiguousWorld(f"{previous} stitched by alias and identify to different users")
    return aliases, anonymous


class _Pair:
    """What the messages of one (account, user) pair say about the membership."""

    __slots__ = ("joined", "removals", "readds", "role_at", "role", "created")

    def __init__(self, at: int):
        self.joined = at
        self.removals: list[int] = []
        self.readds: list[int] = []
        self.role_at = -1
        self.role: str | None = None
        self.created = False

    def membership(self, group: str, user: str) -> Membership:
        left_at = None
        if self.removals:
            removed = sorted(self.removals)
            # every removal but the last must be undone by a re-add before the next removal
            for earlier, later in zip(removed, removed[1:], strict=False):
                if not any(earlier < moment < later for moment in self.readds):
                    raise AmbiguousWorld(f"two removals of {user} from {group}, no re-add between")
            if not any(moment > removed[-1] for moment in self.readds):
                left_at = removed[-1]
        role = self.role if self.role is not None else "owner" if self.created else None
        return Membership(group, user, self.joined, left_at, role)


def derive(records: list[Record]) -> Truth:
    """Apply the contract's rules to one closed world of records (in output order)."""
    aliases, anonymous = _identity(records)
    users: list[str | None] = []
    first_seen: dict[str, int] = {}
    account_first_seen: dict[str, int] = {}
    pairs: dict[tuple[str, str], _Pair] = {}
    removed_only: dict[tuple[str, str], list[int]] = {}
    for record in records:
        user = record.user
        if user is not None:
            user = aliases.get(user, user)
        elif record.anonymous_id is not None:
            user = anonymous.get(record.anonymous_id)
        users.append(user)
        at = record.at
        if user is not None and at < first_seen.get(user, at + 1):
            first_seen[user] = at
        group = record.group
        if group is None:
            continue
        if at < account_first_seen.get(group, at + 1):
            account_first_seen[group] = at
        if user is None:
            continue
        key = (group, user)
        event = record.event
        if event == ACCOUNT_REMOVED_USER:
            removed_only.setdefault(key, []).append(at)
            continue
        pair = pairs.get(key)
        if pair is None:
            pair = pairs[key] = _Pair(at)
        elif at < pair.joined:
            pair.joined = at
        if event == ACCOUNT_ADDED_USER or record.type == "group":
            pair.readds.append(at)
            role = record.role
            if role is not None and event == ACCOUNT_ADDED_USER:
                if at > pair.role_at:
                    pair.role_at, pair.role = at, role
                elif at == pair.role_at and role != pair.role:
                    raise AmbiguousWorld(f"two roles at the same moment for {key}")
        elif event == ACCOUNT_CREATED:
            pair.created = True
    for key, moments in removed_only.items():
        if key not in pairs:
            raise AmbiguousWorld(f"removal of {key} who never joined")
        pairs[key].removals = moments

    memberships = sorted(
        (pair.membership(*key) for key, pair in pairs.items()),
        key=lambda item: (item.account_id, item.user_id),
    )
    by_user: dict[str, list[Membership]] = {}
    for membership in memberships:
        by_user.setdefault(membership.user_id, []).append(membership)
    first_account = {
        user: min(items, key=lambda item: (item.joined_at, item.account_id))
        for user, items in by_user.items()
    }

    counts = dict.fromkeys(ATTRIBUTIONS, 0)
    events: list[str] = []
    mrr_events: list[MrrEvent] = []
    last_event_at: int | None = None
    for record, user in zip(records, users, strict=True):
        if record.type not in EVENT_TYPES:
            continue
        at = record.at
        group = record.group
        if group is not None:
            attribution, account = "explicit", group
        elif user is None:
            attribution, account = "unattributed", ""
        else:
            held = by_user.get(user, ())
            active = [item for item in held if item.active_at(at)]
            if len(active) == 1:
                attribution, account = "single_membership", active[0].account_id
            elif not active and held and at < first_account[user].joined_at:
                attribution, account = "pre_account", first_account[user].account_id
            else:
                attribution, account = "unattributed", ""
        counts[attribution] += 1
        events.append(
            f"{record.message_id},{user or ''},{account},{attribution},{record.at_text},"
            f"{record.type},{record.event or ''}\n"
        )
        if last_event_at is None or at > last_event_at:
            last_event_at = at
        if account and record.type == "track" and record.event in REVENUE_EVENTS:
            mrr_events.append(
                mrr_event(
                    account, at, record.message_id, record.event, record.message, record.at_text
                )
            )
    return Truth(
        events, memberships, first_seen, account_first_seen, counts, mrr_events, last_event_at
    )
