"""In Chromium: the German admin explains refused values in German and in the unit the field shows."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.admin import sign_in_page as sign_in
from tests.support.rewards import member_with_points

pytestmark = pytest.mark.browser


def test_a_revenue_share_out_of_bounds_is_explained_in_percent_like_the_field(  # type: ignore[no-untyped-def]
    app, live_url, page, shopify_shop
) -> None:
    sign_in(app, page, live_url, shopify_shop)
    page.get_by_test_id("section-retention").wait_for()  # the report's charts move the form down when they arrive
    page.get_by_test_id("as-a_share").fill("2")
    page.get_by_test_id("as-b_share").fill("90")
    page.get_by_test_id("as-save").click()

    expect(page.get_by_test_id("error-a_share")).to_have_text("Muss zwischen 5 und 99 % liegen.")
    assert "0.05" not in page.get_by_test_id("analytics-settings").inner_text()


def test_webhook_statuses_are_shown_in_german(app, container, live_url, page, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    member_with_points(container, shopify_shop, 50)  # one processed order delivery
    sign_in(app, page, live_url, shopify_shop)
    page.get_by_test_id("tab-webhooks").click()
    page.select_option("[data-testid=webhook-status]", "processed")

    badge = page.locator("[data-testid^=delivery-status-]").first
    expect(badge).to_have_text("verarbeitet")
