"""What a referral gives: the friend's welcome coupon and the message telling the referrer about their points."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.models import Member, Referral, Shop
from app.services.messages import enqueue
from app.services.referrals.settings import ReferralConfig


def welcome_friend(
    session: Session, shop: Shop, config: ReferralConfig, referral: Referral, friend: Member, now: datetime
) -> None:
    """Issue the friend's welcome coupon once (pushed to the shop after the commit by the coupon job)."""
    if config.friend_coupon_value <= 0 and config.friend_coupon_kind != "free_shipping":
        return
    from app.services.coupons import CouponTerms, issue_coupon

    title = "Willkommensgutschein" if shop.locale == "de" else "Welcome coupon"
    terms = CouponTerms(
        kind=config.friend_coupon_kind,
        value=config.friend_coupon_value,
        minimum_order=config.friend_coupon_minimum or None,
        validity_days=config.friend_coupon_days,
        title=title,
    )
    coupon = issue_coupon(
        session,
        shop,
        friend,
        terms,
        source="referral",
        idempotency_key=f"referral-welcome:{referral.id}",
        now=now,
        order_id=referral.order_id,
    )
    referral.friend_coupon_code = coupon.code


def notify_referrer(
    session: Session, shop: Shop, referrer: Member, referral: Referral, points: int, now: datetime
) -> None:
    """Tell the referrer about the points their referral earned (a service message: unsubscribing stops it).

    The friend's name and order stay out of it: the referrer learns only that the invitation was used.
    """
    if points <= 0:
        return
    enqueue(
        session,
        shop,
        referrer,
        "referral_rewarded",
        due_at=now,
        now=now,
        dedupe_key=f"referral_rewarded:{referral.id}",
        context={"points": points, "balance": referrer.balance},
    )
