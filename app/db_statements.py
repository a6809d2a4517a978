"""Statements compiled once per dialect and run on the driver's cursor of a session's own connection.

The webhook's transaction is a handful of small statements. Through SQLAlchemy each one costs CPU far beyond
the driver's (measured per statement on the bench database: ~65 µs on psycopg's cursor, ~110 µs through a
Core `Connection.execute`, ~330 µs loading one ORM row), and at the hundreds of deliveries a second the
benchmark asks for, that difference is most of the request. A `Statement` is built from a Core construct
(so the SQL is still written once for SQLite and PostgreSQL, `FOR UPDATE` and all), compiled on first use per
dialect into its SQL text, parameter order and the bind/result conversions of its columns' types, and then run
on the DBAPI cursor of the connection the session's transaction already holds: same transaction, same commit.

What SQLAlchemy's execution would add and the app relies on is kept: driver errors are raised as SQLAlchemy's
exceptions (`IntegrityError`, a `DBAPIError` with `connection_invalidated` for a lost connection, which is
then invalidated in the pool), and `before_cursor_execute` listeners still see every statement (profiling,
the fault-injection tests).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple, cast

from sqlalchemy import Numeric
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.types import TypeEngine

Row = tuple[Any, ...]
Processor = Callable[[Any], Any]
PG_NUMERIC = 1700  # the type oid psycopg reports for NUMERIC; SQLAlchemy's numeric processor asks for it
_HELD = "db_statements.connection"
_CURSOR = "db_statements.cursor"


class Compiled(NamedTuple):
    """A statement as one dialect runs it."""

    sql: str
    order: tuple[str, ...] | None  # parameter names in order for positional drivers (sqlite3); None: named
    literals: dict[str, Any]  # values written into the construct (`remaining > 0`): bound like the others
    binds: tuple[tuple[str, Processor], ...]
    results: tuple[tuple[int, Processor], ...]
    returns_rows: bool


class Statement:
    """A Core statement with `bindparam`s, built (by `build(dialect_name)`) and compiled once per dialect."""

    __slots__ = ("_build", "_compiled")

    def __init__(self, build: Callable[[str], ClauseElement]) -> None:
        self._build = build
        self._compiled: dict[str, Compiled] = {}

    def compiled(self, dialect: Dialect) -> Compiled:
        found = self._compiled.get(dialect.name)
        if found is None:
            found = self._compiled[dialect.name] = compile_for(self._build(dialect.name), dialect)
        return found


def compile_for(element: ClauseElement, dialect: Dialect) -> Compiled:
    """The SQL text, parameter order and conversions of `element` on `dialect`."""
    compiled = cast(SQLCompiler, element.compile(dialect=dialect))
    rendered = compiled.bind_names  # each bindparam and the name it has in the SQL text
    processors: dict[str, Processor] = {}  # one per name: a name bound twice is converted once
    for bind, name in rendered.items():
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            processors.setdefault(name, process)
    binds = tuple(processors.items())
    results = tuple(
        (index, result)
        for index, column in enumerate(compiled._result_columns or ())  # noqa: SLF001 - the compiler's own list
        if (result := _result_processor(column[-1], dialect)) is not None
    )
    order = tuple(compiled.positiontup or ()) if compiled.positional else None
    literals = {name: bind.value for bind, name in rendered.items() if not bind.required}
    returns_rows = bool(compiled._result_columns)  # noqa: SLF001
    return Compiled(str(compiled), order, literals, binds, results, returns_rows)


def _result_processor(type_: TypeEngine[Any], dialect: Dialect) -> Processor | None:
    impl = type_.dialect_impl(dialect)
    numeric = isinstance(getattr(type_, "impl_instance", type_), Numeric)  # a TypeDecorator's own type counts
    coltype = PG_NUMERIC if dialect.name == "postgresql" and numeric else None
    return impl.result_processor(dialect, coltype)


def rows(session: Session, statement: Statement, params: Mapping[str, Any]) -> list[Row]:
    """Every row `statement` returns, converted like SQLAlchemy would (aware datetimes, Decimals, JSON)."""
    connection = _connection(session)
    compiled = statement.compiled(connection.dialect)
    return converted(_run(connection, compiled, params), compiled.results)


def converted(found: list[Row], results: tuple[tuple[int, Processor], ...]) -> list[Row]:
    """Rows with each column that has a result processor passed through it."""
    if not results:
        return found
    done = []
    for row in found:
        items = list(row)
        for index, process in results:
            items[index] = process(items[index])
        done.append(tuple(items))
    return done


def driver_args(
    params: Mapping[str, Any], binds: tuple[tuple[str, Processor], ...], order: tuple[str, ...] | None,
    literals: Mapping[str, Any] | None = None,
) -> Any:
    """The parameters as the driver takes them: converted by their bind processors; a tuple in `order` for
    positional drivers (sqlite3), else a dict."""
    values = {**literals, **params} if literals else dict(params)
    for name, process in binds:
        values[name] = process(values[name])
    return values if order is None else tuple(values[name] for name in order)


def first(session: Session, statement: Statement, params: Mapping[str, Any]) -> Row | None:
    """The first row, or None."""
    found = rows(session, statement, params)
    return found[0] if found else None


def execute(session: Session, statement: Statement, params: Mapping[str, Any]) -> int:
    """Run a statement that returns no rows; how many rows it changed."""
    connection = _connection(session)
    compiled = statement.compiled(connection.dialect)
    return _run(connection, compiled, params, count=True)  # type: ignore[return-value]


def _connection(session: Session) -> Connection:
    # The session's connection for its current transaction, looked up once per transaction (asking the
    # session costs more than a statement's own Python at these sizes).
    transaction = session.get_transaction()
    held = session.info.get(_HELD)
    if held is not None and transaction is not None and held[0] is transaction:
        return held[1]  # type: ignore[no-any-return]
    connection = session.connection()
    session.info[_HELD] = (session.get_transaction(), connection)
    return connection


def _run(connection: Connection, compiled: Compiled, params: Mapping[str, Any], count: bool = False) -> Any:
    args = driver_args(params, compiled.binds, compiled.order, compiled.literals)
    cursor = _cursor(connection)
    try:
        if connection.dispatch.before_cursor_execute:
            for listener in connection.dispatch.before_cursor_execute:
                listener(connection, cursor, compiled.sql, args, None, False)
        cursor.execute(compiled.sql, args)
        if count:
            return cursor.rowcount
        return cursor.fetchall() if compiled.returns_rows else []
    except connection.dialect.loaded_dbapi.Error as exc:
        raise _translated(connection, cursor, compiled.sql, args, exc) from exc


def _cursor(connection: Connection) -> Any:
    # One cursor per driver connection, kept with it: a cursor is cheap to reuse and costly to make.
    pooled = connection.connection
    dbapi = pooled.dbapi_connection
    cursor = pooled.info.get(_CURSOR)
    if cursor is None or cursor.connection is not dbapi or getattr(cursor, "closed", False):
        cursor = pooled.info[_CURSOR] = dbapi.cursor()  # type: ignore[union-attr]
    return cursor


def _translated(connection: Connection, cursor: Any, sql: str, args: Any, exc: Any) -> Exception:
    # What SQLAlchemy's own execution raises for a driver error: its exception class for the error, and a lost
    # connection marked invalid so the pool drops it instead of handing it out again.
    dialect = connection.dialect
    lost = dialect.is_disconnect(exc, connection.connection.dbapi_connection, cursor)
    error = DBAPIError.instance(sql, args, exc, dialect.loaded_dbapi.Error, connection_invalidated=lost,
                                dialect=dialect)
    if lost:
        connection.invalidate(exc)
    return error
