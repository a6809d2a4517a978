"""The merchant's decision on a flagged referral: approve (it continues like a clean one) or reject."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.domain.errors import Conflict, NotFound
from app.models import AuditLog, Order, Referral
from app.repositories import MemberRepository, ShopRepository
from app.services.referrals.rewards import welcome_friend
from app.services.referrals.settings import referral_config
from app.uow import UnitOfWork


class ReferralNotFlagged(Conflict):
    reason = "referral_not_flagged"
    message = "Only a flagged referral waits for a decision."


def approve_referral(uow: UnitOfWork, shop_id: int, referral_id: int, actor: str, now: datetime) -> Referral:
    """Approve a flagged referral: the friend gets the welcome coupon, the referrer is rewarded after the hold."""
    with uow:
        referral, friend = _lock(uow, shop_id, referral_id)
        referral.status = "ordered"
        referral.decided_at, referral.decided_by = now, actor
        shop = ShopRepository(uow.session).get(shop_id)
        if shop is not None and friend is not None:
            welcome_friend(uow.session, shop, referral_config(uow.session, shop_id), referral, friend, now)
        _audit(uow, referral, "referral.approve", actor, now)
        uow.commit()
        return referral


def reject_referral(uow: UnitOfWork, shop_id: int, referral_id: int, actor: str, now: datetime) -> Referral:
    """Reject a flagged referral: nobody is rewarded for it."""
    with uow:
        referral, _ = _lock(uow, shop_id, referral_id)
        referral.status, referral.closed_at = "rejected", now
        referral.decided_at, referral.decided_by = now, actor
        _audit(uow, referral, "referral.reject", actor, now)
        uow.commit()
        return referral


def _audit(uow: UnitOfWork, referral: Referral, action: str, actor: str, now: datetime) -> None:
    uow.session.add(
        AuditLog(
            shop_id=referral.shop_id,
            actor=actor[:120],
            action=action,
            target=f"referral:{referral.id}",
            details={"flags": list(referral.flags or [])},
            created_at=now,
        )
    )


def _lock(uow: UnitOfWork, shop_id: int, referral_id: int):  # type: ignore[no-untyped-def]
    # Same lock order as the order hook: order → friend member → referral.
    order_id, friend_id = uow.session.execute(
        select(Referral.order_id, Referral.friend_member_id).where(
            Referral.shop_id == shop_id, Referral.id == referral_id
        )
    ).first() or (None, None)
    if order_id is not None:
        uow.session.scalars(
            select(Order).where(Order.shop_id == shop_id, Order.id == order_id).with_for_update()
        ).first()
    friend = MemberRepository(uow.session, shop_id).get_for_update(friend_id) if friend_id else None
    referral = uow.session.scalars(
        select(Referral)
        .where(Referral.shop_id == shop_id, Referral.id == referral_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if referral is None:
        raise NotFound("unknown referral", referral_id=referral_id)
    if referral.status != "flagged":
        raise ReferralNotFlagged(status=referral.status)
    return referral, friend
