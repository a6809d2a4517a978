"""Worker jobs claim rows one at a time, each in its own transaction, so two workers never take the same row."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from sqlalchemy import Select
from sqlalchemy.orm import Session

from app.uow import UnitOfWork

log = logging.getLogger(__name__)

T = TypeVar("T")
DEFAULT_LIMIT = 500  # rows per job run; the next run continues
# Set while a job runs under `noting_limits`: whether some loop of it stopped at its limit with rows left.
_LIMIT_REACHED: ContextVar[list[bool] | None] = ContextVar("limit_reached", default=None)


@contextmanager
def noting_limits() -> Iterator[list[bool]]:
    """While the block runs, a job that stops at its per-run limit says so: the list yielded holds True then,
    so the worker can report that work remains for the next run."""
    reached: list[bool] = []
    token = _LIMIT_REACHED.set(reached)
    try:
        yield reached
    finally:
        _LIMIT_REACHED.reset(token)


def note_limit_reached() -> None:
    """A job stopped at its per-run limit with work left (said to `noting_limits`, if any listens)."""
    reached = _LIMIT_REACHED.get()
    if reached is not None and not reached:
        reached.append(True)


def claim_next(session: Session, stmt: Select[Any], id_column: Any, skip: set[int], of: Any = None) -> Any:
    """The first row of `stmt` not in `skip`, locked; rows another worker holds are skipped (PostgreSQL).

    SQLite ignores FOR UPDATE; its BEGIN IMMEDIATE (app.db) serialises writers instead.
    """
    if skip:
        stmt = stmt.where(id_column.not_in(skip))
    return session.scalars(stmt.limit(1).with_for_update(skip_locked=True, of=of)).first()


def for_each_claimed(
    uow_factory: Callable[[], UnitOfWork],
    claim: Callable[[Session, set[int]], T | None],
    work: Callable[[Session, T], object],
    *,
    key: Callable[[T], int],
    job: str,
    limit: int = DEFAULT_LIMIT,
) -> int:
    """Claim, work and commit one row per transaction until none is due; a failing row is logged and skipped.

    Returns how many rows had work done (`work` returns False for a row that turned out to be done already).
    """
    done, skip = 0, set()
    while done < limit:
        with uow_factory() as uow:
            item = claim(uow.session, skip)
            if item is None:
                break
            item_key = key(item)
            skip.add(item_key)
            try:
                # A row claimed just after another worker committed it may have nothing left to do; work
                # says so by returning False, and only real work is counted.
                did = work(uow.session, item)
                uow.commit()
                done += did is not False
            except Exception:  # noqa: BLE001 - one bad row must not stop the job; it is retried next run
                log.exception("job item failed", extra={"job": job, "item": item_key})
    if done >= limit:
        _note_if_more(uow_factory, claim, skip)
    return done


def for_each_leased(
    uow_factory: Callable[[], UnitOfWork],
    claim: Callable[[Session, set[int]], T | None],
    work: Callable[[T], object],
    *,
    key: Callable[[T], int],
    job: str,
    limit: int = DEFAULT_LIMIT,
) -> int:
    """For work with a network call: the claim (which sets a lease on the row) commits first, then `work`
    runs with no transaction open and settles in its own unit of work."""
    done, skip = 0, set()
    while done < limit:
        with uow_factory() as uow:
            item = claim(uow.session, skip)
            if item is None:
                break
            uow.commit()
        item_key = key(item)
        skip.add(item_key)
        try:
            work(item)
            done += 1
        except Exception:  # noqa: BLE001 - the lease runs out and the row is tried again next run
            log.exception("job item failed", extra={"job": job, "item": item_key})
    if done >= limit:
        _note_if_more(uow_factory, claim, skip)
    return done


def _note_if_more(uow_factory: Callable[[], UnitOfWork], claim: Callable[[Session, set[int]], Any],
                  skip: set[int]) -> None:
    # Only when someone listens: one more claim, never committed (the row, and any lease set on it, stay as
    # they were), tells a run that stopped at its limit from one that did the last row.
    if _LIMIT_REACHED.get() is None:
        return
    with uow_factory() as uow:
        if claim(uow.session, skip) is not None:
            note_limit_reached()
