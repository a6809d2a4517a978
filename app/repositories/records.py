"""Plain records of the rows the order path locks and changes: members and orders, written back column by column.

A webhook's transaction reads one order and one member row, changes a few columns and writes them back. As ORM
objects that round trip was most of the request's CPU (loading, identity map, flush); as records it is one
prebuilt statement each way (`app.db_statements`). A record holds every column of its table under the same
name, so code written against the ORM class reads it unchanged, and remembers the values it was loaded with:
`save` writes only what differs (so a JSON column is changed by giving it a new list or dict, not by changing
the one it holds). Records are never attached to a session; the ORM classes stay the schema and serve every
other path.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import Table, bindparam, update
from sqlalchemy.orm import Session

from app import db_statements as sql
from app.models import Member, Order
from app.repositories.statements import bound, table_of, values_of


@dataclass(slots=True, eq=False)
class MemberRecord:
    """A `members` row (see `Member`), locked by the transaction that loaded it."""

    table: ClassVar[Table] = table_of(Member)

    id: int
    shop_id: int
    customer_ref: str | None
    email: str | None
    first_name: str | None
    last_name: str | None
    locale: str | None
    accepts_marketing: bool
    balance: int
    pending: int
    lifetime_points: int
    birthday: date | None
    joined_at: datetime
    updated_at: datetime
    last_order_at: datetime | None
    redacted_at: datetime | None
    loaded: tuple[Any, ...] = field(default=(), repr=False)

    @property
    def display_name(self) -> str:
        name = " ".join(part for part in (self.first_name, self.last_name) if part)
        return name or (self.email or f"#{self.id}")


@dataclass(slots=True, eq=False)
class OrderRecord:
    """An `orders` row (see `Order`), locked by the transaction that loaded it."""

    table: ClassVar[Table] = table_of(Order)

    id: int
    shop_id: int
    order_ref: str
    member_id: int | None
    customer_ref: str | None
    email: str | None
    name: str
    currency: str
    financial_status: str
    is_paid: bool
    is_cancelled: bool
    is_test: bool
    taxes_included: bool
    placed_at: datetime
    paid_at: datetime | None
    first_paid_at: datetime | None
    cancelled_at: datetime | None
    fulfilled_at: datetime | None
    snapshot_at: datetime
    merchandise: Decimal
    shipping: Decimal
    tax: Decimal
    total: Decimal
    refunded_merchandise: Decimal
    refunded_shipping: Decimal
    refunded_tax: Decimal
    refunded_total: Decimal
    discount_codes: list[str]
    line_items: list[dict[str, Any]]
    shipping_address_key: str | None
    earn_rules: dict[str, Any] | None
    points_earned: int
    created_at: datetime
    updated_at: datetime
    loaded: tuple[Any, ...] = field(default=(), repr=False)

    @property
    def net_total(self) -> Decimal:
        return self.total - self.refunded_total


Record = MemberRecord | OrderRecord
# What code shared by the order path (records) and the rest (ORM objects) accepts: both have every column.
AnyMember = Member | MemberRecord
AnyOrder = Order | OrderRecord


def columns(record_type: type[Record]) -> tuple[str, ...]:
    """The record's columns in table order (every field but `loaded`)."""
    return _COLUMNS[record_type]


def from_row(record_type: type[Record], row: tuple[Any, ...]) -> Any:
    """A record of a row selected as `record_type.table`'s columns in order."""
    record = record_type(*row)
    record.loaded = row
    return record


def changes(record: Record) -> dict[str, Any]:
    """The columns whose values differ from what was loaded (or last saved)."""
    names = _COLUMNS[type(record)]
    return {
        name: value
        for name, before in zip(names, record.loaded, strict=True)
        if (value := getattr(record, name)) != before
    }


def save(session: Session, *records: Record) -> bool:
    """Write the changed columns of locked records (each scoped by its shop); False when nothing changed.

    On PostgreSQL several changed records go in one statement (data-modifying WITH): each statement costs the
    webhook about as much as the work in it.
    """
    dirty = [(record, changed) for record in records if (changed := changes(record))]
    if not dirty:
        return False
    if len(dirty) > 1 and session.get_bind().dialect.name != "postgresql":
        for record, _ in dirty:
            save(session, record)
        return True
    shape = tuple((type(record), tuple(sorted(changed))) for record, changed in dirty)
    params: dict[str, Any] = {}
    for index, (record, changed) in enumerate(dirty):
        prefix = f"r{index}_"
        params.update(bound(changed, prefix))
        params[f"{prefix}pk"], params[f"{prefix}pk_shop"] = record.id, record.shop_id
    sql.execute(session, _update_statement(shape), params)
    for record, _ in dirty:
        record.loaded = tuple(getattr(record, name) for name in _COLUMNS[type(record)])
    return True


_COLUMNS: dict[type[Any], tuple[str, ...]] = {
    kind: tuple(f.name for f in fields(kind) if f.name != "loaded") for kind in (MemberRecord, OrderRecord)
}
Shape = tuple[tuple[type[Any], tuple[str, ...]], ...]  # per record written: its type and changed columns
_UPDATES: dict[Shape, sql.Statement] = {}


def _update_statement(shape: Shape) -> sql.Statement:
    # One statement per shape; an order path writes the same few shapes again and again.
    found = _UPDATES.get(shape)
    if found is None:
        found = _UPDATES[shape] = sql.Statement(lambda _dialect: _updates(shape))
    return found


def _updates(shape: Shape) -> Any:
    statements = []
    for index, (record_type, names) in enumerate(shape):
        table, prefix = record_type.table, f"r{index}_"
        statements.append(
            update(table)
            .where(table.c.id == bindparam(f"{prefix}pk"), table.c.shop_id == bindparam(f"{prefix}pk_shop"))
            .values(values_of(table, names, prefix))
        )
    *before, last = statements
    for index, statement in enumerate(before):
        last = last.add_cte(statement.returning(statement.table.c.id).cte(f"r{index}"))
    return last
