"""The contract's revenue rules (CONTRACT.md section 3, "Revenue"), for the truth files.

With the default `revenue` var: `Subscription Started` and `Subscription Changed` set an account's
MRR from their property `mrr`, `Subscription Cancelled` sets it to 0. `derive` (truth.py) reads the
MRR events out of one closed world of records once attribution has given them an account;
`RevenueFold` folds those of every chunk into what the monthly truth needs (per account, the last
valid MRR event of each month it has one) and writes `account_mrr_monthly` once the whole world's
first paid moment and latest event are known.

Amounts are exact decimals: a value is a JSON number or a numeric string (decimal notation, an
optional sign and exponent), and not negative. `missing` covers an absent property and a JSON
null; anything else that is not a number (`"abc"`, `true`, an object) is `not_a_number`.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

MRR_EVENTS = {"Subscription Started": "mrr", "Subscription Changed": "mrr"}
"""Events that set the account's MRR, and the property holding it (the `revenue` var default)."""
CHURN_EVENTS = frozenset({"Subscription Cancelled"})
"""Events that set the account's MRR to 0."""
REVENUE_EVENTS = frozenset(MRR_EVENTS) | CHURN_EVENTS
REASONS = ("missing", "not_a_number", "negative")
MOVEMENTS = ("new", "reactivation", "expansion", "contraction", "churn", "flat", "inactive")

_NUMERIC = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
ZERO = Decimal(0)


class MrrEvent(NamedTuple):
    """An MRR event of an account: valid (`value` set) or not (`reason` set)."""

    account_id: str
    at: int
    event_id: str
    event_name: str
    value: Decimal | None
    reason: str | None
    at_text: str


class MonthlyRow(NamedTuple):
    """A row of `account_mrr_monthly`."""

    account_id: str
    month: date
    mrr: Decimal
    previous_mrr: Decimal
    mrr_change: Decimal
    movement: str


def mrr_value(properties: object, name: str) -> tuple[Decimal | None, str | None]:
    """(value, None) for a valid amount, else (None, reason)."""
    value = properties.get(name) if isinstance(properties, dict) else None
    if value is None:
        return None, "missing"
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None, "not_a_number"
    if isinstance(value, str):
        if not _NUMERIC.fullmatch(value):
            return None, "not_a_number"
        amount = Decimal(value)
    else:
        amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if amount < 0:
        return None, "negative"
    return amount, None


def mrr_event(account_id: str, at: int, event_id: str, event: str, message: dict, at_text: str):
    """The MRR event a track of a revenue event name makes, valid or not."""
    if event in CHURN_EVENTS:
        value, reason = ZERO, None
    else:
        value, reason = mrr_value(message.get("properties"), MRR_EVENTS[event])
    return MrrEvent(account_id, at, event_id, event, value, reason, at_text)


def month_of(ms: int) -> int:
    """Months since year 0 (year * 12 + month - 1) of an epoch time in milliseconds."""
    moment = time.gmtime(ms // 1000)
    return moment.tm_year * 12 + moment.tm_mon - 1


def month_date(month: int) -> date:
    return date(month // 12, month % 12 + 1, 1)


def movement(previous: Decimal, mrr: Decimal, first: bool) -> str:
    """The contract's label, tested from and to 0 before up or down."""
    if first:
        return "new"
    if previous == 0:
        return "reactivation" if mrr > 0 else "inactive"
    if mrr == 0:
        return "churn"
    if mrr > previous:
        return "expansion"
    return "contraction" if mrr < previous else "flat"


def amount_text(value: Decimal) -> str:
    """`588`, `267.75`, `0`: an exact decimal without exponent or trailing zeros."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


@dataclass(slots=True)
class RevenueFold:
    """What the monthly truth needs of any number of closed worlds, folded together."""

    month_last: dict[str, dict[int, MrrEvent]] = field(default_factory=dict)
    """account -> month -> its last valid MRR event in that month, in (event_at, event_id) order."""
    first_paid_at: int | None = None
    """The first valid MRR event above 0, any account."""
    last_event_at: int | None = None
    """The latest event_at of any track, page or screen."""
    errors: list[MrrEvent] = field(default_factory=list)

    def add(self, events: list[MrrEvent], last_event_at: int | None) -> None:
        for item in events:
            if item.value is None:
                self.errors.append(item)
                continue
            months = self.month_last.setdefault(item.account_id, {})
            month = month_of(item.at)
            held = months.get(month)
            if held is None or (item.at, item.event_id) > (held.at, held.event_id):
                months[month] = item
            if item.value > 0 and (self.first_paid_at is None or item.at < self.first_paid_at):
                self.first_paid_at = item.at
        if last_event_at is not None and (
            self.last_event_at is None or last_event_at > self.last_event_at
        ):
            self.last_event_at = last_event_at

    def merge(self, other: RevenueFold) -> None:
        """Fold another fold in."""
        for months in other.month_last.values():
            self.add(list(months.values()), None)
        self.errors.extend(other.errors)
        paid = other.first_paid_at
        if paid is not None and (self.first_paid_at is None or paid < self.first_paid_at):
            self.first_paid_at = paid
        self.add([], other.last_event_at)

    def rows(self) -> list[MonthlyRow]:
        """`account_mrr_monthly`, by account and month."""
        if self.first_paid_at is None or self.last_event_at is None:
            return []
        first, last = month_of(self.first_paid_at), month_of(self.last_event_at)
        rows: list[MonthlyRow] = []
        for account in sorted(self.month_last):
            months = self.month_last[account]
            mrr = ZERO
            for month in sorted(months):  # events before the first month: all valued 0
                if month < first:
                    mrr = months[month].value
            previous: Decimal | None = None  # None until the account's first row
            for month in range(first, last + 1):
                if month in months:
                    mrr = months[month].value
                if previous is None:
                    if mrr <= 0:
                        continue
                    previous = ZERO
                    label = movement(previous, mrr, True)
                else:
                    label = movement(previous, mrr, False)
                rows.append(
                    MonthlyRow(account, month_date(month), mrr, previous, mrr - previous, label)
                )
                previous = mrr
        return rows


def monthly_csv(rows: list[MonthlyRow]) -> str:
    return "".join(
        f"{row.account_id},{row.month.isoformat()},{amount_text(row.mrr)},"
        f"{amount_text(row.previous_mrr)},{amount_text(row.mrr_change)},{row.movement}\n"
        for row in rows
    )


def errors_csv(errors: list[MrrEvent]) -> str:
    return "".join(
        f"{item.event_id},{item.account_id},{item.event_name},{item.at_text},{item.reason}\n"
        for item in sorted(errors, key=lambda item: (item.at, item.event_id))
    )
