"""Newsletter opt-ins given in the widget, recorded at the shop as the customer's email marketing consent.

The opt-in writes a `consent_pushes` row in the opt-in's transaction (an outbox row, DESIGN §4.8). The worker's job
leases it, calls the platform with no transaction open and settles: done; retried with backoff on 429, 5xx and
timeouts (Retry-After honoured); or failed with the platform's reason (a shop that did not grant
`write_customers`, an unknown customer). Only Shopify keeps a consent of its own; a WooCommerce shop's opt-ins
stay in the program (member list and export, campaigns).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.domain.errors import MissingScope, PlatformRejected, PlatformUnavailable
from app.models import ConsentPush, Member, Shop
from app.platforms.base import PlatformClient, ShopCredentials
from app.repositories import MemberRepository, ShopRepository, insert_ignore
from app.security import SecretBox
from app.services.coupons import retry_delay
from app.services.shops import credentials
from app.services.worklist import claim_next, for_each_leased
from app.uow import UnitOfWork

PLATFORMS_WITH_CONSENT = ("shopify",)
LEASE = timedelta(minutes=5)  # a claimed push not settled by then (worker died) is tried again
MAX_ATTEMPTS = 12  # about half a day of retries before the push is given up
ERROR_LIMIT = 1000


@dataclass(frozen=True)
class ConsentJob:
    """What one push needs, read in the claim's short transaction; `cancel` says why there is nothing to push."""

    push_id: int
    shop_id: int
    platform: str
    creds: ShopCredentials | None
    customer_ref: str
    consented_at: datetime
    cancel: str | None = None


def request_push(session: Session, shop: Shop, member: Member, now: datetime) -> None:
    """In the opt-in's transaction: have the consent recorded at the shop (one row per member; opting in again
    after unsubscribing at the shop pushes the new consent)."""
    if shop.platform not in PLATFORMS_WITH_CONSENT or not member.customer_ref:
        return
    values = {
        "shop_id": shop.id, "member_id": member.id, "status": "pending", "consented_at": now, "attempts": 0,
        "next_attempt_at": now, "created_at": now, "updated_at": now,
    }
    if insert_ignore(session, ConsentPush, values, ("shop_id", "member_id")):
        return
    session.execute(
        update(ConsentPush)
        .where(ConsentPush.shop_id == shop.id, ConsentPush.member_id == member.id, ConsentPush.status != "pending")
        .values(status="pending", consented_at=now, attempts=0, next_attempt_at=now, reason=None, last_error=None,
                updated_at=now)
    )


def push_consents(
    uow_factory: Callable[[], UnitOfWork], platform_for: Callable[[str], PlatformClient], box: SecretBox,
    now: datetime,
) -> int:
    """Worker job: push every due consent; returns how many were settled (pushed, retried or cancelled)."""
    return for_each_leased(
        uow_factory,
        lambda session, skip: _claim(session, box, now, skip),
        lambda job: _push_and_settle(uow_factory, platform_for, job, now),
        key=lambda job: job.push_id,
        job="push_marketing_consents",
    )


def consent_status(session: Session, shop_id: int, member_id: int) -> dict[str, object] | None:
    """Where the member's opt-in stands at the shop (admin page), or None when there is nothing to push."""
    push = session.scalars(
        select(ConsentPush).where(ConsentPush.shop_id == shop_id, ConsentPush.member_id == member_id)
    ).first()
    if push is None:
        return None
    return {"status": push.status, "consented_at": push.consented_at, "attempts": push.attempts,
            "reason": push.reason, "last_error": push.last_error}


def _claim(session: Session, box: SecretBox, now: datetime, skip: set[int]) -> ConsentJob | None:
    due = select(ConsentPush).where(ConsentPush.status == "pending", ConsentPush.next_attempt_at <= now)
    push = claim_next(session, due.order_by(ConsentPush.next_attempt_at, ConsentPush.id), ConsentPush.id, skip)
    if push is None:
        return None
    push.next_attempt_at, push.updated_at = now + LEASE, now
    shop = ShopRepository(session).get(push.shop_id)
    member = MemberRepository(session, push.shop_id).get(push.member_id)
    if shop is None or not shop.is_active or member is None or member.redacted_at is not None:
        return ConsentJob(push.id, push.shop_id, "", None, "", push.consented_at, cancel="shop_or_member_gone")
    if not member.customer_ref:
        return ConsentJob(push.id, push.shop_id, shop.platform, None, "", push.consented_at, cancel="no_customer")
    push.attempts += 1
    return ConsentJob(push.id, shop.id, shop.platform, credentials(shop, box), member.customer_ref,
                      push.consented_at)


def _push_and_settle(
    uow_factory: Callable[[], UnitOfWork], platform_for: Callable[[str], PlatformClient], job: ConsentJob,
    now: datetime,
) -> None:
    error: Exception | None = None
    if job.creds is not None:
        try:
            platform_for(job.platform).record_marketing_consent(job.creds, job.customer_ref, job.consented_at)
        except (PlatformUnavailable, PlatformRejected) as exc:
            error = exc
    with uow_factory() as uow:
        push = uow.session.scalars(
            select(ConsentPush).where(ConsentPush.shop_id == job.shop_id, ConsentPush.id == job.push_id)
            .with_for_update()
        ).one()
        _settle(push, job.cancel, error, now)
        uow.commit()


def _settle(push: ConsentPush, cancel: str | None, error: Exception | None, now: datetime) -> None:
    if push.status != "pending":
        return
    if cancel is not None:
        _close(push, "cancelled", cancel, None, now)
    elif error is None:
        _close(push, "done", None, None, now)
    elif isinstance(error, PlatformUnavailable) and push.attempts < MAX_ATTEMPTS:
        push.reason, push.last_error, push.updated_at = "unavailable", _describe(error), now
        push.next_attempt_at = now + timedelta(seconds=retry_delay(push.attempts, error.retry_after))
    else:
        reason = "missing_scope" if isinstance(error, MissingScope) else "rejected"
        _close(push, "failed", reason, _describe(error), now)


def retry_after_new_scopes(session: Session, shop_id: int, scopes: str, now: datetime) -> int:
    """The merchant granted `write_customers` (re-authorised the app): push what failed for want of it."""
    if "write_customers" not in scopes.split(","):
        return 0
    result = session.execute(
        update(ConsentPush)
        .where(ConsentPush.shop_id == shop_id, ConsentPush.status == "failed", ConsentPush.reason == "missing_scope")
        .values(status="pending", attempts=0, next_attempt_at=now, reason=None, last_error=None, updated_at=now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _close(push: ConsentPush, status: str, reason: str | None, error: str | None, now: datetime) -> None:
    push.status, push.next_attempt_at, push.updated_at = status, None, now
    push.reason, push.last_error = reason, error


def _describe(error: Exception) -> str:
    return str(error)[:ERROR_LIMIT] or type(error).__name__
