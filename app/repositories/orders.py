"""Orders and refunds of one shop as ORM rows, for reading (the order path locks and writes records: order_records)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Order, OrderRefund
from app.repositories.records import AnyOrder


class OrderRepository:
    """Every read and write here is scoped to one shop."""

    def __init__(self, session: Session, shop_id: int) -> None:
        self.session = session
        self.shop_id = shop_id

    def get_by_ref(self, order_ref: str) -> Order | None:
        return self.session.scalars(
            select(Order).where(Order.shop_id == self.shop_id, Order.order_ref == order_ref)
        ).first()

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

    def unitemised_refunds_of(self, order: AnyOrder) -> Sequence[OrderRefund]:
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

