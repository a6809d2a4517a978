"""Personal data across every table, found by inspecting the models: export, scrub and delete by shop."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, LargeBinary, String, Table, Text, delete, func, or_, select, update
from sqlalchemy.orm import Session

from app.db import Base
from app.models import Member, PrivacyExport

# Columns that hold a person's identity outright: cleared on every row linked to the redacted member.
PERSONAL_COLUMN = re.compile(
    r"(^|_)(email|first_name|last_name|full_name|author_name|author|customer_name|display_name|phone|birthday"
    r"|address|address_key|ip_address|customer_ref|recipient)$"
)
REDACTED = "[redacted]"
SKIP_TABLES = {"shops", "members", "privacy_exports", "install_states"}


def shop_tables() -> list[Table]:
    """Every table keyed by shop, children before parents (the order deletes need)."""
    return [t for t in reversed(Base.metadata.sorted_tables) if "shop_id" in t.c and t.name != "shops"]


def export_member(session: Session, shop_id: int, member: Member) -> dict[str, Any]:
    """The member's profile and every row of every table that points at the member (any column referring to
    members: `member_id`, a referral's `referrer_id` and `friend_member_id`) or carries their email address (guest
    orders, messages, a referral that invited them)."""
    data: dict[str, Any] = {"profile": _row_dict(member.__table__, _values(member))}
    for table in shop_tables():
        condition = None if table.name in SKIP_TABLES else _about_member(table, member)
        if condition is None:
            continue
        rows = session.execute(select(table).where(table.c.shop_id == shop_id, condition)).mappings().all()
        if rows:
            data[table.name] = [_row_dict(table, dict(row)) for row in rows]
    return data


def _about_member(table: Table, member: Member) -> Any:
    conditions = [column == member.id for column in table.c
                  if any(key.column.table.name == "members" for key in column.foreign_keys)]
    if member.email:
        conditions += [func.lower(column) == member.email.lower() for column in table.c
                       if column.name.endswith("email") and isinstance(column.type, String)]
    return or_(*conditions) if conditions else None


def redact_member(session: Session, shop_id: int, member: Member, order_refs: tuple[str, ...], now: datetime) -> None:
    """Anonymise one member everywhere: identity columns cleared, their names and email scrubbed from any text."""
    needles = _needles(member.email, member.first_name, member.last_name)
    linked_needles = needles | {n for n in (member.first_name, member.last_name) if n and len(n) >= 3}
    email = (member.email or "").lower()
    for table in shop_tables():
        if table.name in SKIP_TABLES:
            continue
        linked = _linked_condition(table, member.id, email, order_refs)
        if linked is not None:
            _clear_identity(session, table, shop_id, linked)
            _scrub(session, table, shop_id, {n.lower() for n in linked_needles}, linked)
        _scrub(session, table, shop_id, {n.lower() for n in needles}, None)
    session.execute(delete(PrivacyExport).where(PrivacyExport.shop_id == shop_id,
                                                PrivacyExport.member_id == member.id))
    member.email = member.first_name = member.last_name = member.customer_ref = member.locale = None
    member.birthday = None
    member.accepts_marketing = False
    member.redacted_at = member.updated_at = now


def redact_guest(session: Session, shop_id: int, email: str | None, order_refs: tuple[str, ...]) -> None:
    """A customer without a member row: clear their orders (email, address key) and scrub their email."""
    needles = _needles(email, None, None)
    for table in shop_tables():
        if table.name in SKIP_TABLES:
            continue
        linked = _linked_condition(table, None, (email or "").lower(), order_refs)
        if linked is not None:
            _clear_identity(session, table, shop_id, linked)
        if needles:
            _scrub(session, table, shop_id, needles, None)


def delete_shop(session: Session, shop_id: int) -> None:
    """Every row of the shop, in every table, then the shop itself."""
    for table in shop_tables():
        session.execute(delete(table).where(table.c.shop_id == shop_id))
    shops = Base.metadata.tables["shops"]
    session.execute(delete(shops).where(shops.c.id == shop_id))


def _needles(email: str | None, first: str | None, last: str | None) -> set[str]:
    full = " ".join(part for part in (first, last) if part)
    return {n.lower() for n in (email, full if first and last else None) if n}


def _linked_condition(table: Table, member_id: int | None, email: str, order_refs: tuple[str, ...]) -> Any:
    conditions = []
    if member_id is not None and "member_id" in table.c:
        conditions.append(table.c.member_id == member_id)
    if email:
        conditions += [func.lower(column) == email for column in table.c
                       if column.name.endswith("email") and isinstance(column.type, String)]
    if table.name == "orders" and order_refs:
        conditions.append(table.c.order_ref.in_(order_refs))
    return or_(*conditions) if conditions else None


def _clear_identity(session: Session, table: Table, shop_id: int, linked: Any) -> None:
    columns = [c for c in table.c if PERSONAL_COLUMN.search(c.name) and not c.primary_key and not c.foreign_keys]
    if not columns:
        return
    nullable = {c.name: None for c in columns if c.nullable}
    if nullable:
        session.execute(update(table).where(table.c.shop_id == shop_id, linked).values(**nullable))
    required = [c for c in columns if not c.nullable]
    if required:
        pk = list(table.primary_key.columns)[0]
        for (row_id,) in session.execute(select(pk).where(table.c.shop_id == shop_id, linked)).all():
            values = {c.name: _placeholder(c, row_id) for c in required}
            session.execute(update(table).where(pk == row_id).values(**values))


def _placeholder(column: Any, row_id: object) -> Any:
    if isinstance(column.type, String | Text):
        return f"redacted-{row_id}"[: column.type.length or 64]
    return column.default.arg if column.default is not None and not callable(column.default.arg) else None


def _scrub(session: Session, table: Table, shop_id: int, needles: set[str], linked: Any) -> None:
    """Replace every occurrence of a needle in the table's text, JSON and raw-body columns."""
    if not needles:
        return
    pk = list(table.primary_key.columns)[0]
    columns = [c for c in table.c if isinstance(c.type, String | Text | JSON | LargeBinary)
               and not c.primary_key and not c.foreign_keys and c.name != "shop_id"]
    for column in columns:
        query = select(pk, column).where(table.c.shop_id == shop_id, column.is_not(None))
        if linked is not None:
            query = query.where(linked)
        if isinstance(column.type, String | Text):
            query = query.where(or_(*[func.lower(column).contains(n, autoescape=True) for n in needles]))
        for row_id, value in session.execute(query.execution_options(yield_per=500)).all():
            cleaned = _clean(value, needles)
            if cleaned is not _UNCHANGED:
                session.execute(update(table).where(pk == row_id).values({column.name: cleaned}))


_UNCHANGED = object()


def _clean(value: Any, needles: set[str]) -> Any:
    if isinstance(value, bytes):
        text = value.decode("utf-8", "replace").lower()
        # A raw platform payload that names the person is personal through and through (addresses, phone).
        return b'{"redacted": true}' if any(n in text for n in needles) else _UNCHANGED
    if isinstance(value, str):
        cleaned = _replace(value, needles)
        return _UNCHANGED if cleaned == value else cleaned
    dumped = json.dumps(value, ensure_ascii=False)
    if not any(n in dumped.lower() for n in needles):
        return _UNCHANGED
    return json.loads(_replace(dumped, {json.dumps(n, ensure_ascii=False)[1:-1] for n in needles}))


def _replace(text: str, needles: set[str]) -> str:
    for needle in sorted(needles, key=len, reverse=True):
        text = re.sub(re.escape(needle), REDACTED, text, flags=re.IGNORECASE)
    return text


def _values(obj: Any) -> dict[str, Any]:
    return {c.name: getattr(obj, c.key, None) for c in obj.__table__.c}


def _row_dict(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    return {k: _plain(v) for k, v in row.items() if k != "shop_id" and not isinstance(v, bytes)}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
