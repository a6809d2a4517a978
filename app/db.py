"""Declarative base with a constraint naming convention, engine and session factories."""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from app import db_driver, db_text

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class of every table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# How long a SQLite writer waits for the write lock. Writes are short transactions (an import's one is the long
# exception); a webhook that waited longer would answer after Shopify's 5-second limit anyway, so it answers
# 503 in time instead and the platform retries (a job retries at its next run).
SQLITE_BUSY_SECONDS = 4


def make_engine(url: str, pool_size: int = 5) -> Engine:
    """An engine for SQLite (WAL, foreign keys, busy timeout) or PostgreSQL (psycopg 3)."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    kwargs: dict[str, Any] = {"future": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_SECONDS, "check_same_thread": False}
    else:
        # Dead connections are found at checkout by `db_driver.drop_dead_on_checkout` (no pre-ping round trip).
        kwargs.update(pool_size=pool_size, max_overflow=pool_size * 2, connect_args=db_driver.connect_args())
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "connect", db_text.register_sqlite_functions)  # the member search's fold
        event.listen(engine, "begin", _sqlite_begin_immediate)
    else:
        event.listen(engine, "do_connect", db_driver.connect)
        event.listen(engine.pool, "checkout", db_driver.drop_dead_on_checkout)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling is switched off so that BEGIN IMMEDIATE below takes the write lock
    # up front: two writers then queue instead of failing with "database is locked" on upgrade.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
    cursor.close()


def _sqlite_begin_immediate(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (services return them to views)."""
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)
