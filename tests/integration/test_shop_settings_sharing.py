"""The webhook's shop lookup: settings rows shared between transactions only while they match the database."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import delete, event, inspect, update

from app.container import Container
from app.models import ProgramSettings, ReferralSettings, Shop
from app.repositories import ShopRepository
from app.repositories.shop_settings import settings_row


def lookup(container: Container, shop: Shop, model: type[Any]) -> tuple[Any, int]:
    """(the settings row the webhook path sees, statements the lookup took) in a fresh transaction."""
    statements: list[str] = []

    def count(*_args: Any) -> None:
        statements.append("one")

    event.listen(container.engine, "before_cursor_execute", count)
    try:
        with container.uow() as uow:
            found = ShopRepository(uow.session).get_by_domain_with_settings("shopify", shop.domain)
            assert found is not None
            taken = len(statements)
            return settings_row(uow.session, model, shop.id), taken
    finally:
        event.remove(container.engine, "before_cursor_execute", count)


def change(container: Container, statement: Any) -> None:
    with container.uow() as uow:
        uow.session.execute(statement)
        uow.commit()


def test_a_settings_change_is_seen_by_the_next_lookup(container: Container, shopify_shop: Shop) -> None:
    before, _ = lookup(container, shopify_shop, ProgramSettings)
    lookup(container, shopify_shop, ProgramSettings)

    change(
        container, update(ProgramSettings).where(ProgramSettings.shop_id == shopify_shop.id).values(points_per_unit=3)
    )
    after, _ = lookup(container, shopify_shop, ProgramSettings)

    assert before.points_per_unit == Decimal("1")
    assert after.points_per_unit == Decimal("3")


def test_a_settings_row_made_or_removed_later_is_seen(container: Container, shopify_shop: Shop) -> None:
    absent, _ = lookup(container, shopify_shop, ReferralSettings)
    with container.uow() as uow:
        uow.session.add(ReferralSettings(shop_id=shopify_shop.id, referrer_points=750))
        uow.commit()
    made, _ = lookup(container, shopify_shop, ReferralSettings)
    change(container, delete(ReferralSettings).where(ReferralSettings.shop_id == shopify_shop.id))
    removed, _ = lookup(container, shopify_shop, ReferralSettings)

    assert absent is None
    assert made.referrer_points == 750
    assert removed is None


def test_unchanged_settings_come_with_the_shop_in_one_statement_and_belong_to_no_session(
    container: Container, shopify_shop: Shop, is_postgres: bool
) -> None:
    if not is_postgres:
        pytest.skip("SQLite loads the shop with its settings rows in one statement every time")
    lookup(container, shopify_shop, ProgramSettings)

    row, statements = lookup(container, shopify_shop, ProgramSettings)

    assert statements == 1
    assert row.points_per_unit == Decimal("1")
    assert inspect(row).session is None
