"""Kept-connection reads (app.db_reads): values converted like the ORM's, and connections that heal themselves."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Boolean, Date, text, update

from app.container import Container
from app.db import make_engine
from app.db_reads import Reader, ReadStatement
from app.models import Member, Shop
from app.models.types import UTCDateTime
from tests.support.deliveries import deliver, member_by_email
from tests.support.snapshots import customer

MEMBER = ReadStatement(
    "SELECT birthday, accepts_marketing, updated_at, first_name FROM members WHERE shop_id = :shop_id AND id = :id",
    columns={0: Date(), 1: Boolean(), 2: UTCDateTime()},
)
UPDATED_BEFORE = ReadStatement(
    "SELECT count(*) FROM members WHERE shop_id = :shop_id AND updated_at <= :until", params={"until": UTCDateTime()}
)
BACKEND = ReadStatement("SELECT pg_backend_pid()")
PREPARED = ReadStatement("SELECT statement FROM pg_prepared_statements")


@pytest.fixture
def member(container: Container, shopify_shop: Shop) -> Member:
    deliver(container, shopify_shop, customer("7001", "juergen.weiss@example.de", accepts_marketing=True))
    found = member_by_email(container, shopify_shop, "juergen.weiss@example.de")
    with container.uow() as uow:
        uow.session.execute(update(Member).where(Member.id == found.id).values(birthday=date(1990, 5, 1)))
        uow.commit()
    return member_by_email(container, shopify_shop, "juergen.weiss@example.de")


def test_dates_booleans_and_datetimes_come_back_as_the_orm_reads_them(container: Container, member: Member) -> None:
    reader = Reader(container.engine)

    row = reader.first(MEMBER, {"shop_id": member.shop_id, "id": member.id})

    assert row == (member.birthday, True, member.updated_at, member.first_name)
    assert row is not None
    assert row[2].utcoffset() == timedelta(0)


def test_datetime_parameters_are_bound_as_the_orm_binds_them(container: Container, member: Member) -> None:
    reader = Reader(container.engine)
    params = {"shop_id": member.shop_id}

    before = reader.first(UPDATED_BEFORE, {**params, "until": member.updated_at - timedelta(seconds=1)})
    at = reader.first(UPDATED_BEFORE, {**params, "until": member.updated_at})

    assert (before, at) == ((0,), (1,))


def test_a_connection_the_server_dropped_is_replaced_by_the_next_read(container: Container, is_postgres: bool) -> None:
    if not is_postgres:
        pytest.skip("server-side connection kills are a PostgreSQL matter")
    reader = Reader(container.engine)
    (killed,) = reader.first(BACKEND, {}) or (0,)
    with container.engine.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": killed})

    (replacement,) = reader.first(BACKEND, {}) or (0,)

    assert replacement not in (0, killed)


def test_a_kept_connection_prepares_a_read_at_its_first_run(
    container: Container, member: Member, is_postgres: bool
) -> None:
    if not is_postgres:
        pytest.skip("server-side prepared statements are a PostgreSQL matter")
    reader = Reader(container.engine)

    reader.first(MEMBER, {"shop_id": member.shop_id, "id": member.id})
    prepared = reader.rows(PREPARED, {})

    assert [statement for (statement,) in prepared if "FROM members" in statement]


def test_disposing_the_engine_closes_the_kept_connections(database_url: str, is_postgres: bool) -> None:
    engine = make_engine(database_url)
    reader = Reader(engine)
    statement = BACKEND if is_postgres else ReadStatement("SELECT 1")
    first = reader.first(statement, {})

    engine.dispose()

    assert reader.idle == 0
    assert reader.first(statement, {}) is not None
    assert first is not None
    engine.dispose()


def test_an_in_memory_sqlite_database_is_read_through_the_engines_own_connection() -> None:
    engine = make_engine("sqlite://")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE notes (body TEXT)"))
        conn.execute(text("INSERT INTO notes VALUES ('kept')"))

    rows = Reader(engine).rows(ReadStatement("SELECT body FROM notes"), {})

    assert rows == [("kept",)]
    engine.dispose()
