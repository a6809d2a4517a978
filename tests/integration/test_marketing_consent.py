"""A newsletter opt-in in the widget reaches the shop's own marketing consent (Shopify), through 429s, 5xx,
hangs and missing scopes; a withdrawal at the shop stops our marketing emails."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.clock import FixedClock
from app.container import Container
from app.models import ConsentPush, Shop
from app.services import earning_events, privacy
from app.services.install import install_shopify
from app.services.marketing_consent import push_consents
from tests.fakes.shopify_server import FakeShopify
from tests.fakes.woocommerce_server import FakeWooCommerce
from tests.support import snapshots as s
from tests.support.deliveries import deliver, member_by_email
from tests.support.rewards import client_for, shop_for

GRANTED = "read_orders,read_customers,write_customers,write_discounts"
SHOPPER = s.customer("7001", "juergen.weiss@example.de")
GID = "gid://shopify/Customer/7001"


@pytest.fixture
def fake() -> Iterator[FakeShopify]:
    with FakeShopify(scope=GRANTED) as server:
        yield server


@pytest.fixture
def shop(container: Container, fake: FakeShopify) -> Shop:
    return shop_for(container, "shopify", fake)


def opt_in(container: Container, shop: Shop, clock: FixedClock) -> int:
    deliver(container, shop, SHOPPER)
    member = member_by_email(container, shop, SHOPPER.email or "")
    earning_events.subscribe_newsletter(container.uow(), shop.id, member.id, clock.now())
    return member.id


def run_job(container: Container, fake: FakeShopify | FakeWooCommerce, clock: FixedClock) -> int:
    return push_consents(container.uow, lambda _platform: client_for("shopify", fake), container.box, clock.now())


def pushes(container: Container, shop: Shop) -> list[ConsentPush]:
    with container.uow() as uow:
        return list(uow.session.scalars(select(ConsentPush).where(ConsentPush.shop_id == shop.id)))


def test_a_widget_opt_in_is_recorded_at_shopify_as_a_single_opt_in_consent(container, clock, fake, shop) -> None:
    consented = clock.now()
    opt_in(container, shop, clock)
    clock.advance(seconds=60)

    assert run_job(container, fake, clock) == 1
    assert run_job(container, fake, clock) == 0

    assert fake.marketing_consents == {GID: {
        "marketingState": "SUBSCRIBED", "marketingOptInLevel": "SINGLE_OPT_IN",
        "consentUpdatedAt": consented.isoformat().replace("+00:00", "Z"),
    }}
    [push] = pushes(container, shop)
    assert (push.status, push.attempts, push.last_error) == ("done", 1, None)


def test_opting_in_twice_pushes_once(container, clock, fake, shop) -> None:
    member_id = opt_in(container, shop, clock)
    earning_events.subscribe_newsletter(container.uow(), shop.id, member_id, clock.now())

    run_job(container, fake, clock)

    assert len(pushes(container, shop)) == 1
    assert len(fake.requests_to("graphql")) == 1


@pytest.mark.parametrize("outage", ["throttled", "server_error", "hang"])
def test_an_unavailable_shopify_is_tried_again_later_until_the_consent_is_recorded(
    container, clock, fake, shop, outage
) -> None:
    opt_in(container, shop, clock)
    if outage == "throttled":
        fake.throttle(retry_after=120)
    elif outage == "server_error":
        fake.fail(502)
    else:
        fake.hang(1.0, process=True)  # Shopify took it, but the answer never came in time

    run_job(container, fake, clock)
    [waiting] = pushes(container, shop)
    assert (waiting.status, waiting.attempts) == ("pending", 1)
    assert waiting.next_attempt_at is not None
    assert waiting.next_attempt_at >= clock.now() + timedelta(seconds=120 if outage == "throttled" else 30)
    assert run_job(container, fake, clock) == 0  # not due yet

    clock.advance(minutes=5)
    run_job(container, fake, clock)

    assert [p.status for p in pushes(container, shop)] == ["done"]
    assert fake.marketing_consents[GID]["marketingState"] == "SUBSCRIBED"


def test_a_shop_that_did_not_grant_write_customers_keeps_the_push_failed_with_the_reason(
    container, clock, shop, fake
) -> None:
    fake.scope = "read_orders,write_discounts"  # installed before the scope was asked for
    opt_in(container, shop, clock)

    run_job(container, fake, clock)
    clock.advance(hours=1)

    assert run_job(container, fake, clock) == 0
    [push] = pushes(container, shop)
    assert (push.status, push.reason) == ("failed", "missing_scope")
    assert "write_customers" in (push.last_error or "")
    assert fake.marketing_consents == {}
    assert member_by_email(container, shop, SHOPPER.email or "").accepts_marketing  # the program keeps the opt-in


def test_the_opt_ins_go_through_once_the_merchant_grants_write_customers(container, clock, shop, fake) -> None:
    fake.scope = "read_orders,write_discounts"
    opt_in(container, shop, clock)
    run_job(container, fake, clock)

    fake.scope = GRANTED  # the merchant accepted the new permissions: Shopify hands out a new token
    install_shopify(container.uow(), container.box, shop.domain, fake.access_token, GRANTED, clock.now())
    run_job(container, fake, clock)

    assert [(p.status, p.reason) for p in pushes(container, shop)] == [("done", None)]
    assert GID in fake.marketing_consents


def test_a_customer_deleted_at_the_shop_fails_with_shopifys_reason(container, clock, fake, shop) -> None:
    fake.deleted_customers.add(GID)
    opt_in(container, shop, clock)

    run_job(container, fake, clock)

    [push] = pushes(container, shop)
    assert (push.status, push.reason) == ("failed", "rejected")
    assert "Customer not found" in (push.last_error or "")


def test_a_push_for_a_customer_whose_data_was_erased_is_cancelled_without_a_call(
    container, clock, fake, shop
) -> None:
    member_id = opt_in(container, shop, clock)
    privacy.redact_member_by_admin(container.uow(), shop.id, member_id, actor="merchant", now=clock.now())

    run_job(container, fake, clock)

    assert [(p.status, p.reason) for p in pushes(container, shop)] == [("cancelled", "shop_or_member_gone")]
    assert fake.requests_to("graphql") == []


def test_a_woocommerce_shop_keeps_the_opt_in_in_the_program(container, clock) -> None:
    with FakeWooCommerce() as woo:
        shop = shop_for(container, "woocommerce", woo)
        opt_in(container, shop, clock)

    assert pushes(container, shop) == []
    assert member_by_email(container, shop, SHOPPER.email or "").accepts_marketing


def test_unsubscribing_at_the_shop_stops_marketing_and_a_new_opt_in_is_pushed_again(
    container, clock, fake, shop
) -> None:
    member_id = opt_in(container, shop, clock)
    run_job(container, fake, clock)

    deliver(container, shop, s.customer("7001", SHOPPER.email or "", accepts_marketing=False))  # unsubscribed
    assert not member_by_email(container, shop, SHOPPER.email or "").accepts_marketing
    deliver(container, shop, s.customer("7001", SHOPPER.email or ""))  # says nothing: stays unsubscribed
    assert not member_by_email(container, shop, SHOPPER.email or "").accepts_marketing

    clock.advance(days=3)
    earning_events.subscribe_newsletter(container.uow(), shop.id, member_id, clock.now())
    run_job(container, fake, clock)

    assert member_by_email(container, shop, SHOPPER.email or "").accepts_marketing
    assert fake.marketing_consents[GID]["consentUpdatedAt"] == clock.now().isoformat().replace("+00:00", "Z")
    assert [p.status for p in pushes(container, shop)] == ["done"]
