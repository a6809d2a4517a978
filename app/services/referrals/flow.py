"""The friend's first order: attribute it to the referral, check for fraud, welcome the friend, revoke on
refund; and the job that rewards the referrer once the order has passed the hold period unrefunded."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.refunds import goods_returned
from app.models import Order, Referral, Shop
from app.repositories import MemberRepository, ShopRepository, shop_settings
from app.repositories.records import AnyOrder, MemberRecord, OrderRecord
from app.repositories.shop_settings import OPEN_REFERRALS
from app.services.referrals.codes import find_code, friend_key, record_pending
from app.services.referrals.fraud import fraud_reasons
from app.services.referrals.rewards import reward_referrer, welcome_friend
from app.services.referrals.settings import ReferralConfig, referral_config
from app.services.worklist import note_limit_reached
from app.uow import UnitOfWork

log = logging.getLogger(__name__)

OPEN = ("ordered", "flagged")  # attributed to an order, reward not yet settled


def on_order(session: Session, shop: Shop, member: MemberRecord, order: OrderRecord, now: datetime) -> None:
    """Order hook (runs on every reconciliation, so each step is a guarded state change: exactly once)."""
    if shop_settings.fact(session, OPEN_REFERRALS, shop.id) is False and not order.discount_codes:
        return  # the shop has no referral waiting for an order or a hold, and no code was typed: nothing to do
    attributed = _locked(session, select(Referral).where(Referral.shop_id == shop.id, Referral.order_id == order.id))
    if attributed is not None:
        _revoke_if_refunded(attributed, order, now)
        return
    if not order.is_paid or order.is_cancelled or goods_returned(order):
        return
    config = referral_config(session, shop.id)
    if not config.enabled:
        return
    referral = _pending_referral(session, shop, member, order, now)
    if referral is not None:
        _attribute(session, shop, config, referral, member, order, now)


def settle_referrals(uow_factory: Callable[[], UnitOfWork], now: datetime, limit: int = 500) -> int:
    """Job: reward the referrer of every attributed referral whose hold has passed without a refund."""
    with uow_factory() as uow:
        due = uow.session.execute(
            select(Referral.id, Referral.shop_id, Referral.order_id)
            .where(Referral.status == "ordered", Referral.settle_after <= now)
            .order_by(Referral.settle_after)
            .limit(limit + 1)  # one more than is done: it says whether work remains for the next run
        ).all()
    if len(due) > limit:
        note_limit_reached()
        due = due[:limit]
    settled = 0
    for referral_id, shop_id, order_id in due:
        try:
            settled += _settle_one(uow_factory(), shop_id, referral_id, order_id, now)
        except Exception:  # noqa: BLE001 - one bad row must not stop the others; it is tried next run
            log.exception("settling a referral failed", extra={"shop_id": shop_id, "referral_id": referral_id})
    return settled


def _settle_one(uow: UnitOfWork, shop_id: int, referral_id: int, order_id: int | None, now: datetime) -> int:
    with uow:
        # Lock order → member → referral, the order every path takes (the order hook holds the order first).
        order = _locked(uow.session, select(Order).where(Order.shop_id == shop_id, Order.id == order_id))
        referrer_id = uow.session.scalar(select(Referral.referrer_id).where(Referral.id == referral_id))
        referrer = MemberRepository(uow.session, shop_id).get_for_update(referrer_id) if referrer_id else None
        referral = _locked(uow.session, select(Referral).where(Referral.shop_id == shop_id, Referral.id == referral_id))
        if referral is None or referral.status != "ordered" or referrer is None:
            return 0
        if order is None or _refunded(order):
            _close(referral, "revoked", "order_refunded" if order is not None else "order_missing", now)
            uow.commit()
            return 0
        shop = ShopRepository(uow.session).get(shop_id)
        if shop is not None and referrer.redacted_at is None:
            reward_referrer(uow.session, shop, referral_config(uow.session, shop_id), referrer, referral, now)
        _close(referral, "rewarded", "", now)
        uow.commit()
        return 1


def _pending_referral(
    session: Session, shop: Shop, member: MemberRecord, order: OrderRecord, now: datetime
) -> Referral | None:
    keys = [friend_key(ref, None) for ref in (member.customer_ref, order.customer_ref) if ref]
    keys += [friend_key(None, email) for email in (member.email, order.email) if email]
    if keys:
        found = _locked(
            session,
            select(Referral)
            .where(Referral.shop_id == shop.id, Referral.friend_key.in_(keys), Referral.status == "pending")
            .order_by(Referral.id),
        )
        if found is not None:
            return found
    return _referral_from_discount_code(session, shop, member, order, now)


def _referral_from_discount_code(
    session: Session, shop: Shop, member: MemberRecord, order: OrderRecord, now: datetime
) -> Referral | None:
    # A friend who typed the referral code at checkout (where the merchant made it a shop discount).
    for typed in order.discount_codes or []:
        row = find_code(session, shop.id, str(typed))
        if row is None:
            continue
        email = member.email or order.email
        key = friend_key(member.customer_ref, email)
        record_pending(session, row, "code", key, email, member.customer_ref, now)
        return _locked(
            session,
            select(Referral).where(
                Referral.shop_id == shop.id, Referral.friend_key == key, Referral.status == "pending"
            ),
        )
    return None


def _attribute(
    session: Session,
    shop: Shop,
    config: ReferralConfig,
    referral: Referral,
    friend: MemberRecord,
    order: OrderRecord,
    now: datetime,
) -> None:
    referrer = MemberRepository(session, shop.id).get(referral.referrer_id)
    referral.order_id, referral.order_name = order.id, order.name[:64]
    referral.friend_member_id = friend.id
    referral.friend_customer_ref = referral.friend_customer_ref or friend.customer_ref
    referral.friend_email = referral.friend_email or friend.email or order.email
    referral.ordered_at = now
    referral.settle_after = (order.first_paid_at or order.paid_at or now) + timedelta(days=config.hold_days)
    flags = (
        ["referrer_gone"]
        if referrer is None
        else fraud_reasons(session, config, referral, referrer, friend, order, now)
    )
    referral.flags = flags
    if flags:
        referral.status, referral.was_flagged = "flagged", True
        return
    referral.status = "ordered"
    welcome_friend(session, shop, config, referral, friend, now)


def _revoke_if_refunded(referral: Referral, order: AnyOrder, now: datetime) -> None:
    if referral.status in OPEN and _refunded(order):
        _close(referral, "revoked", "order_cancelled" if order.is_cancelled else "order_refunded", now)


def _refunded(order: AnyOrder) -> bool:
    return order.is_cancelled or not order.is_paid or goods_returned(order)


def _close(referral: Referral, status: str, note: str, now: datetime) -> None:
    referral.status, referral.closed_at = status, now
    if note:
        referral.note = note


def _locked(session: Session, stmt):  # type: ignore[no-untyped-def]
    return session.scalars(stmt.with_for_update().execution_options(populate_existing=True)).first()
