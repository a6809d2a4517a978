"""The app's PostgreSQL connections (app.db_driver): lazy cursor descriptions, dead connections found at checkout,
prepared statements kept across rollbacks."""

from __future__ import annotations

import time
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from app.db import make_engine
from app.db_driver import KeepPreparedConnection, LazyDescriptionCursor


@pytest.fixture
def pg_url(database_url: str, is_postgres: bool) -> str:
    if not is_postgres:
        pytest.skip("psycopg connections are a PostgreSQL matter")
    return database_url.replace("postgresql+psycopg://", "postgresql://")


def test_the_lazy_description_holds_what_psycopg_describes(pg_url: str) -> None:
    with psycopg.connect(pg_url) as plain, psycopg.connect(pg_url, cursor_factory=LazyDescriptionCursor) as lazy:
        query = "SELECT 1 AS id, 'x'::varchar(7) AS name, now() AS at, NULL::numeric(10, 2) AS amount"
        expected = plain.execute(query).description
        cursor = lazy.execute(query)
        described = cursor.description
        cursor.execute("SELECT 2 AS other")  # the cursor moves on before anyone looks inside

        assert described is not None
        assert expected is not None
        assert len(described) == 4
        assert [tuple(column) for column in described] == [tuple(column) for column in expected]
        assert [column.name for column in described[1:3]] == ["name", "at"]
        assert lazy.execute("CREATE TEMP TABLE t (a int)").description is None
        assert len(lazy.execute("SELECT").description or ()) == 0


@pytest.fixture
def engine(database_url: str, pg_url: str) -> Iterator[Engine]:
    """The app's engine with a pool that holds one idle connection, so the next checkout gets that one."""
    engine = make_engine(database_url, pool_size=1)
    yield engine
    engine.dispose()


def test_a_pooled_connection_whose_backend_was_terminated_is_replaced_at_checkout(engine: Engine, pg_url: str) -> None:
    with engine.connect() as conn:
        victim = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
    with psycopg.connect(pg_url, autocommit=True) as other:  # not from the pool: that would hand out the victim
        other.execute("SELECT pg_terminate_backend(%s)", (victim,))
        for _ in range(200):
            row = other.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (victim,)).fetchone()
            if row is not None and not row[0]:
                break
            time.sleep(0.01)

    with engine.connect() as conn:  # the pool's only idle connection is the terminated one
        backend = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()

    assert backend != victim


def test_an_idle_healthy_connection_is_handed_out_again_without_a_new_one(engine: Engine) -> None:
    with engine.connect() as conn:
        first = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
    with engine.connect() as conn:
        second = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()

    assert second == first


def _prepared_statements(conn: Connection) -> int:
    return int(conn.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar_one())


def test_a_rollback_keeps_the_statements_the_connection_prepared(engine: Engine) -> None:
    with engine.connect() as conn:
        for _ in range(6):  # psycopg prepares a statement on its 6th execution
            conn.execute(text("SELECT count(*) FROM shops WHERE id = :id"), {"id": 1})
        conn.rollback()
        prepared_after_rollback = _prepared_statements(conn)
        conn.rollback()
        seen = [conn.execute(text("SELECT count(*) FROM shops WHERE id = :id"), {"id": n}).scalar_one()
                for n in range(3)]

    assert prepared_after_rollback >= 1
    assert seen == [0, 0, 0]


def test_a_rollback_after_a_failed_statement_leaves_the_connection_usable(engine: Engine) -> None:
    with engine.connect() as conn:
        for _ in range(6):
            conn.execute(text("SELECT 1 FROM shops WHERE id = :id"), {"id": 1})
        with pytest.raises(DBAPIError):
            conn.execute(text("SELECT 1 / 0"))
        conn.rollback()

        assert conn.execute(text("SELECT 1 FROM shops WHERE id = :id"), {"id": 1}).first() is None
        assert _prepared_statements(conn) >= 1


def test_a_rollback_inside_psycopgs_own_transaction_block_is_still_refused(pg_url: str) -> None:
    with KeepPreparedConnection.connect(pg_url) as conn, conn.transaction():
        conn.execute("SELECT 1")
        with pytest.raises(psycopg.ProgrammingError):
            conn.rollback()
