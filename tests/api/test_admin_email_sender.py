"""Admin API: the sender name and reply address of a shop's emails are saved with its email settings, refused with
the usual 422 per field (German for a German page), shown in the live preview and described in the OpenAPI spec."""

from __future__ import annotations

from typing import Any

from tests.support.admin import admin_headers

SETTINGS = "/admin/api/emails/settings"
PREVIEW = "/admin/api/emails/preview"
GERMAN = {"Accept-Language": "de"}


def _put(client: Any, shop: Any, body: dict[str, Any], **headers: str) -> Any:
    return client.put(SETTINGS, headers={**admin_headers(shop), **headers}, json=body)


def _saved(client: Any, shop: Any) -> dict[str, Any]:
    return client.get(SETTINGS, headers=admin_headers(shop)).get_json()["settings"]


def test_by_default_the_sender_name_and_reply_address_are_empty(client, shopify_shop):
    saved = _saved(client, shopify_shop)

    assert (saved["sender_name"], saved["reply_to"]) == ("", "")


def test_a_sender_name_and_reply_address_are_saved_trimmed_and_other_settings_are_kept(client, shopify_shop):
    _put(client, shopify_shop, {"review_delay_days": 10})

    response = _put(client, shopify_shop, {"sender_name": "  Müller & Söhne Bäckerei ",
                                           "reply_to": " service@mueller-soehne.de "})

    assert response.status_code == 200, response.get_json()
    saved = _saved(client, shopify_shop)
    assert (saved["sender_name"], saved["reply_to"]) == ("Müller & Söhne Bäckerei", "service@mueller-soehne.de")
    assert saved["review_delay_days"] == 10


def test_emptying_the_fields_goes_back_to_the_shops_name_and_no_reply_address(client, shopify_shop):
    _put(client, shopify_shop, {"sender_name": "Bäckerei", "reply_to": "service@mueller-soehne.de"})

    _put(client, shopify_shop, {"sender_name": "", "reply_to": ""})

    saved = _saved(client, shopify_shop)
    assert (saved["sender_name"], saved["reply_to"]) == ("", "")


def test_a_name_with_a_line_break_and_a_list_of_addresses_are_refused_in_german_and_nothing_is_saved(
    client, shopify_shop
):
    response = _put(client, shopify_shop, {"sender_name": "Bäckerei\r\nBcc: victim@example.com",
                                           "reply_to": "a@mueller-soehne.de, b@mueller-soehne.de",
                                           "review_delay_days": 3}, **GERMAN)

    assert response.status_code == 422
    assert response.get_json() == {
        "code": 422, "status": "Unprocessable Entity", "reason": "invalid_input",
        "message": "Der Absender ist nicht gültig.",
        "errors": {"sender_name": ["Bitte ohne Zeilenumbrüche und Steuerzeichen."],
                   "reply_to": ["Bitte nur eine E-Mail-Adresse angeben."]}}
    saved = _saved(client, shopify_shop)
    assert (saved["sender_name"], saved["reply_to"], saved["review_delay_days"]) == ("", "", 7)


def test_a_reply_address_that_is_no_address_is_refused_in_english_for_an_english_page(client, shopify_shop):
    response = _put(client, shopify_shop, {"reply_to": "Service <service@mueller-soehne.de>"},
                    **{"Accept-Language": "en"})

    assert response.status_code == 422
    body = response.get_json()
    assert (body["message"], body["errors"]) == ("The reply address is not valid.",
                                                 {"reply_to": ["Please enter a valid email address."]})


def test_a_sender_name_over_70_characters_is_refused_per_field(client, shopify_shop):
    response = _put(client, shopify_shop, {"sender_name": "B" * 71}, **GERMAN)

    assert response.status_code == 422
    assert response.get_json()["errors"] == {"sender_name": ["Höchstens 70 Zeichen."]}


def test_a_faulty_sender_and_a_faulty_text_are_named_at_once(client, shopify_shop):
    response = _put(client, shopify_shop, {"reply_to": "service",
                                           "kinds": {"thank_you": {"subject": {"de": "Danke {name}"}}}})

    assert response.status_code == 422
    assert response.get_json()["message"] == "The email settings are not valid."
    assert set(response.get_json()["errors"]) == {"reply_to", "kinds"}


def test_the_preview_shows_the_from_shoppers_will_see_with_the_unsaved_sender(client, shopify_shop):
    headers = admin_headers(shopify_shop)

    saved = client.post(PREVIEW, headers=headers, json={"kind": "thank_you"}).get_json()
    unsaved = client.post(PREVIEW, headers=headers, json={"kind": "thank_you", "settings": {
        "sender_name": "Müller & Söhne Bäckerei", "reply_to": "service@mueller-soehne.de"}}).get_json()

    assert (saved["sender"], saved["reply_to"]) == ("Kaffeerösterei Müller <loyalty@localhost>", "")
    assert (unsaved["sender"], unsaved["reply_to"]) == ("Müller & Söhne Bäckerei <loyalty@localhost>",
                                                        "service@mueller-soehne.de")


def test_the_preview_marks_an_unsaved_faulty_sender_name_under_settings(client, shopify_shop):
    response = client.post(PREVIEW, headers={**admin_headers(shopify_shop), **GERMAN},
                           json={"kind": "thank_you", "settings": {"sender_name": "Zeile\neins"}})

    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "settings": {"sender_name": ["Bitte ohne Zeilenumbrüche und Steuerzeichen."]}}


def test_the_openapi_spec_describes_the_sender_fields(client):
    schemas = client.get("/openapi.json").get_json()["components"]["schemas"]

    fields = schemas["EmailSettings"]["properties"]
    assert fields["sender_name"]["type"] == "string"
    assert fields["sender_name"]["maxLength"] == 70
    assert "shop's name" in fields["sender_name"]["description"]
    assert fields["reply_to"]["maxLength"] == 254
    assert "Reply-To" in fields["reply_to"]["description"]
    assert "sender" in schemas["EmailPreview"]["properties"]
