"""In Chromium: the merchant picks how German texts address shoppers; the empty texts' defaults and the live
preview switch at once, and the choice is saved with the email settings."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.admin import admin_headers
from tests.support.admin import sign_in_page as sign_in

pytestmark = pytest.mark.browser

SUBJECT = "email-thank_you-subject-de"
FAMILIAR, POLITE = "Vielen Dank für deinen Einkauf, {first_name}!", "Vielen Dank für Ihren Einkauf, {first_name}!"


def test_choosing_sie_shows_the_polite_defaults_and_preview_and_saves_it(  # type: ignore[no-untyped-def]
    app, client, live_url, page, shopify_shop, screenshot
) -> None:
    sign_in(app, page, live_url, shopify_shop)
    page.get_by_test_id("tab-emails").click()
    expect(page.get_by_test_id(SUBJECT)).to_have_attribute("placeholder", FAMILIAR)
    expect(page.get_by_test_id("email-preview-subject")).to_have_text("Vielen Dank für deinen Einkauf, Jürgen!")

    page.get_by_test_id("email-german-address").select_option("sie")

    expect(page.get_by_test_id(SUBJECT)).to_have_attribute("placeholder", POLITE)
    expect(page.get_by_test_id("email-preview-subject")).to_have_text("Vielen Dank für Ihren Einkauf, Jürgen!")
    preview = page.frame_locator("[data-testid=email-preview-frame]").locator("body")
    expect(preview).to_contain_text("Sie erhalten diese E-Mail zu Ihrer Bestellung")
    screenshot("polite")
    page.get_by_test_id("email-settings-save").click()
    expect(page.get_by_test_id("toast-ok").last).to_have_text("E-Mail-Einstellungen gespeichert.")
    saved = client.get("/admin/api/emails/settings", headers=admin_headers(shopify_shop)).get_json()
    assert saved["settings"]["german_address"] == "sie"
