"""Flows that handle platform credentials (syncs, webhooks, coupon pushes) against the fake shops."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.container import Container
from app.models import Shop
from app.services import reconciliation
from app.services.coupons import retry_coupon_pushes
from app.services.shops import NewShop, add_shop
from tests.conftest import START
from tests.fakes.shopify_server import FakeShopify, shopify_order
from tests.fakes.woocommerce_server import FakeWooCommerce, woocommerce_order
from tests.support.admin import login_with_link
from tests.support.rewards import add_reward, client_for, member_with_points, shop_for
from tests.support.webhooks import woocommerce_headers

WOO_WEBHOOK_SECRET = "whsec-teeladen-4711"
FAKE_SHOPIFY_TOKEN = "shpat_probe_token_4711"
FAKE_WOO_KEY, FAKE_WOO_SECRET = "ck_probe_key_4711", "cs_probe_secret_4711"


@pytest.fixture(name="fakes")
def fakes_fixture(container: Container) -> Iterator[tuple[FakeShopify, FakeWooCommerce]]:
    """Fake Shopify and WooCommerce servers behind the container's real Admin API clients."""
    with FakeShopify(access_token=FAKE_SHOPIFY_TOKEN) as shopify, FakeWooCommerce(FAKE_WOO_KEY, FAKE_WOO_SECRET) as woo:
        container._platform_clients = {"shopify": client_for("shopify", shopify),
                                       "woocommerce": client_for("woocommerce", woo)}
        yield shopify, woo


def run_platform_flows(app: Flask, client: FlaskClient, container: Container, victim: Shop,
                       fakes: tuple[FakeShopify, FakeWooCommerce]) -> list[Shop]:
    """Syncs (ok, 401, 500), signed and mis-signed WooCommerce webhooks, coupon pushes (ok, 500, 401, retry)."""
    shopify, woo = fakes
    woo_shop = add_shop(container.uow(), container.box, NewShop(
        "woocommerce", woo.url, name="Teeladen", webhook_secret=WOO_WEBHOOK_SECRET, consumer_key=FAKE_WOO_KEY,
        consumer_secret=FAKE_WOO_SECRET), container.clock.now())
    shopify_shop = shop_for(container, "shopify", shopify)
    woo.orders.append(woocommerce_order(1, (START + timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%S")))
    shopify.orders.append(shopify_order(1, (START + timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%SZ")))
    container.clock.advance(hours=6)  # type: ignore[attr-defined]
    for failure in (None, 401, 500):
        for fake, shop in ((woo, woo_shop), (shopify, shopify_shop), (shopify, victim)):
            if failure:
                fake.fail(failure)
            reconciliation.sync_shop(container.uow, container.platform_client, container.box, container.clock,
                                     shop.id)
    body = json.dumps(woocommerce_order(2, (START + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S"))).encode()
    for secret in (WOO_WEBHOOK_SECRET, "not-the-webhook-secret"):
        client.post("/webhooks/woocommerce", data=body,
                    headers=woocommerce_headers(body, "order.updated", woo_shop.domain, secret))
    headers = login_with_link(app, client, woo_shop)
    buyer = member_with_points(container, woo_shop, 700)
    reward = add_reward(container, woo_shop, points_cost=100)
    for failure in (None, 500, 401):
        if failure:
            woo.fail(failure)
        client.post(f"/admin/api/members/{buyer.id}/redeem", json={"reward_id": reward.id}, headers=headers)
    woo.fail(500)
    retry_coupon_pushes(container.uow, container.platform_client, container.box, container.clock.now())
    return [woo_shop, shopify_shop]


def everything_logged(caplog: pytest.LogCaptureFixture) -> str:
    """The formatted lines with their tracebacks, and every record's arguments and `extra` fields."""
    return caplog.text + "\n".join(repr(vars(record)) for record in caplog.records)
