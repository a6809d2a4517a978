"""Coupons at the shop: issuing, pushing (reserve → call → confirm or compensate), retries, giving up."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.errors import PlatformRejected, PlatformUnavailable
from app.domain.rewards import coupon_window, generate_code
from app.models import Coupon, Shop
from app.platforms.base import CouponSpec, PlatformClient, ShopCredentials
from app.repositories import MemberRepository, ShopRepository
from app.repositories.records import AnyMember
from app.security import SecretBox
from app.services import ledger
from app.services.ledger import Posting
from app.services.program import lot_dates
from app.services.shops import credentials
from app.services.worklist import claim_next, for_each_leased
from app.uow import UnitOfWork

log = logging.getLogger(__name__)

PUSH_LEASE = timedelta(minutes=5)  # a claimed push not settled by then (worker died) is tried again
BASE_BACKOFF_SECONDS = 30
MAX_BACKOFF_SECONDS = 3600
MAX_ATTEMPTS = 12  # about half a day of pushes before the coupon is given up
# After giving up on an unavailable platform, as long again to make sure the shop holds no usable code (an
# answer lost on the way may have created it) before the points go back.
CHECK_ATTEMPTS = 12
PUSHABLE = ("reserved", "pending_push")
# What the worker's run reports (retry_coupon_pushes), each a count of coupons.
RETRY_REPORT = ("pushed", "push_retried", "push_failed", "deactivated", "deactivation_retried",
                "deactivation_failed", "given_up_settled", "given_up_retried")
ERROR_LIMIT = 1000
# Which email tells the member their code once the shop has it: a redemption's, a tier's entry coupon, a referred
# friend's welcome coupon, a referrer's coupon, a campaign's (the thank-you coupon travels in the thank-you email).
NOTIFY_SOURCES = {"redemption": "reward_issued", "tier_entry": "reward_issued", "referral": "reward_issued",
                  "referral_reward": "referral_rewarded", "campaign": "reward_issued"}
# A campaign's coupon is the merchant's promotion: its email goes only where the campaign's own emails may
# (marketing consent); without it the member finds the code in the widget.
CONSENT_OF = {"campaign": "campaign"}

PlatformFor = Callable[[str], PlatformClient]


@dataclass(frozen=True)
class CouponTerms:
    """What a coupon gives, independent of why it is issued."""

    kind: str
    value: Decimal
    minimum_order: Decimal | None
    validity_days: int
    title: str


@dataclass(frozen=True)
class PushJob:
    """Everything a push needs, read in a short transaction so the call itself runs with none open."""

    shop_id: int
    coupon_id: int
    platform: str
    creds: ShopCredentials
    spec: CouponSpec


@dataclass(frozen=True)
class PushOutcome:
    """How a push ended: active | pending_push | failed (with the platform's reason)."""

    status: str
    error: str | None = None


def code_prefix(shop: Shop) -> str:
    """German shops hand out TREUE-… codes, others REWARD-…."""
    return "TREUE" if shop.locale == "de" else "REWARD"


def new_coupon(
    shop: Shop, member: AnyMember | None, terms: CouponTerms, *, source: str, idempotency_key: str, now: datetime,
    status: str, order_id: int | None = None, reward_id: int | None = None, actor: str = "system",
) -> Coupon:
    """A coupon row with a fresh code (not yet added to the session)."""
    starts_at, ends_at = coupon_window(now, terms.validity_days)
    return Coupon(
        shop_id=shop.id, member_id=member.id if member else None, reward_id=reward_id, source=source,
        code=generate_code(code_prefix(shop)), title=terms.title[:255], kind=terms.kind, value=terms.value,
        currency=shop.currency, minimum_order=terms.minimum_order, starts_at=starts_at, ends_at=ends_at,
        status=status, points_spent=0, order_id=order_id, attempts=0, idempotency_key=idempotency_key,
        next_attempt_at=now, actor=actor, created_at=now, updated_at=now, platform_deactivated=False,
        points_returned=False,
    )


def issue_coupon(
    session: Session, shop: Shop, member: AnyMember, terms: CouponTerms, *, source: str, idempotency_key: str,
    now: datetime, order_id: int | None = None, reward_id: int | None = None,
) -> Coupon:
    """Issue a coupon inside the caller's transaction (order hooks, referrals, tiers); idempotent by key.

    It is written as `pending_push` and pushed after the commit by `retry_coupon_pushes` (every 30 s): hooks
    run inside the order's transaction, where no network call may happen. The caller holds the member lock.
    """
    existing = session.scalars(
        select(Coupon).where(Coupon.shop_id == shop.id, Coupon.idempotency_key == idempotency_key)
    ).first()
    if existing is not None:
        return existing
    coupon = new_coupon(shop, member, terms, source=source, idempotency_key=idempotency_key, now=now,
                        status="pending_push", order_id=order_id, reward_id=reward_id)
    session.add(coupon)
    session.flush()
    return coupon


def push_job(session: Session, box: SecretBox, coupon: Coupon) -> PushJob:
    """Read what the push of this coupon needs (credentials decrypted for the call only)."""
    shop = ShopRepository(session).get(coupon.shop_id)
    assert shop is not None
    member = MemberRepository(session, shop.id).get(coupon.member_id) if coupon.member_id else None
    spec = CouponSpec(
        code=coupon.code, title=coupon.title or coupon.code, kind=coupon.kind, value=coupon.value,
        currency=coupon.currency, customer_ref=member.customer_ref if member else None,
        email=member.email if member else None, minimum_order=coupon.minimum_order,
        starts_at=coupon.starts_at, ends_at=coupon.ends_at, idempotency_key=coupon.idempotency_key,
    )
    return PushJob(shop.id, coupon.id, shop.platform, credentials(shop, box), spec)


def call_platform(platform: PlatformClient, job: PushJob) -> tuple[str | None, Exception | None]:
    """Create the code at the shop; (platform_ref, None) or (None, the platform error). No transaction open."""
    try:
        return platform.create_coupon(job.creds, job.spec).platform_ref, None
    except (PlatformUnavailable, PlatformRejected) as exc:
        return None, exc


def settle_push(
    uow: UnitOfWork, job: PushJob, platform_ref: str | None, error: Exception | None, now: datetime
) -> PushOutcome:
    """Confirm (active), reschedule (pending_push, Retry-After honoured) or compensate (failed, points back)."""
    with uow:
        coupon = lock_with_member(uow.session, job.shop_id, job.coupon_id)
        outcome = _apply_outcome(uow.session, coupon, platform_ref, error, now)
        uow.commit()
        return outcome


def _apply_outcome(
    session: Session, coupon: Coupon, platform_ref: str | None, error: Exception | None, now: datetime
) -> PushOutcome:
    coupon.updated_at = now
    if platform_ref is not None:
        coupon.platform_ref = platform_ref
        if coupon.status in PUSHABLE:
            coupon.status, coupon.next_attempt_at, coupon.last_error = "active", None, None
            _notify_issued(session, coupon, now)
        elif coupon.status == "deactivated":
            coupon.next_attempt_at = now  # pushed after its order was refunded: take it back at the shop
        return PushOutcome(coupon.status)
    if coupon.status not in PUSHABLE:
        return PushOutcome(coupon.status)
    coupon.last_error = f"{type(error).__name__}: {error}"[:ERROR_LIMIT]
    if isinstance(error, PlatformUnavailable) and coupon.attempts < MAX_ATTEMPTS:
        coupon.status = "pending_push"
        coupon.next_attempt_at = now + timedelta(seconds=retry_delay(coupon.attempts, error.retry_after))
        return PushOutcome("pending_push", str(error))
    coupon.status = "failed"
    if isinstance(error, PlatformUnavailable):
        # Points come back once `retry_coupon_pushes` has made sure no code of this coupon works at the shop.
        coupon.next_attempt_at = now + timedelta(seconds=retry_delay(coupon.attempts, error.retry_after))
        return PushOutcome("failed", str(error))
    coupon.next_attempt_at = None  # the platform refused the code: it does not exist there
    return_points(session, coupon, "coupon_failed", now)
    return PushOutcome("failed", str(error))


def _notify_issued(session: Session, coupon: Coupon, now: datetime) -> None:
    kind = NOTIFY_SOURCES.get(coupon.source)
    if coupon.member_id is None or kind is None:
        return
    from app.services.email_settings import get_config
    from app.services.messages import enqueue, may_receive

    shop = ShopRepository(session).get(coupon.shop_id)
    member = MemberRepository(session, coupon.shop_id).get(coupon.member_id)
    if shop is None or member is None:
        return
    consent = CONSENT_OF.get(coupon.source)
    if consent is not None and not may_receive(session, shop.id, member, consent, get_config(session, shop.id)):
        return
    context = {"reward_name": coupon.title, "code": coupon.code, "kind": coupon.kind, "value": str(coupon.value),
               "ends_at": coupon.ends_at.isoformat() if coupon.ends_at else None}
    # One email per coupon; a referral's says so by the referral's own key (one email per referral either way).
    dedupe_key = f"reward_issued:{coupon.id}" if kind == "reward_issued" else f"{kind}:{coupon.idempotency_key}"
    enqueue(session, shop, member, kind, due_at=now, now=now, dedupe_key=dedupe_key, context=context)


def retry_delay(attempts: int, retry_after: float | None) -> float:
    """Exponential backoff from the attempt count, never sooner than the platform's Retry-After."""
    backoff = min(MAX_BACKOFF_SECONDS, BASE_BACKOFF_SECONDS * 2 ** max(0, attempts - 1))
    return max(float(backoff), retry_after or 0.0)


def return_points(session: Session, coupon: Coupon, reason: str, now: datetime) -> None:
    """Give a coupon's points back once (idempotent by key); the caller holds the member lock."""
    if coupon.points_spent <= 0 or coupon.points_returned or coupon.member_id is None:
        return
    member = MemberRepository(session, coupon.shop_id).get_for_update(coupon.member_id)
    if member is None:
        return
    settings = ShopRepository(session).settings(coupon.shop_id)
    _, expires_at = lot_dates(settings, now, now)
    posting = Posting("redeem_refund", reason, "coupon", str(coupon.id),
                      idempotency_key=f"redeem-refund:{coupon.id}")
    ledger.credit(session, member, coupon.points_spent, posting, now=now, expires_at=expires_at)
    coupon.points_returned = True


def lock_with_member(session: Session, shop_id: int, coupon_id: int) -> Coupon:
    # Lock order everywhere: member, then its coupons (order hooks and redemptions hold the member first).
    member_id = session.scalar(select(Coupon.member_id).where(Coupon.shop_id == shop_id, Coupon.id == coupon_id))
    if member_id is not None:
        MemberRepository(session, shop_id).get_for_update(member_id)
    return session.scalars(
        select(Coupon).where(Coupon.shop_id == shop_id, Coupon.id == coupon_id).with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def retry_coupon_pushes(
    uow_factory: Callable[[], UnitOfWork], platform_for: PlatformFor, box: SecretBox, now: datetime
) -> dict[str, int]:
    """Worker job: push coupons still waiting (pending_push, or reserved by a request that died), take back
    deactivated ones at the shop, and settle given-up ones (any code found at the shop is deactivated, then
    the points go back). A retry sends the same code, which the clients treat as done.

    The counts say what happened, not what was tried: `pushed` codes now exist at the shop, `push_retried` ones
    are still pending_push (the shop was unavailable), `push_failed` ones were given up; `deactivated` codes
    were taken back at the shop, `deactivation_retried` ones wait for another try and `deactivation_failed`
    ones were given up (or refused; `last_error` says why); `given_up_settled` coupons are settled (points
    back) and `given_up_retried` ones wait for the shop to answer.
    """
    outcomes: Counter[str] = Counter()
    for_each_leased(uow_factory, lambda s, skip: _claim_push(s, box, now, skip),
                    lambda job: outcomes.update([_push_and_settle(uow_factory, platform_for, job, now)]),
                    key=lambda job: job.coupon_id, job="retry_coupon_pushes")
    for_each_leased(uow_factory, lambda s, skip: _claim_deactivation(s, box, now, skip),
                    lambda job: outcomes.update([_deactivate_and_settle(uow_factory, platform_for, job, now)]),
                    key=lambda job: job[1], job="deactivate_coupons")
    for_each_leased(uow_factory, lambda s, skip: _claim_given_up(s, box, now, skip),
                    lambda job: outcomes.update([_check_and_return(uow_factory, platform_for, job, now)]),
                    key=lambda job: job[1], job="settle_given_up_coupons")
    return {key: outcomes[key] for key in RETRY_REPORT}


def _claim_push(session: Session, box: SecretBox, now: datetime, skip: set[int]) -> PushJob | None:
    stmt = select(Coupon).where(Coupon.status.in_(PUSHABLE), Coupon.next_attempt_at <= now).order_by(
        Coupon.next_attempt_at, Coupon.id)
    coupon = claim_next(session, stmt, Coupon.id, skip)
    if coupon is None:
        return None
    coupon.attempts += 1
    coupon.next_attempt_at = now + PUSH_LEASE
    coupon.updated_at = now
    return push_job(session, box, coupon)


def _push_and_settle(uow_factory: Callable[[], UnitOfWork], platform_for: PlatformFor, job: PushJob,
                     now: datetime) -> str:
    platform_ref, error = call_platform(platform_for(job.platform), job)
    outcome = settle_push(uow_factory(), job, platform_ref, error, now)
    if platform_ref is not None:
        return "pushed"
    # Not pushed; a coupon refunded or cancelled while the call ran has nothing left to push ("push_dropped").
    return {"pending_push": "push_retried", "failed": "push_failed"}.get(outcome.status, "push_dropped")


# credentials, coupon id, shop id, platform, and the discount's platform id or the code to look up
PlatformJob = tuple[ShopCredentials, int, int, str, str]


def _claim_deactivation(session: Session, box: SecretBox, now: datetime, skip: set[int]) -> PlatformJob | None:
    due = (Coupon.status == "deactivated", Coupon.platform_ref.is_not(None))
    return _claim_platform_job(session, box, now, skip, due, lambda coupon: str(coupon.platform_ref))


def _claim_given_up(session: Session, box: SecretBox, now: datetime, skip: set[int]) -> PlatformJob | None:
    return _claim_platform_job(session, box, now, skip, (Coupon.status == "failed",), lambda coupon: coupon.code)


def _claim_platform_job(
    session: Session, box: SecretBox, now: datetime, skip: set[int], due: tuple[Any, ...],
    target: Callable[[Coupon], str],
) -> PlatformJob | None:
    # A coupon that still needs a call at the shop, leased like a push (a worker that dies releases it).
    stmt = select(Coupon).where(*due, Coupon.platform_deactivated.is_(False), Coupon.next_attempt_at <= now)
    coupon = claim_next(session, stmt.order_by(Coupon.next_attempt_at, Coupon.id), Coupon.id, skip)
    if coupon is None:
        return None
    coupon.attempts += 1
    coupon.next_attempt_at = now + PUSH_LEASE
    shop = ShopRepository(session).get(coupon.shop_id)
    assert shop is not None
    return credentials(shop, box), coupon.id, shop.id, shop.platform, target(coupon)


def _deactivate_and_settle(uow_factory: Callable[[], UnitOfWork], platform_for: PlatformFor,
                           job: PlatformJob, now: datetime) -> str:
    creds, coupon_id, shop_id, platform, platform_ref = job
    error: Exception | None = None
    try:
        platform_for(platform).deactivate_coupon(creds, platform_ref)
    except (PlatformUnavailable, PlatformRejected) as exc:
        error = exc
    with uow_factory() as uow:
        coupon = uow.session.scalars(
            select(Coupon).where(Coupon.shop_id == shop_id, Coupon.id == coupon_id).with_for_update()
        ).one()
        if isinstance(error, PlatformUnavailable) and coupon.attempts < MAX_ATTEMPTS:
            coupon.next_attempt_at = now + timedelta(seconds=retry_delay(coupon.attempts, error.retry_after))
            outcome = "deactivation_retried"
        else:
            coupon.platform_deactivated, coupon.next_attempt_at = True, None
            outcome = "deactivation_failed" if error else "deactivated"
        coupon.last_error = f"{type(error).__name__}: {error}"[:ERROR_LIMIT] if error else None
        coupon.updated_at = now
        uow.commit()
    return outcome


def _check_and_return(uow_factory: Callable[[], UnitOfWork], platform_for: PlatformFor,
                      job: PlatformJob, now: datetime) -> str:
    # Network first, no transaction open: find the code at the shop and make it unusable if it is there.
    creds, coupon_id, shop_id, platform, code = job
    client = platform_for(platform)
    found: str | None = None
    error: Exception | None = None
    try:
        found = client.find_coupon(creds, code)
        if found is not None:
            client.deactivate_coupon(creds, found)
    except (PlatformUnavailable, PlatformRejected) as exc:
        error = exc
    with uow_factory() as uow:
        coupon = lock_with_member(uow.session, shop_id, coupon_id)
        outcome = "given_up_gone"  # settled meanwhile (or used again): nothing to do
        if coupon.status == "failed" and not coupon.platform_deactivated:
            settled = _settle_given_up(uow.session, coupon, found, error, now)
            outcome = "given_up_settled" if settled else "given_up_retried"
        uow.commit()
    return outcome


def _settle_given_up(session: Session, coupon: Coupon, found: str | None, error: Exception | None,
                     now: datetime) -> bool:
    """Settle a given-up coupon (True), or leave it for another check while the shop is unavailable (False)."""
    coupon.updated_at = now
    if isinstance(error, PlatformUnavailable) and coupon.attempts < MAX_ATTEMPTS + CHECK_ATTEMPTS:
        coupon.next_attempt_at = now + timedelta(seconds=retry_delay(coupon.attempts, error.retry_after))
        coupon.last_error = f"{type(error).__name__}: {error}"[:ERROR_LIMIT]
        return False
    if error is not None:  # checked as long as we could: the shopper gets the points, the merchant the reason
        coupon.last_error = f"not checked at the shop: {type(error).__name__}: {error}"[:ERROR_LIMIT]
        log.warning("given-up coupon not checked at the shop", extra={"shop_id": coupon.shop_id,
                                                                        "coupon_id": coupon.id})
    coupon.platform_ref = found or coupon.platform_ref
    coupon.platform_deactivated, coupon.next_attempt_at = True, None
    return_points(session, coupon, "coupon_failed", now)
    return True
