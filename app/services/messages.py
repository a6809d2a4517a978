"""Scheduling messages: `enqueue` (the one entry point every area calls), consent, and cancellation.

Callers call `enqueue` inside their own transaction, so a rolled-back business change never sends mail.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import exists, false, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from app.domain.refunds import goods_returned
from app.i18n import pick_locale
from app.models import EmailUnsubscribe, Member, OutboxMessage, Shop
from app.repositories import insert_ignore
from app.repositories.order_effects import OrderEffects
from app.repositories.records import AnyMember, AnyOrder, MemberRecord, OrderRecord
from app.services.email_settings import CATEGORY, KINDS, EmailConfig, get_config
from app.services.order_hooks import is_history

# What the caller's context must hold for kinds rendered from it (other keys are optional): one of the sets.
REQUIRED_CONTEXT: dict[str, tuple[tuple[str, ...], ...]] = {
    "points_expiring": (("points", "expires_at"),),
    "tier_upgrade": (("tier_name",),),
    "reward_issued": (("reward_name", "code"),),
    "referral_rewarded": (("points", "balance"), ("reward_name", "code")),  # points, or a coupon
    "campaign": (("body",),),
}
Consent = Literal["none", "not_unsubscribed", "opt_in"]
THANK_YOU_WITHIN = timedelta(days=3)  # no thank-you for an order first seen long after payment (imports, sync)


def enqueue(
    session: Session,
    shop: Shop,
    member: AnyMember,
    kind: str,
    *,
    order: AnyOrder | None = None,
    due_at: datetime,
    dedupe_key: str,
    context: dict[str, Any] | None = None,
    now: datetime | None = None,
    locale: str | None = None,
) -> OutboxMessage | None:
    """Schedule one email in the caller's transaction; None when off, not allowed, or already scheduled.

    `locale`: the language the email is written in, when the caller's texts decide it (a campaign's); else the
    member's, or the shop's.

    `dedupe_key` is unique per shop (e.g. f"tier_upgrade:{member.id}:{tier_id}"): a second call with the same
    key is a no-op, so retries are safe. `context` must be JSON-serialisable (see REQUIRED_CONTEXT).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown message kind {kind!r}")
    required = REQUIRED_CONTEXT.get(kind, ((),))
    if not any(all(key in (context or {}) for key in keys) for keys in required):
        raise ValueError(f"{kind} needs the context keys of one of {[list(keys) for keys in required]}")
    if not member.email or member.redacted_at is not None:
        return None
    config = get_config(session, shop.id)
    if not config.kinds[kind].enabled or not may_receive(session, shop.id, member, kind, config):
        return None
    created = now or due_at
    values = {
        "shop_id": shop.id, "member_id": member.id, "order_id": order.id if order is not None else None,
        "kind": kind, "locale": locale or pick_locale(member.locale, shop.locale), "to_email": member.email,
        "dedupe_key": dedupe_key[:190], "context": _jsonable(context or {}), "status": "pending",
        "due_at": due_at, "attempts": 0, "created_at": created, "updated_at": created,
    }
    if not insert_ignore(session, OutboxMessage, values, ("shop_id", "dedupe_key")):
        return None
    return session.scalars(
        select(OutboxMessage).where(OutboxMessage.shop_id == shop.id, OutboxMessage.dedupe_key == dedupe_key[:190])
    ).one()


def consent_needed(kind: str, config: EmailConfig) -> Consent:
    """The consent rule of a kind: transactional always; service unless unsubscribed; review per shop setting;
    marketing needs the opt-in (and no unsubscribe). `may_receive` and `receivers` both read it."""
    category = CATEGORY[kind]
    if category == "transactional":
        return "none"
    if category == "service" or (category == "review" and config.review_consent == "opt_out"):
        return "not_unsubscribed"
    return "opt_in"


def may_receive(session: Session, shop_id: int, member: AnyMember, kind: str, config: EmailConfig) -> bool:
    """Whether this member consents to `kind` (`consent_needed`)."""
    needed = consent_needed(kind, config)
    if needed == "none":
        return True
    if member.email is None or is_unsubscribed(session, shop_id, member.email):
        return False
    return needed == "not_unsubscribed" or bool(member.accepts_marketing)


def receivers(shop_id: int, kind: str, config: EmailConfig) -> list[ColumnElement[bool]]:
    """`enqueue`'s rule as conditions on `Member`, to count in SQL who would get `kind` (a campaign's preview):
    an address, not redacted, the kind switched on, and the consent `may_receive` asks for."""
    if not config.kinds[kind].enabled:
        return [false()]
    conditions = [Member.shop_id == shop_id, Member.email.is_not(None), Member.email != "",
                  Member.redacted_at.is_(None)]
    needed = consent_needed(kind, config)
    if needed != "none":
        conditions.append(~exists().where(EmailUnsubscribe.shop_id == shop_id,
                                          EmailUnsubscribe.email == func.lower(func.trim(Member.email))))
    if needed == "opt_in":
        conditions.append(Member.accepts_marketing.is_(True))
    return conditions


def is_unsubscribed(session: Session, shop_id: int, email: str) -> bool:
    """True when this address objected to the shop's non-transactional messages."""
    return bool(session.scalar(select(exists().where(
        EmailUnsubscribe.shop_id == shop_id, EmailUnsubscribe.email == email.strip().lower()
    ))))


def cancel_for_order(session: Session, shop_id: int, order_id: int, reason: str, now: datetime) -> int:
    """Cancel what is still pending for an order (refund, cancellation); returns how many."""
    return OrderEffects(session, shop_id, order_id).cancel_pending_messages(reason, now)


def order_messages_hook(session: Session, shop: Shop, member: MemberRecord, order: OrderRecord, now: datetime) -> None:
    """Order hook: thank-you once the order is paid; a cancellation, or a refund of all its goods, cancels what is
    pending."""
    if order.is_cancelled or goods_returned(order):
        cancel_for_order(session, shop.id, order.id, "order_cancelled" if order.is_cancelled else "order_refunded",
                         now)
        return
    if not order.is_paid or now - (order.paid_at or now) > THANK_YOU_WITHIN or is_history(session):
        return  # an imported order, however recent, was thanked for by the shop before the app knew it
    config = get_config(session, shop.id)
    context = {"points_earned": order.points_earned, "balance": member.balance, "pending": member.pending}
    enqueue(session, shop, member, "thank_you", order=order, context=context, now=now,
            due_at=now + timedelta(minutes=config.thank_you_delay_minutes), dedupe_key=f"thank_you:{order.id}")


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
