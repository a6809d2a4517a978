"""Plain records of the rows the order path locks and changes: members and orders, written back column by column.

A webhook's transaction reads one order and one member row, changes a few columns and writes them back. As ORM
objects that round trip was most of the request's CPU (loading, identity map, flush); as records it is one
prebuilt statement each way (`app.db_statements`). A record holds every column of its table under the same
name, so code written against the ORM class reads it unchanged, and remembers the values it was loaded with:
`save` writes only what differs. Records are never attached to a session; the ORM classes stay the schema
and serve every other path.
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
from app.repositories.statements import bound, values_of


@dataclass(slots=True, eq=False)
class MemberRecord:
    """A `members` row (see `Member`), locked by the transaction that loaded it."""

    table: ClassVar[Table] = Member.__table__  # type: ignore[assignment]

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

    table: ClassVar[Table] = Order.__table__  # type: ignore[assignment]

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


def save(session: Session, record: Record) -> bool:
    """Write the changed columns of a locked record (scoped by its shop); False when nothing changed."""
    changed = changes(record)
    if not changed:
        return False
    statement = _update_statement(type(record), tuple(sorted(changed)))
    sql.execute(session, statement, {**bound(changed), "pk": record.id, "pk_shop": record.shop_id})
    record.loaded = tuple(getattr(record, name) for name in _COLUMNS[type(record)])
    return True


_COLUMNS: dict[type[Any], tuple[str, ...]] = {
    kind: tuple(f.name for f in fields(kind) if f.name != "loaded") for kind in (MemberRecord, OrderRecord)
}
_UPDATES: dict[tuple[type[Any], tuple[str, ...]], sql.Statement] = {}


def _update_statement(record_type: type[Record], names: tuple[str, ...]) -> sql.Statement:
    # One statement per set of changed columns; an order path changes the same few sets again and again.
    key = (record_type, names)
    found = _UPDATES.get(key)
    if found is None:
        table = record_type.table

        def build(_dialect: str) -> Any:
            return (
                update(table)
                .where(table.c.id == bindparam("pk"), table.c.shop_id == bindparam("pk_shop"))
                .values(values_of(table, names))
            )

        found = _UPDATES[key] = sql.Statement(build)
    return found


# What code shared by the order path (records) and the rest (ORM objects) accepts: both have every column.
AnyMember = Member | MemberRecord
AnyOrder = Order | OrderRecord
