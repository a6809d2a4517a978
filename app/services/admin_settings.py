"""Reading and changing the core program settings from the admin page (audited)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.models import AuditLog
from app.repositories import ShopRepository
from app.uow import UnitOfWork

CORE_FIELDS = (
    "points_per_unit", "include_shipping", "include_tax", "rounding", "point_value_points", "point_value_amount",
    "pending_days", "expiry_policy", "expiry_months", "expiry_reminder_days",
)


def read_settings(uow: UnitOfWork, shop_id: int) -> dict[str, Any]:
    """The core settings of one shop, plus the shop's language."""
    with uow:
        shops = ShopRepository(uow.session)
        return _as_dict(shops, shop_id)


def update_settings(
    uow: UnitOfWork, shop_id: int, data: dict[str, Any], *, actor: str, now: datetime
) -> dict[str, Any]:
    """Change the core settings (already validated) and record what changed in the audit log."""
    with uow:
        shops = ShopRepository(uow.session)
        before = _as_dict(shops, shop_id)
        settings = shops.settings(shop_id)
        for name in CORE_FIELDS:
            if name in data:
                setattr(settings, name, data[name])
        shop = shops.get(shop_id)
        assert shop is not None
        if "locale" in data:
            shop.locale = data["locale"]
        settings.updated_at = now
        changed = {k: {"from": str(before[k]), "to": str(v)} for k, v in data.items() if before.get(k) != v}
        if changed:
            uow.session.add(AuditLog(shop_id=shop_id, actor=actor, action="settings.update", target="program",
                                     details=changed, created_at=now))
        uow.session.flush()
        after = _as_dict(shops, shop_id)
        uow.commit()
        return after


def _as_dict(shops: ShopRepository, shop_id: int) -> dict[str, Any]:
    settings = shops.settings(shop_id)
    shop = shops.get(shop_id)
    assert shop is not None
    return {**{name: getattr(settings, name) for name in CORE_FIELDS}, "locale": shop.locale}
