"""Simulate one account: its people, their devices, sessions and lifecycle, as Segment messages.

An `AccountSim` emits every message of the people whose home is this account (including what
they do as guests in other accounts), the account-level server events, the invitations its
members send, and a few anonymous visitors of the marketing site. Each account has its own seeded
`random.Random`, so its messages do not depend on which process simulates it, or in which order.

Messages are kept as records (see `truth.py` for the fields): the message dict to serialize, plus
the few ids and times the truth needs, so nothing has to be parsed back.
"""

from __future__ import annotations

import random
import uuid
from bisect import bisect
from operator import attrgetter

from accountable.generate import catalog as cat
from accountable.generate.billing import Billing
from accountable.generate.clock import (
    DAY_MS,
    HOUR_MS,
    MINUTE_MS,
    weekday,
)
from accountable.generate.messages import PAGE_PROPERTIES, Messages
from accountable.generate.people import Device, Person, Stint, company, crc, person
from accountable.generate.plan import AccountPlan, GuestPlan, WorldPlan, user_id
from accountable.generate.truth import (
    ACCOUNT_CREATED,
    Record,
)

APP_PAGE_CUMULATIVE = [
    sum(cat.APP_PAGE_WEIGHTS[: n + 1]) / sum(cat.APP_PAGE_WEIGHTS)
    for n in range(len(cat.APP_PAGES))
]

# Knob: sessions per person per working day, by engagement; tuned for about 500 messages per
# account over 90 days.
ENGAGEMENT = ((0.2, 1.25), (0.45, 0.66), (0.35, 0.24))


class AccountSim(Messages, Billing):
    """Emit the messages of one account's world; `run` returns the records, arrival-ordered."""

    def __init__(self, world: WorldPlan, index: int, *, batch_donor: bool = False):
        self.world = world
        self.plan: AccountPlan = world.accounts[index]
        self.index = index
        self.group = self.plan.account_id
        self.seed = world.seed
        self.rng = random.Random(f"accountable:{world.seed}:account:{index}")
        self.forced = self.plan.forced
        self.batch_donor = batch_donor
        self.records: list[Record] = []
        self.batch: list[Record] = []
        self.batch_sent_at = ""
        self.counter = 0
        # unique across accounts (index) and, in practice, across seeds (a 32-bit seed tag)
        self.mid_prefix = f"{crc(f'{world.seed}:ids'):08x}-{index:06x}-"
        self.name, self.domain = company(world.seed, index)
        self.tasks = 0
        self.projects = 0
        self.live_until = world.live_until(index)
        self.end = world.end_ms
        self.server_context = {"library": cat.SERVER_LIBRARY}
        self.server_group_context: dict[str, dict] = {}
        self.people: list[Person] = []
        # the subscription (billing.py): the plan paid for (None: not paying), seats, pricing
        self.current: str | None = None
        self.previous_plan = "team"
        self.seats = 0
        self.price_factor = 1.0
        self.amount_as_text = False

    # ---------------------------------------------------------------- the story
    def run(self) -> tuple[list[Record], list[Record]]:
        """(records for the NDJSON parts in arrival order, records for a batch file)."""
        self._people()
        self._owner_signs_up(self.people[0])
        for p in self.people[1:]:
            self._member_joins(p)
        self._billing()
        for guest in self.world.guests_in.get(self.index, ()):
            self._invite_guest(guest)
        for p in self.people:
            self._guest_memberships(p)
            self._removal_and_role(p)
            self._activity(p)
        self._anonymous_visitors()
        if "abandoned_signup" in self.forced or self.rng.random() < 0.03:
            self._abandoned_signup()
        if self.batch_donor:
            self._batch_session()
        self.records.sort(key=attrgetter("received"))
        return self.records, self.batch

    def _people(self) -> None:
        rng = self.rng
        plan = self.plan
        members = len(plan.member_joins)
        legacy_member = -1
        if "legacy_id" in self.forced or rng.random() < 0.04:
            legacy_member = rng.randrange(members)
        for member, joined in enumerate(plan.member_joins):
            name, email = person(self.seed, self.index, member)
            p = Person(member, user_id(self.index, member), name, email)
            p.tz = plan.tz_minutes
            forced_here = self.forced if member == 0 else frozenset()
            p.web = Device(rng, mobile=False, forced=forced_here)
            if member == legacy_member and self.live_until - joined > 3 * DAY_MS:
                p.legacy = email  # the old system keyed people by email
                p.migrated = joined + int(rng.uniform(DAY_MS, self.live_until - joined - DAY_MS))
            if ("mobile" in self.forced and member == 0) or rng.random() < 0.2:
                p.phone = Device(rng, mobile=True)
                p.phone_from = joined + int(rng.uniform(0.1, 20) * DAY_MS)
            draw = rng.random()
            cumulative = 0.0
            for share, rate in ENGAGEMENT:
                cumulative += share
                if draw < cumulative:
                    p.rate = rate
                    break
            if member == 0:
                p.rate = max(p.rate, 0.55)
            if rng.random() < 0.25:
                p.dormant = joined + int(rng.expovariate(1 / 25) * DAY_MS)
            if member == 0:
                role = "owner"
            elif self.forced:  # small worlds still show every role
                role = cat.ROLES[(member + self.index) % len(cat.ROLES)]
            else:
                role = self._role()
            p.stints.append(Stint(self.index, self.group, joined, self.live_until, role))
            self.people.append(p)

    def _role(self) -> str:
        return self.rng.choices(cat.ROLES, cat.ROLE_WEIGHTS)[0]

    def _marketing_visit(self, dev: Device, user: str | None, at: int) -> None:
        rng = self.rng
        for _ in range(rng.randint(1, 4)):
            self._page(dev, user, at, rng.choice(cat.MARKETING_PAGES), None)
            at += 4_000 + rng.getrandbits(16)
        if user is None and rng.random() < 0.2:
            event = rng.choice(cat.ANONYMOUS_TRACKS)
            msg = self._client(dev, None, at, "track", None, event)
            msg["event"] = event
            msg["properties"] = {"location": rng.choice(("hero", "pricing_table", "footer"))}

    def _owner_signs_up(self, p: Person) -> None:
        rng = self.rng
        at = self.plan.created_ms
        traits = {
            "name": self.name,
            "plan": self.plan.plan,
            "industry": rng.choice(cat.INDUSTRIES),
            "employees": rng.choice((3, 8, 15, 40, 120, 350, 1200)),
        }
        dev = p.web
        if not p.server_only(at):
            start = self.world.start_ms
            for _ in range(rng.choice((0, 1, 1, 2, 3))):
                visit = at - int(rng.uniform(0.01, 14) * DAY_MS)
                if visit > start:
                    self._marketing_visit(dev, None, visit)
            self._page(dev, None, at - 40_000, ("Sign Up", "/signup"), None)
            if "alias_only" in self.forced or rng.random() < 0.04:
                # the backend aliases the visitor; the app then starts a fresh anonymous id
                self._alias(dev.anon, p.uid, at)
                dev.anon = str(uuid.UUID(int=rng.getrandbits(128), version=4))
                self._identify(p, dev, at + 1_000)
            else:
                self._identify(p, dev, at)
        else:
            self._identify(p, None, at)
        method = rng.choice(("email", "google", "github"))
        self._track(p, dev, at + 2_000, "Signed Up", None, {"method": method})
        self._group(p, dev, at + 20_000, self.group, traits)
        self._track(p, None, at + 21_000, ACCOUNT_CREATED, self.group, {"plan": self.plan.plan})
        self._onboarding(p, at + 60_000)

    def _onboarding(self, p: Person, at: int) -> None:
        """The owner's first minutes: a project, a few tasks."""
        rng = self.rng
        dev = p.web
        if p.server_only(at) or at >= self.end:
            return
        self._page(dev, p.uid, at, cat.APP_PAGES[0], self.group)
        self.projects += 1
        project = {
            "project_id": f"prj_{self.index}_{self.projects}",
            "template": rng.random() < 0.4,
        }
        self._track(p, dev, at + 30_000, cat.PROJECT_CREATED, self.group, project)
        for step in range(rng.randint(1, 4)):
            self.tasks += 1
            task = {
                "task_id": f"tsk_{self.index}_{self.tasks}",
                "project_id": project["project_id"],
            }
            self._track(p, dev, at + 60_000 + step * 25_000, cat.TASK_CREATED, self.group, task)

    def _member_joins(self, p: Person) -> None:
        rng = self.rng
        owner = self.people[0]
        joined = p.stints[0].joined
        domain_join = ("domain_join" in self.forced and p.member == 1) or rng.random() < 0.05
        role = None if domain_join else p.stints[0].role
        p.stints[0].role = role
        if role is not None:
            invited = max(
                self.plan.created_ms + 5 * MINUTE_MS, joined - int(rng.uniform(0.01, 2) * DAY_MS)
            )
            invitation = {"invitee_email": p.email, "role": role}
            self._track(owner, owner.web, invited, cat.INVITE_SENT, self.group, invitation)
        if p.server_only(joined):
            self._identify(p, None, joined)
            self._track(p, None, joined + 2_000, "Signed Up", self.group, {"method": "invite"})
        else:
            shared = (
                ("shared_device" in self.forced and p.member == 1) or rng.random() < 0.01
            ) and not owner.server_only(joined)
            dev = owner.web if shared else p.web
            path = ("Accept Invite", "/invite/accept") if role else ("Join Workspace", "/join")
            self._page(dev, None, joined - 45_000, path, None)
            self._identify(p, dev, joined)
            method = "invite" if role else "domain"
            self._track(p, dev, joined + 2_000, "Signed Up", self.group, {"method": method})
        if role is not None:
            self._added(p, joined + 3_000, self.group, role)
        self._group(p, p.web, joined + 5_000, self.group, {})

    def _invite_guest(self, guest: GuestPlan) -> None:
        """A member of this account invites someone from another account."""
        owner = self.people[0]
        _, email = person(self.seed, guest.home, guest.member)
        sent = max(
            self.plan.created_ms + 5 * MINUTE_MS,
            guest.joined_ms - int(self.rng.uniform(0.01, 1) * DAY_MS),
        )
        invitation = {"invitee_email": email, "role": guest.role or "member"}
        self._track(owner, owner.web, sent, cat.INVITE_SENT, self.group, invitation)

    def _guest_memberships(self, p: Person) -> None:
        for guest in self.world.guests_out.get(self.index, ()):
            if guest.member != p.member:
                continue
            target = self.world.accounts[guest.target]
            stint = Stint(
                guest.target,
                target.account_id,
                guest.joined_ms,
                self.world.live_until(guest.target),
                guest.role,
            )
            stint.weight = 1.5
            stint.removed, stint.readded = guest.removed_ms, guest.readded_ms
            p.stints.append(stint)
            self._join_by_call(p, guest.joined_ms, stint.group, guest.role)
            if guest.removed_ms is not None:
                self._removed(p, guest.removed_ms, stint.group)
                self._stray(p, guest.removed_ms)
            if guest.readded_ms is not None:
                self._join_by_call(p, guest.readded_ms, stint.group, guest.role)

    def _join_by_call(self, p: Person, at: int, group: str, role: str | None) -> None:
        """Added to an account: `Account Added User` with the role, and/or a group call."""
        if role is not None:
            self._added(p, at, group, role)
            if self.rng.random() < 0.5:
                return
        self._group(p, p.web, at + 5_000, group, {})

    def _removal_and_role(self, p: Person) -> None:
        rng = self.rng
        if p.member == 0:
            return
        stint = p.stints[0]
        room = stint.until - stint.joined
        forced_readd = "readd" in self.forced and p.member == 2
        members = len(self.people)
        forced_removal = "removal" in self.forced and p.member == (3 if members > 3 else 2)
        if (forced_readd or forced_removal or rng.random() < 0.06) and room > 6 * DAY_MS:
            removed = stint.joined + int(rng.uniform(3 * DAY_MS, room - 2 * DAY_MS))
            stint.removed = removed
            self._removed(p, removed, self.group)
            readd = forced_readd or (not forced_removal and rng.random() < 0.3)
            if readd and stint.until - removed > 2 * DAY_MS:
                stint.readded = removed + int(rng.uniform(DAY_MS, stint.until - removed - HOUR_MS))
                role = stint.role
                if role is not None and rng.random() < 0.5:
                    role = self._role()
                self._join_by_call(p, stint.readded, self.group, role)
            else:
                self._stray(p, removed)
        elif stint.role is not None and room > 4 * DAY_MS and self._changes_role(p):
            changed = stint.joined + int(rng.uniform(2 * DAY_MS, room - HOUR_MS))
            new_role = "admin" if stint.role != "admin" else "member"
            self._added(p, changed, self.group, new_role)

    def _changes_role(self, p: Person) -> bool:
        return ("role_change" in self.forced and p.member == 1) or self.rng.random() < 0.05

    def _stray(self, p: Person, removed: int) -> None:
        """A removed person still opens the site now and then (identified, no group id)."""
        rng = self.rng
        for _ in range(rng.randint(1, 3)):
            at = removed + int(rng.uniform(0.05, 10) * DAY_MS)
            if at < self.end - HOUR_MS and not p.server_only(at):
                self._marketing_visit(p.web, p.uid_at(at), at)

    # ---------------------------------------------------------------- everyday use
    def _activity(self, p: Person) -> None:
        rng = self.rng
        stints = p.stints
        start = stints[0].joined
        last = max(stint.until for stint in stints)
        tz = p.tz * MINUTE_MS
        hours = cat.HOUR_CUMULATIVE
        if p.legacy is not None:  # the migration to new ids: the backend aliases the old one
            self._alias(p.legacy, p.uid, p.migrated)
            self._identify(p, p.web, p.migrated + 60_000)
        first_day = (start + tz) // DAY_MS
        last_day = (min(last, self.end) + tz) // DAY_MS
        for day in range(first_day, last_day + 1):
            day_start = day * DAY_MS - tz
            rate = p.rate * cat.WEEKDAY_FACTOR[weekday(day * DAY_MS)]
            if p.dormant is not None and day_start > p.dormant:
                rate *= 0.15
            sessions = int(rate) + (rng.random() < rate - int(rate))
            for _ in range(sessions):
                at = day_start + int((bisect(hours, rng.random()) + rng.random()) * HOUR_MS)
                if at <= start + HOUR_MS or at >= self.end - HOUR_MS:
                    continue
                present = [stint for stint in stints if stint.present(at)]
                if not present:
                    continue
                if len(present) == 1:
                    stint = present[0]
                else:
                    stint = rng.choices(present, [stint.weight for stint in present])[0]
                if stint.until - at < 14 * DAY_MS and stint.until < self.end and rng.random() < 0.5:
                    continue  # an account about to churn is quieter
                self._session(p, stint, at)

    def _session(self, p: Person, stint: Stint, at: int) -> None:
        """A burst of use in one account: a first page, then pages and product events."""
        rng = self.rng
        random_ = rng.random
        bits = rng.getrandbits
        group = stint.group
        server = p.server_only(at)
        phone = p.phone is not None and at > p.phone_from and not server and random_() < 0.35
        dev = p.phone if phone else p.web
        if phone and not p.phone_ready:
            p.phone_ready = True
            self._screen(dev, None, at - 30_000, "Login", None)
            self._identify(p, dev, at - 10_000)
        user = p.uid_at(at)
        names, cumulative = cat.STEPS_LOOKER if stint.role in cat.LOOKER_ROLES else cat.STEPS_DOER
        with_group = 0.85 if server else 0.6 if phone else 0.8
        client = self._client
        properties = self._properties
        steps = 1 + min(int(rng.expovariate(0.22)), 30)
        for step in range(steps):
            name = cat.PAGE if step == 0 else names[bisect(cumulative, random_())]
            if name is cat.PAGE and not server:
                if phone:
                    screen = cat.SCREENS[bits(8) % len(cat.SCREENS)]
                    msg = client(dev, user, at, "screen", group if random_() < 0.6 else None)
                    msg["name"] = screen
                else:
                    page = cat.APP_PAGES[0 if step == 0 else bisect(APP_PAGE_CUMULATIVE, random_())]
                    msg = client(dev, user, at, "page", group if random_() < 0.5 else None)
                    msg["name"] = page[0]
                    msg["properties"] = PAGE_PROPERTIES[page]
            else:
                if name is cat.PAGE:
                    name = cat.TASK_COMPLETED  # the backend tracks no page views
                event_group = group if random_() < with_group else None
                if server:
                    msg = self._server(user, at, "track", event_group, name)
                else:
                    msg = client(dev, user, at, "track", event_group, name)
                msg["event"] = name
                msg["properties"] = properties(name, stint.index)
            at += 3_000 + bits(17)

    # ---------------------------------------------------------------- the others
    def _anonymous_visitors(self) -> None:
        """Visitors of the marketing site who never sign up."""
        rng = self.rng
        start, end = self.world.start_ms, self.end
        count = int(rng.expovariate(1 / 1.5)) + (1 if self.index == 0 else 0)
        for _ in range(count):
            dev = Device(rng, mobile=False)
            for _ in range(rng.randint(1, 3)):
                self._marketing_visit(
                    dev, None, start + int(rng.random() * (end - start - HOUR_MS))
                )

    def _abandoned_signup(self) -> None:
        """Someone signs up and never creates or joins an account: a user with no membership."""
        rng = self.rng
        start, end = self.world.start_ms, self.end
        p = Person(999, f"usr_{self.index:06d}x00", "Pat Doe", f"pat.{self.index}@mail.example")
        p.web = Device(rng, mobile=False)
        at = start + int(rng.uniform(0.1, 0.8) * (end - start))
        self._marketing_visit(p.web, None, at - 600_000)
        self._identify(p, p.web, at)
        self._track(p, p.web, at + 2_000, "Signed Up", None, {"method": "email"})
        self._page(p.web, p.uid, at + 30_000, cat.APP_PAGES[0], None)
        if at + 3 * DAY_MS < end:
            self._marketing_visit(p.web, p.uid, at + 3 * DAY_MS)

    def _batch_session(self) -> None:
        """A session that reaches us as one /v1/batch body: the elements carry no `sentAt`."""
        rng = self.rng
        owner = self.people[0]
        at = self.plan.created_ms + 3 * HOUR_MS
        identified = not owner.server_only(at) and at < self.end - HOUR_MS
        dev = owner.web if identified else Device(rng, mobile=False)
        user = owner.uid if identified else None
        group = self.group if identified else None
        times = [at + step * (5_000 + rng.getrandbits(15)) for step in range(rng.randint(6, 12))]
        send = times[-1] + 2_000
        batch = (send + dev.skew, send + 40 + rng.getrandbits(9))
        self.batch_sent_at = dev.fmt(batch[0])
        for step, moment in enumerate(times):
            if step % 3 == 0:
                msg = self._client_batched(
                    dev, user, moment, "page", group if step else None, batch
                )
                page = (
                    cat.APP_PAGES[step % len(cat.APP_PAGES)]
                    if identified
                    else cat.MARKETING_PAGES[0]
                )
                msg["name"] = page[0]
                msg["properties"] = {"path": page[1], "title": page[0]}
            else:
                event = cat.TASK_CREATED if identified else cat.ANONYMOUS_TRACKS[0]
                msg = self._client_batched(dev, user, moment, "track", group, batch, event)
                msg["event"] = event
                msg["properties"] = {"position": step}
