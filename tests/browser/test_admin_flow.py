"""In Chromium: install from a fake Shopify, change a setting, search a member, adjust points, see the change, sign
out; the page's Content-Security-Policy refuses nothing it needs."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from flask import Flask

from app.clock import FixedClock
from app.repositories import ShopRepository
from app.services.admin_settings import read_settings
from tests.conftest import START
from tests.fakes.shopify_server import FakeShopify
from tests.support import snapshots as s
from tests.support.apps import API_SECRET, fake_shopify_app_settings, own_app
from tests.support.deliveries import deliver


@pytest.fixture
def app(settings_overrides: dict[str, object], clock: FixedClock, fake_shopify: FakeShopify) -> Iterator[Flask]:
    """The app as the fake Shopify's app (overrides the default `app`, so `live_url` serves this one)."""
    with own_app(fake_shopify_app_settings(settings_overrides, fake_shopify), clock) as application:
        yield application


def signed(params: dict[str, str]) -> str:
    message = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
    return urlencode({**params, "hmac": hmac.new(API_SECRET.encode(), message.encode(), hashlib.sha256).hexdigest()})


def approve_grant(fake: FakeShopify, grant_url: str, live_url: str) -> str:
    """What Shopify does when the merchant approves the grant screen: back to the callback with a signed code."""
    state = parse_qs(urlsplit(grant_url).query)["state"][0]
    fake.codes.add("browser-code")
    params = {"code": "browser-code", "shop": fake.shop, "state": state, "timestamp": str(int(START.timestamp()))}
    return f"{live_url}/auth/shopify/callback?{signed(params)}"


def test_a_merchant_installs_configures_and_adjusts_points_in_the_browser(
    app: Flask,
    live_url: str,
    page,
    screenshot,
    fake_shopify: FakeShopify,  # type: ignore[no-untyped-def]
) -> None:
    install_url = (
        f"{live_url}/auth/shopify?{signed({'shop': fake_shopify.shop, 'timestamp': str(int(START.timestamp()))})}"
    )
    refused = []  # what the page's Content-Security-Policy blocked, as Chromium reports it
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(install_url)
    assert page.url.startswith(f"{fake_shopify.api_base}/admin/oauth/authorize?")
    page.goto(approve_grant(fake_shopify, page.url, live_url))
    page.wait_for_url(f"{live_url}/admin**")
    page.get_by_test_id("shop-name").wait_for()
    assert len(fake_shopify.webhooks) == 9
    c = app.extensions["container"]
    with c.uow() as uow:
        shop = ShopRepository(uow.session).get_by_domain("shopify", fake_shopify.shop)
    assert shop is not None
    buyer = s.customer(ref="7001", email="juergen.weiss@example.de")
    deliver(c, shop, s.order("5001", at=START, merchandise="50.00", shipping="0", buyer=buyer))
    screenshot("installed")

    page.get_by_test_id("tab-settings").click()
    page.get_by_test_id("setting-pending_days").fill("-3")
    page.get_by_test_id("settings-save").click()
    page.get_by_test_id("error-pending_days").wait_for()
    screenshot("settings-error")
    page.get_by_test_id("setting-pending_days").fill("14")
    page.get_by_test_id("setting-expiry_policy").select_option("per_lot")
    page.get_by_test_id("settings-save").click()
    page.get_by_test_id("toast-ok").wait_for()
    assert page.get_by_test_id("error-pending_days").count() == 0
    settings = read_settings(c.uow(), shop.id)
    assert (settings["pending_days"], settings["expiry_policy"]) == (14, "per_lot")

    page.get_by_test_id("tab-members").click()
    page.get_by_test_id("member-search").fill("weiss")
    page.get_by_test_id("member-search-submit").click()
    page.locator("[data-testid^=member-row-]").first.click()
    assert page.get_by_test_id("member-balance").inner_text() == "50"
    page.get_by_test_id("adjust-points").fill("25")
    page.get_by_test_id("adjust-submit").click()
    page.get_by_test_id("error-reason").wait_for()
    page.get_by_test_id("adjust-reason").fill("Kulanz nach Reklamation")
    page.get_by_test_id("adjust-submit").click()
    page.locator("[data-testid=member-balance]", has_text="75").wait_for()
    assert "Manuelle Anpassung: Kulanz nach Reklamation" in page.get_by_test_id("ledger-table").inner_text()
    screenshot("member-adjusted")

    page.get_by_test_id("lang-toggle").click()
    page.get_by_test_id("tab-members").wait_for()
    assert page.get_by_test_id("tab-members").inner_text() == "Members"

    page.get_by_test_id("sign-out").click()
    page.get_by_test_id("signed-out").wait_for()
    page.reload()
    page.get_by_test_id("signed-out").wait_for()
    assert page.get_by_test_id("tab-members").count() == 0
    assert refused == []
