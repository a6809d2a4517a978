"""Order reconciliation against the fake shops on 127.0.0.1: dropped webhooks are repaired in one job cycle."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.clock import FixedClock
from app.container import Container
from app.jobs.registry import job_specs
from app.models import LedgerEntry, Member, Shop
from app.platforms.shopify.admin import ShopifyAdminClient
from app.platforms.woocommerce.admin import WooCommerceAdminClient
from app.services import install, reconciliation
from app.services.shops import NewShop, add_shop
from tests.conftest import START, TEST_SHOPIFY_SECRET
from tests.fakes.shopify_server import FakeShopify, shopify_order
from tests.fakes.woocommerce_server import FakeWooCommerce, woocommerce_order
from tests.support.admin import admin_headers
from tests.support.apps import own_app
from tests.support.db_faults import connection_dies_at_first, killer
from tests.support.deliveries import ledger_ok
from tests.support.rewards import shop_for
from tests.support.webhooks import shopify_headers, woocommerce_headers

PAGE_SIZE = 2  # small pages, so a handful of orders walks the pagination
WOO_SECRET = "woo-webhook-secret"
SYNC_AT = START + timedelta(hours=6)


@pytest.fixture
def app(settings_overrides: dict[str, object], clock: FixedClock, fake_shopify: FakeShopify,
        fake_woocommerce: FakeWooCommerce) -> Iterator[Flask]:
    """The app with the real Admin API clients, pointed at the fake shops, paging two orders at a time."""
    clients: dict[str, Any] = {
        "shopify": ShopifyAdminClient(api_base=fake_shopify.api_base, page_size=PAGE_SIZE),
        "woocommerce": WooCommerceAdminClient(page_size=PAGE_SIZE),
    }
    with own_app(settings_overrides, clock, platform_clients=clients) as application:
        yield application


@pytest.fixture
def synced_shopify(container: Container, fake_shopify: FakeShopify) -> Shop:
    """The Shopify shop whose webhooks get lost; its Admin API is the fake's."""
    new = NewShop("shopify", fake_shopify.shop, name="Synced", access_token=fake_shopify.access_token)
    return add_shop(container.uow(), container.box, new, container.clock.now())


@pytest.fixture
def control_shopify(container: Container) -> Shop:
    """A second shop that receives every webhook: what full delivery gives."""
    new = NewShop("shopify", "control-shop.myshopify.com", name="Control", access_token="shpat_control")
    return add_shop(container.uow(), container.box, new, container.clock.now())


@pytest.fixture
def synced_woo(container: Container, fake_woocommerce: FakeWooCommerce) -> Shop:
    return shop_for(container, "woocommerce", fake_woocommerce, name="Synced Woo", webhook_secret=WOO_SECRET)


@pytest.fixture
def control_woo(container: Container) -> Shop:
    new = NewShop("woocommerce", "https://control.example.de", name="Control Woo", webhook_secret=WOO_SECRET,
                  consumer_key="ck_control", consumer_secret="cs_control")
    return add_shop(container.uow(), container.box, new, container.clock.now())


def at(minutes: int) -> str:
    return (START + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


def woo_at(minutes: int) -> str:
    return (START + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%S")


def buyer(n: int) -> dict[str, Any]:
    return {"id": 7000 + n, "email": f"kundin{n}@example.de", "first_name": "Kundin", "last_name": str(n)}


def shopify_history() -> list[dict[str, Any]]:
    """Six orders of three shoppers; #4 was cancelled later, #2 paid after being created pending."""
    orders = [
        shopify_order(1, at(10), customer=buyer(1), email="kundin1@example.de"),
        shopify_order(2, at(20), customer=buyer(1), email="kundin1@example.de", total_price="120.00",
                      subtotal_price="115.05", total_line_items_price="115.05"),
        shopify_order(3, at(30), customer=buyer(2), email="kundin2@example.de"),
        shopify_order(4, at(40), customer=buyer(2), email="kundin2@example.de"),
        shopify_order(5, at(50), customer=buyer(3), email="kundin3@example.de"),
        shopify_order(6, at(60), customer=buyer(3), email="kundin3@example.de"),
    ]
    cancelled = dict(orders[3], cancelled_at=at(90), updated_at=at(90), financial_status="voided")
    return [*orders[:3], cancelled, *orders[4:]]


def post_shopify(client, shop: Shop, order: dict[str, Any], topic: str = "orders/updated") -> None:  # type: ignore[no-untyped-def]
    body = json.dumps(order).encode()
    response = client.post("/webhooks/shopify", data=body,
                           headers=shopify_headers(body, topic, shop.domain, TEST_SHOPIFY_SECRET))
    assert response.status_code == 200, response.get_data(as_text=True)


def post_woo(client, shop: Shop, order: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    body = json.dumps(order).encode()
    response = client.post("/webhooks/woocommerce", data=body,
                           headers=woocommerce_headers(body, "order.updated", shop.domain, WOO_SECRET))
    assert response.status_code == 200, response.get_data(as_text=True)


def balances(container: Container, shop: Shop) -> dict[str, int]:
    with container.uow() as uow:
        rows = uow.session.execute(select(Member.email, Member.balance).where(Member.shop_id == shop.id))
        return {email: balance for email, balance in rows}


def run_job(container: Container) -> Any:
    spec = next(s for s in job_specs() if s.id == "reconcile_orders")
    return spec.run(container)


def deliver_shopify_partially(client, synced: Shop, control: Shop, history: list[dict[str, Any]]) -> None:  # type: ignore[no-untyped-def]
    first_state_of_4 = dict(history[3], cancelled_at=None, updated_at=at(40), financial_status="paid")
    for order in [*history[:3], first_state_of_4, *history[3:]]:
        post_shopify(client, control, order)
    # The synced shop loses #2, #4's cancellation and #6; #5 arrives twice.
    for order in (history[0], history[2], first_state_of_4, history[4], history[4]):
        post_shopify(client, synced, order)


def test_dropped_shopify_webhooks_are_repaired_in_one_job_cycle(
    client, container, clock, fake_shopify, synced_shopify, control_shopify
):
    history = shopify_history()
    fake_shopify.orders.extend(history)
    deliver_shopify_partially(client, synced_shopify, control_shopify, history)
    assert balances(container, synced_shopify) != balances(container, control_shopify)

    clock.set(SYNC_AT)
    run_job(container)

    assert balances(container, synced_shopify) == balances(container, control_shopify)
    ledger_ok(container)


def test_the_run_lists_which_orders_it_repaired_with_points_before_and_after(
    client, container, clock, fake_shopify, synced_shopify, control_shopify
):
    history = shopify_history()
    fake_shopify.orders.extend(history)
    deliver_shopify_partially(client, synced_shopify, control_shopify, history)
    clock.set(SYNC_AT)

    outcome = reconciliation.sync_shop(container.uow, container.platform_client, container.box, clock,
                                       synced_shopify.id)
    detail = client.get(f"/admin/api/sync/runs/{outcome.run_id}", headers=admin_headers(synced_shopify)).json

    repaired = {(r["order_name"], r["points_before"] > 0, r["points_after"] > 0) for r in detail["repairs"]}
    assert repaired == {("#1002", False, True), ("#1004", True, False), ("#1006", False, True)}
    assert (detail["status"], detail["pulled"], detail["repaired"]) == ("ok", 6, 3)
    assert {r["member_email"] for r in detail["repairs"]} == {"kundin1@example.de", "kundin2@example.de",
                                                             "kundin3@example.de"}


def test_a_second_run_repairs_nothing_and_asks_only_for_changes_since_the_first(
    client, container, clock, fake_shopify, synced_shopify, control_shopify
):
    history = shopify_history()
    fake_shopify.orders.extend(history)
    deliver_shopify_partially(client, synced_shopify, control_shopify, history)
    clock.set(SYNC_AT)
    reconciliation.sync_shop(container.uow, container.platform_client, container.box, clock, synced_shopify.id)
    clock.set(SYNC_AT + timedelta(minutes=10))

    second = reconciliation.sync_shop(container.uow, container.platform_client, container.box, clock,
                                      synced_shopify.id)

    assert (second.pulled, second.repaired, second.status) == (0, 0, "ok")
    last_request = fake_shopify.requests_to("/orders.json")[-1]
    assert last_request.args["updated_at_min"] == (SYNC_AT - reconciliation.OVERLAP).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_dropped_woocommerce_webhooks_are_repaired_in_one_job_cycle(
    client, container, clock, fake_woocommerce, synced_woo, control_woo
):
    orders = [
        woocommerce_order(n, woo_at(10 * n), customer_id=n % 2 + 1,
                          billing={"first_name": "Ada", "last_name": "W", "email": f"kunde{n % 2}@example.de"})
        for n in range(1, 6)
    ]
    cancelled = dict(orders[1], status="cancelled", date_modified_gmt=woo_at(95), date_modified=woo_at(95))
    fake_woocommerce.orders.extend([orders[0], cancelled, *orders[2:]])
    for order in [*orders, cancelled]:
        post_woo(client, control_woo, order)
    for order in (orders[0], orders[1], orders[3]):
        post_woo(client, synced_woo, order)

    clock.set(SYNC_AT)
    run_job(container)

    assert balances(container, synced_woo) == balances(container, control_woo)
    assert sum(balances(container, synced_woo).values()) > 0
    ledger_ok(container)


def test_a_woocommerce_webhook_whose_connection_died_is_credited_once_by_the_next_sync(
    client, container, clock, fake_woocommerce, synced_woo, is_postgres
):
    # WooCommerce does not retry a delivery answered 5xx: the job pulling changed orders is what repairs it.
    paid = woocommerce_order(1, woo_at(10), customer_id=1,
                             billing={"first_name": "Ada", "last_name": "W", "email": "kunde1@example.de"})
    fake_woocommerce.orders.append(paid)
    body = json.dumps(paid).encode()
    headers = woocommerce_headers(body, "order.updated", synced_woo.domain, WOO_SECRET)

    with connection_dies_at_first(container.engine, "ledger_entries", killer(container, is_postgres)) as fired:
        lost = client.post("/webhooks/woocommerce", data=body, headers=headers)
    clock.set(SYNC_AT)
    run_job(container)
    run_job(container)

    assert fired, "the fault was never injected"
    assert lost.status_code >= 500
    with container.uow() as uow:
        earned = uow.session.scalars(
            select(LedgerEntry.delta).where(LedgerEntry.shop_id == synced_woo.id, LedgerEntry.kind == "earn")
        ).all()
    assert len(earned) == 1
    assert balances(container, synced_woo) == {"kunde1@example.de": earned[0]}
    ledger_ok(container)


class ThrottledAfter:
    """The real client, with the fake shop answering one 429 once `orders` orders were read."""

    def __init__(self, inner: Any, fake: FakeShopify, orders: int, retry_after: float = 30.0) -> None:
        self.inner, self.fake, self.orders, self.retry_after = inner, fake, orders, retry_after

    def orders_changed_since(self, creds: Any, since: datetime) -> Iterator[Any]:
        for n, snap in enumerate(self.inner.orders_changed_since(creds, since), start=1):
            yield snap
            if n == self.orders:
                self.fake.throttle(self.retry_after)


def test_a_429_in_the_middle_is_recorded_and_the_next_run_continues_from_there(
    client, container, clock, fake_shopify, synced_shopify, control_shopify
):
    history = shopify_history()
    fake_shopify.orders.extend(history)
    for order in history:
        post_shopify(client, control_shopify, order)
    clock.set(SYNC_AT)
    throttled = ThrottledAfter(container.platform_client("shopify"), fake_shopify, orders=PAGE_SIZE)

    first = reconciliation.sync_shop(container.uow, lambda _: throttled, container.box, clock, synced_shopify.id)

    assert (first.status, first.pulled) == ("failed", PAGE_SIZE)
    assert first.errors[0]["reason"] == "platform_unavailable"
    assert first.errors[0]["retry_after"] == 30.0
    assert "429" in first.errors[0]["detail"]
    with container.uow() as uow:
        assert uow.session.get(Shop, synced_shopify.id).last_synced_at == START + timedelta(minutes=20)

    clock.set(SYNC_AT + timedelta(minutes=10))
    second = reconciliation.sync_shop(container.uow, container.platform_client, container.box, clock,
                                      synced_shopify.id)

    assert second.status == "ok"
    assert fake_shopify.requests_to("/orders.json")[-1].args.get("updated_at_min") is None  # a cursor page
    first_of_second = [r for r in fake_shopify.requests_to("/orders.json") if "updated_at_min" in r.args][-1]
    assert first_of_second.args["updated_at_min"] == at(20 - 5)
    assert balances(container, synced_shopify) == balances(container, control_shopify)
    ledger_ok(container)


def test_runs_and_their_errors_are_listed_for_the_shop_admin(client, container, clock, fake_shopify, synced_shopify):
    fake_shopify.orders.append(shopify_order(1, at(10)))
    fake_shopify.fail(500, times=1)
    clock.set(SYNC_AT)
    reconciliation.sync_shop(container.uow, container.platform_client, container.box, clock, synced_shopify.id)

    response = client.post("/admin/api/sync/run", headers=admin_headers(synced_shopify))
    listing = client.get("/admin/api/sync/runs", headers=admin_headers(synced_shopify)).json

    assert (response.status_code, response.json["trigger"], response.json["repaired"]) == (200, "admin", 1)
    assert [run["status"] for run in listing["runs"]] == ["ok", "failed"]
    failed = listing["runs"][1]
    assert failed["errors"][0]["texts"]["de"].startswith("Der Shop war nicht erreichbar")
    assert listing["last_synced_at"] is not None
    only_repaired = client.get("/admin/api/sync/runs?repaired_only=true", headers=admin_headers(synced_shopify))
    assert [run["trigger"] for run in only_repaired.json["runs"]] == ["admin"]


def test_another_shops_run_is_not_found(client, container, clock, fake_shopify, synced_shopify, control_shopify):
    clock.set(SYNC_AT)
    outcome = reconciliation.sync_shop(container.uow, container.platform_client, container.box, clock,
                                       synced_shopify.id)

    response = client.get(f"/admin/api/sync/runs/{outcome.run_id}", headers=admin_headers(control_shopify))

    assert (response.status_code, response.json["reason"]) == (404, "sync_run_not_found")


def test_a_sync_requested_while_one_runs_is_refused_and_the_job_skips_the_shop(
    client, container, clock, fake_shopify, synced_shopify
):
    fake_shopify.orders.extend(shopify_history())
    clock.set(SYNC_AT)
    seen: dict[str, Any] = {}

    class Reentrant:
        def orders_changed_since(self, creds: Any, since: datetime) -> Iterator[Any]:
            seen["admin"] = client.post("/admin/api/sync/run", headers=admin_headers(synced_shopify)).status_code
            seen["job"] = reconciliation.reconcile_orders(container.uow, container.platform_client, container.box,
                                                          clock)
            yield from container.platform_client("shopify").orders_changed_since(creds, since)

    outcome = reconciliation.sync_shop(container.uow, lambda _: Reentrant(), container.box, clock,
                                       synced_shopify.id)

    assert seen == {"admin": 409, "job": []}
    assert (outcome.status, outcome.pulled) == ("ok", 6)


def test_a_shop_without_credentials_records_the_refusal_and_keeps_its_sync_point(container, clock, fake_shopify):
    shop = add_shop(container.uow(), container.box, NewShop("shopify", fake_shopify.shop), clock.now())
    clock.set(SYNC_AT)

    outcome = reconciliation.sync_shop(container.uow, container.platform_client, container.box, clock, shop.id)

    assert (outcome.status, outcome.errors[0]["reason"]) == ("failed", "platform_not_connected")
    with container.uow() as uow:
        assert uow.session.get(Shop, shop.id).last_synced_at is None


def test_the_job_leaves_a_shop_without_credentials_alone(container, clock, fake_shopify):
    add_shop(container.uow(), container.box, NewShop("shopify", fake_shopify.shop), clock.now())
    clock.set(SYNC_AT)

    outcomes = reconciliation.reconcile_orders(container.uow, container.platform_client, container.box, clock)

    assert outcomes == []
    assert fake_shopify.requests == []


def test_a_sync_that_repaired_orders_switches_the_webhooks_woocommerce_disabled_back_on(
    client, container, clock, fake_woocommerce, synced_woo
):
    install.register_webhooks(container.uow, container.box, container.platform_client("woocommerce"), synced_woo.id,
                              container.settings.public_url, clock.now())
    for hook in fake_woocommerce.webhooks.values():
        hook["status"] = "disabled"  # what WooCommerce does after repeated failed deliveries (PLATFORMS §4.3)
    fake_woocommerce.orders.append(woocommerce_order(1, woo_at(10), customer_id=1, billing={
        "first_name": "Ada", "last_name": "W", "email": "kunde1@example.de"}))

    clock.set(SYNC_AT)
    run_job(container)

    assert balances(container, synced_woo) == {"kunde1@example.de": 46}  # repaired by the sync
    assert {hook["status"] for hook in fake_woocommerce.webhooks.values()} == {"active"}


def test_a_sync_that_repaired_nothing_leaves_the_webhooks_alone(client, container, clock, fake_woocommerce, synced_woo):
    install.register_webhooks(container.uow, container.box, container.platform_client("woocommerce"), synced_woo.id,
                              container.settings.public_url, clock.now())
    for hook in fake_woocommerce.webhooks.values():
        hook["status"] = "paused"  # the merchant's choice, kept while nothing goes missing

    clock.set(SYNC_AT)
    run_job(container)

    assert {hook["status"] for hook in fake_woocommerce.webhooks.values()} == {"paused"}
