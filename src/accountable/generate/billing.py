"""An account's billing life, as the billing system reports it to Segment.

`Billing` is the half of `AccountSim` that decides what an account pays: a trial that converts or
lapses, a purchase on one of several plans (sales-led for enterprise), seat add-ons as the team
grows, upgrades and downgrades, a coupon, cancellations (the account keeps using the free plan, or
goes quiet), comebacks, and a few starts that are cancelled within days. The amounts are sent as
`mrr` on `Subscription Started` / `Subscription Changed` (`Subscription Cancelled` sets it to 0),
by the billing server (no user) or, for self-serve changes, by the owner; every event carries the
account's group id. Each valid change is followed by a group call that keeps the `plan` trait (and
an `mrr` trait) in step with what the account pays.

Some integrations send amounts as strings (`"49.00"`), and a few events carry a bad amount
(missing, not a number, negative): they change nothing, and the truth lists them as errors.
"""

from __future__ import annotations

from typing import NamedTuple

from accountable.generate import catalog as cat
from accountable.generate.clock import DAY_MS, HOUR_MS, MINUTE_MS, epoch_ms
from accountable.generate.revenue import month_date, month_of

STARTED, CHANGED, CANCELLED = (
    "Subscription Started",
    "Subscription Changed",
    "Subscription Cancelled",
)
PAID_LIFE = frozenset(
    ("seat_addon", "upgrade", "downgrade", "cancel_comeback", "tied_changes", "string_amounts")
)
"""Forced features that need an account that pays for a while."""
BAD_AMOUNTS = (None, "abc", True, {"amount": 49, "currency": "USD"}, -49)
"""One of each error reason (None: the property is left out): missing, not_a_number x3, negative."""


class Step(NamedTuple):
    """A planned change of the subscription, applied in time order if it still applies then."""

    at: int
    kind: str  # seats, upgrade, downgrade, cancel, restart, tie, payment_failed, churn
    arg: int = 0


def _next_month(ms: int) -> int:
    """The first instant of the month after the one holding `ms`."""
    month = month_of(ms) + 1
    return epoch_ms(month_date(month))


class Billing:
    """Billing events over the state of an `AccountSim` (its plan, rng, people and builders)."""

    def _billing(self) -> None:
        rng = self.rng
        forced = self.forced
        created = self.plan.created_ms
        stop = min(self.live_until, self.end) - HOUR_MS  # quiet or over after this
        self.amount_as_text = "string_amounts" in forced or rng.random() < 0.15
        self.price_factor = 0.85 if rng.random() < 0.2 else 1.0  # billed yearly, paid monthly
        plan = self.plan.plan
        paid_life = bool(forced & PAID_LIFE)
        paid_at: int | None = None
        current = plan
        brief = "brief_subscription" in forced
        if brief or paid_life:  # a self-serve purchase without a trial
            current = plan if plan != "free" else "team"
            if "downgrade" in forced and current == "team":
                current = "business"  # a plan to come down from
            paid_at = created + int(rng.uniform(0.3, 2) * DAY_MS)
            if brief and _next_month(paid_at) - paid_at < 2 * DAY_MS:
                paid_at = _next_month(paid_at) + 6 * HOUR_MS
        elif plan in cat.TRIAL_CONVERSION or "trial_lost" in forced:
            current = plan if plan in cat.TRIAL_CONVERSION else "team"
            paid_at = self._trial(current, "trial_lost" in forced, stop)
        elif plan == "enterprise":  # sales-led: a contract a few days after sign-up
            paid_at = created + int(rng.uniform(1, 5) * DAY_MS)
        elif rng.random() < 0.08:  # a free account that starts paying
            current = "team"
            paid_at = created + int(rng.uniform(5, 40) * DAY_MS)
        if "bad_amounts" in forced:
            self._bad_amounts(created, stop, every=True)
        if paid_at is None or paid_at >= stop:
            return
        if rng.random() < 0.05:
            self._bad_amounts(paid_at, stop, every=False)
        if not brief and not paid_life and rng.random() < 0.03:
            brief = _next_month(paid_at) - paid_at > 2 * DAY_MS
        self.current = current
        self.seats = max(cat.MIN_SEATS[current], self._members_at(paid_at))
        self._send(paid_at, STARTED, {"interval": "month"}, by_owner=False)
        if brief:  # bought, then cancelled within days, the same month
            room = max(min(_next_month(paid_at), stop) - paid_at - HOUR_MS, 10 * MINUTE_MS)
            cancel = paid_at + int(rng.uniform(0.1, 0.9) * room)
            self._cancel(cancel, "changed_mind")
            return
        for step in sorted(self._steps(paid_at, stop)):
            self._apply(step)

    # ---------------------------------------------------------------- the plan of a paid life
    def _trial(self, plan: str, lapses: bool, stop: int) -> int | None:
        """A 14-day trial; the time the account starts paying, or None when it lapses."""
        created = self.plan.created_ms
        self._account_event(created + 120_000, "Trial Started", {"plan": plan, "trial_days": 14})
        trial_end = created + cat.TRIAL_DAYS * DAY_MS
        converts = (
            not lapses
            and self.rng.random() < cat.TRIAL_CONVERSION[plan]
            and trial_end + HOUR_MS < stop
        )
        self._account_event(trial_end, "Trial Ended", {"plan": plan, "converted": converts})
        if converts:
            return trial_end + HOUR_MS
        if trial_end < self.end:
            self._group(None, None, trial_end + 1_000, self.group, {"plan": "free"})
        return None

    def _members_at(self, at: int) -> int:
        return sum(1 for joined in self.plan.member_joins if joined <= at)

    def _steps(self, paid_at: int, stop: int) -> list[Step]:
        """What may happen to the subscription: natural odds, or a forced story's fixed times."""
        rng = self.rng
        forced = self.forced
        room = stop - paid_at
        steps: list[Step] = []
        seats = self.seats
        for joined in self.plan.member_joins:
            count = self._members_at(joined)
            if paid_at < joined < stop and count > seats and rng.random() < 0.7:
                seats = count + rng.randint(0, 2)
                steps.append(Step(joined + int(rng.uniform(1, 30) * HOUR_MS), "seats", seats))
        if "seat_addon" in forced and not steps:
            steps.append(Step(paid_at + room * 35 // 100, "seats", seats + rng.randint(2, 5)))
        later_month = _next_month(paid_at) + DAY_MS  # so that a forced change shows month-end
        if "upgrade" in forced:
            steps.append(
                Step(min(max(paid_at + room // 2, later_month), stop - HOUR_MS), "upgrade")
            )
        elif rng.random() < 0.12:
            steps.append(Step(paid_at + int(rng.uniform(10, 60) * DAY_MS), "upgrade"))
        if "downgrade" in forced:
            moment = max(paid_at + room * 6 // 10, later_month + DAY_MS)
            steps.append(Step(min(moment, stop - HOUR_MS), "downgrade"))
        elif rng.random() < 0.07:
            steps.append(Step(paid_at + int(rng.uniform(10, 60) * DAY_MS), "downgrade"))
        if "cancel_comeback" in forced:  # paid, cancelled, paid again: three months if it can
            cancel = paid_at + room * 3 // 10
            if month_of(cancel) == month_of(paid_at):
                cancel = min(max(cancel, _next_month(paid_at) + DAY_MS), paid_at + room // 2)
            restart = cancel + room * 35 // 100
            if month_of(restart) == month_of(cancel):
                restart = min(max(restart, _next_month(cancel) + 2 * DAY_MS), stop - HOUR_MS)
            steps += [Step(cancel, "cancel"), Step(restart, "restart")]
        elif rng.random() < 0.08:
            cancel = paid_at + int(rng.uniform(10, 45) * DAY_MS)
            steps.append(Step(cancel, "cancel"))
            if rng.random() < 0.6:
                steps.append(Step(cancel + int(rng.uniform(10, 40) * DAY_MS), "restart"))
        if "tied_changes" in forced or rng.random() < 0.01:
            steps.append(Step(paid_at + room * 8 // 10, "tie"))
        if rng.random() < 0.08:
            moment = paid_at + 30 * DAY_MS + int(rng.uniform(0, 2) * HOUR_MS)
            steps.append(Step(moment, "payment_failed"))
        churn = self.plan.churn_ms
        if churn is not None and churn < self.end:
            steps.append(Step(churn, "churn"))
        return [step for step in steps if step.kind == "churn" or step.at < stop]

    def _apply(self, step: Step) -> None:
        """Send what a planned step does to the subscription as it is by then."""
        rng = self.rng
        kind = step.kind
        paying = self.current is not None
        if kind == "churn":
            if paying:
                self._cancel(step.at, "churned")
        elif kind == "restart":
            if not paying:
                self.current = rng.choice(("team", "business", self.previous_plan))
                self.seats = max(cat.MIN_SEATS[self.current], self._members_at(step.at))
                self._send(step.at, STARTED, {"interval": "month", "returning": True}, False)
        elif not paying:
            return
        elif kind == "cancel":
            self._cancel(step.at, rng.choice(("too_expensive", "missing_features", "switched")))
        elif kind == "seats":
            if step.arg > self.seats:
                previous = self.seats
                self.seats = step.arg
                self._send(step.at, CHANGED, {"previous_seats": previous}, rng.random() < 0.5)
        elif kind in ("upgrade", "downgrade"):
            self._plan_change(step.at, kind)
        elif kind == "tie":  # an upgrade and a coupon sent at the same instant: the later id holds
            self._plan_change(step.at, "upgrade", group_call=False)
            self.price_factor *= 0.8
            self._send(step.at, CHANGED, {"coupon": "LOYAL20"}, by_owner=False)
        elif kind == "payment_failed":
            props = {"plan": self.current, "mrr": self._amount(), "attempt": 1}
            self._account_event(step.at, "Payment Failed", props)

    def _plan_change(self, at: int, kind: str, group_call: bool = True) -> None:
        """One plan up or down; at the top or bottom plan, seats up or down instead."""
        previous = self.current
        order = cat.PAID_PLANS
        position = order.index(previous) + (1 if kind == "upgrade" else -1)
        props: dict = {"previous_plan": previous}
        if 0 <= position < len(order):
            self.current = order[position]
            self.seats = max(self.seats, cat.MIN_SEATS[self.current])
        else:
            props = {"previous_seats": self.seats}
            low = cat.MIN_SEATS[previous]
            self.seats = self.seats + 5 if kind == "upgrade" else max(low, self.seats - 2)
            if self.seats == props["previous_seats"]:
                return  # already the smallest subscription there is
        self._send(at, CHANGED, props, self.rng.random() < 0.5, group_call)

    # ---------------------------------------------------------------- the messages
    def _mrr(self) -> float | int:
        mrr = cat.SEAT_PRICE[self.current] * self.seats * self.price_factor
        return int(mrr) if mrr == int(mrr) else round(mrr, 2)

    def _amount(self) -> float | int | str:
        """The `mrr` property as this account's integration writes it."""
        mrr = self._mrr()
        return f"{mrr:.2f}" if self.amount_as_text else mrr

    def _send(
        self, at: int, event: str, extra: dict, by_owner: bool, group_call: bool = True
    ) -> None:
        """A valid MRR event, then the group call that keeps the plan trait in step."""
        props = {"plan": self.current, "seats": self.seats, **extra, "mrr": self._amount()}
        if by_owner and at < self.end:  # a self-serve change in the app, tracked by the backend
            self._track(self.people[0], None, at, event, self.group, props)
        else:
            self._account_event(at, event, props)
        if group_call and at + 1_000 < self.end:
            traits = {"plan": self.current, "mrr": self._mrr()}
            self._group(None, None, at + 1_000, self.group, traits)

    def _cancel(self, at: int, reason: str) -> None:
        props = {"plan": self.current, "reason": reason}
        if self.rng.random() < 0.5:
            props["mrr"] = self._mrr()  # the amount given up: a churn event's property is ignored
        self._account_event(at, CANCELLED, props)
        if at + 1_000 < self.end:
            self._group(None, None, at + 1_000, self.group, {"plan": "free", "mrr": 0})
        self.previous_plan, self.current = self.current, None

    def _bad_amounts(self, begin: int, stop: int, every: bool) -> None:
        """Events a faulty integration sends: they change nothing (the truth lists them)."""
        rng = self.rng
        amounts = BAD_AMOUNTS if every else (rng.choice(BAD_AMOUNTS),)
        for number, amount in enumerate(amounts):
            at = begin + int(rng.uniform(0.2, 0.9) * max(stop - begin, HOUR_MS))
            event = STARTED if (every and number == 0) or rng.random() < 0.3 else CHANGED
            props: dict = {"plan": self.plan.plan}
            if amount is not None:
                if amount == -49 and rng.random() < 0.5:
                    amount = "-49.00"
                props["mrr"] = amount
            self._account_event(at + number * MINUTE_MS, event, props)
