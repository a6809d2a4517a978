"""In Chromium: the widget's "My rewards" lists the shopper's own codes (German and English), copies one from the
keyboard and says so, shows a code still being made as on its way, and lists a code redeemed a moment ago."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from app.clock import FixedClock
from app.container import Container
from app.models import Coupon, Member, Shop
from tests.browser.proxy_shim import ShopifyProxyShim
from tests.conftest import TEST_SHOPIFY_SECRET
from tests.support.apps import own_app
from tests.support.coupons import add_coupon
from tests.support.hostile import COUNT_INJECTED, IMG, INJECTED, SCRIPT
from tests.support.rewards import RecordingPlatform, add_reward, member_with_points

pytestmark = pytest.mark.browser

CAMPAIGN_TITLE = f"{IMG} Sommer {SCRIPT}"  # a merchant's campaign title, shown as text


@pytest.fixture
def app(settings_overrides: dict[str, object], clock: FixedClock) -> Iterator[Flask]:
    with own_app(settings_overrides, clock, platform_clients={"shopify": RecordingPlatform()}) as application:
        yield application


@pytest.fixture
def storefront(app: Flask, shopify_shop: Shop, clock: FixedClock, live_url: str) -> Iterator[ShopifyProxyShim]:
    shim = ShopifyProxyShim(app.wsgi_app, shopify_shop.domain, TEST_SHOPIFY_SECRET, clock)
    original, app.wsgi_app = app.wsgi_app, shim  # type: ignore[method-assign]
    shim.customer_ref = "7001"
    yield shim
    app.wsgi_app = original  # type: ignore[method-assign]


@pytest.fixture
def shopper(container: Container, shopify_shop: Shop, storefront: ShopifyProxyShim) -> Member:
    return member_with_points(container, shopify_shop, 700)


@pytest.fixture
def codes(container: Container, shopify_shop: Shop, shopper: Member) -> tuple[Coupon, Coupon]:
    """A usable campaign code (10 % off orders from 20 €, valid 30 days) and a newer one the shop is still making."""
    ready = add_coupon(container, shopify_shop, shopper, 1, source="campaign", title=CAMPAIGN_TITLE,
                       minimum_order=Decimal("20.00"))
    waiting = add_coupon(container, shopify_shop, shopper, 2, status="pending_push")
    return ready, waiting


def open_widget(page: Page, live_url: str, ready: str) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_url)
    page.goto(f"{live_url}/shop")
    page.get_by_test_id("launcher").click()
    page.get_by_test_id(ready).wait_for()


def test_my_rewards_lists_the_codes_with_their_worth_and_end_date_in_german_and_english(
    page: Page, live_url: str, codes: tuple[Coupon, Coupon], screenshot: Callable[[str], object]
) -> None:
    ready, waiting = codes
    open_widget(page, live_url, "coupons")
    card = page.get_by_test_id("coupons")
    item = page.get_by_test_id(f"coupon-{ready.id}")

    expect(card.locator("h3")).to_have_text("Deine Prämien")  # as "Dein Punktestand" above it
    expect(item.get_by_test_id("coupon-code")).to_have_text("TREUE-0001")
    expect(item).to_contain_text(CAMPAIGN_TITLE, use_inner_text=True)
    meta = item.get_by_test_id("coupon-meta")
    expect(meta).to_have_text("10 % Rabatt · ab 20,00 € Bestellwert · Gültig bis 1. Apr. 2026, 09:00")
    pending = page.get_by_test_id(f"coupon-{waiting.id}")
    expect(pending).to_contain_text("Dankeschön-Gutschein")
    expect(pending.get_by_test_id("coupon-pending")).to_contain_text("erscheint hier")
    expect(pending.get_by_test_id("coupon-code")).to_have_count(0)
    assert page.evaluate(COUNT_INJECTED, INJECTED) in ([0], [0, 0])
    assert page.evaluate("typeof window.__xss") == "undefined"
    screenshot("de")

    page.get_by_test_id("lang-toggle").click()

    expect(card.locator("h3")).to_have_text("Your rewards")
    expect(meta).to_have_text("10% off · orders from €20.00 · Valid until 1 Apr 2026, 09:00")
    expect(page.get_by_test_id(f"coupon-{waiting.id}")).to_contain_text("Thank-you coupon")
    screenshot("en")


def test_a_code_is_copied_from_the_keyboard_and_the_copy_is_announced(
    page: Page, live_url: str, codes: tuple[Coupon, Coupon]
) -> None:
    ready, _waiting = codes
    open_widget(page, live_url, "coupons")
    button = page.get_by_test_id(f"copy-coupon-{ready.id}")
    expect(button).to_have_attribute("aria-label", "Code TREUE-0001 kopieren")

    button.focus()
    page.keyboard.press("Enter")

    expect(page.locator("loyalty-widget [role=status]")).to_have_text("Kopiert!")
    assert page.evaluate("navigator.clipboard.readText()") == "TREUE-0001"
    expect(page.get_by_test_id(f"copy-coupon-{ready.id}")).to_be_focused()


def test_a_code_redeemed_in_the_widget_is_listed_under_my_rewards(
    page: Page, live_url: str, container: Container, shopify_shop: Shop, shopper: Member
) -> None:
    reward = add_reward(container, shopify_shop, points_cost=500)
    open_widget(page, live_url, f"redeem-{reward.id}")

    page.get_by_test_id(f"redeem-{reward.id}").click()
    code = page.get_by_test_id("code").inner_text().strip()

    expect(page.get_by_test_id("coupons").get_by_test_id("coupon-code")).to_have_text([code])
    expect(page.get_by_test_id("coupons")).to_contain_text("5,00 € Rabatt")  # the reward as the catalogue names it


def test_a_shopper_without_codes_sees_no_my_rewards(page: Page, live_url: str, shopper: Member) -> None:
    open_widget(page, live_url, "balance")

    expect(page.get_by_test_id("history")).to_be_visible()
    expect(page.get_by_test_id("coupons")).to_have_count(0)
