"""In Chromium: the merchant picks how German texts address shoppers and whom the emails come from; the empty
texts' defaults and the live preview (its subject, its From) follow at once, and the choices are saved with the
email settings."""

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


def test_the_sender_name_and_reply_address_show_in_the_preview_and_are_saved(  # type: ignore[no-untyped-def]
    app, client, live_url, page, shopify_shop, screenshot
) -> None:
    sign_in(app, page, live_url, shopify_shop)
    page.get_by_test_id("tab-emails").click()
    sender = page.get_by_test_id("email-preview-from")
    expect(sender).to_have_text("Von: Kaffeerösterei Müller <loyalty@localhost>")
    expect(page.get_by_label("Absendername")).to_have_value("")

    page.get_by_label("Absendername").fill("Müller & Söhne Bäckerei")
    page.get_by_label("Antwortadresse (Reply-To)").fill("service@mueller-soehne.de")

    expect(sender).to_have_text(
        "Von: Müller & Söhne Bäckerei <loyalty@localhost> · Antworten an: service@mueller-soehne.de")
    screenshot("sender")
    page.get_by_test_id("email-settings-save").click()
    expect(page.get_by_test_id("toast-ok").last).to_have_text("E-Mail-Einstellungen gespeichert.")
    saved = client.get("/admin/api/emails/settings", headers=admin_headers(shopify_shop)).get_json()["settings"]
    assert (saved["sender_name"], saved["reply_to"]) == ("Müller & Söhne Bäckerei", "service@mueller-soehne.de")
    page.reload()
    page.get_by_test_id("tab-emails").click()
    expect(page.get_by_test_id("email-sender_name")).to_have_value("Müller & Söhne Bäckerei")


def test_a_reply_address_that_is_no_address_is_marked_at_its_field_and_not_saved(  # type: ignore[no-untyped-def]
    app, client, live_url, page, shopify_shop
) -> None:
    sign_in(app, page, live_url, shopify_shop)
    page.get_by_test_id("tab-emails").click()

    page.get_by_label("Antwortadresse (Reply-To)").fill("service@mueller-soehne.de, info@mueller-soehne.de")
    page.get_by_test_id("email-settings-save").click()

    expect(page.get_by_test_id("error-reply_to")).to_have_text("Bitte nur eine E-Mail-Adresse angeben.")
    expect(page.get_by_label("Antwortadresse (Reply-To)")).to_have_attribute("aria-invalid", "true")
    saved = client.get("/admin/api/emails/settings", headers=admin_headers(shopify_shop)).get_json()["settings"]
    assert saved["reply_to"] == ""
