"""Points lots: which lots a debit draws from, and how a credit first pays back a negative balance.

Invariants the services keep (and `loyalty ledger verify` checks):
  balance == sum of ledger deltas;  sum of lot.remaining == max(balance, 0);
  pending == sum of remaining over lots not yet available;  0 <= lot.remaining <= lot.points.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class LotView:
    """What the planner needs to know of a lot."""

    id: int
    remaining: int
    expires_at: datetime | None
    available: bool
    order_id: int | None = None
    created_seq: int = 0


@dataclass(frozen=True)
class DebitPlan:
    """Which lots give how many points, and what no lot covers (it takes the balance below zero)."""

    takes: tuple[tuple[int, int], ...]
    uncovered: int

    @property
    def taken(self) -> int:
        return sum(amount for _, amount in self.takes)


def _spend_order(lot: LotView) -> tuple[int, datetime | None, int]:
    # Soonest-expiring first; lots that never expire last; then oldest first.
    return (lot.expires_at is None, lot.expires_at, lot.created_seq)


def plan_redemption(lots: Sequence[LotView], amount: int) -> DebitPlan:
    """Spend `amount` from available lots, soonest-expiring first. Never overdraws: uncovered is 0 or it fails."""
    if amount <= 0:
        raise ValueError("a redemption spends a positive number of points")
    usable = sorted((lot for lot in lots if lot.available and lot.remaining > 0), key=_spend_order)
    plan = _draw(usable, amount)
    if plan.uncovered:
        raise ValueError("not enough available points")
    return plan


def plan_reversal(lots: Sequence[LotView], amount: int, order_id: int | None = None) -> DebitPlan:
    """Take back `amount`: first from the order's own lots (pending first), then soonest-expiring others.

    What no lot covers stays uncovered: the balance goes negative and redemption is blocked until it is
    positive again (DESIGN §4.4).
    """
    if amount <= 0:
        raise ValueError("a reversal takes back a positive number of points")
    own = [lot for lot in lots if order_id is not None and lot.order_id == order_id and lot.remaining > 0]
    own.sort(key=lambda lot: (lot.available, _spend_order(lot)))
    others = sorted(
        (lot for lot in lots if lot not in own and lot.remaining > 0),
        key=lambda lot: (lot.available, _spend_order(lot)),
    )
    return _draw([*own, *others], amount)


def _draw(lots: Sequence[LotView], amount: int) -> DebitPlan:
    takes: list[tuple[int, int]] = []
    left = amount
    for lot in lots:
        if left == 0:
            break
        take = min(lot.remaining, left)
        if take:
            takes.append((lot.id, take))
            left -= take
    return DebitPlan(tuple(takes), left)


def credit_remaining(points: int, balance_before: int) -> int:
    """How much of a new lot stays spendable: a negative balance is paid back first."""
    if points <= 0:
        raise ValueError("a credit adds a positive number of points")
    debt = max(0, -balance_before)
    return max(0, points - debt)


def spendable(balance: int, pending: int) -> int:
    """Points a member may redeem now."""
    return max(0, balance - pending)
