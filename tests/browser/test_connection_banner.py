"""In Chromium: a shop whose store could not be reached at install shows a warning on every tab, and a retry."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.api.test_woocommerce_connection_check import connect_while
from tests.support.admin import sign_in_page as sign_in

pytestmark = pytest.mark.browser


def test_an_unverified_connection_is_shown_on_every_tab_in_both_languages(  # type: ignore[no-untyped-def]
    app, client, live_url, page, fake_woocommerce, screenshot
) -> None:
    _, shop = connect_while(app, client, fake_woocommerce)

    sign_in(app, page, live_url, shop)

    banner = page.get_by_test_id("connection-banner")
    for tab in ("dashboard", "settings", "members", "webhooks"):
        page.get_by_test_id(f"tab-{tab}").click()
        page.get_by_test_id(f"panel-{tab}").wait_for()
        expect(banner).to_be_visible()
    expect(banner).to_contain_text("Verbindung zum Shop nicht bestätigt")
    expect(page.get_by_test_id("connection-reason")).to_contain_text("nicht erreichbar")
    expect(page.get_by_test_id("connection-error")).to_contain_text("HTTP 503")
    expect(banner).to_contain_text("Nächster automatischer Versuch")
    page.get_by_test_id("lang-toggle").click()
    expect(banner).to_contain_text("Connection to the shop not verified")
    expect(page.get_by_test_id("connection-reason")).to_contain_text("could not be reached")
    screenshot("banner")


def test_retry_now_verifies_the_connection_once_the_store_answers(  # type: ignore[no-untyped-def]
    app, client, live_url, page, fake_woocommerce
) -> None:
    _, shop = connect_while(app, client, fake_woocommerce)
    sign_in(app, page, live_url, shop)

    page.get_by_test_id("connection-retry").click()
    expect(page.get_by_test_id("toast-error").last).to_be_visible()
    expect(page.get_by_test_id("connection-banner")).to_be_visible()
    fake_woocommerce.recover()
    page.get_by_test_id("connection-retry").click()

    expect(page.get_by_test_id("toast-ok").last).to_contain_text("Verbindung bestätigt")
    expect(page.get_by_test_id("connection-banner")).to_have_count(0)
    assert fake_woocommerce.webhooks


def test_registering_webhooks_in_the_webhook_tab_also_clears_the_banner(  # type: ignore[no-untyped-def]
    app, client, live_url, page, fake_woocommerce
) -> None:
    _, shop = connect_while(app, client, fake_woocommerce)
    fake_woocommerce.recover()
    sign_in(app, page, live_url, shop)
    expect(page.get_by_test_id("connection-banner")).to_be_visible()

    page.get_by_test_id("tab-webhooks").click()
    page.get_by_test_id("webhooks-register").click()

    expect(page.get_by_test_id("toast-ok").last).to_contain_text("Webhooks eingerichtet")
    expect(page.get_by_test_id("connection-banner")).to_have_count(0)


def test_a_verified_shop_shows_no_banner(app, live_url, page, woo_shop) -> None:  # type: ignore[no-untyped-def]
    sign_in(app, page, live_url, woo_shop)

    page.get_by_test_id("panel-dashboard").wait_for()
    expect(page.get_by_test_id("connection-banner")).to_have_count(0)
