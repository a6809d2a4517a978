"""The next-purchase ("thank you") coupon: issued after a qualifying paid order, taken back on refund."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.refunds import goods_returned
from app.domain.rewards import RewardDef, qualifies, reward_label
from app.i18n import pick_locale, translate
from app.models import Order, RewardSettings, Shop
from app.repositories.records import MemberRecord, OrderRecord
from app.repositories.shop_settings import settings_row
from app.services.coupons import CouponTerms, issue_coupon
from app.services.order_hooks import is_history
from app.services.rewards import next_purchase_rule


def issue_next_purchase_coupon(
    session: Session, shop: Shop, member: MemberRecord, order: OrderRecord, now: datetime
) -> None:
    """Order hook: after a qualifying paid order, write the thank-you coupon (once per order, by key).

    It is pushed to the shop after the order's transaction commits, by the `retry_coupon_pushes` job
    (every 30 s): hooks run inside that transaction, where no network call may happen. An imported order of the
    past gets none: it would be a code pushed to the shop for a purchase made long ago, with no thank-you to carry it.
    """
    if not order.is_paid or order.is_cancelled or order.is_test or goods_returned(order) or is_history(session):
        return
    settings = settings_row(session, RewardSettings, shop.id)
    if settings is None or not settings.next_purchase_enabled:
        return
    rule = next_purchase_rule(settings)
    session.flush()  # this order's new state counts below (sessions do not autoflush)
    paid_orders = session.scalar(
        select(func.count(Order.id)).where(
            Order.shop_id == shop.id, Order.member_id == member.id, Order.is_paid.is_(True),
            Order.is_cancelled.is_(False), Order.is_test.is_(False),
        )
    ) or 0
    if not qualifies(rule, paid_orders, order.total):
        return
    locale = pick_locale(member.locale, shop.locale)
    label = reward_label(RewardDef(rule.kind, "-", 1, rule.value), locale, shop.currency)
    title = translate("rewards.next_purchase_title", locale, label=label, order=order.name or order.order_ref)
    terms = CouponTerms(rule.kind, rule.value, rule.minimum_order, rule.validity_days, title)
    issue_coupon(session, shop, member, terms, source="next_purchase", idempotency_key=f"next-purchase:{order.id}",
                 now=now, order_id=order.id)
