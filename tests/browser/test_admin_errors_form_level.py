"""In Chromium: a refused form says why, in the page's language; "check the marked fields" only when one is marked."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.services.shops import NewShop, add_shop
from tests.support.admin import sign_in_page as sign_in
from tests.support.rewards import add_reward, member_with_points

pytestmark = pytest.mark.browser

MARKED = "markierten Felder"


def test_a_period_that_starts_after_it_ends_shows_the_servers_sentence(  # type: ignore[no-untyped-def]
    app, live_url, page, shopify_shop
) -> None:
    sign_in(app, page, live_url, shopify_shop)
    page.fill("[data-testid=period-from]", "2025-05-01")
    page.fill("[data-testid=period-to]", "2025-01-01")
    page.click("[data-testid=period-apply]")

    error = page.get_by_test_id("dashboard-error")
    expect(error).to_contain_text("Der Zeitraum muss vor seinem Ende beginnen.")
    expect(page.get_by_test_id("error-from")).to_have_text("liegt nach dem Ende des Zeitraums")
    expect(page.get_by_test_id("period-from")).to_have_attribute("aria-invalid", "true")


def test_an_error_on_a_field_hidden_by_the_chosen_reward_is_shown_at_the_top_of_the_form(  # type: ignore[no-untyped-def]
    app, live_url, page, shopify_shop
) -> None:
    sign_in(app, page, live_url, shopify_shop)
    page.get_by_test_id("tab-referrals").click()
    page.fill("[data-testid=referral-settings-referrer_points]", "-1")
    page.select_option("[data-testid=referral-settings-referrer_reward]", "coupon")
    page.click("[data-testid=referral-settings-save]")

    form_error = page.get_by_test_id("referral-settings-form").get_by_test_id("form-error")
    expect(form_error).to_be_visible()
    expect(form_error).to_contain_text("Punkte für den Werber: Muss zwischen 0 und 1.000.000 liegen.")
    toast = page.get_by_test_id("toast-error").last
    expect(toast).to_contain_text("Punkte für den Werber")
    assert MARKED not in toast.inner_text()


def test_a_refused_redemption_for_a_member_shows_the_servers_reason_instead_of_marked_fields(  # type: ignore[no-untyped-def]
    app, container, live_url, page
) -> None:
    unconnected = add_shop(container.uow(), container.box,
                           NewShop("shopify", "noch-ohne-token.myshopify.com", name="Demo-Shop"), container.clock.now())
    member = member_with_points(container, unconnected, 800)
    add_reward(container, unconnected, points_cost=500)
    sign_in(app, page, live_url, unconnected)
    page.goto(f"{live_url}/admin#members/{member.id}")
    page.get_by_test_id("member-redeem").click()

    toast = page.get_by_test_id("toast-error").last
    expect(toast).to_contain_text("noch nicht mit seiner Plattform verbunden")
    assert MARKED not in toast.inner_text()
