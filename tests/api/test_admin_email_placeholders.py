"""Admin API: the placeholders of email texts are checked when saved and previewed, in the reader's language."""

from __future__ import annotations

from typing import Any

import pytest

from app.domain.email_texts import PLACEHOLDERS
from app.i18n import LOCALES, catalogue
from app.models import EmailSettings
from app.services.email_settings import KINDS, EmailConfig
from tests.support.admin import admin_headers

GERMAN = {"Accept-Language": "de-DE,de;q=0.9,en;q=0.8"}
THANK_YOU_ALLOWED = "{first_name}, {shop}, {order}, {points_earned}, {balance}"


def _put(client: Any, shop: Any, body: dict[str, Any], query: str = "", **headers: str) -> Any:
    return client.put(f"/admin/api/emails/settings{query}", headers={**admin_headers(shop), **headers}, json=body)


def _saved(client: Any, shop: Any) -> dict[str, Any]:
    return client.get("/admin/api/emails/settings", headers=admin_headers(shop)).get_json()["settings"]


def _texts(kind: str, part: str, locale: str, text: str) -> dict[str, Any]:
    return {"kinds": {kind: {part: {locale: text}}}}


def test_an_unknown_placeholder_is_refused_at_its_field_naming_it_and_the_allowed_ones(client, shopify_shop):
    response = _put(client, shopify_shop, _texts("thank_you", "subject", "de", "Danke, {name}!"), **GERMAN)

    body = response.get_json()
    assert response.status_code == 422
    assert body["reason"] == "invalid_input"
    assert body["message"] == "Die E-Mail-Texte sind nicht gültig."
    assert body["errors"] == {"kinds": {"thank_you": {"subject": {"de": [
        f"Unbekannter Platzhalter {{name}}. Erlaubt: {THANK_YOU_ALLOWED}."]}}}}


def test_the_error_is_english_when_the_request_asks_for_english(client, shopify_shop):
    response = _put(client, shopify_shop, _texts("thank_you", "intro", "en", "Hi {name}"), "?locale=en", **GERMAN)

    assert response.get_json()["errors"]["kinds"]["thank_you"]["intro"]["en"] == [
        f"Unknown placeholder {{name}}. Allowed: {THANK_YOU_ALLOWED}."]


@pytest.mark.parametrize(("text", "german"), [
    ("Hallo {first_name, schön", "Dem Platzhalter {first_name fehlt die schließende }."),
    ("Hallo first_name}", "Eine } schließt keinen Platzhalter."),
    ("Hallo { und {first_name}", "Eine { öffnet keinen Platzhalter."),
])
def test_unbalanced_braces_are_refused(client, shopify_shop, text, german):
    response = _put(client, shopify_shop, _texts("thank_you", "intro", "de", text), **GERMAN)

    [first, *_] = response.get_json()["errors"]["kinds"]["thank_you"]["intro"]["de"]
    assert response.status_code == 422
    assert first == f"{german} Erlaubt: {THANK_YOU_ALLOWED}."


def test_a_placeholder_the_email_does_not_carry_is_refused_where_another_kind_accepts_it(client, shopify_shop):
    thank_you = _put(client, shopify_shop, _texts("thank_you", "subject", "de", "Ihr Code {code}"), **GERMAN)
    reward = _put(client, shopify_shop, _texts("reward_issued", "subject", "de", "Ihr Code {code}"))

    assert thank_you.status_code == 422
    assert thank_you.get_json()["errors"]["kinds"]["thank_you"]["subject"]["de"] == [
        f"Diese E-Mail kennt den Platzhalter {{code}} nicht. Erlaubt: {THANK_YOU_ALLOWED}."]
    assert reward.status_code == 200
    assert _saved(client, shopify_shop)["kinds"]["reward_issued"]["subject"]["de"] == "Ihr Code {code}"


def test_the_default_texts_are_accepted_as_typed(client, shopify_shop):
    texts = {kind: {part: {loc: catalogue()[f"emails.{kind}.{part}"][loc] for loc in LOCALES}
                    for part in ("subject", "intro")} for kind in KINDS}

    response = _put(client, shopify_shop, {"kinds": texts})

    assert response.status_code == 200
    assert _saved(client, shopify_shop)["kinds"] == {kind: {"enabled": True, **texts[kind]} for kind in KINDS}


def test_every_allowed_placeholder_of_every_kind_is_accepted(client, shopify_shop):
    texts = {kind: {part: {loc: " · ".join(f"{{{name}}}" for name in PLACEHOLDERS[kind]) for loc in LOCALES}
                    for part in ("subject", "intro")} for kind in KINDS}

    response = _put(client, shopify_shop, {"kinds": texts})

    assert response.status_code == 200
    assert _saved(client, shopify_shop)["kinds"] == {
        kind: {"enabled": True, **texts[kind]} for kind in KINDS}


def test_one_faulty_text_saves_nothing_of_the_change(client, shopify_shop):
    body = {"review_delay_days": 12, "kinds": {
        "review_request": {"enabled": False, "subject": {"de": "Bewerten Sie {order}", "en": "Rate {order}"}},
        "tier_upgrade": {"intro": {"en": "Welcome to {tier_name}"}}}}

    response = _put(client, shopify_shop, body)
    saved = _saved(client, shopify_shop)

    assert response.status_code == 422
    assert list(response.get_json()["errors"]["kinds"]) == ["tier_upgrade"]
    assert saved == EmailConfig().to_dict()


def test_every_faulty_field_is_named_at_once(client, shopify_shop):
    body = {"kinds": {"thank_you": {"subject": {"de": "{a}", "en": "{b}"}}, "campaign": {"intro": {"de": "{order}"}}}}

    errors = _put(client, shopify_shop, body).get_json()["errors"]["kinds"]

    assert set(errors) == {"thank_you", "campaign"}
    assert set(errors["thank_you"]["subject"]) == {"de", "en"}


def test_the_preview_refuses_unsaved_texts_under_settings(client, shopify_shop):
    response = client.post("/admin/api/emails/preview", headers={**admin_headers(shopify_shop), **GERMAN}, json={
        "kind": "thank_you", "locale": "de", "settings": _texts("points_expiring", "subject", "de", "{punkte}")})

    assert response.status_code == 422
    assert response.get_json()["errors"]["settings"]["kinds"]["points_expiring"]["subject"]["de"] == [
        "Unbekannter Platzhalter {punkte}. Erlaubt: {first_name}, {shop}, {points}."]


def test_a_text_saved_before_the_check_still_previews_and_other_settings_still_save(client, container, shopify_shop):
    legacy = EmailConfig.from_dict(_texts("thank_you", "subject", "de", "Danke {name} {first_name"))
    with container.uow() as uow:
        uow.session.add(EmailSettings(shop_id=shopify_shop.id, values=legacy.to_dict(),
                                      updated_at=container.clock.now()))
        uow.commit()

    preview = client.post("/admin/api/emails/preview", headers=admin_headers(shopify_shop),
                          json={"kind": "thank_you", "locale": "de"})
    saved = _put(client, shopify_shop, {"review_delay_days": 3})

    assert preview.status_code == 200
    assert preview.get_json()["subject"] == "Danke {name} {first_name"
    assert saved.status_code == 200
    assert _saved(client, shopify_shop)["review_delay_days"] == 3


def test_the_settings_page_lists_each_kinds_placeholders_in_both_languages(client, shopify_shop):
    page = client.get("/admin/api/emails/settings", headers=admin_headers(shopify_shop)).get_json()

    thank_you = next(k for k in page["kinds"] if k["kind"] == "thank_you")
    assert [p["name"] for p in thank_you["placeholders"]] == list(PLACEHOLDERS["thank_you"])
    assert thank_you["placeholders"][0]["label"] == {"de": "Vorname", "en": "first name"}
