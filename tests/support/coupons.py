"""Coupon rows for tests, as the services write them, without the platform round trip."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from app.container import Container
from app.models import Coupon, Member, Shop


def add_coupon(container: Container, shop: Shop, member: Member | None, n: int, **values: Any) -> Coupon:
    """An active 10 % thank-you coupon (code TREUE-<n>, valid 30 days) of `member`, overridden by `values`."""
    now = container.clock.now()
    fields: dict[str, Any] = {
        "shop_id": shop.id, "member_id": member.id if member else None, "source": "next_purchase",
        "code": f"TREUE-{n:04d}", "title": "", "kind": "percentage", "value": Decimal("10"), "currency": "EUR",
        "minimum_order": None, "starts_at": now, "ends_at": now + timedelta(days=30), "status": "active",
        "idempotency_key": f"test:{shop.id}:{n}", "created_at": now, "updated_at": now, "attempts": 0,
        "points_spent": 0, "platform_deactivated": False, "points_returned": False,
    }
    with container.uow() as uow:
        coupon = Coupon(**{**fields, **values})
        uow.session.add(coupon)
        uow.commit()
        return coupon


def set_coupon(container: Container, coupon_id: int, **values: Any) -> None:
    """Change a stored coupon (what the worker or an order hook would)."""
    with container.uow() as uow:
        coupon = uow.session.get(Coupon, coupon_id)
        assert coupon is not None
        for name, value in values.items():
            setattr(coupon, name, value)
        uow.commit()
