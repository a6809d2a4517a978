"""Hot read paths outside the ORM: prebuilt plain-SQL reads on kept autocommit connections of the engine.

The storefront widget is read 30–70 times per order; an ORM Session per request (pool checkout with its
pre-ping round trip, BEGIN, ROLLBACK, identity map) costs more CPU than the read itself. A `Reader` keeps a
few connections of its own (detached from the engine's pool, created through it so the engine's connect
hooks run), in autocommit: a single SELECT is its own snapshot, so one statement is one round trip. Each kept
connection keeps its cursor too: a new psycopg cursor per statement cost a fifth of the read's client CPU.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeEngine

from app.db_statements import converted, driver_args

Row = tuple[Any, ...]


class ReadStatement:
    """One read: SQL with `:named` parameters, and the types of the columns/parameters that need converting."""

    def __init__(
        self,
        sql: str,
        columns: Mapping[int, TypeEngine[Any]] | None = None,
        params: Mapping[str, TypeEngine[Any]] | None = None,
    ) -> None:
        self.sql = sql
        self.columns = dict(columns or {})
        self.params = dict(params or {})


class _Compiled(NamedTuple):
    sql: str
    order: tuple[str, ...] | None  # parameter names in order for positional drivers (sqlite3); None: named
    columns: tuple[tuple[int, Callable[[Any], Any]], ...]
    params: tuple[tuple[str, Callable[[Any], Any]], ...]


class _Kept(NamedTuple):
    connection: Any
    cursor: Any


class Reader:
    """Runs `ReadStatement`s on kept connections; one per app and process (closed when the engine is disposed)."""

    MAX_IDLE = 16

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._dialect = engine.dialect
        self._lock = threading.Lock()
        self._idle: list[_Kept] = []
        self._compiled: dict[ReadStatement, _Compiled] = {}
        self._pid = os.getpid()
        # Every connection to an in-memory SQLite database is a database of its own: use the engine's pool there.
        self._keep = not (self._dialect.name == "sqlite" and engine.url.database in (None, "", ":memory:"))
        event.listen(engine, "engine_disposed", self._on_dispose)

    def rows(self, statement: ReadStatement, params: Mapping[str, Any]) -> list[Row]:
        """All rows of `statement`, converted like the ORM would (aware UTC datetimes, dates, booleans)."""
        compiled = self._compile(statement)
        args = driver_args(params, compiled.params, compiled.order)
        return converted(self._fetch(compiled.sql, args), compiled.columns)

    def first(self, statement: ReadStatement, params: Mapping[str, Any]) -> Row | None:
        """The first row of `statement`, or None."""
        rows = self.rows(statement, params)
        return rows[0] if rows else None

    @property
    def idle(self) -> int:
        """How many kept connections wait for the next read."""
        return len(self._idle)

    def close(self) -> None:
        """Close the idle connections (connections in use are closed when they come back)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for kept in idle:
            kept.connection.close()

    def _fetch(self, sql: str, args: Any) -> list[Row]:
        if not self._keep:
            pooled = self._engine.raw_connection()
            try:
                cursor = pooled.cursor()
                try:
                    return self._execute(cursor, sql, args)
                finally:
                    cursor.close()
            finally:
                pooled.close()
        for attempt in (1, 2):
            kept = self._checkout()
            try:
                rows = self._execute(kept.cursor, sql, args)
            except self._dialect.loaded_dbapi.Error as exc:
                kept.connection.close()
                # A kept connection the server dropped (restart, idle timeout) is replaced once: reads can retry.
                if attempt == 1 and self._dialect.is_disconnect(exc, kept.connection, None):
                    continue
                raise
            except BaseException:
                kept.connection.close()  # interrupted mid-read: its state is unknown, so it is not kept
                raise
            self._checkin(kept)
            return rows
        raise AssertionError("unreachable")

    @staticmethod
    def _execute(cursor: Any, sql: str, args: Any) -> list[Row]:
        cursor.execute(sql, args)
        return cursor.fetchall()  # type: ignore[no-any-return]

    def _checkout(self) -> _Kept:
        with self._lock:
            if self._pid != os.getpid():  # a forked child never shares its parent's sockets
                self._idle, self._pid = [], os.getpid()
            if self._idle:
                return self._idle.pop()
        pooled = self._engine.raw_connection()
        connection = pooled.driver_connection
        pooled.detach()
        if self._dialect.name == "postgresql":
            connection.autocommit = True  # sqlite3 connections run in autocommit already (app.db pragmas)
            _prepare_session(connection)
        return _Kept(connection, connection.cursor())

    def _checkin(self, kept: _Kept) -> None:
        with self._lock:
            if len(self._idle) < self.MAX_IDLE and self._pid == os.getpid():
                self._idle.append(kept)
                return
        kept.connection.close()

    def _compile(self, statement: ReadStatement) -> _Compiled:
        compiled = self._compiled.get(statement)
        if compiled is None:
            compiled = self._compiled[statement] = self._build(statement)
        return compiled

    def _build(self, statement: ReadStatement) -> _Compiled:
        dialect = self._dialect
        sql = text(statement.sql).compile(dialect=dialect)
        columns = tuple(
            (index, process)
            for index, type_ in statement.columns.items()
            if (process := type_.dialect_impl(dialect).result_processor(dialect, None)) is not None
        )
        params = tuple(
            (name, process)
            for name, type_ in statement.params.items()
            if (process := type_.dialect_impl(dialect).bind_processor(dialect)) is not None
        )
        order = tuple(sql.positiontup) if sql.positional and sql.positiontup is not None else None
        return _Compiled(str(sql), order, columns, params)

    def _on_dispose(self, _engine: Engine) -> None:
        self.close()


def _prepare_session(connection: Any) -> None:
    """A kept connection runs the same few reads thousands of times: prepare each at its first run. psycopg
    otherwise sends a statement unprepared (parsed and planned anew) its first 5 times on every connection,
    each costing the server several times the prepared read (the widget's, in psql: ~1.3 ms against ~0.5 ms).
    Nothing is SET on the session: behind a transaction-pooling PgBouncer it would leak."""
    connection.prepare_threshold = 0
