"""Builders of the prebuilt statements the repositories run through `app.db_statements` (values bound as v_<name>)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert
from sqlalchemy.dialects import postgresql, sqlite


def table_of(model: type[Any]) -> Table:
    """A mapped class's table (typed as the Table it is; the ORM types `__table__` as any FromClause)."""
    return cast(Table, model.__table__)


def values_of(table: Table, names: Iterable[str], prefix: str = "v_") -> dict[str, Any]:
    """`{column: bindparam("v_<column>")}` with each column's type (a plain name would clash with the column's)."""
    return {name: bindparam(f"{prefix}{name}", type_=table.c[name].type) for name in names}


def bound(values: dict[str, Any], prefix: str = "v_") -> dict[str, Any]:
    """Parameters for `values_of`'s binds."""
    return {f"{prefix}{name}": value for name, value in values.items()}


def insert_values(table: Table, names: Iterable[str]) -> Any:
    """INSERT of `names`."""
    return insert(table).values(values_of(table, names))


def insert_ignore_statement(dialect: str, table: Table, names: Iterable[str], conflict: Sequence[str]) -> Any:
    """INSERT … ON CONFLICT (conflict) DO NOTHING of `names`; add RETURNING to learn whether it inserted."""
    module = postgresql if dialect == "postgresql" else sqlite
    stmt = module.insert(table).values(values_of(table, names))
    return stmt.on_conflict_do_nothing(index_elements=list(conflict))
