"""Dialect-aware helpers shared by the repositories."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

MAX_ID = 2_147_483_647  # the largest row id (INTEGER keys); a number typed beyond it names no row
MAX_BIG_ID = 2**63 - 1  # the same for BIGINT keys (webhook deliveries, ledger entries)


def row_id(text: str) -> int | None:
    """A row id as a person types it (digits), or None when it is none or beyond every id: looked up, a number
    too large for the column would fail in the driver instead of finding nothing."""
    text = text.strip()
    return int(text) if text.isdigit() and 0 < int(text) <= MAX_ID else None


# One statement per (dialect, table, conflict key), values passed as parameters: SQLAlchemy then reuses the
# compiled form instead of coercing every value into a new statement on each call (the webhook's hot path).
_INSERT_IGNORE: dict[tuple[str, str, tuple[str, ...]], Any] = {}


def insert_ignore(
    session: Session, model: type[Any], values: dict[str, Any], conflict: Sequence[str]
) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING; True when a row was inserted. Races settle on the unique key.

    With no `conflict` columns, a clash with any unique key of the table leaves the row out.
    """
    dialect = session.get_bind().dialect.name
    key = (dialect, model.__table__.name, tuple(conflict))
    stmt = _INSERT_IGNORE.get(key)
    if stmt is None:
        module = postgresql if dialect == "postgresql" else sqlite
        table = model.__table__
        returned = table.c[conflict[0]] if conflict else next(iter(table.primary_key.columns))
        stmt = _INSERT_IGNORE[key] = (
            module.insert(table)
            .on_conflict_do_nothing(index_elements=list(conflict) or None)
            .returning(returned)
        )
    # RETURNING yields a row only when the insert happened (rowcount is not reliable for this on psycopg 3).
    return session.connection().execute(stmt, values).first() is not None


def transaction_cache(session: Session, key: str) -> dict[Any, Any]:
    """A dict kept in the session for the current transaction only (row locks, rows read once per transaction)."""
    transaction = session.get_transaction()
    held = session.info.get(key)
    if held is None or held[0] is not transaction:
        held = session.info[key] = (transaction, {})
    return held[1]  # type: ignore[no-any-return]
