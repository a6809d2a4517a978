"""The merchant's view of emails: the outbox (cancel, retry), reviews (low ratings first), live previews."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from app.domain.email_sender import shown_sender
from app.domain.email_texts import PLACEHOLDERS
from app.domain.errors import Conflict, MemberNotFound, NotFound
from app.domain.rewards import coupon_label
from app.i18n import LOCALES, translate
from app.models import Member, OutboxMessage, Review, ReviewSubmission, RewardSettings, Shop
from app.services.email_content import render_kind, sample_context, sample_expiry
from app.services.email_settings import EmailConfig, check_changes, get_config
from app.services.referrals.settings import referral_config
from app.uow import UnitOfWork

CANCELLABLE = ("pending", "failed")
RETRYABLE = ("failed", "cancelled")


def list_outbox(uow: UnitOfWork, shop_id: int, *, status: str | None = None, member_id: int | None = None,
                limit: int = 50, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """The shop's messages, newest due first, optionally by status or member; with the total count."""
    with uow:
        where = [OutboxMessage.shop_id == shop_id]
        if status:
            where.append(OutboxMessage.status == status)
        if member_id is not None:
            _require_member(uow, shop_id, member_id)
            where.append(OutboxMessage.member_id == member_id)
        total = uow.session.scalar(select(func.count()).select_from(OutboxMessage).where(*where)) or 0
        rows = uow.session.scalars(select(OutboxMessage).where(*where)
                                   .order_by(OutboxMessage.due_at.desc(), OutboxMessage.id.desc())
                                   .limit(limit).offset(offset)).all()
        return [_message(row) for row in rows], int(total)


def cancel_message(uow: UnitOfWork, shop_id: int, message_id: int, now: datetime) -> dict[str, Any]:
    """Cancel a pending or failed message of this shop."""
    with uow:
        msg = _get_for_update(uow, shop_id, message_id)
        if msg.status not in CANCELLABLE:
            raise Conflict(f"a {msg.status} message cannot be cancelled")
        msg.status, msg.last_error, msg.updated_at = "cancelled", "cancelled_by_merchant", now
        uow.commit()
        return _message(msg)


def retry_message(uow: UnitOfWork, shop_id: int, message_id: int, now: datetime) -> dict[str, Any]:
    """Send a failed or cancelled message again, now, with a fresh attempt budget."""
    with uow:
        msg = _get_for_update(uow, shop_id, message_id)
        if msg.status not in RETRYABLE:
            raise Conflict(f"a {msg.status} message cannot be retried")
        msg.status, msg.due_at, msg.attempts, msg.last_error, msg.updated_at = "pending", now, 0, None, now
        uow.commit()
        return _message(msg)


def list_reviews(uow: UnitOfWork, shop_id: int, *, rating: int | None = None, member_id: int | None = None,
                 flagged_only: bool = False, limit: int = 50, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """Reviews with flagged (≤ 2 stars) first, then newest; with the order's recommend score."""
    with uow:
        where = [Review.shop_id == shop_id]
        if rating is not None:
            where.append(Review.rating == rating)
        if member_id is not None:
            _require_member(uow, shop_id, member_id)
            where.append(Review.member_id == member_id)
        if flagged_only:
            where.append(Review.flagged.is_(True))
        total = uow.session.scalar(select(func.count()).select_from(Review).where(*where)) or 0
        rows = uow.session.execute(
            select(Review, ReviewSubmission.recommend_score, Member.email, Member.first_name, Member.last_name)
            .join(ReviewSubmission, ReviewSubmission.id == Review.submission_id)
            .outerjoin(Member, Member.id == Review.member_id)
            .where(*where).order_by(Review.flagged.desc(), Review.created_at.desc(), Review.id.desc())
            .limit(limit).offset(offset)
        ).all()
        return [_review(*row) for row in rows], int(total)


def preview(
    uow: UnitOfWork, shop_id: int, kind: str, locale: str, changes: dict[str, Any], now: datetime, *, sender: str
) -> dict[str, Any]:
    """Render a kind with made-up data (dates ahead of `now`) and the given (unsaved) settings, for the live
    preview: subject, HTML, text, and the From its shoppers would see (the shop's name with `sender`'s address).

    Faulty texts or sender fields are refused as saving them would be (the errors under `settings`, as sent).
    """
    check_changes(changes, under="settings")
    with uow:
        shop = uow.session.get(Shop, shop_id)
        if shop is None:
            raise NotFound()
        config = EmailConfig.from_dict({**get_config(uow.session, shop_id).to_dict(), **changes})
        coupon = kind == "referral_rewarded" and referral_config(uow.session, shop_id).rewards_referrer_with_coupon
        context = sample_context(shop, locale, kind, config, coupon, now=now)
        if kind == "thank_you":
            rule = uow.session.get(RewardSettings, shop_id)
            context["coupon"] = _sample_next_purchase_coupon(rule, shop, locale, now)
        rendered = render_kind(kind, locale, context, config)
        return {"subject": rendered.subject, "html": rendered.html, "text": rendered.text,
                "sender": shown_sender(config.sender_name, shop.name, sender), "reply_to": config.reply_to}


def _sample_next_purchase_coupon(
    rule: RewardSettings | None, shop: Shop, locale: str, now: datetime
) -> dict[str, Any] | None:
    # The thank-you preview shows the coupon the shop's next-purchase rule would give, or none when it is off.
    if rule is None or not rule.next_purchase_enabled:
        return None
    description = coupon_label(rule.next_purchase_kind, rule.next_purchase_value, locale, shop.currency)
    return {"code": "DANKE-7Q2X" if locale == "de" else "THANKS-7Q2X", "description": description,
            "expires_at": sample_expiry(now, timedelta(days=rule.next_purchase_validity_days))}


def _require_member(uow: UnitOfWork, shop_id: int, member_id: int) -> None:
    if uow.session.scalar(select(Member.id).where(Member.shop_id == shop_id, Member.id == member_id)) is None:
        raise MemberNotFound()


def _get_for_update(uow: UnitOfWork, shop_id: int, message_id: int) -> OutboxMessage:
    msg = uow.session.scalars(select(OutboxMessage).where(
        OutboxMessage.shop_id == shop_id, OutboxMessage.id == message_id).with_for_update()).first()
    if msg is None:
        raise NotFound("Unknown message.")
    return msg


def _message(row: OutboxMessage) -> dict[str, Any]:
    return {
        "id": row.id, "kind": row.kind, "status": row.status, "to_email": row.to_email, "locale": row.locale,
        "member_id": row.member_id, "order_id": row.order_id, "due_at": row.due_at, "sent_at": row.sent_at,
        "attempts": row.attempts, "last_error": row.last_error, "subject": row.subject,
        "created_at": row.created_at,
    }


def _review(review: Review, score: int | None, email: str | None, first: str | None,
            last: str | None) -> dict[str, Any]:
    name = " ".join(part for part in (first, last) if part) or (email or "")
    return {
        "id": review.id, "order_id": review.order_id, "member_id": review.member_id, "member_name": name,
        "member_email": email, "product_key": review.product_key, "product_title": review.product_title,
        "rating": review.rating, "body": review.body, "flagged": review.flagged, "recommend_score": score,
        "created_at": review.created_at,
    }


def placeholder_help(kind: str) -> list[dict[str, Any]]:
    """The placeholders an email of `kind` fills in, each with what it stands for (de, en): the help beside its
    texts in the emails tab and in a message campaign's form."""
    return [{"name": name, "label": {loc: translate(f"emails.placeholder.{name}", loc) for loc in LOCALES}}
            for name in PLACEHOLDERS[kind]]
