"""The campaign message API: the email preview with its placeholder help, and faulty texts refused in German
and English at their fields, by the preview and by the start alike."""

from __future__ import annotations

import pytest

from tests.support.admin import admin_headers

PREVIEW = "/admin/api/campaigns/message-preview"
FAULTY = {"subject": "Dein Code {code}", "body": "Hallo {first_name, neu da"}
GERMAN = {
    "subject": ["Diese E-Mail kennt den Platzhalter {code} nicht. Erlaubt: {first_name}, {shop}, {balance}."],
    "body": ["Dem Platzhalter {first_name fehlt die schließende }. Erlaubt: {first_name}, {shop}, {balance}."],
}
ENGLISH = {
    "subject": ["This email has no {code}. Allowed: {first_name}, {shop}, {balance}."],
    "body": ["The placeholder {first_name is not closed with a }. Allowed: {first_name}, {shop}, {balance}."],
}


def start(client, shop, params: dict, language: str = "de"):  # type: ignore[no-untyped-def,type-arg]
    return client.post("/admin/api/campaigns", headers={**admin_headers(shop), "Accept-Language": language},
                       json={"segment": {"kind": "all"}, "action": "message", "params": params})


def test_the_preview_renders_the_email_for_a_sample_member_with_the_placeholder_help(  # type: ignore[no-untyped-def]
    client, shopify_shop
) -> None:
    response = client.post(PREVIEW, headers=admin_headers(shopify_shop),
                           json={"subject": "Neu für {first_name}", "body": "Stand: {balance}\n\n<b>Torte</b>"})

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["subject"] == "Neu für Jürgen"
    assert "<p>Stand: 320</p>" in body["html"]
    assert "&lt;b&gt;Torte&lt;/b&gt;" in body["html"]
    assert [p["name"] for p in body["placeholders"]] == ["first_name", "shop", "balance"]
    assert body["placeholders"][2]["label"] == {"de": "Punktestand", "en": "points balance"}


@pytest.mark.parametrize(("language", "expected"), [("de", GERMAN), ("en", ENGLISH)])
def test_the_preview_refuses_faulty_placeholders_at_their_fields(  # type: ignore[no-untyped-def]
    client, shopify_shop, language: str, expected: dict  # type: ignore[type-arg]
) -> None:
    response = client.post(PREVIEW, headers={**admin_headers(shopify_shop), "Accept-Language": language},
                           json=FAULTY)

    assert response.status_code == 422
    assert response.get_json()["errors"] == expected


@pytest.mark.parametrize(("language", "expected"), [("de", GERMAN), ("en", ENGLISH)])
def test_a_start_with_faulty_placeholders_is_refused_and_creates_no_campaign(  # type: ignore[no-untyped-def]
    client, shopify_shop, language: str, expected: dict  # type: ignore[type-arg]
) -> None:
    response = start(client, shopify_shop, FAULTY, language)

    assert response.status_code == 422
    assert response.get_json()["errors"] == expected
    assert client.get("/admin/api/campaigns", headers=admin_headers(shopify_shop)).get_json()["campaigns"] == []


def test_a_start_with_good_placeholders_keeps_the_texts_as_written(client, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    response = start(client, shopify_shop, {"subject": "Hallo {first_name}", "body": "{balance} Punkte bei {shop}"})

    assert response.status_code == 201, response.get_json()
    assert response.get_json()["params"] == {"subject": "Hallo {first_name}", "body": "{balance} Punkte bei {shop}"}
