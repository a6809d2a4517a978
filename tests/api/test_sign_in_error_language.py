"""Sign-in, install and webhook refusals in the reader's language: sentences of ours, never the libraries' words."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import time
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous.timed import TimestampSigner
from werkzeug.test import TestResponse

from app.container import Container
from app.models import Shop
from app.services.admin_sessions import issue_login_link
from tests.conftest import START, TEST_SHOPIFY_SECRET
from tests.support.admin import session_token
from tests.support.webhooks import php_json, shopify_headers, woocommerce_headers

GERMAN = {"Accept-Language": "de-DE,de;q=0.9,en;q=0.8"}
ENGLISH = {"Accept-Language": "en-US,en;q=0.9"}
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
JSON_CLIENT = {"Accept": "application/json"}
SHOP = "kaffee-mueller.myshopify.com"
WOO_SOURCE = "https://teeladen.example.de/"
WOO_SIGNING_SECRET = "test-woo-secret&1"  # the stored "test-woo-secret&amp;1", entity-decoded as WordPress does
# What PyJWT and the codecs say, which the reader must never see.
LIBRARY_WORDS = ("Signature has expired", "audience", "not yet valid", "Invalid header", "codec", "0xb7",
                 "Not enough segments", "session token rejected", "Traceback")


def _me(client: FlaskClient, token: str, headers: dict[str, str]) -> TestResponse:
    return client.get("/admin/api/me", headers={"Authorization": f"Bearer {token}"} | headers)


def _refusal(response: TestResponse, status: int = 401, reason: str = "unauthorized") -> str:
    body = response.get_data(as_text=True)
    assert (response.status_code, response.json["reason"]) == (status, reason), body
    assert not [words for words in LIBRARY_WORDS if words in body], body
    return str(response.json["message"])


def _unreadable_header_token() -> str:
    # A header that is not UTF-8: PyJWT's text quotes the codec error and the byte ("… can't decode byte 0xb7 …").
    header = base64.urlsafe_b64encode(b"\xb7\xfb\xff\xfe").rstrip(b"=").decode()
    return f"{header}.e30.c2ln"


def _signed_query(params: dict[str, str], secret: str = TEST_SHOPIFY_SECRET) -> str:
    message = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
    return urlencode({**params, "hmac": hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()})


@pytest.fixture
def expired_login_link(container: Container, woo_shop: Shop, monkeypatch: pytest.MonkeyPatch) -> str:
    """A login link signed an hour ago (links live 15 minutes)."""
    with monkeypatch.context() as patched:
        patched.setattr(TimestampSigner, "get_timestamp", lambda _self: int(time.time()) - 3600)
        link = issue_login_link(container.uow(), container.settings.secret_key, container.settings.public_url,
                                str(woo_shop.id))
    return link.replace(container.settings.public_url, "")


def test_an_expired_session_token_is_refused_in_german_for_a_german_reader(
    client: FlaskClient, shopify_shop: Shop
) -> None:
    token = session_token(shopify_shop.domain, now=time.time() - 3600)

    assert _refusal(_me(client, token, GERMAN)) == "Das Sitzungstoken ist abgelaufen."
    assert _refusal(_me(client, token, ENGLISH)) == "The session token has expired."


def test_the_library_s_own_words_about_a_refused_token_go_to_the_log_at_info(
    client: FlaskClient, shopify_shop: Shop, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="app.services.admin_sessions"):
        _me(client, session_token(shopify_shop.domain, now=time.time() - 3600), GERMAN)

    assert [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "app.services.admin_sessions"] == [
        (logging.INFO, "session token rejected: Signature has expired")
    ]


def test_a_session_token_for_another_app_is_refused_in_german_for_a_german_reader(
    client: FlaskClient, shopify_shop: Shop
) -> None:
    token = session_token(shopify_shop.domain, api_key="another-app")

    assert _refusal(_me(client, token, GERMAN)) == "Das Sitzungstoken wurde für eine andere App ausgestellt."
    assert _refusal(_me(client, token, ENGLISH)) == "The session token was issued for another app."


def test_a_session_token_not_valid_yet_is_refused_in_german_for_a_german_reader(
    client: FlaskClient, shopify_shop: Shop
) -> None:
    token = session_token(shopify_shop.domain, now=time.time() + 3600)

    assert _refusal(_me(client, token, GERMAN)) == "Das Sitzungstoken ist noch nicht gültig."
    assert _refusal(_me(client, token, ENGLISH)) == "The session token is not valid yet."


@pytest.mark.parametrize("token", ["not.a.jwt", "garbage", _unreadable_header_token()],
                         ids=["not-base64", "one-segment", "header-not-utf8"])
def test_an_unreadable_session_token_is_refused_in_german_without_the_codec_s_words(
    client: FlaskClient, shopify_shop: Shop, token: str
) -> None:
    assert _refusal(_me(client, token, GERMAN)) == "Das Sitzungstoken ist ungültig."
    assert _refusal(_me(client, token, ENGLISH)) == "The session token is not valid."


def test_a_session_token_signed_with_another_secret_is_refused_in_german(
    client: FlaskClient, shopify_shop: Shop
) -> None:
    token = session_token(shopify_shop.domain, secret="not-the-app-secret-" + "x" * 20)

    assert _refusal(_me(client, token, GERMAN)) == "Die Signatur des Sitzungstokens stimmt nicht."
    assert _refusal(_me(client, token, ENGLISH)) == "The session token's signature does not match."


def test_a_session_token_whose_issuer_and_destination_disagree_is_refused_in_german(
    client: FlaskClient, shopify_shop: Shop
) -> None:
    token = session_token(shopify_shop.domain, dest="https://other-shop.myshopify.com")

    assert _refusal(_me(client, token, GERMAN)) == "Aussteller und Ziel des Sitzungstokens nennen verschiedene Shops."
    assert _refusal(_me(client, token, ENGLISH)) == "The session token's issuer and destination name different shops."


def test_a_session_token_for_a_shop_outside_myshopify_com_is_refused_in_german(client: FlaskClient) -> None:
    token = session_token("shop.example.com")

    assert _refusal(_me(client, token, GERMAN)) == "Das Sitzungstoken nennt keinen myshopify.com-Shop."
    assert _refusal(_me(client, token, ENGLISH)) == "The session token names no myshopify.com shop."


def test_a_signed_session_token_with_an_unparseable_shop_url_is_refused_not_a_server_error(
    client: FlaskClient,
) -> None:
    token = session_token(SHOP, iss="https://[/admin", dest="https://[")

    assert _refusal(_me(client, token, GERMAN)) == "Das Sitzungstoken ist ungültig."


def test_a_session_token_of_a_shop_not_installed_is_refused_in_german(client: FlaskClient) -> None:
    token = session_token("nicht-installiert.myshopify.com")

    assert _refusal(_me(client, token, GERMAN)) == "Unbekannter Shop."
    assert _refusal(_me(client, token, ENGLISH)) == "Unknown shop."


def test_a_forged_login_link_shows_the_german_page_with_the_german_reason_to_a_german_browser(
    client: FlaskClient,
) -> None:
    response = client.get("/admin/login?token=bad", headers=BROWSER | GERMAN)
    page = response.get_data(as_text=True)

    assert (response.status_code, response.mimetype) == (401, "text/html")
    assert '<html lang="de">' in page
    assert "Anmeldung fehlgeschlagen" in page
    assert "Dieser Anmeldelink ist ungültig." in page
    assert "login link" not in page.lower().replace("loyalty admin-link", "")


def test_a_forged_login_link_shows_the_english_page_with_the_english_reason_to_an_english_browser(
    client: FlaskClient,
) -> None:
    page = client.get("/admin/login?token=bad", headers=BROWSER | ENGLISH).get_data(as_text=True)

    assert '<html lang="en">' in page
    assert "Sign-in failed" in page
    assert "This login link is not valid." in page
    assert "Anmeldelink" not in page


def test_a_forged_login_link_asked_for_json_answers_in_the_reader_s_language(client: FlaskClient) -> None:
    assert _refusal(client.get("/admin/login?token=bad", headers=JSON_CLIENT | GERMAN)) == (
        "Dieser Anmeldelink ist ungültig."
    )
    assert _refusal(client.get("/admin/login?token=bad", headers=JSON_CLIENT | ENGLISH)) == (
        "This login link is not valid."
    )


def test_a_used_login_link_is_refused_in_german_on_the_page_and_in_json(
    app: Flask, client: FlaskClient, container: Container, woo_shop: Shop
) -> None:
    link = issue_login_link(container.uow(), container.settings.secret_key, container.settings.public_url,
                            str(woo_shop.id)).replace(container.settings.public_url, "")
    assert app.test_client().get(link).status_code == 303

    assert "Dieser Anmeldelink wurde schon benutzt." in client.get(link, headers=BROWSER | GERMAN).get_data(
        as_text=True)
    assert _refusal(client.get(link, headers=JSON_CLIENT | ENGLISH)) == "This login link was already used."


@pytest.mark.parametrize(("language", "hint"), [
    (GERMAN, "Erstellen Sie einen neuen mit <code>loyalty admin-link SHOP</code>."),
    (ENGLISH, "Create a new one with <code>loyalty admin-link SHOP</code>."),
])
def test_the_failed_sign_in_page_shows_the_command_as_code_not_in_backticks(
    client: FlaskClient, language: dict[str, str], hint: str
) -> None:
    page = client.get("/admin/login?token=bad", headers=BROWSER | language).get_data(as_text=True)

    assert hint in page
    assert "`" not in page


def test_the_signed_out_texts_name_the_command_without_markdown(client: FlaskClient) -> None:
    page = client.get("/admin", headers=BROWSER).get_data(as_text=True)

    assert "„loyalty admin-link SHOP“" in page
    assert "“loyalty admin-link SHOP”" in page
    assert "`" not in page


def test_an_expired_login_link_is_refused_in_german_for_a_german_reader(
    client: FlaskClient, expired_login_link: str
) -> None:
    assert _refusal(client.get(expired_login_link, headers=JSON_CLIENT | GERMAN)) == (
        "Dieser Anmeldelink ist abgelaufen. Bitte mit dem Befehl „loyalty admin-link SHOP“ einen neuen erstellen."
    )
    assert _refusal(client.get(expired_login_link, headers=JSON_CLIENT | ENGLISH)) == (
        "This login link has expired. Create a new one with the command “loyalty admin-link SHOP”."
    )


def test_an_install_request_not_signed_by_shopify_is_refused_in_german(client: FlaskClient) -> None:
    query = _signed_query({"shop": SHOP, "timestamp": str(int(START.timestamp()))}, secret="wrong")

    assert _refusal(client.get(f"/auth/shopify?{query}", headers=GERMAN), reason="invalid_signature") == (
        "Die Anfrage ist nicht von Shopify signiert."
    )
    assert _refusal(client.get(f"/auth/shopify?{query}", headers=ENGLISH), reason="invalid_signature") == (
        "The request is not signed by Shopify."
    )


def test_a_stale_install_request_is_refused_in_german(client: FlaskClient) -> None:
    query = _signed_query({"shop": SHOP, "timestamp": "1337178173"})

    assert _refusal(client.get(f"/auth/shopify?{query}", headers=GERMAN), reason="invalid_signature") == (
        "Die signierte Anfrage ist zu alt oder in die Zukunft datiert."
    )
    assert _refusal(client.get(f"/auth/shopify?{query}", headers=ENGLISH), reason="invalid_signature") == (
        "The signed request is too old or dated in the future."
    )


@pytest.mark.parametrize("timestamp", ["", "soon", "99999999999999999999", "-99999999999999"])
def test_an_install_request_without_a_usable_timestamp_is_refused_in_german(
    client: FlaskClient, timestamp: str
) -> None:
    query = _signed_query({"shop": SHOP, "timestamp": timestamp})

    assert _refusal(client.get(f"/auth/shopify?{query}", headers=GERMAN), reason="invalid_signature") == (
        "Die Anfrage hat keinen gültigen Zeitstempel."
    )


def test_a_callback_from_another_browser_is_refused_in_german(client: FlaskClient) -> None:
    params = {"code": "c", "shop": SHOP, "state": "s" * 32, "timestamp": str(int(START.timestamp()))}

    assert _refusal(client.get(f"/auth/shopify/callback?{_signed_query(params)}", headers=GERMAN)) == (
        "Die Installation passt nicht zu diesem Browser. Bitte die Installation neu starten."
    )


def test_a_token_exchange_without_a_bearer_token_is_refused_in_german(client: FlaskClient) -> None:
    assert _refusal(client.post("/auth/shopify/token-exchange", headers=GERMAN)) == (
        "Bitte das App-Bridge-Sitzungstoken als Bearer-Token senden."
    )
    assert _refusal(client.post("/auth/shopify/token-exchange", headers=ENGLISH)) == (
        "Send the App Bridge session token as a Bearer token."
    )


def test_a_token_exchange_with_an_expired_session_token_is_refused_in_german(client: FlaskClient) -> None:
    headers = {"Authorization": f"Bearer {session_token(SHOP, now=time.time() - 3600)}"} | GERMAN

    assert _refusal(client.post("/auth/shopify/token-exchange", headers=headers)) == (
        "Das Sitzungstoken ist abgelaufen."
    )


def test_a_woocommerce_return_to_another_browser_is_refused_in_german(client: FlaskClient) -> None:
    response = client.get("/auth/woocommerce/return?success=1&user_id=someone-else", headers=GERMAN)

    assert _refusal(response) == "Dieser Browser hat die Verbindung nicht begonnen. Bitte neu starten."


def test_a_shopify_webhook_body_that_is_not_json_is_explained_in_german(client: FlaskClient) -> None:
    body = b"{not json"
    headers = shopify_headers(body, "orders/create", SHOP, TEST_SHOPIFY_SECRET)

    german = client.post("/webhooks/shopify", data=body, headers=headers | GERMAN)
    english = client.post("/webhooks/shopify", data=body, headers=headers | ENGLISH)

    _refusal(german, 400, "malformed_payload")
    assert german.json["errors"] == {"body": ["ist kein gültiges JSON"]}
    assert german.json["message"] == "Die Daten sind fehlerhaft."
    assert english.json["errors"] == {"body": ["not valid JSON"]}


def test_a_shopify_webhook_body_that_is_no_object_is_explained_in_german(client: FlaskClient) -> None:
    body = b"[1, 2]"
    headers = shopify_headers(body, "orders/create", SHOP, TEST_SHOPIFY_SECRET) | GERMAN

    assert client.post("/webhooks/shopify", data=body, headers=headers).json["errors"] == {
        "body": ["muss ein JSON-Objekt sein"]
    }


def test_a_shopify_webhook_without_its_topic_header_is_explained_in_german(client: FlaskClient) -> None:
    body = json.dumps({"id": 1}).encode()
    headers = {k: v for k, v in shopify_headers(body, "orders/create", SHOP, TEST_SHOPIFY_SECRET).items()
               if k != "X-Shopify-Topic"}

    german = client.post("/webhooks/shopify", data=body, headers=headers | GERMAN)
    english = client.post("/webhooks/shopify", data=body, headers=headers | ENGLISH)

    _refusal(german, 400, "malformed_payload")
    assert german.json["errors"] == {"x-shopify-topic": ["ist erforderlich"]}
    assert english.json["errors"] == {"x-shopify-topic": ["is required"]}


def test_a_woocommerce_webhook_without_its_topic_header_is_explained_in_german(
    client: FlaskClient, woo_shop: Shop
) -> None:
    body = php_json({"id": 1})
    headers = {k: v for k, v in woocommerce_headers(body, "order.updated", WOO_SOURCE, WOO_SIGNING_SECRET).items()
               if k != "X-WC-Webhook-Topic"}

    german = client.post("/webhooks/woocommerce", data=body, headers=headers | GERMAN)

    _refusal(german, 400, "malformed_payload")
    assert german.json["errors"] == {"x-wc-webhook-topic": ["ist erforderlich"]}
