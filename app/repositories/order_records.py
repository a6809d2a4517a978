"""Orders of one shop as locked records, and their refunds: what the order path reads and writes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from app import db_statements as sql
from app.domain.refunds import RefundParts
from app.domain.snapshots import RefundSnapshot
from app.models import Member, Order, OrderRefund
from app.repositories.member_records import MemberRecords
from app.repositories.records import MemberRecord, OrderRecord, columns, from_row
from app.repositories.records import save as save_record
from app.repositories.statements import bound, insert_ignore_statement, table_of

_ORDERS = table_of(Order)
_REFUNDS = table_of(OrderRefund)
_MEMBERS = table_of(Member)
_ORDER_COLUMNS = [_ORDERS.c[name] for name in columns(OrderRecord)]
_MEMBER_COLUMNS = [_MEMBERS.c[name] for name in columns(MemberRecord)]
_ORDER_WIDTH = len(_ORDER_COLUMNS)  # a locked order's row: its columns, then its member's
_REFUND_PARTS = (_REFUNDS.c.lines_amount, _REFUNDS.c.lines_tax, _REFUNDS.c.shipping, _REFUNDS.c.total,
                 _REFUNDS.c.shipping_tax)
_REFUND_VALUES = ("order_id", "refund_ref", "refunded_at", "lines_amount", "lines_tax", "shipping", "shipping_tax",
                  "total", "itemised")


def _lock_with_member(dialect: str) -> Select[Any]:
    # The order and its member in one statement, each row locked in the order path's lock order (order, then
    # member): on PostgreSQL the order in a locking CTE, its member by a locking LATERAL subquery of it (an outer
    # join's nullable side cannot be locked otherwise). SQLite has no row locks: a plain outer join.
    by_ref = (_ORDERS.c.shop_id == bindparam("shop_id"), _ORDERS.c.order_ref == bindparam("order_ref"))
    if dialect != "postgresql":
        members = _ORDERS.outerjoin(_MEMBERS, and_(_MEMBERS.c.shop_id == _ORDERS.c.shop_id,
                                                  _MEMBERS.c.id == _ORDERS.c.member_id))
        return select(*_ORDER_COLUMNS, *_MEMBER_COLUMNS).select_from(members).where(*by_ref)
    order = select(*_ORDER_COLUMNS).where(*by_ref).with_for_update().cte("locked_order")
    member = select(*_MEMBER_COLUMNS).where(
        _MEMBERS.c.shop_id == order.c.shop_id, _MEMBERS.c.id == order.c.member_id
    ).with_for_update().lateral("locked_member")
    return select(order, member).select_from(order.outerjoin(member, true()))


_LOCK_BY_REF = sql.Statement(_lock_with_member)
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
        """The order, locked (DESIGN §4.2), if it exists.

        Its member, when it has one, is locked by the same statement (after the order, as the order path
        always locks them) and held for the rest of the transaction: `MemberRecords.lock` then reads no row.
        """
        return self._locked(sql.first(self.session, _LOCK_BY_REF, self._key(order_ref)))

    def lock_or_create(self, order_ref: str, defaults: dict[str, Any]) -> OrderRecord:
        """The order, locked (with its member, as `lock`); created from `defaults` on first sight.

        An existing row is locked by SELECT … FOR UPDATE (no write, no new row version); only a new order is
        inserted. Two deliveries of a new order at once: the second's insert waits for the first and inserts
        nothing, and it then locks the first's row. (Inserting by the locking statement itself, a CTE of
        INSERT … WHERE NOT EXISTS, saved new orders a statement but cost every other delivery more Python
        binding its two dozen values than it saved: measured, not kept.)
        """
        found = self.lock(order_ref)
        if found is not None:
            return found
        values = {**self._key(order_ref), **defaults}
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


    def _key(self, order_ref: str) -> dict[str, Any]:
        return {"shop_id": self.shop_id, "order_ref": order_ref}

    def _locked(self, row: Sequence[Any] | None) -> OrderRecord | None:
        # An order row of `_lock_with_member`: the order, then its member's columns (all None without one).
        if row is None:
            return None
        order: OrderRecord = from_row(OrderRecord, tuple(row[:_ORDER_WIDTH]))
        if row[_ORDER_WIDTH] is not None:
            MemberRecords(self.session, self.shop_id).hold(from_row(MemberRecord, tuple(row[_ORDER_WIDTH:])))
        return order


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
