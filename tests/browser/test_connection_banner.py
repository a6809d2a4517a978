"""In Chromium: a shop whose store could not be reached at install shows a warning on every tab, and a retry."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.domain.errors import PlatformRejected, PlatformUnavailable
from app.services.connection import record_failure
from app.services.shops import NewShop, add_shop
from tests.api.test_woocommerce_connection_check import (
    REFUSED_KEY,
    REFUSED_SECRET,
    connect_while,
    connect_with_keys_the_store_refuses,
)
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


def test_keys_the_woocommerce_store_refused_are_mended_by_a_link_to_connect_again(  # type: ignore[no-untyped-def]
    app, client, live_url, page, fake_woocommerce
) -> None:
    _, shop = connect_with_keys_the_store_refuses(app, client, fake_woocommerce)
    sign_in(app, page, live_url, shop)

    link = page.get_by_test_id("connection-reconnect")
    expect(link).to_have_text("WooCommerce erneut verbinden")
    href = link.get_attribute("href") or ""
    assert href.startswith("/auth/woocommerce?store_url=")
    started = app.test_client().get(href)
    assert started.status_code == 302
    assert "/wc-auth/v1/authorize?" in started.headers["Location"]
    banner = page.get_by_test_id("connection-banner").inner_text()
    assert REFUSED_KEY not in banner
    assert REFUSED_SECRET not in banner
    page.get_by_test_id("lang-toggle").click()
    expect(page.get_by_test_id("connection-reconnect")).to_have_text("Connect WooCommerce again")


def test_a_shopify_token_shopify_refused_says_to_reinstall_and_links_to_the_apps_settings(  # type: ignore[no-untyped-def]
    app, container, live_url, page, shopify_shop
) -> None:
    refused = PlatformRejected("POST /admin/api/2025-01/graphql.json: HTTP 401: Invalid API key or access token",
                               status=401)
    record_failure(container.uow(), shopify_shop.id, refused, [], container.clock.now())
    sign_in(app, page, live_url, shopify_shop)

    reason = page.get_by_test_id("connection-reason")
    expect(reason).to_contain_text("neu installieren")
    expect(reason).not_to_contain_text("WooCommerce")
    link = page.get_by_test_id("connection-reconnect")
    expect(link).to_have_attribute("href", "https://kaffee-mueller.myshopify.com/admin/settings/apps")
    expect(link).to_have_text("Apps in Shopify öffnen")


@pytest.mark.parametrize(("english", "said"), [
    (False, "Der Shop hat nicht geantwortet. Technische Angabe: "),
    (True, "The shop did not answer. Technical detail: "),
])
def test_an_unreachable_store_is_said_to_have_given_no_answer_with_the_raw_error_as_technical_detail(  # type: ignore[no-untyped-def]
    app, container, live_url, page, woo_shop, english: bool, said: str
) -> None:
    raw = "GET /wp-json/wc/v3/webhooks: connection failed"
    record_failure(container.uow(), woo_shop.id, PlatformUnavailable(raw), [], container.clock.now())
    sign_in(app, page, live_url, woo_shop)
    if english:
        page.get_by_test_id("lang-toggle").click()

    detail = page.get_by_test_id("connection-error")
    expect(detail).to_have_text(said + raw)
    expect(detail.locator("code")).to_have_text(raw)
    expect(page.get_by_test_id("connection-banner")).not_to_contain_text("Antwort des Shops")
    expect(page.get_by_test_id("connection-reconnect")).to_have_count(0)  # retrying is what helps here


def test_a_store_that_answered_with_an_error_is_not_said_to_have_given_no_answer(  # type: ignore[no-untyped-def]
    app, client, live_url, page, fake_woocommerce
) -> None:
    _, shop = connect_while(app, client, fake_woocommerce)
    sign_in(app, page, live_url, shop)

    detail = page.get_by_test_id("connection-error")
    expect(detail).to_contain_text("Technische Angabe: ")
    expect(detail.locator("code")).to_contain_text("HTTP 503")
    expect(detail).not_to_contain_text("nicht geantwortet")


def test_a_shop_without_credentials_is_told_at_once_not_after_an_action_failed_and_not_that_it_did_not_answer(  # type: ignore[no-untyped-def]
    app, container, live_url, page
) -> None:
    bare = add_shop(container.uow(), container.box, NewShop("shopify", "ohne-token.myshopify.com"),
                    container.clock.now())  # as `loyalty demo` leaves its shop: no platform behind it
    sign_in(app, page, live_url, bare)

    banner = page.get_by_test_id("connection-banner")
    expect(page.get_by_test_id("connection-reason")).to_contain_text("Dem Shop fehlen die Zugangsdaten")
    expect(page.get_by_test_id("connection-reconnect")).to_have_text("Apps in Shopify öffnen")
    page.get_by_test_id("connection-retry").click()  # the check fails the same way: still no answer to report
    expect(page.get_by_test_id("toast-error").last).to_be_visible()
    expect(page.get_by_test_id("connection-reason")).to_contain_text("Dem Shop fehlen die Zugangsdaten")
    expect(banner).not_to_contain_text("nicht geantwortet")
    expect(page.get_by_test_id("connection-error")).to_have_count(0)  # nothing was sent: no technical detail
