"""In Chromium: the merchant syncs the shop's orders from the admin page and sees which orders were repaired."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask

from app.clock import FixedClock
from app.container import Container
from app.models import Shop
from app.platforms.shopify.admin import ShopifyAdminClient
from app.services.admin_sessions import issue_login_link
from tests.fakes.shopify_server import FakeShopify, shopify_order
from tests.support.apps import own_app
from tests.support.deliveries import member_by_email
from tests.support.rewards import no_sleep, shop_for

LOST_ORDER = 4711  # paid in the shop; its webhooks never arrived


@pytest.fixture
def app(settings_overrides: dict[str, object], clock: FixedClock, fake_shopify: FakeShopify) -> Iterator[Flask]:
    client = ShopifyAdminClient(api_base=fake_shopify.api_base, sleep=no_sleep, max_wait=0)
    with own_app(settings_overrides, clock, platform_clients={"shopify": client}) as application:
        yield application


@pytest.fixture
def shop(container: Container, fake_shopify: FakeShopify, clock: FixedClock) -> Shop:
    installed = shop_for(container, "shopify", fake_shopify)
    paid_at = (clock.now() - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    fake_shopify.orders = [shopify_order(LOST_ORDER, paid_at)]
    return installed


def test_a_merchant_syncs_now_and_sees_the_order_whose_webhook_never_arrived(
    app, container, shop, fake_shopify, live_url, page, screenshot
):  # type: ignore[no-untyped-def]
    link = issue_login_link(container.uow(), container.settings.secret_key, container.settings.public_url,
                            str(shop.id))
    page.goto(link.replace(container.settings.public_url, live_url))

    page.get_by_test_id("tab-sync").click()
    page.get_by_test_id("sync-empty").wait_for()
    page.get_by_test_id("sync-now").click()
    toast = page.get_by_test_id("toast-ok").first
    toast.wait_for()
    assert "1 abgerufen, 1 repariert" in toast.inner_text()
    runs = page.get_by_test_id("sync-runs")
    runs.wait_for()
    run_id = runs.locator("tbody tr").first.get_attribute("data-testid").removeprefix("sync-run-")  # type: ignore[union-attr]
    assert page.get_by_test_id(f"sync-repaired-{run_id}").inner_text() == "1"

    page.get_by_test_id(f"sync-details-{run_id}").click()
    repair = page.get_by_test_id("sync-repair").first
    repair.wait_for()
    screenshot("sync-repaired")
    cells = repair.locator("td").all_inner_texts()
    member = member_by_email(container, shop, f"shopper{LOST_ORDER}@example.com")
    assert cells[0] == f"#{1000 + LOST_ORDER}"
    assert cells[1] == f"shopper{LOST_ORDER}@example.com"
    assert (int(cells[2]), int(cells[3])) == (0, member.balance + member.pending)
    assert member.balance + member.pending > 0

    page.get_by_test_id("sync-only-repaired").check()  # the list reloads with the runs that repaired something
    page.get_by_test_id(f"sync-run-{run_id}").wait_for()
    page.get_by_test_id(f"sync-details-{run_id}").click()
    page.get_by_test_id("sync-repair").first.locator("a").click()
    page.wait_for_url(f"**/admin#members/{member.id}")
