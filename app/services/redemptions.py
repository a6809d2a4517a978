"""Redeeming points for a reward: reserve (points spent, code reserved) → push to the shop → confirm or compensate."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from app.domain.errors import MemberNotFound, PlatformRejected, RewardUnavailable, ShopNotFound
from app.i18n import pick_locale
from app.models import Coupon, Reward
from app.platforms.base import PlatformClient
from app.repositories import MemberRepository, ShopRepository
from app.security import SecretBox
from app.services import ledger
from app.services.coupons import CouponTerms, PushJob, call_platform, new_coupon, push_job, settle_push
from app.services.ledger import Posting
from app.services.rewards import reward_name
from app.uow import UnitOfWork

NOT_CONNECTED = "The shop is not connected to its platform yet, so it cannot issue codes."
# A reservation whose request died before settling is pushed by the retry job once this has passed.
RESERVATION_LEASE = timedelta(minutes=10)


@dataclass(frozen=True)
class RedemptionResult:
    """What the shopper gets: the code, whether it already works at the shop, and the new balance."""

    coupon_id: int
    code: str
    status: str  # active | pending_push
    ends_at: datetime | None
    balance: int
    reward_id: int
    reward_name: str


@dataclass(frozen=True)
class _Reservation:
    job: PushJob
    result: RedemptionResult


def redeem_reward(
    uow_factory: Callable[[], UnitOfWork],
    platform: PlatformClient,
    box: SecretBox,
    *,
    shop_id: int,
    member_id: int,
    reward_id: int,
    now: datetime,
    actor: str = "shopper",
    locale: str | None = None,
) -> RedemptionResult:
    """Spend the reward's points (soonest-expiring lots first) and turn them into a code at the shop.

    Transaction 1 locks the member, checks the reward, spends and reserves the code. The push runs with no
    transaction open. Transaction 2 confirms; if the shop rejects the code, the points come back and
    RewardUnavailable tells why; if the shop is unavailable, the code stays `pending_push` for the worker.
    Raises InsufficientPoints (also while the balance is negative), RewardUnavailable, MemberNotFound.
    """
    reservation = _reserve(uow_factory(), box, shop_id, member_id, reward_id, now, actor, locale)
    platform_ref, error = call_platform(platform, reservation.job)
    outcome = settle_push(uow_factory(), reservation.job, platform_ref, error, now)
    if outcome.status == "failed":
        raise RewardUnavailable(
            "The shop refused the code; your points have been returned.",
            platform_reason=outcome.error,
            rejected=isinstance(error, PlatformRejected),
        )
    return _with_status(reservation.result, outcome.status)


def _reserve(
    uow: UnitOfWork, box: SecretBox, shop_id: int, member_id: int, reward_id: int, now: datetime,
    actor: str, locale: str | None,
) -> _Reservation:
    with uow:
        session = uow.session
        shop = ShopRepository(session).get(shop_id)
        if shop is None or not shop.is_active:
            raise ShopNotFound(shop=shop_id)
        if not shop.is_connected:  # no code could reach the shop: spend nothing rather than spend and refund
            raise RewardUnavailable(NOT_CONNECTED, reward_id=reward_id, not_connected=True)
        member = MemberRepository(session, shop_id).get_for_update(member_id)
        if member is None:
            raise MemberNotFound(member_id=member_id)
        reward = session.scalars(select(Reward).where(Reward.shop_id == shop_id, Reward.id == reward_id)).first()
        if reward is None or not reward.active:
            raise RewardUnavailable(reward_id=reward_id)
        if member.redacted_at is not None or not (member.email or member.customer_ref):
            raise RewardUnavailable("A code needs a shopper it can be restricted to.", reward_id=reward_id)
        name = reward_name(reward, pick_locale(locale, member.locale, shop.locale), shop.currency)
        terms = CouponTerms(reward.kind, reward.value, reward.minimum_order, reward.validity_days, name)
        coupon = new_coupon(shop, member, terms, source="redemption", idempotency_key="", now=now,
                            status="reserved", reward_id=reward.id, actor=actor)
        coupon.idempotency_key = f"redeem:{coupon.code}"
        coupon.next_attempt_at = now + RESERVATION_LEASE
        coupon.attempts = 1
        session.add(coupon)
        session.flush()
        posting = Posting("redeem", "reward_redeemed", "coupon", str(coupon.id), actor=actor,
                          idempotency_key=f"redeem:{coupon.id}")
        entry = ledger.spend(session, member, reward.points_cost, posting, now=now)
        coupon.points_spent, coupon.ledger_entry_id = reward.points_cost, entry.id
        job = push_job(session, box, coupon)
        result = RedemptionResult(coupon.id, coupon.code, "reserved", coupon.ends_at, member.balance, reward.id, name)
        uow.commit()
        return _Reservation(job, result)


def _with_status(result: RedemptionResult, status: str) -> RedemptionResult:
    return RedemptionResult(result.coupon_id, result.code, status, result.ends_at, result.balance,
                            result.reward_id, result.reward_name)


def member_coupons(uow: UnitOfWork, shop_id: int, member_id: int, limit: int = 100) -> list[Coupon]:
    """A member's coupons, newest first (admin page)."""
    with uow:
        if MemberRepository(uow.session, shop_id).get(member_id) is None:
            raise MemberNotFound(member_id=member_id)
        return list(uow.session.scalars(
            select(Coupon).where(Coupon.shop_id == shop_id, Coupon.member_id == member_id)
            .order_by(Coupon.id.desc()).limit(limit)
        ))
