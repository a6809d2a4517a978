"""Webhook intake: store the verified delivery and apply it in one transaction; keep failures for a retry."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.domain import snapshots as ev
from app.models import Shop
from app.repositories import ShopRepository
from app.repositories.inbox import InboxRepository
from app.services import members, orders
from app.services.shop_copies import ShopCopies, find_shop
from app.uow import UnitOfWork

log = logging.getLogger(__name__)

Handler = Callable[[Session, Shop, Any, datetime], object]


def handlers() -> dict[type, Handler]:
    """Which service applies which neutral event."""
    from app.services import shop_lifecycle

    return {
        ev.OrderSnapshot: orders.apply_order_snapshot,
        ev.RefundSnapshot: orders.apply_refund,
        ev.OrderDeleted: orders.apply_order_deleted,
        ev.FulfillmentSnapshot: orders.apply_fulfillment,
        ev.CustomerSnapshot: members.apply_customer,
        **shop_lifecycle.handlers(),
    }


# Events that still matter once the merchant has uninstalled (privacy law, the uninstall itself).
WHILE_INACTIVE = (ev.AppUninstalled, ev.ShopRedactRequest, ev.CustomerRedactRequest, ev.CustomerDataRequest)
# Events whose handlers only read the shop: they take the lookup's shared copy; the others load the shop row.
READ_SHOP = (ev.OrderSnapshot, ev.RefundSnapshot, ev.OrderDeleted, ev.FulfillmentSnapshot, ev.CustomerSnapshot,
             ev.Ignored)


@dataclass(frozen=True)
class IntakeResult:
    """What became of a delivery: processed | duplicate | ignored | unknown_shop | inactive_shop | failed."""

    outcome: str
    delivery_id: str


def receive_delivery(
    uow: UnitOfWork, delivery: ev.Delivery, now: datetime, shops: ShopCopies | None = None
) -> IntakeResult:
    """Store the delivery (unique per shop and delivery id) and apply it, all in one transaction.

    A duplicate is recognised by the unique key alone. If applying fails, the transaction rolls back and
    the raw delivery is stored as failed in a second one, for `loyalty inbox retry` and the worker; only
    a database that cannot be reached propagates (the platform then retries). `shops`: the process's copies
    of its shops, when there are any (PostgreSQL with LISTEN).
    """
    with uow:
        shop = find_shop(uow.session, shops, delivery.platform, delivery.shop_domain)
        if shop is None:
            log.warning(
                "webhook for unknown shop", extra={"shop": delivery.shop_domain, "topic": delivery.topic}
            )
            return IntakeResult("unknown_shop", delivery.delivery_id)
        if not shop.is_active and not isinstance(delivery.event, WHILE_INACTIVE):
            log.warning("webhook for inactive shop", extra={"shop_id": shop.id, "topic": delivery.topic})
            return IntakeResult("inactive_shop", delivery.delivery_id)
        status = "ignored" if isinstance(delivery.event, ev.Ignored) else "processed"
        shop_id = shop.id
        if not isinstance(delivery.event, READ_SHOP):
            shop = uow.session.get(Shop, shop_id) or shop
        inbox = InboxRepository(uow.session, shop_id)
        try:
            if not inbox.store(_stored(delivery, status, now)):
                status = _previous_status(inbox, delivery.delivery_id[:128])
            else:
                _apply(uow.session, shop, delivery.event, now)
                uow.commit()
        except DBAPIError as exc:
            if exc.connection_invalidated:
                raise
            return _record_failure(uow, shop_id, delivery, exc, now)
        except Exception as exc:  # noqa: BLE001 - any processing bug is kept for retry, never lost
            return _record_failure(uow, shop_id, delivery, exc, now)
    if status == "failed":
        # The platform retried a delivery that failed before: apply it now.
        return IntakeResult(
            retry_delivery(uow, shop_id, delivery.delivery_id[:128], delivery.event, now),
            delivery.delivery_id,
        )
    if status == "ignored":
        log.info("webhook topic not handled", extra={"shop_id": shop_id, "topic": delivery.topic})
    if status.startswith("was_"):
        log.info(
            "duplicate webhook delivery",
            extra={"shop_id": shop_id, "topic": delivery.topic, "delivery_id": delivery.delivery_id},
        )
        return IntakeResult("duplicate", delivery.delivery_id)
    return IntakeResult(status, delivery.delivery_id)


def retry_delivery(uow: UnitOfWork, shop_id: int, delivery_id: str, event: ev.Event, now: datetime) -> str:
    """Apply a stored failed delivery again (re-parsed by the caller); 'processed' or 'failed'."""
    with uow:
        row = InboxRepository(uow.session, shop_id).get(delivery_id, for_update=True)
        assert row is not None, "a delivery to retry is stored"
        if row.status != "failed":
            return row.status
        shop = ShopRepository(uow.session).get(shop_id)
        assert shop is not None
        try:
            _apply(uow.session, shop, event, now)
            row.status, row.processed_at, row.last_error = "processed", now, None
            row.attempts += 1
            uow.commit()
            return "processed"
        except Exception as exc:  # noqa: BLE001 - stays failed, with the reason, for the next retry
            uow.rollback()
            _mark_failed(uow.session, shop_id, delivery_id, exc)
            uow.commit()
            return "failed"


def _apply(session: Session, shop: Shop, event: ev.Event, now: datetime) -> None:
    if isinstance(event, ev.Ignored):
        return
    handler = handlers().get(type(event))
    if handler is None:
        log.info("no handler for event", extra={"shop_id": shop.id, "event": type(event).__name__})
        return
    handler(session, shop, event, now)


def _stored(delivery: ev.Delivery, status: str, now: datetime) -> dict[str, Any]:
    return {
        "platform": delivery.platform,
        "delivery_id": delivery.delivery_id[:128],
        "topic": delivery.topic[:64],
        "headers": delivery.headers,
        "body": delivery.body,
        "status": status,
        "attempts": 1,
        "received_at": now,
        "processed_at": now if status != "failed" else None,
    }


def _previous_status(inbox: InboxRepository, delivery_id: str) -> str:
    # A delivery we already hold: "failed" is applied again, anything else is a duplicate ("was_…").
    status = inbox.status(delivery_id)
    return "failed" if status == "failed" else f"was_{status}"


def _record_failure(
    uow: UnitOfWork, shop_id: int, delivery: ev.Delivery, exc: Exception, now: datetime
) -> IntakeResult:
    log.exception(
        "webhook processing failed", extra={"shop_id": shop_id, "delivery_id": delivery.delivery_id}
    )
    uow.rollback()
    inbox = InboxRepository(uow.session, shop_id)
    if not inbox.store({**_stored(delivery, "failed", now), "last_error": _describe(exc)}):
        _mark_failed(uow.session, shop_id, delivery.delivery_id[:128], exc)
    uow.commit()
    return IntakeResult("failed", delivery.delivery_id)


def _mark_failed(session: Session, shop_id: int, delivery_id: str, exc: Exception) -> None:
    row = InboxRepository(session, shop_id).get(delivery_id)
    if row is not None and row.status == "failed":
        row.attempts += 1
        row.last_error = _describe(exc)


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]
