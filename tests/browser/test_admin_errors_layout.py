"""In Chromium: the admin fits its window (long texts wrap, a phone needs no sideways scrolling) and loads cleanly."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.support.admin import sign_in_page as sign_in
from tests.support.analytics_data import worked_example
from tests.support.rewards import member_with_points

pytestmark = pytest.mark.browser

PHONE_WIDTH = 390
PAGE_WIDTH = "document.documentElement.scrollWidth"


@pytest.fixture
def phone(browser: object) -> Iterator[object]:
    context = browser.new_context(locale="de-DE", viewport={"width": PHONE_WIDTH, "height": 844})  # type: ignore[attr-defined]
    yield context.new_page()
    context.close()


def _settled(page) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_load_state("networkidle")
    page.locator("#la-main .la-panel").first.wait_for()


def test_a_long_unbroken_reason_wraps_inside_the_ledger_instead_of_widening_the_page(  # type: ignore[no-untyped-def]
    app, container, live_url, page, shopify_shop
) -> None:
    member = member_with_points(container, shopify_shop, 50)
    sign_in(app, page, live_url, shopify_shop)
    page.goto(f"{live_url}/admin#members/{member.id}")
    page.get_by_test_id("adjust-points").fill("5")
    page.get_by_test_id("adjust-reason").fill("x" * 200)
    page.get_by_test_id("adjust-submit").click()
    expect(page.locator("[data-testid^=ledger-row-]", has_text="x" * 50)).to_have_count(1)

    assert page.evaluate(PAGE_WIDTH) <= 1280


PHONE_TABS = ["dashboard", "segments", "campaigns", "rewards", "emails", "members", "sync", "privacy"]


@pytest.mark.parametrize("tab", PHONE_TABS)
def test_a_tab_fits_a_phone_screen_without_sideways_scrolling(  # type: ignore[no-untyped-def]
    app, container, live_url, phone, shopify_shop, tab
) -> None:
    worked_example(container, shopify_shop)
    sign_in(app, phone, live_url, shopify_shop)
    phone.get_by_test_id(f"tab-{tab}").click()
    phone.get_by_test_id(f"panel-{tab}").wait_for()
    _settled(phone)

    assert phone.evaluate(PAGE_WIDTH) <= PHONE_WIDTH


def test_a_members_page_fits_a_phone_screen_without_sideways_scrolling(  # type: ignore[no-untyped-def]
    app, container, live_url, phone, shopify_shop
) -> None:
    member = member_with_points(container, shopify_shop, 50)
    sign_in(app, phone, live_url, shopify_shop)
    phone.goto(f"{live_url}/admin#members/{member.id}")
    phone.get_by_test_id("member-redeem-form").wait_for()
    _settled(phone)

    assert phone.evaluate(PAGE_WIDTH) <= PHONE_WIDTH


def test_opening_the_admin_logs_no_console_errors_and_no_failed_requests(  # type: ignore[no-untyped-def]
    app, live_url, page, shopify_shop
) -> None:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("requestfailed", lambda request: errors.append(f"failed: {request.url}"))
    page.on("response", lambda reply: errors.append(f"{reply.status}: {reply.url}") if reply.status >= 400 else None)

    sign_in(app, page, live_url, shopify_shop)
    page.get_by_test_id("section-retention").wait_for()
    page.wait_for_load_state("networkidle")

    assert errors == []
