"""In Chromium: the rewards tab edits tiers (preview before save) and rewards; a member's page redeems a code."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from app.clock import FixedClock
from app.services.admin_sessions import issue_login_link
from app.services.tiers import tier_program
from tests.support.apps import own_app
from tests.support.rewards import RecordingPlatform, member_with_points


@pytest.fixture
def app(settings_overrides: dict[str, object], clock: FixedClock) -> Iterator[Flask]:
    platform = RecordingPlatform()
    clients = {"shopify": platform, "woocommerce": platform}
    with own_app(settings_overrides, clock, platform_clients=clients) as application:
        yield application


def test_a_merchant_sets_up_tiers_and_rewards_and_redeems_for_a_member(app, live_url, page, screenshot,
                                                                       shopify_shop):  # type: ignore[no-untyped-def]
    c = app.extensions["container"]
    juergen = member_with_points(c, shopify_shop, 700)
    link = issue_login_link(c.uow(), c.settings.secret_key, c.settings.public_url, str(shopify_shop.id))
    page.goto(link.replace(c.settings.public_url, live_url))
    page.get_by_test_id("tab-rewards").click()

    page.get_by_test_id("tier-add").click()
    page.get_by_test_id("rw-tiers.0.key").fill("gold")
    page.get_by_test_id("rw-tiers.0.name").fill("Gold")
    page.get_by_test_id("rw-tiers.0.threshold").fill("500")
    assert page.get_by_test_id("tiers-save").is_disabled()
    page.get_by_test_id("tiers-preview").click()
    assert page.get_by_test_id("tier-preview-gold").inner_text().split("\t")[:2] == ["Gold", "1"]
    page.get_by_test_id("tiers-save").click()
    page.get_by_test_id("toast-ok").first.wait_for()
    screenshot("rewards-tiers")
    assert [t["key"] for t in tier_program(c.uow(), shopify_shop.id)["tiers"]] == ["gold"]

    page.get_by_test_id("reward-new").click()
    page.get_by_test_id("rw-points_cost").fill("500")
    page.get_by_test_id("reward-save").click()
    page.get_by_test_id("rewards-catalogue").get_by_text("5,00 € Rabatt").wait_for()

    page.goto(f"{live_url}/admin#members/{juergen.id}")
    page.get_by_test_id("member-redeem").click()
    page.locator("[data-testid^=coupon-]").first.wait_for()
    screenshot("rewards-member-coupons")
    assert "aktiv" in page.get_by_test_id("member-coupons").inner_text()
    assert "Gold" in page.get_by_test_id("member-tier-current").inner_text()


def test_a_free_shipping_reward_hides_the_value_it_does_not_have(app, live_url, page, shopify_shop):  # type: ignore[no-untyped-def]
    c = app.extensions["container"]
    link = issue_login_link(c.uow(), c.settings.secret_key, c.settings.public_url, str(shopify_shop.id))
    page.goto(link.replace(c.settings.public_url, live_url))
    page.get_by_test_id("tab-rewards").click()
    page.get_by_test_id("reward-new").click()
    value = page.get_by_test_id("rw-value")
    value.wait_for()

    page.get_by_test_id("rw-kind").select_option("free_shipping")
    hidden = value.is_hidden()
    page.get_by_test_id("rw-kind").select_option("percentage")

    assert hidden
    assert value.is_visible()
    assert page.get_by_test_id("rw-next_purchase_value").is_visible() == (
        page.get_by_test_id("rw-next_purchase_kind").input_value() != "free_shipping")
