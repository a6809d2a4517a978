"""Dispatching the outbox: claim due rows, render, send over one connection per batch, record the outcome.

Claims are leases: a worker that dies leaves rows in `sending` until `lease_until`, after which any worker
takes them again, so nothing is lost (at-least-once). In normal operation each row is claimed by exactly one
worker (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite serialises writers with BEGIN IMMEDIATE), so nothing
is sent twice; a resend after a crash carries the same Message-ID.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from email.message import EmailMessage
from typing import Any

from sqlalchemy import and_, bindparam, exists, or_, select, text, update
from sqlalchemy.orm import Session

from app.mail.base import Mailer, MailError
from app.mail.render import build_message, message_id
from app.models import EmailSettings, Member, Order, OutboxMessage, ReviewSubmission, Shop
from app.services.email_content import LinkBase, next_purchase_coupons, render_message
from app.services.email_settings import EmailConfig
from app.services.messages import may_receive
from app.uow import UnitOfWork

log = logging.getLogger(__name__)
ORDER_KINDS = ("thank_you", "review_request", "review_reminder")


@dataclass(frozen=True)
class DispatchSettings:
    """How the dispatcher behaves; `sender` is the From header, `links` where email links point."""

    sender: str
    links: LinkBase
    batch_size: int = 25
    max_batches: int = 40
    lease: timedelta = timedelta(minutes=5)
    max_attempts: int = 8
    first_backoff: timedelta = timedelta(minutes=1)
    max_backoff: timedelta = timedelta(hours=6)
    worker: str = field(default_factory=lambda: uuid.uuid4().hex[:12])


@dataclass
class DispatchResult:
    """Counts of one dispatch run."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0
    released: int = 0

    def __str__(self) -> str:
        return (f"sent={self.sent} retried={self.retried} failed={self.failed} cancelled={self.cancelled}"
                f" released={self.released}")


@dataclass
class _Prepared:
    messages: list[tuple[int, EmailMessage, str]] = field(default_factory=list)  # id, MIME message, subject
    cancelled: list[tuple[int, str]] = field(default_factory=list)
    broken: list[tuple[int, MailError]] = field(default_factory=list)


def dispatch_due(uow_factory: Callable[[], UnitOfWork], mailer: Mailer, settings: DispatchSettings,
                 now: datetime, should_stop: Callable[[], bool] = lambda: False) -> DispatchResult:
    """Send every due message, batch by batch, until none is due, the run's cap, or a stop is requested."""
    result = DispatchResult()
    for _ in range(settings.max_batches):
        if should_stop():
            break
        claim = f"{settings.worker}:{uuid.uuid4().hex[:8]}"
        ids = claim_batch(uow_factory(), claim, settings, now)
        if not ids:
            break
        prepared = _prepare(uow_factory(), ids, settings, now)
        if should_stop():
            # Asked to stop before anything went out: give the claim back instead of holding it for a lease.
            result.released += release(uow_factory(), claim, ids, now)
            break
        def mark_sent(index: int, prepared: _Prepared = prepared, claim: str = claim) -> None:
            msg_id, _, subject = prepared.messages[index]
            result.sent += _mark_sent(uow_factory(), claim, msg_id, subject, now)

        messages = [m for _, m, _ in prepared.messages]
        outcomes = mailer.send_batch(messages, on_sent=mark_sent) if messages else []
        _record(uow_factory(), claim, prepared, outcomes, settings, now, result)
        if len(ids) < settings.batch_size:
            break
    return result


def claim_batch(uow: UnitOfWork, claim: str, settings: DispatchSettings, now: datetime) -> list[int]:
    """Take up to a batch of due rows (pending, or sending with an expired lease) under this claim."""
    with uow:
        due = or_(OutboxMessage.status == "pending",
                  and_(OutboxMessage.status == "sending", OutboxMessage.lease_until < now))
        query = (select(OutboxMessage.id).where(OutboxMessage.due_at <= now, due)
                 .order_by(OutboxMessage.due_at, OutboxMessage.id).limit(settings.batch_size))
        if uow.dialect == "postgresql":
            query = query.with_for_update(skip_locked=True)
        ids = list(uow.session.scalars(query))
        if ids:
            uow.session.execute(
                update(OutboxMessage).where(OutboxMessage.id.in_(ids))
                .values(status="sending", claimed_by=claim, lease_until=now + settings.lease, updated_at=now)
            )
        uow.commit()
        return ids


def release(uow: UnitOfWork, claim: str, ids: list[int], now: datetime) -> int:
    """Give claimed rows back unsent (a worker shutting down)."""
    with uow:
        result = uow.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.claimed_by == claim, OutboxMessage.status == "sending")
            .values(status="pending", claimed_by=None, lease_until=None, updated_at=now)
        )
        uow.commit()
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _prepare(uow: UnitOfWork, ids: list[int], settings: DispatchSettings, now: datetime) -> _Prepared:
    prepared = _Prepared()
    with uow:
        batch = _Batch.load(uow.session, ids)
        for msg in batch.messages:
            shop = batch.shops.get(msg.shop_id)
            member = batch.members.get(msg.member_id) if msg.member_id is not None else None
            order = batch.orders.get(msg.order_id) if msg.order_id is not None else None
            config = batch.configs.get(msg.shop_id) or EmailConfig()
            reason = _why_not(uow.session, msg, shop, member, order, config)
            if reason is not None or shop is None:
                prepared.cancelled.append((msg.id, reason or "shop_gone"))
                continue
            try:
                coupon = batch.coupons.get(order.id) if order is not None else None
                rendered = render_message(msg, shop, member, order, config, settings.links, now, coupon)
                mime = build_message(rendered, sender=settings.sender, to=msg.to_email, sent_at=now,
                                     message_id=message_id(shop.id, msg.dedupe_key, settings.sender),
                                     locale=msg.locale)
            except Exception as exc:  # noqa: BLE001 - a broken template or context must not stop the batch
                log.exception("cannot render message", extra={"shop_id": msg.shop_id, "message_id": msg.id})
                prepared.broken.append((msg.id, MailError(f"render failed: {type(exc).__name__}: {exc}"[:500])))
                continue
            prepared.messages.append((msg.id, mime, rendered.subject))
    return prepared


@dataclass
class _Batch:
    """A claimed batch's messages with their shops, members, orders, email settings and coupons (a few queries)."""

    messages: list[OutboxMessage]
    shops: dict[int, Shop]
    members: dict[int, Member]
    orders: dict[int, Order]
    configs: dict[int, EmailConfig]
    coupons: dict[int, dict[str, Any]]

    @classmethod
    def load(cls, session: Session, ids: list[int]) -> _Batch:
        messages = list(session.scalars(
            select(OutboxMessage).where(OutboxMessage.id.in_(ids)).order_by(OutboxMessage.id)))
        shop_ids = {m.shop_id for m in messages}
        configs = {row.shop_id: EmailConfig.from_dict(row.values or {}) for row in session.scalars(
            select(EmailSettings).where(EmailSettings.shop_id.in_(shop_ids)))}
        thank_you = [(m.shop_id, m.order_id) for m in messages if m.kind == "thank_you" and m.order_id is not None]
        return cls(
            messages=messages,
            shops=_by_id(session, Shop, shop_ids),
            members=_by_id(session, Member, {m.member_id for m in messages if m.member_id is not None}),
            orders=_by_id(session, Order, {m.order_id for m in messages if m.order_id is not None}),
            configs=configs,
            coupons=next_purchase_coupons(session, thank_you),
        )


def _by_id(session: Session, model: Any, ids: set[int]) -> dict[int, Any]:
    if not ids:
        return {}
    return {row.id: row for row in session.scalars(select(model).where(model.id.in_(ids)))}


def _why_not(session: Session, msg: OutboxMessage, shop: Shop | None, member: Member | None,
             order: Order | None, config: EmailConfig) -> str | None:
    # Re-checked at send time: things change between scheduling and sending.
    if shop is None or not shop.is_active:
        return "shop_inactive"
    if member is None or member.redacted_at is not None:
        return "member_gone"
    if not config.kinds[msg.kind].enabled:
        return "kind_disabled"
    if not may_receive(session, shop.id, member, msg.kind, config):
        return "no_consent"
    if msg.kind in ORDER_KINDS and order is not None:
        if order.is_cancelled:
            return "order_cancelled"
        if order.refunded_total > Decimal("0"):
            return "order_refunded"
    if msg.kind in ("review_request", "review_reminder") and order is not None and session.scalar(
        select(exists().where(ReviewSubmission.shop_id == shop.id, ReviewSubmission.order_id == order.id))
    ):
        return "already_reviewed"
    return None


# One statement for every mark: built once, the values bound per call.
_MARK_SENT = (
    update(OutboxMessage)
    .where(OutboxMessage.id == bindparam("msg_id"), OutboxMessage.claimed_by == bindparam("claim"),
           OutboxMessage.status == "sending")
    .values(status="sent", sent_at=bindparam("now"), subject=bindparam("subject"),
            attempts=OutboxMessage.attempts + 1, last_error=None, claimed_by=None, lease_until=None,
            updated_at=bindparam("now"))
)


def _mark_sent(uow: UnitOfWork, claim: str, msg_id: int, subject: str, now: datetime) -> int:
    # Recorded the moment the server accepted it, in its own short transaction: a worker killed later in
    # the batch never sends this message again.
    with uow:
        if uow.dialect == "postgresql":
            # No wait for the WAL flush on this commit (it dominated the cost per message). A killed worker
            # loses nothing: once COMMIT returns, the commit is in PostgreSQL's WAL buffers and PostgreSQL
            # writes it out within moments on its own. Only a crash of the database server itself could lose
            # the last few marks; those rows stay `sending` and are resent after their lease with the same
            # Message-ID, so delivery stays at-least-once (as after any worker crash between send and mark).
            uow.session.execute(text("SET LOCAL synchronous_commit = off"))
        done = uow.session.execute(_MARK_SENT, {"msg_id": msg_id, "claim": claim, "subject": subject, "now": now})
        uow.commit()
        return int(done.rowcount or 0)  # type: ignore[attr-defined]


def _record(uow: UnitOfWork, claim: str, prepared: _Prepared, outcomes: list[MailError | None],
            settings: DispatchSettings, now: datetime, result: DispatchResult) -> None:
    with uow:
        mine = and_(OutboxMessage.claimed_by == claim, OutboxMessage.status == "sending")
        for msg_id, reason in prepared.cancelled:
            uow.session.execute(update(OutboxMessage).where(OutboxMessage.id == msg_id, mine).values(
                status="cancelled", last_error=reason, claimed_by=None, lease_until=None, updated_at=now))
            result.cancelled += 1
        failures = list(prepared.broken)
        for (msg_id, _, _subject), outcome in zip(prepared.messages, outcomes, strict=True):
            if outcome is not None:  # accepted messages were recorded as they went out (_mark_sent)
                failures.append((msg_id, outcome))
        for msg_id, error in failures:
            _fail(uow, msg_id, claim, error, settings, now, result)
        uow.commit()


def _fail(uow: UnitOfWork, msg_id: int, claim: str, error: MailError, settings: DispatchSettings,
          now: datetime, result: DispatchResult) -> None:
    msg = uow.session.get(OutboxMessage, msg_id)
    if msg is None or msg.claimed_by != claim or msg.status != "sending":
        return
    msg.attempts += 1
    msg.last_error = str(error)[:1000]
    msg.claimed_by, msg.lease_until, msg.updated_at = None, None, now
    if error.permanent or msg.attempts >= settings.max_attempts:
        msg.status = "failed"
        result.failed += 1
        log.warning("message failed for good", extra={"shop_id": msg.shop_id, "message_id": msg.id})
        return
    backoff = min(settings.first_backoff * (2 ** (msg.attempts - 1)), settings.max_backoff)
    msg.status, msg.due_at = "pending", now + backoff
    result.retried += 1
