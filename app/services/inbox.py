"""Failed webhook deliveries, applied again (by `loyalty inbox retry` and the worker)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime

from sqlalchemy import select

from app.domain.errors import LoyaltyError
from app.models import WebhookDelivery
from app.platforms.base import WebhookAdapter
from app.services.intake import retry_delivery
from app.services.worklist import note_limit_reached
from app.uow import UnitOfWork

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 20


def retry_failed_deliveries(
    uow_factory: Callable[[], UnitOfWork],
    adapters: Mapping[str, WebhookAdapter],
    now: datetime,
    limit: int = 500,
) -> tuple[int, int]:
    """Re-parse and apply each failed delivery in its own transaction; returns (processed, still failing)."""
    with uow_factory() as uow:
        pending = uow.session.execute(
            select(
                WebhookDelivery.shop_id,
                WebhookDelivery.delivery_id,
                WebhookDelivery.platform,
                WebhookDelivery.headers,
                WebhookDelivery.body,
            )
            .where(WebhookDelivery.status == "failed", WebhookDelivery.attempts < MAX_ATTEMPTS)
            .order_by(WebhookDelivery.id)
            .limit(limit + 1)  # one more than is done: it says whether work remains for the next run
        ).all()
    if len(pending) > limit:
        note_limit_reached()
        pending = pending[:limit]
    processed = failed = 0
    for shop_id, delivery_id, platform, headers, body in pending:
        try:
            delivery = adapters[platform].parse(headers, body)
        except LoyaltyError as exc:
            log.error(
                "stored delivery cannot be parsed",
                extra={"shop_id": shop_id, "delivery_id": delivery_id, "error": str(exc)},
            )
            failed += 1
            continue
        outcome = retry_delivery(uow_factory(), shop_id, delivery_id, delivery.event, now)
        processed += outcome == "processed"
        failed += outcome == "failed"
    return processed, failed
