"""The webhook's copies of its shops (PostgreSQL, LISTEN): used while nothing changed, forgotten when a shop, its
settings or its referrals change, and not used while the LISTEN connection is down."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.clock import FixedClock
from app.container import Container
from app.domain.snapshots import Delivery, Event
from app.models import Referral, Shop
from app.services import referrals
from app.services.intake import IntakeResult, receive_delivery
from app.services.shop_copies import ShopCopies
from tests.support import snapshots as s
from tests.support.apps import own_app
from tests.support.deliveries import member_by_email
from tests.support.referrals import FRIEND, REFERRER
from tests.support.rewards import set_program_settings
from tests.support.statements import statements_during
from tests.support.waiting import wait_until


@pytest.fixture
def app(settings_overrides: dict[str, object], clock: FixedClock, is_postgres: bool) -> Iterator[Flask]:
    if not is_postgres:
        pytest.skip("LISTEN/NOTIFY: the shop copies are PostgreSQL only")
    with own_app({**settings_overrides, "storefront_cache": True}, clock) as application:
        yield application


@pytest.fixture
def copies(container: Container) -> ShopCopies:
    copies = container.shop_copies
    wait_until(lambda: copies.enabled)
    return copies  # type: ignore[no-any-return]


def deliver(container: Container, shop: Shop, event: Event) -> IntakeResult:
    """A verified delivery through the intake, with the process's shop copies (as the webhook views pass them)."""
    delivery = Delivery(shop.platform, shop.domain, uuid.uuid4().hex, type(event).__name__, b"{}", event)
    return receive_delivery(container.uow(), delivery, container.clock.now(), container.shop_copies)


def copied(copies: ShopCopies, shop: Shop) -> Any:
    return copies.get((shop.platform, shop.domain))


def test_a_copied_shop_is_found_without_reading_the_shop(container, shopify_shop, copies) -> None:
    deliver(container, shopify_shop, s.customer("7001", "juergen.weiss@example.de"))
    wait_until(lambda: copied(copies, shopify_shop))

    seen = statements_during(container, lambda: deliver(container, shopify_shop, s.customer("7002", "anna@example.de")))

    assert not [sql for sql in seen if "FROM shops" in sql]
    assert member_by_email(container, shopify_shop, "anna@example.de").customer_ref == "7002"


def test_a_settings_change_reaches_the_next_delivery(container, shopify_shop, copies, clock) -> None:
    deliver(container, shopify_shop, s.order("5001", at=clock.now(), buyer=s.customer("7001")))
    wait_until(lambda: copied(copies, shopify_shop))

    set_program_settings(container, shopify_shop, points_per_unit=3)
    wait_until(lambda: copied(copies, shopify_shop) is None)
    deliver(container, shopify_shop, s.order("5002", at=clock.now(), buyer=s.customer("7002", "anna@example.de")))

    assert member_by_email(container, shopify_shop, "anna@example.de").balance == 300


def test_a_referral_recorded_after_the_shop_was_copied_is_attributed_to_the_friends_order(
    container, shopify_shop, copies, clock
) -> None:
    deliver(container, shopify_shop, REFERRER)
    assert wait_until(lambda: copied(copies, shopify_shop)).open_referrals is False
    referrer = member_by_email(container, shopify_shop, REFERRER.email or "")
    with container.uow() as uow:
        code = referrals.codes.code_for_member(uow.session, shopify_shop.id, referrer.id)
    assert code is not None

    referrals.record_referral(container.uow(), shopify_shop.id, code, clock.now(), email=FRIEND.email)
    wait_until(lambda: copied(copies, shopify_shop) is None)
    deliver(container, shopify_shop, s.order("5002", at=clock.now(), buyer=FRIEND))

    with container.uow() as uow:
        status = uow.session.scalar(select(Referral.status).where(Referral.shop_id == shopify_shop.id))
    assert status == "ordered"


def test_copies_are_not_used_while_the_listen_connection_is_lost(container, shopify_shop, copies) -> None:
    deliver(container, shopify_shop, s.customer("7001", "juergen.weiss@example.de"))
    wait_until(lambda: copied(copies, shopify_shop))

    copies.disable()
    seen = statements_during(container, lambda: deliver(container, shopify_shop, s.customer("7002", "anna@example.de")))

    assert [sql for sql in seen if "FROM shops" in sql]
    assert copied(copies, shopify_shop) is None


def test_a_delivery_from_a_copied_shop_reads_no_settings_row(container, shopify_shop, copies, clock) -> None:
    deliver(container, shopify_shop, s.order("5001", at=clock.now(), buyer=s.customer("7001")))
    wait_until(lambda: copied(copies, shopify_shop))

    seen = statements_during(container, lambda: deliver(
        container, shopify_shop, s.order("5002", at=clock.now(), buyer=s.customer("7001"))))

    assert not [sql for sql in seen if "_settings" in sql or "tier_programs" in sql]
