"""The people and devices of a simulated account: names, anonymous ids, clocks, memberships."""

from __future__ import annotations

import random
import uuid
import zlib

from accountable.generate import catalog as cat
from accountable.generate.clock import DAY_MS, MINUTE_MS, iso, iso_offset


def crc(text: str) -> int:
    return zlib.crc32(text.encode())


def company(seed: int, index: int) -> tuple[str, str]:
    """(name, email domain) of an account, a pure function so any process can name any account."""
    h = crc(f"{seed}:company:{index}")
    first = cat.COMPANY_FIRST[h % len(cat.COMPANY_FIRST)]
    second = cat.COMPANY_SECOND[(h >> 8) % len(cat.COMPANY_SECOND)]
    suffix = cat.COMPANY_SUFFIX[(h >> 16) % len(cat.COMPANY_SUFFIX)]
    return f"{first} {second} {suffix}", f"{first}{second}{index}.example".lower()


def person(seed: int, home: int, member: int) -> tuple[str, str]:
    """(name, email) of member `member` of account `home`; emails are unique by construction."""
    h = crc(f"{seed}:person:{home}:{member}")
    first = cat.FIRST_NAMES[h % len(cat.FIRST_NAMES)]
    last = cat.LAST_NAMES[(h >> 8) % len(cat.LAST_NAMES)]
    _, domain = company(seed, home)
    return f"{first} {last}", f"{first}.{last}.{home}-{member}@{domain}".lower()


class Device:
    """A browser or phone: one anonymous id, one clock (maybe wrong), one way of writing time."""

    __slots__ = ("anon", "skew", "fmt", "archive", "context", "by_group", "mobile", "blank_anon")

    def __init__(self, rng: random.Random, *, mobile: bool, forced: frozenset[str] = frozenset()):
        self.anon = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        self.mobile = mobile
        draw = rng.random()
        if "skewed_device" in forced or draw < 0.04:  # minutes to days off, either way
            self.skew = int(rng.choice((-1, 1)) * rng.uniform(0.02, 3.0) * DAY_MS)
        elif draw < 0.20:
            self.skew = int(rng.choice((-1, 1)) * rng.uniform(1, 45) * MINUTE_MS)
        else:
            self.skew = rng.randint(-1500, 1500)
        self.archive = "archive_device" in forced or rng.random() < 0.03
        if "offset_device" in forced or rng.random() < 0.03:
            offset = rng.choice(cat.OFFSETS)
            self.fmt = lambda ms: iso_offset(ms, offset)
        else:
            self.fmt = iso
        self.blank_anon = rng.random() < 0.05  # sends "anonymousId": null or "" once identified
        if mobile:
            self.context = {
                "library": cat.IOS_LIBRARY,
                "device": {"type": "ios", "model": rng.choice(("iPhone15,2", "iPhone16,1"))},
                "os": {"name": "iOS", "version": "17.5"},
                "ip": f"198.51.100.{rng.randrange(1, 255)}",
            }
        else:
            self.context = {
                "library": cat.WEB_LIBRARY,
                "userAgent": rng.choice(cat.USER_AGENTS),
                "locale": rng.choice(cat.LOCALES),
                "ip": f"203.0.113.{rng.randrange(1, 255)}",
            }
        self.by_group: dict[str, dict] = {}

    def group_context(self, group: str) -> dict:
        context = self.by_group.get(group)
        if context is None:
            context = self.by_group[group] = {"groupId": group, **self.context}
        return context


class Stint:
    """A planned presence of a person in an account (the truth is derived from messages, not
    from this)."""

    __slots__ = ("index", "group", "joined", "removed", "readded", "role", "until", "weight")

    def __init__(self, index: int, group: str, joined: int, until: int, role: str | None):
        self.index = index
        self.group = group
        self.joined = joined
        self.until = until  # the end of the period, or the account's churn
        self.role = role
        self.removed: int | None = None
        self.readded: int | None = None
        self.weight = 3.0

    def present(self, moment: int) -> bool:
        if moment < self.joined or moment >= self.until:
            return False
        if self.removed is None or moment < self.removed:
            return True
        return self.readded is not None and moment >= self.readded


class Person:
    """Someone whose home is this account: ids, devices, how much they use the product, and
    where they are a member."""

    __slots__ = (
        "member", "uid", "name", "email", "legacy", "migrated", "web", "phone", "phone_from",
        "phone_ready", "rate", "dormant", "stints", "tz",
    )  # fmt: skip

    def __init__(self, member: int, uid: str, name: str, email: str):
        self.member, self.uid, self.name, self.email = member, uid, name, email
        self.legacy: str | None = None  # the old user id, used until `migrated`
        self.migrated = 0
        self.web: Device | None = None
        self.phone: Device | None = None
        self.phone_from = 0
        self.phone_ready = False
        self.rate = 0.0
        self.dormant: int | None = None
        self.stints: list[Stint] = []
        self.tz = 0

    def uid_at(self, moment: int) -> str:
        return self.legacy if self.legacy is not None and moment < self.migrated else self.uid

    def server_only(self, moment: int) -> bool:
        """Before the migration, a legacy person is only tracked by the backend."""
        return self.legacy is not None and moment < self.migrated
