"""A database connection that dies in the middle of a transaction, on SQLite and on PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from app.container import Container


@contextmanager
def connection_dies_at_first(engine: Engine, table: str, kill: Any) -> Iterator[list[str]]:
    """The first INSERT into `table` finds its connection dead (`kill(dbapi_connection)` ends it)."""
    fired: list[str] = []

    def before_execute(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        # Anywhere in the statement: an INSERT may run inside a WITH (the ledger entry with its lot).
        if not fired and f"INSERT INTO {table.upper()}" in statement.upper():
            fired.append(statement)
            kill(conn.connection.dbapi_connection)

    event.listen(engine, "before_cursor_execute", before_execute)
    try:
        yield fired
    finally:
        event.remove(engine, "before_cursor_execute", before_execute)


def killer(container: Container, is_postgres: bool) -> Any:
    """PostgreSQL: pg_terminate_backend from another connection, and wait until the backend is gone.
    SQLite: close the connection under the transaction (SQLAlchemy sees a disconnect either way)."""
    if not is_postgres:
        return lambda dbapi_connection: dbapi_connection.close()

    def terminate(dbapi_connection: Any) -> None:
        pid = dbapi_connection.info.backend_pid
        with container.engine.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            for _ in range(200):
                alive = other.execute(text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid})
                if not alive.scalar():
                    return
                time.sleep(0.01)

    return terminate
