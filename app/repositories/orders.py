"""Orders and refunds of one shop."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.domain.snapshots import RefundSnapshot
from app.models import Order, OrderRefund
from app.repositories.base import insert_ignore, locking_upsert


class OrderRepository:
    """Every read and write here is scoped to one shop."""

    def __init__(self, session: Session, shop_id: int) -> None:
        self.session = session
        self.shop_id = shop_id

    def get_by_ref(self, order_ref: str) -> Order | None:
        return self.session.scalars(
            select(Order).where(Order.shop_id == self.shop_id, Order.order_ref == order_ref)
        ).first()

    def get_for_update(self, order_ref: str) -> Order | None:
        """The order row, locked, if it exists."""
        return self.session.scalars(
            select(Order)
            .where(Order.shop_id == self.shop_id, Order.order_ref == order_ref)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).first()

    def ensure_for_update(self, order_ref: str, defaults: dict[str, Any]) -> Order:
        """The order row, locked (DESIGN §4.2); created from `defaults` on first sight.

        One round trip: INSERT … ON CONFLICT DO UPDATE takes the row lock of an existing row as
        SELECT … FOR UPDATE would, and RETURNING brings the row back either way.
        """
        values = {"shop_id": self.shop_id, "order_ref": order_ref, **defaults}
        stmt = locking_upsert(self.session.get_bind().dialect.name, Order, tuple(values), ("shop_id", "order_ref"))
        return self.session.scalars(stmt, values, execution_options={"populate_existing": True}).one()

    def guest_orders_for_email(self, email: str) -> Sequence[Order]:
        """Orders placed without an account under this email, locked in id order."""
        return self.session.scalars(
            select(Order)
            .where(
                Order.shop_id == self.shop_id,
                Order.member_id.is_(None),
                func.lower(Order.email) == email.strip().lower(),
            )
            .order_by(Order.id)
            .with_for_update()
        ).all()

    def add_refund(self, order: Order, refund: RefundSnapshot, refunded_at: datetime) -> bool:
        """Record a refund once (by its platform id); True when it was new."""
        return insert_ignore(
            self.session,
            OrderRefund,
            {
                "shop_id": self.shop_id,
                "order_id": order.id,
                "refund_ref": refund.refund_ref,
                "refunded_at": refunded_at,
                "lines_amount": refund.lines_amount,
                "lines_tax": refund.lines_tax,
                "shipping": refund.shipping,
                "shipping_tax": refund.shipping_tax,
                "total": refund.total,
                "itemised": refund.itemised,
            },
            ("shop_id", "order_id", "refund_ref"),
        )

    def remove_refunds_except(self, order: Order, kept: set[str]) -> int:
        """Forget the order's refunds that are not in `kept` (deleted in the shop); how many were removed."""
        condition = [OrderRefund.shop_id == self.shop_id, OrderRefund.order_id == order.id]
        if kept:
            condition.append(OrderRefund.refund_ref.not_in(sorted(kept)))
        result = self.session.execute(delete(OrderRefund).where(*condition))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def refunds(self, order: Order) -> Sequence[OrderRefund]:
        """Every refund known for the order."""
        return self.session.scalars(
            select(OrderRefund).where(OrderRefund.shop_id == self.shop_id, OrderRefund.order_id == order.id)
        ).all()

    def unitemised_refunds(self, limit: int) -> list[tuple[str, str]]:
        """(order ref, refund ref) of refunds whose lines are not known yet, oldest first, at most `limit`."""
        rows = self.session.execute(
            select(Order.order_ref, OrderRefund.refund_ref)
            .join(Order, Order.id == OrderRefund.order_id)
            .where(OrderRefund.shop_id == self.shop_id, ~OrderRefund.itemised)
            .order_by(OrderRefund.refunded_at, OrderRefund.id)
            .limit(limit)
        )
        return [(order_ref, refund_ref) for order_ref, refund_ref in rows]

    def unitemised_refunds_of(self, order: Order) -> Sequence[OrderRefund]:
        """The order's refunds still waiting for their lines (the caller holds the order lock)."""
        return self.session.scalars(
            select(OrderRefund)
            .where(
                OrderRefund.shop_id == self.shop_id,
                OrderRefund.order_id == order.id,
                ~OrderRefund.itemised,
            )
            .order_by(OrderRefund.id)
        ).all()

    def list_for_member(self, member_id: int, limit: int = 100) -> Sequence[Order]:
        return self.session.scalars(
            select(Order)
            .where(Order.shop_id == self.shop_id, Order.member_id == member_id)
            .order_by(Order.placed_at.desc())
            .limit(limit)
        ).all()

