"""What happens to issued coupons in the shop's life: used on an order, taken back on a refund, expired."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.refunds import goods_returned
from app.domain.rewards import LIVE_COUPONS
from app.models import Coupon, RewardSettings, Shop
from app.repositories.order_effects import OrderEffects
from app.repositories.records import MemberRecord, OrderRecord
from app.services.coupons import lock_with_member, return_points
from app.services.worklist import for_each_claimed
from app.uow import UnitOfWork


def expire_coupons(uow_factory: Callable[[], UnitOfWork], now: datetime) -> int:
    """Worker job: unused coupons past their end become expired; by the shop setting, their points return."""

    def claim(session: Session, skip: set[int]) -> Coupon | None:
        stmt = select(Coupon.id).where(Coupon.status.in_(LIVE_COUPONS), Coupon.ends_at <= now)
        if skip:
            stmt = stmt.where(Coupon.id.not_in(skip))
        candidate = session.scalars(stmt.order_by(Coupon.id).limit(1)).first()
        if candidate is None:
            return None
        shop_id = session.scalar(select(Coupon.shop_id).where(Coupon.id == candidate))
        assert shop_id is not None
        return lock_with_member(session, shop_id, candidate)

    def work(session: Session, coupon: Coupon) -> bool:
        if coupon.status not in LIVE_COUPONS or coupon.ends_at is None or coupon.ends_at > now:
            return False  # another worker got there first
        coupon.status, coupon.next_attempt_at, coupon.updated_at = "expired", None, now
        settings = session.get(RewardSettings, coupon.shop_id)
        if settings is not None and settings.refund_points_on_expiry:
            return_points(session, coupon, "coupon_expired", now)
        return True

    return for_each_claimed(uow_factory, claim, work, key=lambda c: c.id, job="expire_coupons")


def mark_used_coupons(session: Session, shop: Shop, member: MemberRecord, order: OrderRecord, now: datetime) -> None:
    """Order hook: one of our codes on the order (case-insensitive) marks that coupon used with the order."""
    codes = {str(code).strip().upper() for code in order.discount_codes or [] if str(code).strip()}
    if not codes:
        return
    coupons = session.scalars(
        select(Coupon).where(Coupon.shop_id == shop.id, func.upper(Coupon.code).in_(codes),
                             Coupon.status.in_(LIVE_COUPONS)).with_for_update()
    ).all()
    for coupon in coupons:
        coupon.status, coupon.used_order_id, coupon.used_at = "used", order.id, now
        coupon.next_attempt_at, coupon.updated_at = None, now


def deactivate_order_coupons(
    session: Session, shop: Shop, member: MemberRecord, order: OrderRecord, now: datetime
) -> None:
    """Order hook: a cancellation, or a refund of all its goods, takes back the unused coupons the order earned
    (thank-you, ...)."""
    if not (order.is_cancelled or goods_returned(order)):
        return
    OrderEffects(session, shop.id, order.id).deactivate_live_coupons(now)
