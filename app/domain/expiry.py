"""Points expiry and pending periods: when lots expire, when inactivity ends them, when to remind."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Literal

ExpiryPolicy = Literal["never", "per_lot", "inactivity"]

POLICIES = ("never", "per_lot", "inactivity")


def add_months(dt: datetime, months: int) -> datetime:
    """The same day and time `months` later (or earlier), clamped to the month's end (31 Jan + 1 → 28 Feb)."""
    index = dt.month - 1 + months
    year, month = dt.year + index // 12, index % 12 + 1
    day = min(dt.day, calendar.monthrange(year, month)[1])
    return dt.replace(year=year, month=month, day=day)


def lot_expires_at(policy: ExpiryPolicy | str, months: int, earned_at: datetime) -> datetime | None:
    """When a lot earned at `earned_at` expires; only "per_lot" dates lots ("inactivity" ends the balance)."""
    if policy not in POLICIES:
        raise ValueError(f"unknown expiry policy: {policy!r}")
    if policy != "per_lot":
        return None
    if months < 1:
        raise ValueError("per-lot expiry needs at least one month")
    return add_months(earned_at, months)


def inactivity_deadline(last_activity_at: datetime, months: int) -> datetime:
    """When the whole balance expires if the member does nothing more after `last_activity_at`."""
    if months < 1:
        raise ValueError("inactivity expiry needs at least one month")
    return add_months(last_activity_at, months)


def lapsed_until(activity: Iterable[datetime], months: int, now: datetime) -> datetime | None:
    """Under inactivity expiry: the latest moment of `activity` that `months` without any activity followed (up to
    the next moment, or up to `now`). Points earned then or before it would have expired by `now`; None: none would.
    """
    moments = sorted(activity)
    if not moments:
        return None
    for earlier, later in zip(reversed(moments), reversed([*moments[1:], now]), strict=True):
        if inactivity_deadline(earlier, months) <= later:
            return earlier
    return None


def reminder_due(expires_at: datetime | None, reminder_days: int, now: datetime) -> bool:
    """Whether `now` lies in the reminder window: `reminder_days` before expiry, up to expiry itself."""
    if expires_at is None or reminder_days <= 0:
        return False
    return expires_at - timedelta(days=reminder_days) <= now < expires_at


def pending_until(paid_at: datetime, pending_days: int) -> datetime | None:
    """When points earned on an order paid at `paid_at` become spendable; None means at once."""
    if pending_days <= 0:
        return None
    return paid_at + timedelta(days=pending_days)
