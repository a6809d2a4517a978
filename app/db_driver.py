"""psycopg connection details that cost the webhook path CPU or round trips without buying anything.

Three measured costs (bench/profile_webhook.py, cProfile on process time):

- `Cursor.description` builds one `Column` object per result column on every statement (name decoding and a
  type lookup each). SQLAlchemy reads the description once per compiled statement to build its result
  metadata and afterwards only asks whether there is one: ~120 `Column`s per webhook request, about 9 % of its
  CPU. `LazyDescriptionCursor` hands out a description that builds them when someone looks inside.
- `pool_pre_ping` sends a query at every pool checkout, one extra round trip per transaction.
  `drop_dead_on_checkout` asks the kernel instead: an idle connection has nothing to say, so a socket that is
  readable means the server sent something (the FATAL of a terminated backend) or closed it; only then is a
  real ping sent, and a connection that fails it is replaced (SQLAlchemy's "pessimistic" disconnect handling
  through `DisconnectionError`).
- psycopg prepares a statement on the server once it ran 5 times on a connection, and forgets every prepared
  statement at each `rollback()` (it sends `DEALLOCATE ALL`). A webhook that turns out a duplicate, a read
  that commits nothing, a failed delivery: each rolls back, and the connection's next transactions then send
  every statement unprepared again (parsed and planned anew, ~30 % of the webhook's statements in the
  benchmark with 5 % duplicates). `KeepPreparedConnection` rolls back and keeps them. PostgreSQL's prepared
  statements are not transactional (a ROLLBACK does not remove them), and one that refers to something the
  rollback undid is re-planned or fails when next used, as it would after that object were dropped; psycopg
  itself still forgets them all after DROP, ALTER, DISCARD ALL or a ROLLBACK sent as a statement.
"""

from __future__ import annotations

import select
from collections.abc import Iterator, Sequence
from typing import Any, overload

import psycopg
from psycopg import Column
from psycopg.pq import ExecStatus, TransactionStatus
from sqlalchemy.exc import DisconnectionError

_TUPLES = (ExecStatus.TUPLES_OK, ExecStatus.SINGLE_TUPLE)


class _ResultOf:
    """What `Column` reads from a cursor, taken when the description is asked for (the cursor moves on)."""

    __slots__ = ("_encoding", "adapters", "pgresult")

    def __init__(self, cursor: psycopg.Cursor[Any]) -> None:
        self.pgresult = cursor.pgresult
        self._encoding = cursor._encoding  # noqa: SLF001 - what psycopg's own Column reads
        self.adapters = cursor.adapters


class LazyDescription(Sequence[Column]):
    """`Cursor.description` whose `Column`s are built on first look; its length is known at once."""

    __slots__ = ("_columns", "_count", "_result")

    def __init__(self, result: _ResultOf, count: int) -> None:
        self._result = result
        self._count = count
        self._columns: list[Column] | None = None

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> Column: ...
    @overload
    def __getitem__(self, index: slice) -> list[Column]: ...
    def __getitem__(self, index: int | slice) -> Column | list[Column]:
        return self._built()[index]

    def __iter__(self) -> Iterator[Column]:
        return iter(self._built())

    def _built(self) -> list[Column]:
        if self._columns is None:
            self._columns = [Column(self._result, i) for i in range(self._count)]  # type: ignore[arg-type]
        return self._columns


class LazyDescriptionCursor(psycopg.Cursor[Any]):
    """psycopg's cursor with `LazyDescription` (same contents, built only when read)."""

    @property
    def description(self) -> LazyDescription | None:  # type: ignore[override]
        result = self.pgresult
        if result is None or not (result.nfields or result.status in _TUPLES):
            return None
        return LazyDescription(_ResultOf(self), result.nfields)


class KeepPreparedConnection(psycopg.Connection[Any]):
    """psycopg's connection whose `rollback()` keeps the prepared statements (see the module docstring)."""

    def rollback(self) -> None:
        # psycopg's own rollback where it does more than ROLLBACK: inside its transaction() block (refused),
        # two-phase commit (refused) and pipeline mode (statements queued for preparation may never have run),
        # and with another psycopg whose internals differ (then prepared statements are forgotten, as before).
        try:
            plain = not (self._num_transactions or self._tpc or self._pipeline)  # noqa: SLF001 - psycopg's guards
            send = self._exec_command  # noqa: SLF001 - what psycopg's rollback sends
        except AttributeError:
            plain = False
        if not plain:
            super().rollback()
            return
        with self.lock:
            if self.pgconn.transaction_status == TransactionStatus.IDLE:
                return
            self.wait(send(b"ROLLBACK"))


def connect(_dialect: Any, _record: Any, cargs: Sequence[Any], cparams: dict[str, Any]) -> psycopg.Connection[Any]:
    """Engine `do_connect` listener: the app's PostgreSQL connections are `KeepPreparedConnection`s."""
    return KeepPreparedConnection.connect(*cargs, **cparams)


def connect_args() -> dict[str, Any]:
    """psycopg keyword arguments of the app's PostgreSQL connections."""
    # Short OLTP statements: JIT compilation costs more than it saves, and on small or freshly created tables
    # (no statistics yet) a handful of primary-key joins is estimated high enough to trigger it on every
    # execution (measured: the webhook's shop lookup took 60 ms instead of 0.1 ms).
    return {"options": "-c jit=off", "cursor_factory": LazyDescriptionCursor}


def drop_dead_on_checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Pool `checkout` listener: refuse a connection the server has ended, without a round trip when idle."""
    if dbapi_connection.closed or dbapi_connection.broken:
        raise DisconnectionError("connection closed")
    poller = select.poll()
    poller.register(dbapi_connection.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
    if not poller.poll(0):
        return  # nothing arrived while it was idle: alive as far as anyone can tell without asking
    # An empty query at the protocol level: no transaction is begun, nothing is parsed or planned.
    try:
        answer = dbapi_connection.pgconn.exec_(b";")
    except psycopg.Error as exc:
        raise DisconnectionError(str(exc)) from exc
    if answer.status != ExecStatus.EMPTY_QUERY:
        raise DisconnectionError(f"connection ended by the server (status {ExecStatus(answer.status).name})")
