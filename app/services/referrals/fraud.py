"""Referral fraud checks; each one found is a reason the merchant sees next to the flagged referral."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.models import Member, Order, Referral
from app.repositories.records import MemberRecord, OrderRecord
from app.services.referrals.settings import ReferralConfig

KNOWN_BEFORE = timedelta(days=1)  # an account opened the day the friend followed the link is still new

SELF_CUSTOMER = "self_referral_customer"
SELF_EMAIL = "self_referral_email"
SELF_ADDRESS = "self_referral_address"
EMAIL_KNOWN = "email_known"
TOO_MANY = "too_many_referrals"


def fraud_reasons(
    session: Session,
    config: ReferralConfig,
    referral: Referral,
    referrer: Member,
    friend: MemberRecord,
    order: OrderRecord,
    now: datetime,
) -> list[str]:
    """Every rule the friend's first order breaks, in a stable order (empty: clean)."""
    reasons = []
    if friend.id == referrer.id or (friend.customer_ref and friend.customer_ref == referrer.customer_ref):
        reasons.append(SELF_CUSTOMER)
    emails = {e.lower() for e in (friend.email, order.email, referral.friend_email) if e}
    if referrer.email and referrer.email.lower() in emails:
        reasons.append(SELF_EMAIL)
    if order.shipping_address_key and _referrer_shipped_there(session, referrer, order):
        reasons.append(SELF_ADDRESS)
    if _email_known(session, referral, friend, order, emails):
        reasons.append(EMAIL_KNOWN)
    since = now - timedelta(days=config.window_days)
    if _earlier_referrals(session, referral, since) + 1 > config.max_per_window:
        reasons.append(TOO_MANY)
    return reasons


def _referrer_shipped_there(session: Session, referrer: Member, order: OrderRecord) -> bool:
    return (
        session.scalar(
            select(Order.id)
            .where(
                Order.shop_id == referrer.shop_id,
                Order.member_id == referrer.id,
                Order.shipping_address_key == order.shipping_address_key,
            )
            .limit(1)
        )
        is not None
    )


def _email_known(
    session: Session, referral: Referral, friend: MemberRecord, order: OrderRecord, emails: set[str]
) -> bool:
    """The friend was a customer before: an earlier order, or an account older than the referral."""
    if friend.joined_at < referral.created_at - KNOWN_BEFORE:
        return True
    conditions = [Order.member_id == friend.id]
    if emails:
        conditions.append(func.lower(Order.email).in_(emails))
    earlier = session.scalar(
        select(Order.id)
        .where(
            Order.shop_id == order.shop_id,
            Order.id != order.id,
            Order.placed_at < order.placed_at,
            Order.is_paid.is_(True),
            or_(*conditions),
        )
        .limit(1)
    )
    return earlier is not None


def _earlier_referrals(session: Session, referral: Referral, since: datetime) -> int:
    """The referrer's other friends who ordered, among those recorded in the window."""
    count = session.scalar(
        select(func.count(Referral.id)).where(
            Referral.shop_id == referral.shop_id,
            Referral.referrer_id == referral.referrer_id,
            Referral.created_at >= since,
            Referral.order_id.is_not(None),
            Referral.id != referral.id,
        )
    )
    return count or 0
