"""What a referral gives: the friend's welcome coupon, and the referrer's points or coupon with its message."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.i18n import pick_locale
from app.models import Member, Referral, Shop
from app.repositories.records import AnyMember
from app.services import ledger
from app.services.coupons import CouponTerms, issue_coupon
from app.services.ledger import Posting
from app.services.messages import enqueue
from app.services.program import award_expiry
from app.services.referrals.settings import ReferralConfig


def welcome_friend(
    session: Session, shop: Shop, config: ReferralConfig, referral: Referral, friend: AnyMember, now: datetime
) -> None:
    """Issue the friend's welcome coupon once (pushed to the shop after the commit by the coupon job)."""
    if config.friend_coupon_value <= 0 and config.friend_coupon_kind != "free_shipping":
        return
    # the friend reads the title (the coupon's email, "My rewards"): in their language, as redemptions are
    title = "Willkommensgutschein" if pick_locale(friend.locale, shop.locale) == "de" else "Welcome coupon"
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


def reward_referrer(
    session: Session, shop: Shop, config: ReferralConfig, referrer: Member, referral: Referral, now: datetime
) -> None:
    """Give the referrer what the shop's settings say, once (ledger key / coupon key per referral).

    Points are credited now and the referrer is told at once. A coupon is written `pending_push` and pushed
    by the coupon job; the referrer is told (with the code) only once the shop has it (`coupons._notify_issued`).
    The caller holds the referrer's lock.
    """
    if config.rewards_referrer_with_coupon:
        coupon = issue_coupon(
            session,
            shop,
            referrer,
            referrer_coupon_terms(config, pick_locale(referrer.locale, shop.locale)),
            source="referral_reward",
            idempotency_key=f"referral-reward:{referral.id}",
            now=now,
        )
        referral.referrer_coupon_code = coupon.code
        return
    points = config.referrer_points_due
    if points <= 0:
        return
    posting = Posting(
        "referral", "referral", "referral", str(referral.id), actor="system", idempotency_key=f"referral:{referral.id}"
    )
    ledger.credit(session, referrer, points, posting, now=now, expires_at=award_expiry(session, shop.id, now))
    referral.referrer_points = points
    _notify_points(session, shop, referrer, referral, points, now)


def referrer_coupon_terms(config: ReferralConfig, locale: str) -> CouponTerms:
    """The coupon a referrer gets, titled in the referrer's language (`locale`)."""
    return CouponTerms(
        kind=config.referrer_coupon_kind,
        value=config.referrer_coupon_value,
        minimum_order=config.referrer_coupon_minimum or None,
        validity_days=config.referrer_coupon_days,
        title="Dankeschön für die Empfehlung" if locale == "de" else "Thank you for your referral",
    )


def _notify_points(
    session: Session, shop: Shop, referrer: Member, referral: Referral, points: int, now: datetime
) -> None:
    # A service message (unsubscribing stops it). The friend's name and order stay out of it: the referrer
    # learns only that the invitation was used.
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
