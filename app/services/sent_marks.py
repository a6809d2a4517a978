"""Marking outbox messages sent: each one the moment the SMTP server accepts it, in its own commit.

A worker killed later in the batch then never sends that message again. On PostgreSQL one connection is kept
for the batch in autocommit mode with `synchronous_commit` off until the batch ends, and each mark's
statement is put on the wire at once but its answer is read only before the next mark (or at the end): the
database executes and commits it while the worker already talks to the SMTP server about the next message,
instead of the worker waiting a round trip per message. The statement (Parse/Bind/Execute/Sync: its own
implicit transaction) is fully handed to the kernel before `mark` returns, so a worker killed right after
loses nothing that waiting for the answer would have kept. Only a crash of the database server itself could
lose the last few marks; those rows stay `sending` and are resent after their lease with the same
Message-ID, so delivery stays at-least-once (as after any worker crash between send and mark). SQLite commits
a short transaction per mark.
"""

from __future__ import annotations

from datetime import datetime
from types import TracebackType
from typing import Any

from psycopg import generators, pq
from sqlalchemy import bindparam, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from app.models import OutboxMessage
from app.uow import UnitOfWork

# One Core statement for every mark on SQLite: built once, the values bound per call.
_MARK_SENT = (
    update(OutboxMessage)
    .where(OutboxMessage.id == bindparam("msg_id"), OutboxMessage.claimed_by == bindparam("claim"),
           OutboxMessage.status == "sending")
    .values(status="sent", sent_at=bindparam("now"), subject=bindparam("subject"),
            attempts=OutboxMessage.attempts + 1, last_error=None, claimed_by=None, lease_until=None,
            updated_at=bindparam("now"))
)
# The same statement for PostgreSQL's protocol level ($1 sent and updated at, $2 subject, $3 id, $4 claim).
_MARK_SENT_PG = (
    b"UPDATE outbox_messages SET status = 'sent', sent_at = $1, subject = $2, attempts = attempts + 1,"
    b" last_error = NULL, claimed_by = NULL, lease_until = NULL, updated_at = $1"
    b" WHERE id = $3 AND claimed_by = $4 AND status = 'sending'"
)


class SentMarks:
    """`with SentMarks(uow, claim, now) as marks: ... marks.mark(id, subject)`; `marks.marked` counts the rows
    marked (a row whose claim was lost to another worker is not)."""

    def __init__(self, uow: UnitOfWork, claim: str, now: datetime) -> None:
        self._uow, self._claim, self._now = uow, claim, now
        self._kept: Connection | None = None  # PostgreSQL: the autocommit connection of the batch
        self._driver: Any = None
        self._awaiting = False  # a mark whose answer is not read yet
        self.marked = 0

    def __enter__(self) -> SentMarks:
        self._uow.__enter__()
        if self._uow.dialect == "postgresql":
            self._kept = self._uow.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            self._kept.exec_driver_sql("SET synchronous_commit = off")
            self._driver = self._kept.connection.driver_connection
        return self

    def mark(self, msg_id: int, subject: str) -> None:
        """Mark one message sent (if this claim still holds it)."""
        if self._driver is None:
            values = {"msg_id": msg_id, "claim": self._claim, "subject": subject, "now": self._now}
            self.marked += int(self._uow.session.connection().execute(_MARK_SENT, values).rowcount or 0)
            self._uow.commit()
            return
        self._read_answer()
        params = [self._now.isoformat().encode(), subject.encode(), str(msg_id).encode(), self._claim.encode()]
        self._driver.pgconn.send_query_params(_MARK_SENT_PG, params)
        self._driver.wait(generators.send(self._driver.pgconn))  # every byte handed over before returning
        self._awaiting = True

    def _read_answer(self) -> None:
        if not self._awaiting:
            return
        self._awaiting = False
        for result in self._driver.wait(generators.fetch_many(self._driver.pgconn)):
            if result.status != pq.ExecStatus.COMMAND_OK:
                message = (result.error_message or b"").decode(errors="replace")
                raise RuntimeError(f"marking an outbox message sent failed: {message}")
            self.marked += int(result.command_tuples or 0)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            if self._kept is not None:
                try:
                    self._read_answer()
                    # The pool hands this connection out again: never with asynchronous commit left on.
                    self._kept.exec_driver_sql("RESET synchronous_commit")
                except (SQLAlchemyError, RuntimeError, OSError):
                    self._kept.invalidate()
                    if exc_type is None:
                        raise
        finally:
            self._uow.__exit__(exc_type, exc, tb)
