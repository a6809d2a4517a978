"""Timing review requests and their one reminder (jobs `schedule_review_requests`), per shop settings."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Numeric, and_, cast, exists, func, select
from sqlalchemy.orm import Session, aliased

from app.domain.refunds import goods_returned
from app.models import Member, Order, OutboxMessage, ReviewSubmission, Shop
from app.services.email_settings import EmailConfig, get_config
from app.services.messages import enqueue
from app.services.worklist import note_limit_reached
from app.uow import UnitOfWork

log = logging.getLogger(__name__)
LOOKBACK = timedelta(days=14)  # orders that became due longer ago than this are not asked any more
BATCH = 500
SHIPPING_SHOP_WINDOW = timedelta(days=90)  # a shop with a shipped order among these days' orders marks shipments


def schedule_review_messages(
    uow_factory: Callable[[], UnitOfWork], now: datetime, *, shop_id: int | None = None
) -> dict[str, int]:
    """For every active shop (`shop_id`: that one only, as the demo's history runs at its own past time):
    enqueue due review requests and reminders (one transaction per shop)."""
    query = select(Shop.id).where(Shop.status == "active").order_by(Shop.id)
    if shop_id is not None:
        query = query.where(Shop.id == shop_id)
    with uow_factory() as uow:
        shop_ids = list(uow.session.scalars(query))
    totals = {"requests": 0, "reminders": 0}
    for one in shop_ids:
        try:
            with uow_factory() as uow:
                shop = uow.session.get(Shop, one)
                config = get_config(uow.session, one)
                if shop is not None:
                    totals["requests"] += _requests(uow.session, shop, config, now)
                    totals["reminders"] += _reminders(uow.session, shop, config, now)
                uow.commit()
        except Exception:  # noqa: BLE001 - one shop's problem must not stop the others
            log.exception("review scheduling failed", extra={"shop_id": one})
    return totals


def _requests(session: Session, shop: Shop, config: EmailConfig, now: datetime) -> int:
    if not config.kinds["review_request"].enabled:
        return 0
    due_before = now - timedelta(days=config.review_delay_days)
    basis: ColumnElement[datetime] = Order.fulfilled_at  # type: ignore[assignment]
    if config.review_without_fulfilment and not _records_shipments(session, shop.id, now):
        basis = func.coalesce(Order.fulfilled_at, Order.paid_at)
    orders = session.scalars(
        select(Order).where(
            Order.shop_id == shop.id, Order.is_paid.is_(True), Order.is_cancelled.is_(False),
            Order.member_id.is_not(None), ~_goods_returned(),
            basis <= due_before, basis >= due_before - LOOKBACK,
            ~_message_exists(shop.id, "review_request", Order.id), ~_reviewed(shop.id, Order.id),
        ).order_by(basis, Order.id).limit(BATCH + 1)
    ).all()
    if len(orders) > BATCH:  # one more than is done: work remains for the next run
        note_limit_reached()
        orders = orders[:BATCH]
    count = 0
    for order in orders:
        member = session.get(Member, order.member_id)
        window_start = now - timedelta(days=config.review_window_days)
        if member is None or _asked_recently(session, shop.id, member.id, window_start):
            continue
        if enqueue(session, shop, member, "review_request", order=order, due_at=now, now=now,
                   dedupe_key=f"review_request:{order.id}") is not None:
            count += 1
    return count


def _records_shipments(session: Session, shop_id: int, now: datetime) -> bool:
    """The shop marks its orders as shipped (one of the last 90 days' orders is): an order not shipped yet waits
    for its shipment, so no shopper is asked about goods still on their way. Counting from payment is for shops
    that never mark shipments."""
    return bool(session.scalar(select(exists().where(
        Order.shop_id == shop_id, Order.placed_at >= now - SHIPPING_SHOP_WINDOW, Order.fulfilled_at.is_not(None)))))


def _reminders(session: Session, shop: Shop, config: EmailConfig, now: datetime) -> int:
    if not config.kinds["review_reminder"].enabled:
        return 0
    due_before = now - timedelta(days=config.review_reminder_days)
    requests = session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.shop_id == shop.id, OutboxMessage.kind == "review_request",
            OutboxMessage.status == "sent", OutboxMessage.order_id.is_not(None),
            OutboxMessage.sent_at <= due_before, OutboxMessage.sent_at >= due_before - LOOKBACK,
            ~_message_exists(shop.id, "review_reminder", OutboxMessage.order_id),
            ~_reviewed(shop.id, OutboxMessage.order_id),
        ).order_by(OutboxMessage.sent_at).limit(BATCH + 1)
    ).all()
    if len(requests) > BATCH:  # one more than is done: work remains for the next run
        note_limit_reached()
        requests = requests[:BATCH]
    count = 0
    for request in requests:
        order = session.get(Order, request.order_id)
        member = session.get(Member, request.member_id) if request.member_id is not None else None
        if order is None or member is None or order.is_cancelled or goods_returned(order):
            continue
        if enqueue(session, shop, member, "review_reminder", order=order, due_at=now, now=now,
                   dedupe_key=f"review_reminder:{order.id}") is not None:
            count += 1
    return count


def _message_exists(shop_id: int, kind: str, order_id: ColumnElement[int] | object) -> ColumnElement[bool]:
    other = aliased(OutboxMessage)
    return exists().where(other.shop_id == shop_id, other.kind == kind, other.order_id == order_id)


def _reviewed(shop_id: int, order_id: ColumnElement[int] | object) -> ColumnElement[bool]:
    return exists().where(ReviewSubmission.shop_id == shop_id, ReviewSubmission.order_id == order_id)


def _asked_recently(session: Session, shop_id: int, member_id: int, since: datetime) -> bool:
    return bool(session.scalar(select(exists().where(
        OutboxMessage.shop_id == shop_id, OutboxMessage.member_id == member_id,
        OutboxMessage.kind == "review_request", OutboxMessage.status.in_(("pending", "sending", "sent")),
        OutboxMessage.created_at >= since,
    ))))


def _goods_returned() -> ColumnElement[bool]:
    # `goods_returned` in SQL; money is text on SQLite, so compared as numbers.
    refunded, merchandise = (cast(column, Numeric(14, 2)) for column in (Order.refunded_merchandise, Order.merchandise))
    return and_(refunded > 0, refunded >= merchandise)
