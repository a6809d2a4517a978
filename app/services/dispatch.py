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
from typing import Any

from sqlalchemy import and_, bindparam, exists, select, text
from sqlalchemy.orm import Session

from app.domain.email_sender import display_name
from app.domain.refunds import goods_returned
from app.mail.base import Mailer, MailError, OutgoingMessage
from app.mail.mime import build_message
from app.mail.render import message_id
from app.models import EmailSettings, Member, Order, OutboxMessage, ReviewSubmission, Shop
from app.services.email_content import LinkBase, next_purchase_coupons, render_message
from app.services.email_settings import EmailConfig
from app.services.messages import may_receive
from app.services.outbox_claims import cancel_claimed, claim_ids, postpone_claimed, release
from app.services.sent_marks import SentMarks
from app.services.worklist import note_limit_reached
from app.uow import UnitOfWork

log = logging.getLogger(__name__)
ORDER_KINDS = ("thank_you", "review_request", "review_reminder")
# A thank-you whose next-purchase code is still being pushed to the shop waits for it (DESIGN §4.8: a code in an
# email must work), checked again every COUPON_RECHECK; after COUPON_WAIT it goes out anyway, since the worker's
# retries bring the code to the shop.
COUPON_RECHECK = timedelta(seconds=30)
COUPON_WAIT = timedelta(minutes=30)


@dataclass(frozen=True)
class DispatchSettings:
    """How the dispatcher behaves; `sender` is the operator's From (its address sends every shop's mail, its name
    is used for a shop without a name of its own), `links` where email links point."""

    sender: str
    links: LinkBase
    batch_size: int = 25
    max_batches: int = 40
    lease: timedelta = timedelta(minutes=5)
    max_attempts: int = 8
    first_backoff: timedelta = timedelta(minutes=1)
    max_backoff: timedelta = timedelta(hours=6)
    worker: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    shop_id: int | None = None  # one shop's messages only (the demo's history, sent at its own past time)


@dataclass
class DispatchResult:
    """Counts of one dispatch run."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0
    released: int = 0
    postponed: int = 0

    def __str__(self) -> str:
        """`3 sent, 1 retried`: the counts that are not zero (`loyalty worker --once`), or `nothing due`."""
        counts = [f"{count} {name}" for name, count in vars(self).items() if count]
        return ", ".join(counts) or "nothing due"


@dataclass
class _Prepared:
    messages: list[tuple[int, OutgoingMessage, str]] = field(default_factory=list)  # id, message, subject
    cancelled: list[tuple[int, str]] = field(default_factory=list)
    broken: list[tuple[int, MailError]] = field(default_factory=list)


def dispatch_due(
    uow_factory: Callable[[], UnitOfWork],
    mailer: Mailer,
    settings: DispatchSettings,
    now: datetime,
    should_stop: Callable[[], bool] = lambda: False,
) -> DispatchResult:
    """Send every due message, batch by batch, until none is due, the run's cap, or a stop is requested.

    A full batch has the next one claimed before it is sent, and that one renders while this one goes out
    (one message each time the SMTP server answers a MAIL FROM): the two processes' work overlaps.
    """
    result = DispatchResult()
    if should_stop():
        return result
    current = _Claimed.take(uow_factory(), settings, now, result)
    claimed = 1
    while current is not None:
        prepared = current.preparer.finish()
        if should_stop():
            # Asked to stop before anything went out: give the claim back instead of holding it for a lease.
            result.released += release(uow_factory(), current.claim, current.ids, now)
            break
        upcoming = None
        if len(current.ids) == settings.batch_size and claimed < settings.max_batches:
            upcoming = _Claimed.take(uow_factory(), settings, now, result)
            claimed += 1
        elif len(current.ids) == settings.batch_size:
            note_limit_reached()  # the run's cap, with a full batch: more may be due
        try:
            outcomes = _send(uow_factory(), mailer, prepared, current.claim, now, result,
                             upcoming.preparer.step if upcoming is not None else None)
            _record(uow_factory(), current.claim, prepared, outcomes, settings, now, result)
        except Exception:
            if upcoming is not None:  # not sent: free it now rather than after its lease
                result.released += release(uow_factory(), upcoming.claim, upcoming.ids, now)
            raise
        current = upcoming
    return result


@dataclass
class _Claimed:
    """A claimed, loaded batch and the renderer of its messages."""

    claim: str
    ids: list[int]
    preparer: _Preparer

    @classmethod
    def take(
        cls, uow: UnitOfWork, settings: DispatchSettings, now: datetime, result: DispatchResult
    ) -> _Claimed | None:
        claim = f"{settings.worker}:{uuid.uuid4().hex[:8]}"
        batch = _claim_and_load(uow, claim, settings, now, result)
        return cls(claim, batch.ids, _Preparer(batch, settings, now)) if batch.ids else None


def _send(
    uow: UnitOfWork,
    mailer: Mailer,
    prepared: _Prepared,
    claim: str,
    now: datetime,
    result: DispatchResult,
    while_waiting: Callable[[], None] | None = None,
) -> list[MailError | None]:
    if not prepared.messages:
        return []  # nothing to overlap with: the next batch renders in its `finish`
    marks = SentMarks(uow, claim, now)

    def mark_sent(index: int) -> None:
        msg_id, _, subject = prepared.messages[index]
        marks.mark(msg_id, subject)

    try:
        with marks:
            return mailer.send_batch(
                [message for _, message, _ in prepared.messages], on_sent=mark_sent, while_waiting=while_waiting
            )
    finally:
        result.sent += marks.marked  # counted after the block: the last mark's answer is read on leaving it


def claim_batch(uow: UnitOfWork, claim: str, settings: DispatchSettings, now: datetime) -> list[int]:
    """Take up to a batch of due rows (sending with an expired lease, then pending) under this claim."""
    with uow:
        ids = claim_ids(uow, claim, settings.batch_size, settings.lease, now, settings.shop_id)
        uow.commit()
        return ids


def _claim_and_load(
    uow: UnitOfWork, claim: str, settings: DispatchSettings, now: datetime, result: DispatchResult
) -> _Batch:
    """Claim a batch, load what rendering it needs and cancel what may no longer be sent: one transaction.

    Loading and cancelling in the claim's own transaction saves a transaction per batch (and the separate
    load's round trips); the rows are re-checked here, at send time, as before. Rendering runs after the
    commit, so SQLite's write lock is not held while templates render.
    """
    with uow:
        ids = claim_ids(uow, claim, settings.batch_size, settings.lease, now, settings.shop_id)
        batch = _Batch.load(uow.session, ids)
        unsendable = [(msg.id, reason) for msg, reason in batch.unsendable(uow.session)]
        if unsendable:
            cancel_claimed(uow, claim, unsendable, now)
            result.cancelled += len(unsendable)
        waiting = batch.waiting_for_coupons(now)
        if waiting:
            postpone_claimed(uow, claim, waiting, now + COUPON_RECHECK, now)
            result.postponed += len(waiting)
        uow.commit()
    return batch


class _Preparer:
    """Renders a batch's messages and builds their bytes, one per `step` (plain CPU on the loaded rows, no
    session); `finish` renders what is left and returns the batch ready to send."""

    def __init__(self, batch: _Batch, settings: DispatchSettings, now: datetime) -> None:
        self._batch, self._settings, self._now = batch, settings, now
        self._rows = iter(batch.sendable)
        self.prepared = _Prepared()

    def step(self) -> None:
        row = next(self._rows, None)
        if row is not None:
            self._render(*row)

    def finish(self) -> _Prepared:
        for row in self._rows:
            self._render(*row)
        return self.prepared

    def _render(self, msg: OutboxMessage, shop: Shop, member: Member | None, order: Order | None) -> None:
        batch, settings, now = self._batch, self._settings, self._now
        try:
            coupon = batch.coupons.get(order.id) if order is not None else None
            config = batch.configs.get(msg.shop_id) or EmailConfig()
            rendered = render_message(msg, shop, member, order, config, settings.links, now, coupon)
            mime = build_message(
                rendered,
                sender=settings.sender,
                sender_name=display_name(config.sender_name, shop.name),
                reply_to=config.reply_to or None,
                to=msg.to_email,
                sent_at=now,
                message_id=message_id(shop.id, msg.dedupe_key, settings.sender),
                locale=msg.locale,
            )
        except Exception as exc:  # noqa: BLE001 - a broken template or context must not stop the batch
            log.exception("cannot render message", extra={"shop_id": msg.shop_id, "message_id": msg.id})
            # Rendering is deterministic: the same row fails the same way, so it fails now (visible in the
            # admin page, where it can be retried after a fix) instead of being retried for days.
            error = MailError(f"render failed: {type(exc).__name__}: {exc}"[:500], permanent=True)
            self.prepared.broken.append((msg.id, error))
            return
        self.prepared.messages.append((msg.id, mime, rendered.subject))


@dataclass
class _Batch:
    """A claimed batch's messages with their shops, members, orders, email settings and coupons (two queries)."""

    ids: list[int]
    rows: list[tuple[OutboxMessage, Shop | None, Member | None, Order | None]] = field(default_factory=list)
    configs: dict[int, EmailConfig] = field(default_factory=dict)
    coupons: dict[int, dict[str, Any]] = field(default_factory=dict)
    sendable: list[tuple[OutboxMessage, Shop, Member | None, Order | None]] = field(default_factory=list)

    @classmethod
    def load(cls, session: Session, ids: list[int]) -> _Batch:
        batch = cls(ids)
        if not ids:
            return batch
        settings: dict[int, dict[str, Any] | None] = {}
        for msg, shop, member, order, values in session.execute(_LOAD, {"ids": ids}):
            batch.rows.append((msg, shop, member, order))
            settings[msg.shop_id] = values
        # Parsed once per shop of the batch; a shop without a settings row gets the defaults.
        batch.configs = {shop_id: EmailConfig.from_dict(values or {}) for shop_id, values in settings.items()}
        thank_you = [(m.shop_id, m.order_id) for m, *_ in batch.rows if m.kind == "thank_you" and m.order_id]
        batch.coupons = next_purchase_coupons(session, thank_you)
        return batch

    def waiting_for_coupons(self, now: datetime) -> list[int]:
        """Take the sendable thank-yous whose coupon the worker is still pushing out of the batch; their ids."""
        waiting: list[int] = []
        for row in list(self.sendable):
            msg, order = row[0], row[3]
            coupon = self.coupons.get(order.id) if msg.kind == "thank_you" and order is not None else None
            if coupon is not None and not coupon["at_shop"] and now - msg.created_at < COUPON_WAIT:
                waiting.append(msg.id)
                self.sendable.remove(row)
        return waiting

    def unsendable(self, session: Session) -> list[tuple[OutboxMessage, str]]:
        """Sort the rows: what may be sent now goes to `sendable`, the rest is returned with the reason."""
        cancelled: list[tuple[OutboxMessage, str]] = []
        for msg, shop, member, order in self.rows:
            config = self.configs.get(msg.shop_id) or EmailConfig()
            reason = _why_not(session, msg, shop, member, order, config)
            if reason is not None or shop is None:
                cancelled.append((msg, reason or "shop_gone"))
            else:
                self.sendable.append((msg, shop, member, order))
        return cancelled


def _why_not(
    session: Session,
    msg: OutboxMessage,
    shop: Shop | None,
    member: Member | None,
    order: Order | None,
    config: EmailConfig,
) -> str | None:
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
        if goods_returned(order):
            return "order_refunded"
    if (
        msg.kind in ("review_request", "review_reminder")
        and order is not None
        and session.scalar(
            select(exists().where(ReviewSubmission.shop_id == shop.id, ReviewSubmission.order_id == order.id))
        )
    ):
        return "already_reviewed"
    return None


_ASYNC_COMMIT = text("SET LOCAL synchronous_commit = off")
# A batch's messages with their shop, member, order and email settings in one round trip (was five queries).
_LOAD = (
    select(OutboxMessage, Shop, Member, Order, EmailSettings.values)
    .outerjoin(Shop, Shop.id == OutboxMessage.shop_id)
    .outerjoin(Member, and_(Member.id == OutboxMessage.member_id, Member.shop_id == OutboxMessage.shop_id))
    .outerjoin(Order, and_(Order.id == OutboxMessage.order_id, Order.shop_id == OutboxMessage.shop_id))
    .outerjoin(EmailSettings, EmailSettings.shop_id == OutboxMessage.shop_id)
    .where(OutboxMessage.id.in_(bindparam("ids", expanding=True)))
    .order_by(OutboxMessage.id)
)
def _record(
    uow: UnitOfWork,
    claim: str,
    prepared: _Prepared,
    outcomes: list[MailError | None],
    settings: DispatchSettings,
    now: datetime,
    result: DispatchResult,
) -> None:
    if not prepared.broken and all(outcome is None for outcome in outcomes):
        return  # every message was sent and marked already (cancellations were recorded with the claim)
    with uow:
        if uow.dialect == "postgresql":
            uow.session.execute(_ASYNC_COMMIT)  # lost with a database crash, the rows are only retried sooner
        failures = list(prepared.broken)
        for (msg_id, _, _subject), outcome in zip(prepared.messages, outcomes, strict=True):
            if outcome is not None:  # accepted messages were recorded as they went out (services/sent_marks.py)
                failures.append((msg_id, outcome))
        retried_before = result.retried
        for msg_id, error in failures:
            _fail(uow, msg_id, claim, error, settings, now, result)
        uow.commit()
    if result.retried > retried_before:  # one line per batch: an SMTP outage shows at once, not after 8 attempts
        log.warning("messages not sent, retried later",
                    extra={"retried": result.retried - retried_before, "error": str(failures[0][1])[:200]})


def _fail(
    uow: UnitOfWork,
    msg_id: int,
    claim: str,
    error: MailError,
    settings: DispatchSettings,
    now: datetime,
    result: DispatchResult,
) -> None:
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
