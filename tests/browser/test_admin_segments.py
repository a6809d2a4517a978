"""In Chromium: the segments tab drops an old error once a corrected choice succeeds, and offers no tier choice
in a shop without tiers."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.admin import sign_in_page as sign_in
from tests.support.analytics_data import worked_example

pytestmark = pytest.mark.browser


def open_segments(app, page, live_url, shop) -> None:  # type: ignore[no-untyped-def]
    sign_in(app, page, live_url, shop)
    page.get_by_test_id("tab-segments").click()
    page.get_by_test_id("segment-show").wait_for()


def test_an_old_filter_error_goes_when_the_corrected_filter_shows_members(  # type: ignore[no-untyped-def]
    app, container, live_url, page, shopify_shop
) -> None:
    worked_example(container, shopify_shop)
    open_segments(app, page, live_url, shopify_shop)
    page.get_by_test_id("segments-kind").select_option("filter")
    page.get_by_test_id("segments-min_orders").fill("-3")
    page.get_by_test_id("segment-show").click()
    expect(page.get_by_test_id("error-min_orders")).to_be_visible()

    page.get_by_test_id("segments-min_orders").fill("2")
    page.get_by_test_id("segment-show").click()
    expect(page.get_by_test_id("segment-count")).to_contain_text("2 Mitglieder")
    expect(page.locator(".la-field-error")).to_have_count(0)


def test_a_refused_choice_clears_the_previous_member_list(  # type: ignore[no-untyped-def]
    app, container, live_url, page, shopify_shop
) -> None:
    worked_example(container, shopify_shop)
    open_segments(app, page, live_url, shopify_shop)
    page.get_by_test_id("segment-show").click()
    page.get_by_test_id("segment-members").wait_for()
    page.get_by_test_id("segments-kind").select_option("filter")
    page.get_by_test_id("segments-min_orders").fill("-3")
    page.get_by_test_id("segment-show").click()
    expect(page.get_by_test_id("error-min_orders")).to_be_visible()
    expect(page.get_by_test_id("segment-members")).to_have_count(0)


def test_a_shop_without_tiers_cannot_pick_a_tier_and_is_told_why(  # type: ignore[no-untyped-def]
    app, container, live_url, page, shopify_shop
) -> None:
    open_segments(app, page, live_url, shopify_shop)
    tier = page.get_by_test_id("segments-kind").locator("option[value=tier]")
    expect(tier).to_be_disabled()
    expect(tier).to_have_text("Stufe (dieser Shop hat noch keine Stufen)")
