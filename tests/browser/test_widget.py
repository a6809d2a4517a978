"""The widget in headless Chromium against the running app, behind a signing stand-in for Shopify's App Proxy."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from flask import Flask
from playwright.sync_api import expect

from app.clock import FixedClock
from app.container import Container
from app.models import Shop
from app.platforms.shopify.admin import ShopifyAdminClient
from app.services import earning_events, referrals
from app.services.email_settings import update_config
from app.services.referrals import ReferralConfig
from tests.browser.proxy_shim import ShopifyProxyShim
from tests.conftest import TEST_SHOPIFY_SECRET
from tests.fakes.shopify_server import FakeShopify
from tests.support.apps import own_app
from tests.support.deliveries import deliver
from tests.support.rewards import add_reward, no_sleep, shop_for
from tests.support.snapshots import customer, order

BUYER = customer("7001", "juergen.weiss@example.de")


def shopify_client(fake: FakeShopify) -> ShopifyAdminClient:
    """The real client against the fake, with the default timeouts (the fake may be slow on a busy machine)."""
    return ShopifyAdminClient(api_base=fake.url, sleep=no_sleep, max_wait=0)


@pytest.fixture
def app(settings_overrides: dict[str, object], clock: FixedClock, fake_shopify: FakeShopify) -> Iterator[Flask]:
    with own_app(settings_overrides, clock, platform_clients={"shopify": shopify_client(fake_shopify)}) as application:
        yield application


@pytest.fixture
def shop(container: Container, fake_shopify: FakeShopify) -> Shop:
    return shop_for(container, "shopify", fake_shopify)


@pytest.fixture
def storefront(app: Flask, shop: Shop, clock: FixedClock, live_url: str) -> Iterator[ShopifyProxyShim]:
    shim = ShopifyProxyShim(app.wsgi_app, shop.domain, TEST_SHOPIFY_SECRET, clock)
    original, app.wsgi_app = app.wsgi_app, shim  # type: ignore[method-assign]
    shim.url = live_url + "/shop"  # type: ignore[attr-defined]
    yield shim
    app.wsgi_app = original  # type: ignore[method-assign]


@pytest.fixture
def member_with_rewards(container: Container, shop: Shop, clock: FixedClock, storefront: ShopifyProxyShim) -> dict:
    deliver(container, shop, order("5001", at=clock.now(), merchandise="700.00", shipping="0.00", buyer=BUYER))
    cheap = add_reward(container, shop, points_cost=500)
    dear = add_reward(container, shop, points_cost=900, value="10.00")
    storefront.customer_ref = "7001"
    return {"cheap": cheap.id, "dear": dear.id}


def _open(page, storefront: ShopifyProxyShim) -> None:  # type: ignore[no-untyped-def]
    page.goto(storefront.url)  # type: ignore[attr-defined]
    page.get_by_test_id("launcher").click()
    page.get_by_test_id("panel").wait_for(state="visible")


def test_the_widget_renders_a_members_balance_rewards_and_referral_link(
    page, storefront, member_with_rewards, screenshot
):
    _open(page, storefront)

    page.get_by_test_id("balance").wait_for()
    assert page.get_by_test_id("balance").inner_text().strip() == "700"
    assert page.get_by_test_id(f"reward-{member_with_rewards['cheap']}").is_visible()
    assert (
        page.get_by_test_id("referral-url")
        .input_value()
        .startswith("https://loyal-test.myshopify.com/apps/loyalty/r/JUERGEN-")
    )
    assert "Bestellung #5001" in page.get_by_test_id("history").inner_text()
    screenshot("member")


def test_redeeming_in_the_widget_shows_a_code_that_can_be_copied(
    page, storefront, member_with_rewards, fake_shopify: FakeShopify, screenshot
):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=storefront.url.rsplit("/", 1)[0])
    _open(page, storefront)

    page.get_by_test_id(f"redeem-{member_with_rewards['cheap']}").click()
    code = page.get_by_test_id("code")
    code.wait_for()
    page.get_by_test_id("copy-code").click()

    assert code.inner_text().strip() in fake_shopify.discounts
    assert page.evaluate("navigator.clipboard.readText()") == code.inner_text().strip()
    assert page.get_by_test_id("balance").inner_text().strip() == "200"
    screenshot("redeemed")


def test_the_language_can_be_switched_in_the_widget(page, storefront, member_with_rewards, screenshot):
    _open(page, storefront)
    redeem = page.get_by_test_id(f"redeem-{member_with_rewards['cheap']}")
    redeem.wait_for()
    german = redeem.inner_text()

    page.get_by_test_id("lang-toggle").click()

    assert "Einlösen" in german
    assert "Redeem" in redeem.inner_text()
    screenshot("english")


def test_a_woocommerce_shops_rest_nonce_on_the_script_tag_goes_with_every_widget_request(
    page, storefront, member_with_rewards
):
    storefront.script_attrs = ' data-nonce="wp-rest-4711"'
    sent: list[str | None] = []
    page.on("request", lambda r: sent.append(r.headers.get("x-wp-nonce")) if "/apps/loyalty/" in r.url else None)

    _open(page, storefront)
    page.get_by_test_id(f"redeem-{member_with_rewards['cheap']}").click()
    page.get_by_test_id("code").wait_for()

    assert len(sent) >= 2
    assert set(sent) == {"wp-rest-4711"}


def test_without_a_nonce_the_widget_sends_no_wordpress_header(page, storefront, member_with_rewards):
    sent: list[str | None] = []
    page.on("request", lambda r: sent.append(r.headers.get("x-wp-nonce")) if "/apps/loyalty/" in r.url else None)

    _open(page, storefront)
    page.get_by_test_id(f"redeem-{member_with_rewards['cheap']}").wait_for()

    assert sent
    assert set(sent) == {None}


def test_a_guest_sees_how_the_program_works_and_a_sign_up_call_to_action(page, storefront, shop, container, screenshot):
    add_reward(container, shop, points_cost=500)
    storefront.customer_ref = None

    _open(page, storefront)

    page.get_by_test_id("guest-cta").wait_for()
    assert (page.get_by_test_id("guest-signup").get_attribute("href") or "").endswith("/account/register")
    assert page.get_by_test_id("ways-to-earn").is_visible()
    assert page.locator("[data-testid=balance]").count() == 0
    screenshot("guest")


def test_a_shop_that_rewards_referrers_with_a_coupon_says_so_in_the_widget(
    page, storefront, member_with_rewards, container, shop, clock, screenshot
):
    coupon = ReferralConfig(referrer_reward="coupon", referrer_coupon_value=Decimal("10.00"))
    referrals.save_settings(container.uow(), shop.id, coupon, clock.now())

    _open(page, storefront)
    lead = page.get_by_test_id("referral-lead")
    lead.wait_for()

    assert lead.inner_text() == (
        "Teile deinen persönlichen Link – für jede erfolgreiche Empfehlung bekommst du einen Gutschein: "
        "10,00\u00a0€ Rabatt."
    )
    assert "10,00\u00a0€ Rabatt" in page.get_by_test_id("earn-referral").inner_text()  # never wrapped apart
    screenshot("referral-coupon")
    page.get_by_test_id("lang-toggle").click()
    page.get_by_text("you get a coupon for every successful referral: €10.00 off.").wait_for()


def test_the_referral_card_says_what_a_friend_gets_after_their_first_order(
    page, storefront, member_with_rewards, container, shop, clock
):
    friend = ReferralConfig(friend_coupon_value=Decimal("7.50"), friend_coupon_minimum=Decimal("30.00"))
    referrals.save_settings(container.uow(), shop.id, friend, clock.now())

    _open(page, storefront)
    said = page.get_by_test_id("referral-friend")
    said.wait_for()

    assert said.inner_text() == (
        "Deine Freunde bekommen nach ihrer ersten Bestellung einen Willkommensgutschein: 7,50\u00a0€ Rabatt ab "
        "30,00\u00a0€ Bestellwert.")
    page.get_by_test_id("lang-toggle").click()
    page.get_by_text("Your friends get a welcome coupon after their first order: €7.50 off on orders from €30.00."
                     ).wait_for()


def test_a_code_the_shop_could_not_create_yet_is_not_offered_as_ready(
    page, storefront, member_with_rewards, fake_shopify: FakeShopify
):
    fake_shopify.fail(503, times=10)
    _open(page, storefront)

    page.get_by_test_id(f"redeem-{member_with_rewards['cheap']}").click()
    page.get_by_test_id("code-pending").wait_for()

    assert "E-Mail" in page.get_by_test_id("code-pending").inner_text()
    card = page.get_by_test_id("redemption")
    assert "Kasse ein" not in card.inner_text()
    # Neither shown nor offered to copy: the shop would refuse it at checkout until it has created it.
    assert card.get_by_test_id("code").count() == 0
    assert card.get_by_test_id("copy-code").count() == 0
    assert "TREUE-" not in card.inner_text()


def test_a_member_subscribes_to_the_newsletter_in_the_widget_and_earns_its_points(
    page, storefront, member_with_rewards, container, shop, clock
):
    earning_events.save_settings(container.uow(), shop.id, earning_events.EarningConfig(newsletter_points=50),
                                 clock.now())
    _open(page, storefront)
    before = int(page.get_by_test_id("balance").inner_text().replace(".", ""))

    page.get_by_test_id("newsletter-join").click()
    page.get_by_test_id("newsletter-message").wait_for()

    assert int(page.get_by_test_id("balance").inner_text().replace(".", "")) == before + 50
    assert page.get_by_test_id("newsletter-join").count() == 0


def test_the_chosen_language_is_kept_on_the_shops_next_page(page, storefront, member_with_rewards):
    _open(page, storefront)
    page.get_by_test_id("lang-toggle").click()
    page.get_by_test_id(f"redeem-{member_with_rewards['cheap']}").filter(has_text="Redeem").wait_for()

    _open(page, storefront)

    assert "Redeem" in page.get_by_test_id(f"redeem-{member_with_rewards['cheap']}").inner_text()


def test_the_widget_of_an_uninstalled_shop_shows_nothing(page, storefront, container, shop):
    with container.uow() as uow:
        uow.session.get(Shop, shop.id).status = "uninstalled"
        uow.commit()

    with page.expect_response(lambda r: "/apps/loyalty/customer" in r.url) as answered:
        page.goto(storefront.url)  # type: ignore[attr-defined]

    assert answered.value.status == 401
    expect(page.get_by_test_id("launcher")).to_be_hidden()


def test_the_programs_points_line_is_said_once(page, storefront):
    _open(page, storefront)
    ways = page.get_by_test_id("ways-to-earn").inner_text()
    card = page.get_by_test_id("ways-to-earn").locator("xpath=..").inner_text()

    assert card.count(ways.splitlines()[0].strip()) == 1


def test_a_rate_limited_load_says_when_to_try_again_and_is_announced(page, storefront, member_with_rewards):
    page.route("**/apps/loyalty/customer*", lambda route: route.fulfill(
        status=429, headers={"Retry-After": "30", "Content-Type": "application/json"},
        body='{"code": 429, "status": "Too Many Requests", "message": "Too many requests.", "reason": "rate_limited"}'))

    _open(page, storefront)

    error = page.get_by_test_id("panel").get_by_text("30 Sekunden")
    expect(error).to_be_visible()
    expect(page.locator("[role=status]")).to_contain_text("30 Sekunden")


def test_on_a_phone_tab_keeps_to_the_open_panel_that_covers_the_page(page, storefront, member_with_rewards):
    page.set_viewport_size({"width": 390, "height": 800})
    _open(page, storefront)
    page.get_by_test_id(f"redeem-{member_with_rewards['cheap']}").wait_for()
    in_panel = """() => {
        const host = document.activeElement;
        const inner = host && host.shadowRoot && host.shadowRoot.activeElement;
        return !!inner && host.shadowRoot.querySelector('[data-testid=panel]').contains(inner);
    }"""

    stayed = []
    for _ in range(60):
        page.keyboard.press("Tab")
        stayed.append(page.evaluate(in_panel))
    page.keyboard.press("Shift+Tab")
    stayed.append(page.evaluate(in_panel))

    assert all(stayed)
    assert page.get_by_test_id("panel").get_attribute("aria-modal") == "true"


def test_a_member_saves_the_birthday_once_in_the_widget(page, storefront, member_with_rewards):
    _open(page, storefront)
    page.get_by_test_id("birthday-input").fill("1985-06-14")

    page.get_by_test_id("birthday-save").click()

    expect(page.get_by_test_id("birthday-message")).to_be_visible()
    expect(page.get_by_test_id("birthday-input")).to_have_count(0)


def test_a_shop_that_says_sie_speaks_politely_in_the_widget_and_english_stays_english(
    page, storefront, member_with_rewards, container, shop, screenshot
):
    update_config(container.uow(), shop.id, {"german_address": "sie"}, container.clock.now())
    _open(page, storefront)
    panel = page.get_by_test_id("panel")
    page.get_by_test_id("balance").wait_for()

    expect(panel).to_contain_text("Ihr Punktestand")
    expect(panel).not_to_contain_text("Dein Punktestand")
    page.get_by_test_id(f"redeem-{member_with_rewards['cheap']}").click()
    page.get_by_test_id("code").wait_for()
    expect(panel).to_contain_text("Geben Sie den Code an der Kasse ein.")
    screenshot("polite")
    page.get_by_test_id("lang-toggle").click()
    expect(panel).to_contain_text("Enter the code at checkout.")


def test_a_failed_first_load_says_neither_du_nor_sie_and_the_retry_shows_the_points(
    page, storefront, member_with_rewards, container, shop
):
    update_config(container.uow(), shop.id, {"german_address": "sie"}, container.clock.now())
    page.route("**/apps/loyalty/customer*", lambda route: route.fulfill(status=500, body="{}"))
    _open(page, storefront)
    panel = page.get_by_test_id("panel")

    expect(panel).to_contain_text("Die Punkte konnten gerade nicht geladen werden.")
    page.unroute("**/apps/loyalty/customer*")
    page.get_by_test_id("retry").click()

    expect(page.get_by_test_id("balance")).to_have_text("700")
    expect(panel).to_contain_text("Ihr Punktestand")
