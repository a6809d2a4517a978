"""In Chromium: a message campaign's form lists the placeholders its texts may use, says the greeting comes by
itself, previews the email as a member receives it while the merchant types, and marks a refused text at its field."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.services.campaigns import list_campaigns
from tests.support.admin import sign_in_page as sign_in
from tests.support.analytics_data import worked_example

pytestmark = pytest.mark.browser

REFUSED = "Diese E-Mail kennt den Platzhalter {code} nicht. Erlaubt: {first_name}, {shop}, {balance}."


def open_message_form(app, page, live_url, shop) -> None:  # type: ignore[no-untyped-def]
    sign_in(app, page, live_url, shop)
    page.get_by_test_id("tab-campaigns").click()
    page.get_by_test_id("campaign-action").select_option("message")


def test_the_message_form_shows_the_placeholders_the_greeting_note_and_the_email_as_typed(  # type: ignore[no-untyped-def]
    app, live_url, page, shopify_shop
) -> None:
    open_message_form(app, page, live_url, shopify_shop)

    expect(page.get_by_test_id("campaign-placeholders")).to_have_text(
        "Platzhalter: {first_name} (Vorname), {shop} (Name des Shops), {balance} (Punktestand)")
    expect(page.get_by_test_id("campaign-greeting")).to_contain_text(
        "Die Anrede („Hallo Vorname,“) setzt die E-Mail selbst")
    expect(page.get_by_test_id("campaign-body-de")).to_have_attribute(
        "aria-describedby", "campaign-placeholders campaign-greeting campaign-languages")
    subject_top = page.get_by_test_id("campaign-subject-de").bounding_box()["y"]  # type: ignore[index]
    body_top = page.get_by_test_id("campaign-body-de").bounding_box()["y"]  # type: ignore[index]
    assert abs(subject_top - body_top) < 2  # side by side, level at the top (not at the foot of the text box)
    page.get_by_test_id("campaign-subject-de").fill("Neu für {first_name}")
    page.get_by_test_id("campaign-body-de").fill("Ihr Stand: {balance} Punkte\n\n<b>Torte</b>")

    expect(page.get_by_test_id("campaign-email-subject")).to_have_text("Betreff: Neu für Jürgen")
    email = page.frame_locator("[data-testid=campaign-email-frame]").locator("body")
    expect(email).to_contain_text("Hallo Jürgen,")
    expect(email).to_contain_text("Ihr Stand: 320 Punkte")
    expect(email).to_contain_text("<b>Torte</b>")  # the merchant's text shown as text, not as markup


def test_a_refused_placeholder_is_marked_at_its_field_while_typing_and_starts_nothing(  # type: ignore[no-untyped-def]
    app, container, live_url, page, shopify_shop
) -> None:
    worked_example(container, shopify_shop)
    open_message_form(app, page, live_url, shopify_shop)
    page.get_by_test_id("campaign-subject-de").fill("Ihr Code {code}")
    page.get_by_test_id("campaign-body-de").fill("Neue Sorten!")

    expect(page.get_by_test_id("error-subject.de")).to_have_text(REFUSED)
    expect(page.get_by_test_id("campaign-subject-de")).to_have_attribute("aria-invalid", "true")
    page.get_by_test_id("campaign-run").click()
    expect(page.get_by_test_id("error-subject.de")).to_have_text(REFUSED)
    expect(page.get_by_test_id("campaign-confirm")).to_have_count(0)
    assert list_campaigns(container.uow(), shopify_shop.id) == []

    page.get_by_test_id("campaign-subject-de").fill("Neu für {first_name}")
    expect(page.get_by_test_id("error-subject.de")).to_have_count(0)
    page.get_by_test_id("campaign-run").click()
    page.get_by_test_id("campaign-confirm-run").click()
    page.get_by_test_id("toast-ok").wait_for()
    [campaign] = list_campaigns(container.uow(), shopify_shop.id)
    assert campaign["params"] == {"subject": {"de": "Neu für {first_name}"}, "body": {"de": "Neue Sorten!"}}


def test_the_texts_are_written_per_language_and_previewed_as_each_language_s_members_receive_them(  # type: ignore[no-untyped-def]
    app, container, live_url, page, shopify_shop
) -> None:
    worked_example(container, shopify_shop)
    open_message_form(app, page, live_url, shopify_shop)
    page.get_by_test_id("campaign-subject-de").fill("Neu für {first_name}")
    page.get_by_test_id("campaign-body-de").fill("Frisch geröstet.")
    email = page.frame_locator("[data-testid=campaign-email-frame]").locator("body")
    expect(email).to_contain_text("Hallo Jürgen,")

    page.get_by_test_id("campaign-preview-language").select_option("en")
    expect(page.get_by_test_id("campaign-email-language")).to_have_text(
        "Ohne Text auf Englisch bekommen diese Mitglieder die Fassung auf Deutsch.")
    expect(email).to_contain_text("Hallo Jürgen,")

    page.get_by_test_id("campaign-subject-en").fill("New for {first_name}")
    expect(page.get_by_test_id("error-body.en")).to_have_text(
        "Bitte Betreff und Text in dieser Sprache schreiben – oder keines von beiden.")
    page.get_by_test_id("campaign-body-en").fill("Freshly roasted.")
    expect(page.get_by_test_id("error-body.en")).to_have_count(0)
    expect(page.get_by_test_id("campaign-email-subject")).to_have_text("Betreff: New for Alex")
    expect(email).to_contain_text("Hello Alex,")
    expect(page.get_by_test_id("campaign-email-language")).to_have_text("")

    page.get_by_test_id("campaign-run").click()
    page.get_by_test_id("campaign-confirm-run").click()
    page.get_by_test_id("toast-ok").wait_for()
    [campaign] = list_campaigns(container.uow(), shopify_shop.id)
    assert campaign["params"] == {"subject": {"de": "Neu für {first_name}", "en": "New for {first_name}"},
                                  "body": {"de": "Frisch geröstet.", "en": "Freshly roasted."}}
