"""The webhook inbox as the merchant sees it: deliveries by status, and retrying a failed one."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from sqlalchemy import select

from app.domain.errors import Conflict, NotFound
from app.models import WebhookDelivery
from app.platforms.base import WebhookAdapter
from app.services.intake import retry_delivery
from app.uow import UnitOfWork


class DeliveryNotFound(NotFound):
    reason = "delivery_not_found"
    message = "Unknown webhook delivery."


class DeliveryNotFailed(Conflict):
    reason = "delivery_not_failed"
    message = "Only a failed delivery can be retried."


def list_deliveries(uow: UnitOfWork, shop_id: int, status: str = "failed", limit: int = 100, *,
                    before_id: int | None = None) -> list[WebhookDelivery]:
    """Deliveries of one shop, newest first (older than `before_id`, the next page); `status` 'all' lists every
    status."""
    query = select(WebhookDelivery).where(WebhookDelivery.shop_id == shop_id)
    if before_id is not None:
        query = query.where(WebhookDelivery.id < before_id)
    if status != "all":
        query = query.where(WebhookDelivery.status == status)
    with uow:
        return list(uow.session.scalars(query.order_by(WebhookDelivery.id.desc()).limit(limit)).all())


def retry_one(
    uow_factory: Callable[[], UnitOfWork], adapters: Mapping[str, WebhookAdapter], shop_id: int, row_id: int,
    now: datetime,
) -> dict[str, object]:
    """Parse a stored failed delivery again and apply it; returns its new status."""
    with uow_factory() as uow:
        row = uow.session.scalars(
            select(WebhookDelivery).where(WebhookDelivery.shop_id == shop_id, WebhookDelivery.id == row_id)
        ).first()
        if row is None:
            raise DeliveryNotFound(id=row_id)
        if row.status != "failed":
            raise DeliveryNotFailed(id=row_id, status=row.status)
        platform, headers, body, delivery_id = row.platform, dict(row.headers), row.body, row.delivery_id
    event = adapters[platform].parse(headers, body).event
    return {"id": row_id, "status": retry_delivery(uow_factory(), shop_id, delivery_id, event, now)}
