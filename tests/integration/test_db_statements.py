"""Prebuilt statements (app.db_statements): the session's own transaction, SQLAlchemy's conversions and errors."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import bindparam, event, func, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from app import db_statements as sql
from app.models import Member, Shop
from app.models.types import UTCDateTime
from app.repositories.statements import bound, insert_values
from tests.support.db_faults import killer

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
ACTIVE_SHOP = sql.Statement(lambda _: select(Shop.id, Shop.installed_at).where(
    Shop.status == "active", Shop.domain == bindparam("domain")))
TOUCH_MEMBERS = sql.Statement(lambda _: update(Member.__table__).where(Member.shop_id == bindparam("shop_id")).values(
    joined_at=bindparam("at", type_=UTCDateTime()), updated_at=bindparam("at", type_=UTCDateTime())))
NEW_MEMBER = sql.Statement(lambda _: insert_values(Member.__table__, (
    "shop_id", "customer_ref", "email", "accepts_marketing", "balance", "pending", "lifetime_points", "joined_at",
    "updated_at")))


def member_values(shop_id: int, ref: str = "7001") -> dict[str, Any]:
    return bound({"shop_id": shop_id, "customer_ref": ref, "email": f"{ref}@example.de", "accepts_marketing": False,
                  "balance": 0, "pending": 0, "lifetime_points": 0, "joined_at": NOW, "updated_at": NOW})


def test_values_written_into_the_statement_are_bound_and_results_come_back_converted(container, shopify_shop) -> None:
    with container.uow() as uow:
        row = sql.first(uow.session, ACTIVE_SHOP, {"domain": shopify_shop.domain})

    assert row is not None
    assert row[0] == shopify_shop.id
    assert row[1].tzinfo is not None  # an aware datetime on SQLite too


def test_a_value_bound_twice_is_converted_once(container, shopify_shop) -> None:
    with container.uow() as uow:
        sql.execute(uow.session, NEW_MEMBER, member_values(shopify_shop.id))
        changed = sql.execute(uow.session, TOUCH_MEMBERS, {"shop_id": shopify_shop.id, "at": NOW})
        joined, updated = uow.session.execute(select(Member.joined_at, Member.updated_at)).one()

    assert changed == 1
    assert joined == updated == NOW


def test_statements_run_in_the_sessions_transaction(container, shopify_shop) -> None:
    with container.uow() as uow:
        sql.execute(uow.session, NEW_MEMBER, member_values(shopify_shop.id))
        assert uow.session.scalar(select(func.count()).select_from(Member)) == 1
        uow.rollback()

    with container.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Member)) == 0


def test_a_unique_violation_is_sqlalchemys_integrity_error(container, shopify_shop) -> None:
    with container.uow() as uow:
        sql.execute(uow.session, NEW_MEMBER, member_values(shopify_shop.id))
        with pytest.raises(IntegrityError):
            sql.execute(uow.session, NEW_MEMBER, member_values(shopify_shop.id))


def test_cursor_listeners_see_every_statement(container, shopify_shop) -> None:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(container.engine, "before_cursor_execute", record)
    try:
        with container.uow() as uow:
            sql.first(uow.session, ACTIVE_SHOP, {"domain": shopify_shop.domain})
    finally:
        event.remove(container.engine, "before_cursor_execute", record)

    assert [s for s in seen if "FROM shops" in s]


def test_a_lost_connection_is_raised_as_invalidated(container, shopify_shop, is_postgres) -> None:
    kill = killer(container, is_postgres)

    def die(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "FROM shops" in statement:
            kill(conn.connection.dbapi_connection)

    with container.uow() as uow:
        sql.execute(uow.session, TOUCH_MEMBERS, {"shop_id": shopify_shop.id, "at": NOW})  # the transaction is open
        event.listen(container.engine, "before_cursor_execute", die)
        try:
            with pytest.raises(DBAPIError) as raised:
                sql.first(uow.session, ACTIVE_SHOP, {"domain": shopify_shop.domain})
        finally:
            event.remove(container.engine, "before_cursor_execute", die)

    assert raised.value.connection_invalidated
    with container.uow() as uow:  # the pool hands out a live connection again
        assert sql.first(uow.session, ACTIVE_SHOP, {"domain": shopify_shop.domain}) is not None
