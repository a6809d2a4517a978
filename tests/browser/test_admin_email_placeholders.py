"""In Chromium: the emails tab lists each email's placeholders and marks a text the server refuses at its field."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.admin import admin_headers
from tests.support.admin import sign_in_page as sign_in

pytestmark = pytest.mark.browser

SUBJECT = "email-thank_you-subject-de"
REFUSED = ("Unbekannter Platzhalter {name}. "
           "Erlaubt: {first_name}, {shop}, {order}, {points_earned}, {balance}.")


def test_a_subject_with_an_unknown_placeholder_is_marked_with_the_servers_message_and_saves_nothing(  # type: ignore[no-untyped-def]
    app, client, live_url, page, shopify_shop
) -> None:
    sign_in(app, page, live_url, shopify_shop)
    page.get_by_test_id("tab-emails").click()
    page.get_by_test_id(SUBJECT).fill("Danke, {name}!")
    page.get_by_test_id("email-settings-save").click()

    expect(page.get_by_test_id("error-kinds.thank_you.subject.de")).to_have_text(REFUSED)
    expect(page.get_by_test_id(SUBJECT)).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("toast-error").last).to_contain_text("Die E-Mail-Texte sind nicht gültig.")
    expect(page.get_by_test_id("email-preview-subject")).to_contain_text(REFUSED)  # the preview says why, too
    saved = client.get("/admin/api/emails/settings", headers=admin_headers(shopify_shop)).get_json()
    assert saved["settings"]["kinds"]["thank_you"]["subject"]["de"] == ""


def test_the_mark_goes_once_the_text_is_mended_and_it_saves(  # type: ignore[no-untyped-def]
    app, live_url, page, shopify_shop
) -> None:
    sign_in(app, page, live_url, shopify_shop)
    page.get_by_test_id("tab-emails").click()
    page.get_by_test_id(SUBJECT).fill("Danke, {first_name")

    # the live preview checks the unsaved text as saving would
    expect(page.get_by_test_id("error-kinds.thank_you.subject.de")).to_contain_text(
        "Dem Platzhalter {first_name fehlt die schließende }.")
    page.get_by_test_id(SUBJECT).fill("Danke, {first_name}!")

    expect(page.get_by_test_id("email-preview-subject")).to_have_text("Danke, Jürgen!")
    expect(page.get_by_test_id("error-kinds.thank_you.subject.de")).to_have_count(0)
    expect(page.get_by_test_id(SUBJECT)).not_to_have_attribute("aria-invalid", "true")
    page.get_by_test_id("email-settings-save").click()
    expect(page.get_by_test_id("toast-ok").last).to_have_text("E-Mail-Einstellungen gespeichert.")


def test_each_email_lists_the_placeholders_it_fills_in_with_what_they_stand_for(  # type: ignore[no-untyped-def]
    app, live_url, page, shopify_shop
) -> None:
    sign_in(app, page, live_url, shopify_shop)
    page.get_by_test_id("tab-emails").click()

    help_text = page.get_by_test_id("email-reward_issued-placeholders")
    expect(help_text).to_have_text("Platzhalter: {first_name} (Vorname), {shop} (Name des Shops), "
                                   "{reward} (Prämie), {code} (Gutscheincode)")
    expect(page.get_by_test_id("email-reward_issued-intro-de")).to_have_attribute(
        "aria-describedby", "email-reward_issued-placeholders")
    expect(page.get_by_test_id("email-thank_you-placeholders")).not_to_contain_text("{code}")
