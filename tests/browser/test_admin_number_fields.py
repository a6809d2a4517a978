"""In Chromium: money and number fields read what a German or an English merchant types ("7,50" is 7.50, never 750),
refuse what is no number at the field without sending anything, and the rewards list shows what each reward is worth."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from app.services import referrals
from app.services.admin_settings import read_settings
from tests.support.admin import admin_headers
from tests.support.admin import sign_in_page as sign_in
from tests.support.rewards import add_reward


def open_new_reward(app, page, live_url, shop, locale: str = "de") -> None:  # type: ignore[no-untyped-def]
    sign_in(app, page, live_url, shop)
    if locale == "en":
        page.get_by_test_id("lang-toggle").click()
    page.get_by_test_id("tab-rewards").click()
    page.get_by_test_id("reward-new").click()


def rewards_via_api(app, shop) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    return app.test_client().get("/admin/api/rewards", headers=admin_headers(shop)).get_json()


def posts_to(page, path: str) -> list[str]:  # type: ignore[no-untyped-def]
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url) if request.method in ("POST", "PUT")
            and request.url.endswith(path) else None)
    return sent


@pytest.mark.parametrize(("locale", "typed", "listed"), [("de", "7,50", "7,50 €"), ("en", "7.50", "€7.50")],
                         ids=["german", "english"])
def test_a_reward_value_typed_the_pages_way_saves_exactly_that_amount(  # type: ignore[no-untyped-def]
    app, live_url, page, shopify_shop, locale, typed, listed
) -> None:
    open_new_reward(app, page, live_url, shopify_shop, locale)
    page.get_by_test_id("rw-value").fill(typed)
    page.get_by_test_id("rw-name_de").fill("Sommer-Gutschein")
    page.get_by_test_id("reward-save").click()
    page.get_by_test_id("toast-ok").first.wait_for()

    [reward] = rewards_via_api(app, shopify_shop)
    assert reward["value"] == "7.50"
    expect(page.get_by_test_id(f"reward-value-{reward['id']}")).to_have_text(listed)


def test_a_german_amount_with_a_thousands_dot_is_read_as_the_merchant_means_it(  # type: ignore[no-untyped-def]
    app, live_url, page, shopify_shop
) -> None:
    open_new_reward(app, page, live_url, shopify_shop)
    page.get_by_test_id("rw-kind").select_option("fixed_amount")
    page.get_by_test_id("rw-value").fill("12,5")
    page.get_by_test_id("rw-minimum_order").fill("1.234,50")
    page.get_by_test_id("reward-save").click()
    page.get_by_test_id("toast-ok").first.wait_for()

    [reward] = rewards_via_api(app, shopify_shop)
    assert (reward["value"], reward["minimum_order"]) == ("12.50", "1234.50")


@pytest.mark.parametrize(("locale", "message"), [("de", "Bitte eine Zahl wie 7,50 eingeben."),
                                                  ("en", "Enter a number like 7.50.")], ids=["german", "english"])
def test_a_value_that_is_no_number_is_marked_at_its_field_and_nothing_is_sent(  # type: ignore[no-untyped-def]
    app, live_url, page, shopify_shop, locale, message
) -> None:
    open_new_reward(app, page, live_url, shopify_shop, locale)
    sent = posts_to(page, "/admin/api/rewards")
    page.get_by_test_id("rw-value").fill("7,5x")
    page.get_by_test_id("reward-save").click()

    expect(page.get_by_test_id("error-value")).to_have_text(message)
    expect(page.get_by_test_id("rw-value")).to_have_attribute("aria-invalid", "true")
    page.get_by_test_id("toast-error").first.wait_for()
    assert sent == []
    assert rewards_via_api(app, shopify_shop) == []


def test_an_amount_with_more_than_two_decimals_is_refused_rather_than_guessed(  # type: ignore[no-untyped-def]
    app, live_url, page, shopify_shop
) -> None:
    open_new_reward(app, page, live_url, shopify_shop)
    page.get_by_test_id("rw-value").fill("1.000")  # a German thousand, or one euro? the page does not guess
    page.get_by_test_id("reward-save").click()

    expect(page.get_by_test_id("error-value")).to_have_text("Bitte eine Zahl wie 7,50 eingeben.")
    assert rewards_via_api(app, shopify_shop) == []


def test_points_typed_with_a_decimal_comma_are_refused_not_read_as_fifteen(  # type: ignore[no-untyped-def]
    app, live_url, page, shopify_shop
) -> None:
    open_new_reward(app, page, live_url, shopify_shop)
    page.get_by_test_id("rw-points_cost").fill("1,5")
    page.get_by_test_id("reward-save").click()

    expect(page.get_by_test_id("error-points_cost")).to_have_text("Bitte eine ganze Zahl wie 500 eingeben.")
    assert rewards_via_api(app, shopify_shop) == []


def test_leaving_a_field_shows_the_amount_as_it_was_understood(  # type: ignore[no-untyped-def]
    app, live_url, page, shopify_shop
) -> None:
    open_new_reward(app, page, live_url, shopify_shop)
    value = page.get_by_test_id("rw-value")

    expect(value).to_have_value("5,00")
    value.fill("7.5")
    page.get_by_test_id("rw-points_cost").focus()

    expect(value).to_have_value("7,50")
    assert value.get_attribute("inputmode") == "decimal"


def test_the_programs_rate_and_point_value_take_german_decimals(  # type: ignore[no-untyped-def]
    app, live_url, page, shopify_shop
) -> None:
    sign_in(app, page, live_url, shopify_shop)
    page.get_by_test_id("tab-settings").click()
    page.get_by_test_id("setting-points_per_unit").fill("0,5")
    page.get_by_test_id("setting-point_value_amount").fill("1,25")
    page.get_by_test_id("settings-save").click()
    page.get_by_test_id("toast-ok").first.wait_for()

    settings = read_settings(app.extensions["container"].uow(), shopify_shop.id)
    assert (Decimal(settings["points_per_unit"]), Decimal(settings["point_value_amount"])) == (
        Decimal("0.5"), Decimal("1.25"))


def test_the_welcome_coupon_takes_a_german_amount(app, live_url, page, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    sign_in(app, page, live_url, shopify_shop)
    page.get_by_test_id("tab-referrals").click()
    page.get_by_test_id("referral-settings-friend_coupon_kind").select_option("fixed_amount")
    page.get_by_test_id("referral-settings-friend_coupon_value").fill("7,50")
    page.get_by_test_id("referral-settings-save").click()
    page.get_by_test_id("toast-ok").first.wait_for()

    c = app.extensions["container"]
    with c.uow() as uow:
        assert referrals.referral_config(uow.session, shopify_shop.id).friend_coupon_value == Decimal("7.50")


def test_the_rewards_list_shows_what_each_reward_is_worth(app, live_url, page, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    c = app.extensions["container"]
    amount = add_reward(c, shopify_shop, value="7.50")
    percent = add_reward(c, shopify_shop, points_cost=900, kind="percentage", value="10")
    shipping = add_reward(c, shopify_shop, points_cost=300, kind="free_shipping", value="0")
    sign_in(app, page, live_url, shopify_shop)
    page.get_by_test_id("tab-rewards").click()

    expect(page.get_by_test_id(f"reward-value-{amount.id}")).to_have_text("7,50 €")
    expect(page.get_by_test_id(f"reward-value-{percent.id}")).to_have_text("10 %")
    expect(page.get_by_test_id(f"reward-value-{shipping.id}")).to_have_text("Gratisversand")
    expect(page.get_by_test_id("rewards-catalogue").locator("th").nth(1)).to_have_text("Wert")
