"""The world plan: which accounts exist, when they start and churn, who joins them and when, and
which people are guests in other accounts.

The plan is cheap and derived from the seed alone, so every worker process computes the same plan
and can simulate any account without seeing the messages of the others. This is what makes the
output independent of `--jobs`: a person's cross-account memberships are known to the simulation
of their home account, which emits all of that person's messages.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from accountable.generate.catalog import (
    CHURN_RATE,
    PLAN_WEIGHTS,
    PLANS,
    ROLE_WEIGHTS,
    ROLES,
    TEAM_SIZE,
    TIMEZONES,
)
from accountable.generate.clock import DAY_MS, HOUR_MS, MINUTE_MS, weekday

# Rare behaviours that small worlds must still show: feature number k is forced on account
# k % accounts (and happens at random elsewhere).
FEATURES = (
    "alias_only",  # the owner's anonymous history is stitched by an alias only
    "legacy_id",  # a person first tracked under an old user id, later aliased to a new one
    "shared_device",  # an invitee signs up on the owner's browser
    "guest",  # a member is invited into a second account
    "consultant",  # a member is a guest in two more accounts
    "removal",  # a member is removed and keeps browsing
    "readd",  # a member is removed and added again later
    "role_change",  # a member's role changes
    "domain_join",  # a member joins by a group call only (no role)
    "abandoned_signup",  # someone signs up and never joins an account
    "mobile",  # a member uses the mobile app (screens)
    "archive_device",  # a device replayed from an archive (originalTimestamp)
    "offset_device",  # a device writing +02:00-style timestamps
    "skewed_device",  # a device clock days off
    "churn",  # a paying account cancels and goes quiet
    "trial_lost",  # a trial that never converts: the account never pays
    "seat_addon",  # a paying account buys more seats
    "upgrade",  # a paying account moves to a higher plan
    "downgrade",  # a paying account moves to a lower plan
    "cancel_comeback",  # a paying account cancels, keeps the free plan, and pays again later
    "brief_subscription",  # an account starts paying and cancels within days, the same month
    "string_amounts",  # the billing integration sends amounts as strings ("49.00")
    "tied_changes",  # two subscription changes sent at the same instant
    "bad_amounts",  # events with an amount missing, not a number, or negative
)
FORCED_ACCOUNT_MIN_MEMBERS = 4
BILLING_STORIES = frozenset(FEATURES[FEATURES.index("seat_addon") : FEATURES.index("bad_amounts")])
"""Forced billing stories that need the account to stay for the whole period."""


def forced_features(index: int, accounts: int) -> frozenset[str]:
    """The features forced on an account so that every world shows every case."""
    return frozenset(name for k, name in enumerate(FEATURES) if k % accounts == index)


def account_id(index: int) -> str:
    return f"acc_{index:06d}"


def user_id(home: int, member: int) -> str:
    return f"usr_{home:06d}{member:03d}"


@dataclass(frozen=True, slots=True)
class AccountPlan:
    index: int
    account_id: str
    plan: str  # the plan the account starts on
    created_ms: int
    churn_ms: int | None  # when the account cancels and goes quiet
    tz_minutes: int
    member_joins: tuple[int, ...]  # home members' join times, owner first
    forced: frozenset[str]


@dataclass(frozen=True, slots=True)
class GuestPlan:
    """A person of account `home` (member number `member`) who joins account `target`."""

    home: int
    member: int
    target: int
    joined_ms: int
    role: str | None  # None: joins by a group call only
    removed_ms: int | None
    readded_ms: int | None


@dataclass(frozen=True, slots=True)
class WorldPlan:
    seed: int
    start_ms: int
    end_ms: int
    accounts: tuple[AccountPlan, ...]
    guests_out: dict[int, tuple[GuestPlan, ...]]  # by home account
    guests_in: dict[int, tuple[GuestPlan, ...]]  # by target account

    def live_until(self, index: int) -> int:
        """The end of the period, or earlier when the account churns."""
        churn = self.accounts[index].churn_ms
        return self.end_ms if churn is None else min(churn, self.end_ms)


def _weighted(rng: random.Random, names: tuple[str, ...], weights: tuple[float, ...]) -> str:
    return rng.choices(names, weights)[0]


def _plan_account(seed: int, index: int, accounts: int, start_ms: int, days: int) -> AccountPlan:
    rng = random.Random(f"accountable:{seed}:plan:{index}")
    forced = forced_features(index, accounts)
    end_ms = start_ms + days * DAY_MS
    plan = _weighted(rng, PLANS, PLAN_WEIGHTS)
    if "churn" in forced:
        plan = "enterprise"
    tz_minutes = rng.choice(TIMEZONES)
    # Sign-ups come all through the period, fewer at weekends; forced accounts early enough to
    # leave room for their story.
    spread = 0.4 if forced else 0.85
    day = int(rng.random() * spread * days)
    if weekday(start_ms + day * DAY_MS) >= 5 and rng.random() < 0.7:
        day = int(rng.random() * spread * days)
    local_hour = 8 + rng.random() * 10
    created = start_ms + day * DAY_MS + int(local_hour * HOUR_MS) - tz_minutes * MINUTE_MS
    created = max(created, start_ms + 30 * MINUTE_MS)

    churn_ms = None
    if "churn" in forced:
        churn_ms = created + int((end_ms - created) * rng.uniform(0.5, 0.75))
    elif rng.random() < CHURN_RATE[plan] and not forced & BILLING_STORIES:
        candidate = created + int(rng.uniform(7, 60) * DAY_MS)
        churn_ms = candidate if candidate < end_ms - DAY_MS else None

    low, high = TEAM_SIZE[plan]
    size = rng.randint(low, high)
    if rng.random() < 0.3:  # a growing account
        size += rng.randint(2, 8)
    if forced:
        size = max(size, FORCED_ACCOUNT_MIN_MEMBERS)
    live_until = (end_ms if churn_ms is None else min(churn_ms, end_ms)) - 2 * HOUR_MS
    joins = []
    for member in range(1, size):
        if member <= 3 and (forced or rng.random() < 0.7):
            gap = rng.uniform(0.05, 3.0 if forced else 4.0)  # the first teammates, in days
        else:
            gap = rng.expovariate(1 / 20)
        joined = created + max(HOUR_MS, int(gap * DAY_MS))
        if joined < live_until:
            joins.append(joined)
    joins.sort()
    return AccountPlan(
        index=index,
        account_id=account_id(index),
        plan=plan,
        created_ms=created,
        churn_ms=churn_ms,
        tz_minutes=tz_minutes,
        member_joins=(created, *joins),
        forced=forced,
    )


def _plan_guests(world: WorldPlan, home: AccountPlan) -> list[GuestPlan]:
    """Pick, for some member of `home`, other accounts they are invited into."""
    count = len(world.accounts)
    if count < 2:
        return []
    rng = random.Random(f"accountable:{world.seed}:guests:{home.index}")
    draw = rng.random()
    if "consultant" in home.forced and count >= 3:
        targets_wanted = 2
    elif "guest" in home.forced:
        targets_wanted = 1
    else:
        targets_wanted = 2 if draw < 0.012 else 1 if draw < 0.07 else 0
    if not targets_wanted:
        return []
    member = rng.randrange(len(home.member_joins))
    guests: list[GuestPlan] = []
    used = {home.index}
    tries = 40 if home.forced else 8
    for _ in range(tries):
        if len(guests) == targets_wanted:
            break
        target = world.accounts[rng.randrange(count)]
        if target.index in used:
            continue
        low = max(home.member_joins[member], target.created_ms) + DAY_MS
        high = world.live_until(target.index) - DAY_MS
        if low >= high:
            continue
        joined = low + int(rng.random() * min(high - low, 20 * DAY_MS))
        role = None if rng.random() < 0.1 else _weighted(rng, ROLES, ROLE_WEIGHTS)
        removed = readded = None
        # a guest is removed now and then (forced for the first guest of a "guest" account)
        wants_removal = rng.random() < 0.2 or ("guest" in home.forced and not guests)
        if wants_removal and high - joined > 4 * DAY_MS:
            removed = joined + int(rng.uniform(2 * DAY_MS, high - joined - DAY_MS))
            if rng.random() < 0.35 and high - removed > 2 * DAY_MS:
                readded = removed + int(rng.uniform(DAY_MS, high - removed - HOUR_MS))
        guests.append(GuestPlan(home.index, member, target.index, joined, role, removed, readded))
        used.add(target.index)
    return guests


def plan_world(seed: int, accounts: int, start_ms: int, days: int) -> WorldPlan:
    """The whole world's plan; a few microseconds per account."""
    plans = tuple(_plan_account(seed, index, accounts, start_ms, days) for index in range(accounts))
    world = WorldPlan(seed, start_ms, start_ms + days * DAY_MS, plans, {}, {})
    for home in plans:
        guests = _plan_guests(world, home)
        if guests:
            world.guests_out[home.index] = tuple(guests)
            for guest in guests:
                world.guests_in[guest.target] = (*world.guests_in.get(guest.target, ()), guest)
    return world
