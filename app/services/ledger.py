"""Posting to the append-only ledger: the only code that changes balances, lots and their caches.

Callers hold the member row lock and own the transaction. Entries and lots are written at once (prebuilt
statements); the member's cached balances are changed on the member given, an ORM `Member` (written by the
session's flush) or a `MemberRecord` of the order path (written by its repository's `save`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.domain import ledger as rules
from app.domain.errors import InsufficientPoints
from app.models import Member, PointLot
from app.repositories import LotRepository
from app.repositories.records import MemberRecord

Account = Member | MemberRecord


@dataclass(frozen=True)
class Posting:
    """What a ledger row says about itself."""

    kind: str
    reason: str
    source_type: str = ""
    source_ref: str = ""
    order_id: int | None = None
    actor: str = "system"
    idempotency_key: str | None = None


@dataclass(frozen=True)
class PostedEntry:
    """The ledger row a posting wrote."""

    id: int
    delta: int
    balance_after: int


def credit(
    session: Session,
    member: Account,
    points: int,
    posting: Posting,
    *,
    now: datetime,
    expires_at: datetime | None,
    available_at: datetime | None = None,
    at: datetime | None = None,
) -> PostedEntry:
    """Add points as a new lot; a negative balance is paid back first; pending until `available_at`.

    `expires_at` has no default: every credit says when its lot expires (None: never), an order's by its payment
    time (`program.lot_dates`), any other points from now (`program.award_expiry`).
    `at` is when it happened in the shop (an order's payment time), if that differs from `now`.
    """
    remaining = rules.credit_remaining(points, member.balance)
    matured = available_at is None or available_at <= now
    entry = _entry_values(member, points, posting, _when(at, now))
    lot = {
        "member_id": member.id, "order_id": posting.order_id, "points": points, "remaining": remaining,
        "available_at": available_at or now, "expires_at": expires_at, "matured": matured,
    }
    entry_id = LotRepository(session, member.shop_id).append_with_lot(entry, lot)
    if not matured:
        member.pending += remaining
    if posting.kind in {"earn", "bonus", "adjust", "referral", "review", "signup", "birthday", "campaign"}:
        member.lifetime_points += points
    return PostedEntry(entry_id, points, member.balance)


def reverse(
    session: Session, member: Account, points: int, posting: Posting, *, now: datetime, at: datetime | None = None
) -> PostedEntry:
    """Take points back (refund, cancellation, negative adjustment): may take the balance below zero."""
    lots = LotRepository(session, member.shop_id)
    views = lots.open_lots(member.id)
    _apply(lots, member, views, rules.plan_reversal(views, points, order_id=posting.order_id))
    if posting.kind == "reverse":
        member.lifetime_points = max(0, member.lifetime_points - points)
    return _append(session, member, -points, posting, _when(at, now))


def spend(session: Session, member: Account, points: int, posting: Posting, *, now: datetime) -> PostedEntry:
    """Redeem points from available lots, soonest-expiring first; never below zero."""
    available = rules.spendable(member.balance, member.pending)
    if points > available:
        raise InsufficientPoints(needed=points, available=available)
    lots = LotRepository(session, member.shop_id)
    views = lots.open_lots(member.id)
    _apply(lots, member, views, rules.plan_redemption(views, points))
    return _append(session, member, -points, posting, now)


def expire_lot(
    session: Session, member: Member, lot: PointLot, posting: Posting, *, now: datetime
) -> PostedEntry:
    """Expire what is left of one lot."""
    points = lot.remaining
    if not lot.matured:
        member.pending -= points
    lot.remaining = 0
    return _append(session, member, -points, posting, now)


def mature_lot(member: Member, lot: PointLot) -> None:
    """A pending lot becomes spendable; the total balance does not change, so no ledger row is needed."""
    if lot.matured:
        return
    lot.matured = True
    member.pending -= lot.remaining


def _apply(lots: LotRepository, member: Account, views: Sequence[rules.LotView], plan: rules.DebitPlan) -> None:
    by_id = {lot.id: lot for lot in views}
    for lot_id, take in plan.takes:
        lots.take(lot_id, take)
        if not by_id[lot_id].available:
            member.pending -= take


def _when(at: datetime | None, now: datetime) -> datetime:
    # Events reported from the shop's past keep their time; nothing is dated in the future.
    return min(at, now) if at is not None else now


def _append(session: Session, member: Account, delta: int, posting: Posting, now: datetime) -> PostedEntry:
    entry_id = LotRepository(session, member.shop_id).append(_entry_values(member, delta, posting, now))
    return PostedEntry(entry_id, delta, member.balance)


def _entry_values(member: Account, delta: int, posting: Posting, now: datetime) -> dict[str, object]:
    # The member's balance moves with the entry: its `balance_after` is the new balance.
    member.balance += delta
    member.updated_at = now
    return {
        "member_id": member.id,
        "delta": delta,
        "kind": posting.kind,
        "reason": posting.reason,
        "source_type": posting.source_type,
        "source_ref": posting.source_ref,
        "order_id": posting.order_id,
        "actor": posting.actor,
        "idempotency_key": posting.idempotency_key,
        "balance_after": member.balance,
        "occurred_at": now,
    }
