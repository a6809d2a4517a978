"""Shop lifecycle events delivered by webhook: uninstall, and the privacy requests (app.services.privacy)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from app.domain import snapshots as ev
from app.models import Shop

log = logging.getLogger(__name__)

PURGE_AFTER = timedelta(days=30)


def handlers() -> dict[type, Any]:
    """Lifecycle events and the functions that apply them."""
    from app.services import privacy

    return {ev.AppUninstalled: apply_uninstalled, **privacy.handlers()}


def apply_uninstalled(session: Session, shop: Shop, event: ev.AppUninstalled, now: datetime) -> None:
    """Deactivate at once (no more emails or coupon pushes) and schedule the data purge."""
    shop.status = "uninstalled"
    shop.uninstalled_at = now
    shop.purge_after = now + PURGE_AFTER
    shop.access_token_enc = None
    log.info("shop uninstalled", extra={"shop_id": shop.id})
