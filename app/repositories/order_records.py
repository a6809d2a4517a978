"""Orders of one shop as locked records, and their refunds: what the order path reads and writes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.orm import Session

from app import db_statements as sql
from app.domain.refunds import RefundParts
from app.domain.snapshots import RefundSnapshot
from app.models import Order, OrderRefund
from app.repositories.records import OrderRecord, columns, from_row
from app.repositories.records import save as save_record
from app.repositories.statements import bound, insert_ignore_statement, table_of

_ORDERS = table_of(Order)
_REFUNDS = table_of(OrderRefund)
_ORDER_COLUMNS = [_ORDERS.c[name] for name in columns(OrderRecord)]
_REFUND_PARTS = (_REFUNDS.c.lines_amount, _REFUNDS.c.lines_tax, _REFUNDS.c.shipping, _REFUNDS.c.total,
                 _REFUNDS.c.shipping_tax)
_REFUND_VALUES = ("order_id", "refund_ref", "refunded_at", "lines_amount", "lines_tax", "shipping", "shipping_tax",
                  "total", "itemised")

_LOCK_BY_REF = sql.Statement(lambda _: select(*_ORDER_COLUMNS).where(
    _ORDERS.c.shop_id == bindparam("shop_id"), _ORDERS.c.order_ref == bindparam("order_ref")).with_for_update())
_LOCK_GUEST_ORDERS = sql.Statement(lambda _: select(*_ORDER_COLUMNS).where(
    _ORDERS.c.shop_id == bindparam("shop_id"), _ORDERS.c.member_id.is_(None),
    func.lower(_ORDERS.c.email) == bindparam("email")).order_by(_ORDERS.c.id).with_for_update())
_REFUND_ROWS = sql.Statement(lambda _: select(*_REFUND_PARTS).where(
    _REFUNDS.c.shop_id == bindparam("shop_id"), _REFUNDS.c.order_id == bindparam("order_id")))


class OrderRecords:
    """Every read and write here is scoped to one shop; callers own the transaction."""

    def __init__(self, session: Session, shop_id: int) -> None:
        self.session = session
        self.shop_id = shop_id

    def lock(self, order_ref: str) -> OrderRecord | None:
        """The order, locked (DESIGN §4.2), if it exists."""
        row = sql.first(self.session, _LOCK_BY_REF, {"shop_id": self.shop_id, "order_ref": order_ref})
        return None if row is None else from_row(OrderRecord, row)  # type: ignore[no-any-return]

    def lock_or_create(self, order_ref: str, defaults: dict[str, Any]) -> OrderRecord:
        """The order, locked; created from `defaults` on first sight.

        An existing row is locked by a plain SELECT … FOR UPDATE (no write, no new row version); only a new
        order is inserted. Two deliveries of a new order at once: the second's insert waits for the first
        and inserts nothing, and it then locks the first's row.
        """
        found = self.lock(order_ref)
        if found is not None:
            return found
        values = {"shop_id": self.shop_id, "order_ref": order_ref, **defaults}
        inserted = sql.first(self.session, _insert_order(tuple(values)), bound(values))
        if inserted is not None:
            return from_row(OrderRecord, inserted)  # type: ignore[no-any-return]
        found = self.lock(order_ref)
        assert found is not None, "an order that could not be inserted exists"
        return found

    def guest_orders_for_email(self, email: str) -> list[OrderRecord]:
        """Orders placed without an account under this email, locked in id order."""
        found = sql.rows(self.session, _LOCK_GUEST_ORDERS, {"shop_id": self.shop_id, "email": email.strip().lower()})
        return [from_row(OrderRecord, row) for row in found]

    def save(self, order: OrderRecord) -> bool:
        """Write what changed of the locked order."""
        return save_record(self.session, order)

    def refunds(self, order: OrderRecord) -> list[RefundParts]:
        """Every refund known for the order."""
        found = sql.rows(self.session, _REFUND_ROWS, {"shop_id": self.shop_id, "order_id": order.id})
        return [RefundParts(*row) for row in found]

    def add_refund(self, order: OrderRecord, refund: RefundSnapshot, refunded_at: datetime) -> bool:
        """Record a refund once (by its platform id); True when it was new."""
        values = {
            "order_id": order.id, "refund_ref": refund.refund_ref, "refunded_at": refunded_at,
            "lines_amount": refund.lines_amount, "lines_tax": refund.lines_tax, "shipping": refund.shipping,
            "shipping_tax": refund.shipping_tax, "total": refund.total, "itemised": refund.itemised,
        }
        params = bound({"shop_id": self.shop_id, **values})
        return sql.first(self.session, _INSERT_REFUND, params) is not None

    def remove_refunds_except(self, order: OrderRecord, kept: set[str]) -> int:
        """Forget the order's refunds that are not in `kept` (deleted in the shop); how many were removed."""
        condition = [OrderRefund.shop_id == self.shop_id, OrderRefund.order_id == order.id]
        if kept:
            condition.append(OrderRefund.refund_ref.not_in(sorted(kept)))
        result = self.session.execute(delete(OrderRefund).where(*condition))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


_INSERTS: dict[tuple[str, ...], sql.Statement] = {}


def _insert_order(names: tuple[str, ...]) -> sql.Statement:
    found = _INSERTS.get(names)
    if found is None:
        found = _INSERTS[names] = sql.Statement(
            lambda dialect: insert_ignore_statement(dialect, _ORDERS, names, ("shop_id", "order_ref"))
            .returning(*_ORDER_COLUMNS)
        )
    return found


_INSERT_REFUND = sql.Statement(lambda dialect: insert_ignore_statement(
    dialect, _REFUNDS, ("shop_id", *_REFUND_VALUES), ("shop_id", "order_id", "refund_ref")).returning(_REFUNDS.c.id))
