"""Dialect-aware helpers shared by the repositories."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import Boolean, Select, bindparam, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

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


@cache
def locking_upsert(
    dialect: str, model: type[Any], columns: tuple[str, ...], conflict: tuple[str, ...], tell_inserted: bool = False
) -> Select[Any]:
    """INSERT … ON CONFLICT (conflict) DO UPDATE … RETURNING, loaded as ORM rows: the row created or, when it
    exists, locked as SELECT … FOR UPDATE would, in one round trip. Built once per shape, values bound per call.

    The no-op SET only makes the conflicting row lock and come back. With `tell_inserted` (PostgreSQL only)
    each row comes with `xmax = 0`: True when this statement inserted it.
    """
    module = postgresql if dialect == "postgresql" else sqlite
    table = model.__table__
    stmt = module.insert(table).values({name: bindparam(name, type_=table.c[name].type) for name in columns})
    upsert = stmt.on_conflict_do_update(
        index_elements=[table.c[name] for name in conflict], set_={conflict[0]: stmt.excluded[conflict[0]]}
    )
    if not tell_inserted:
        return select(model).from_statement(upsert.returning(*table.c))
    inserted = literal_column("(xmax = 0)", Boolean).label("inserted")
    return select(model, inserted).from_statement(upsert.returning(*table.c, inserted))


def transaction_cache(session: Session, key: str) -> dict[Any, Any]:
    """A dict kept in the session for the current transaction only (row locks, rows read once per transaction)."""
    transaction = session.get_transaction()
    held = session.info.get(key)
    if held is None or held[0] is not transaction:
        held = session.info[key] = (transaction, {})
    return held[1]  # type: ignore[no-any-return]
