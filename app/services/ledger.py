"""Posting to the append-only ledger: the only code that changes balances, lots and their caches.

Callers hold the member row lock (`MemberRepository.get_for_update`) and own the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.domain import ledger as rules
from app.domain.errors import InsufficientPoints
from app.models import LedgerEntry, Member, PointLot
from app.repositories import LotRepository


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


def credit(
    session: Session,
    member: Member,
    points: int,
    posting: Posting,
    *,
    now: datetime,
    available_at: datetime | None = None,
    expires_at: datetime | None = None,
    at: datetime | None = None,
) -> LedgerEntry:
    """Add points as a new lot; a negative balance is paid back first; pending until `available_at`.

    `at` is when it happened in the shop (an order's payment time), if that differs from `now`.
    """
    remaining = rules.credit_remaining(points, member.balance)
    entry = _append(session, member, points, posting, _when(at, now))
    matured = available_at is None or available_at <= now
    session.add(
        PointLot(
            shop_id=member.shop_id,
            member_id=member.id,
            entry_id=entry.id,
            order_id=posting.order_id,
            points=points,
            remaining=remaining,
            available_at=available_at or now,
            expires_at=expires_at,
            matured=matured,
        )
    )
    if not matured:
        member.pending += remaining
    if posting.kind in {"earn", "bonus", "adjust", "referral", "review", "signup", "birthday", "campaign"}:
        member.lifetime_points += points
    return entry


def reverse(
    session: Session, member: Member, points: int, posting: Posting, *, now: datetime, at: datetime | None = None
) -> LedgerEntry:
    """Take points back (refund, cancellation, negative adjustment): may take the balance below zero."""
    lots = LotRepository(session, member.shop_id).open_lots(member.id)
    plan = rules.plan_reversal(LotRepository.views(lots), points, order_id=posting.order_id)
    _apply(member, lots, plan)
    if posting.kind == "reverse":
        member.lifetime_points = max(0, member.lifetime_points - points)
    return _append(session, member, -points, posting, _when(at, now))


def spend(session: Session, member: Member, points: int, posting: Posting, *, now: datetime) -> LedgerEntry:
    """Redeem points from available lots, soonest-expiring first; never below zero."""
    available = rules.spendable(member.balance, member.pending)
    if points > available:
        raise InsufficientPoints(needed=points, available=available)
    lots = LotRepository(session, member.shop_id).open_lots(member.id)
    plan = rules.plan_redemption(LotRepository.views(lots), points)
    _apply(member, lots, plan)
    return _append(session, member, -points, posting, now)


def expire_lot(
    session: Session, member: Member, lot: PointLot, posting: Posting, *, now: datetime
) -> LedgerEntry:
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


def _apply(member: Member, lots: Sequence[PointLot], plan: rules.DebitPlan) -> None:
    by_id = {lot.id: lot for lot in lots}
    for lot_id, take in plan.takes:
        lot = by_id[lot_id]
        lot.remaining -= take
        if not lot.matured:
            member.pending -= take


def _when(at: datetime | None, now: datetime) -> datetime:
    # Events reported from the shop's past keep their time; nothing is dated in the future.
    return min(at, now) if at is not None else now


def _append(session: Session, member: Member, delta: int, posting: Posting, now: datetime) -> LedgerEntry:
    member.balance += delta
    member.updated_at = now
    values = {
        "shop_id": member.shop_id,
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
    # INSERT ... RETURNING instead of add + flush: the id comes back without flushing every pending change
    # early, which cost the webhook an extra UPDATE of the order and of the member per posting.
    return session.scalars(insert(LedgerEntry).returning(LedgerEntry), [values]).one()
