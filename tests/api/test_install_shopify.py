"""Shopify install against a fake Shopify over HTTP: HMAC, shop domain, state, code exchange, webhooks, reinstall."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from app.clock import FixedClock
from app.models import Shop
from app.services import install
from app.services.shops import credentials
from tests.conftest import START
from tests.fakes.shopify_server import FakeShopify
from tests.support.admin import session_token
from tests.support.apps import API_KEY, API_SECRET, fake_shopify_app_settings, own_app
from tests.support.webhooks import shopify_headers


@pytest.fixture
def shopify_app(settings_overrides: dict[str, object], clock: FixedClock, fake_shopify: FakeShopify) -> Iterator[Flask]:
    """The app configured as the fake Shopify's app (its key and secret, its API base)."""
    with own_app(fake_shopify_app_settings(settings_overrides, fake_shopify), clock) as application:
        yield application


@pytest.fixture
def client(shopify_app: Flask) -> FlaskClient:
    return shopify_app.test_client()


def signed(params: dict[str, str], secret: str = API_SECRET) -> str:
    """A query string signed the way Shopify signs install requests and callbacks (PLATFORMS §2.1)."""
    message = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()
    return urlencode({**params, "hmac": digest})


def start(client: FlaskClient, shop: str) -> dict[str, str]:
    response = client.get(f"/auth/shopify?{signed({'shop': shop, 'timestamp': str(int(START.timestamp()))})}")
    assert response.status_code == 302, response.get_data(as_text=True)
    return {k: v[0] for k, v in parse_qs(urlsplit(response.location).query).items()}


def callback(client: FlaskClient, fake: FakeShopify, state: str, code: str = "auth-code-1", **extra: str):  # type: ignore[no-untyped-def]
    fake.codes.add(code)
    params = {"code": code, "shop": fake.shop, "state": state, "timestamp": str(int(START.timestamp())), **extra}
    return client.get(f"/auth/shopify/callback?{signed(params)}")


def stored_shop(app: Flask, domain: str) -> Shop | None:
    with app.extensions["container"].uow() as uow:
        return uow.session.scalars(select(Shop).where(Shop.domain == domain)).first()


def test_the_install_request_redirects_to_the_grant_screen_with_a_state(
    client: FlaskClient, fake_shopify: FakeShopify
) -> None:
    query = start(client, fake_shopify.shop)
    assert query["client_id"] == API_KEY
    assert query["redirect_uri"] == "http://127.0.0.1:8000/auth/shopify/callback"
    assert query["scope"] == install.shopify_scopes()
    assert len(query["state"]) >= 32


def test_a_bad_hmac_is_refused(client: FlaskClient, fake_shopify: FakeShopify) -> None:
    query = signed({"shop": fake_shopify.shop, "timestamp": str(int(START.timestamp()))}, secret="wrong")
    response = client.get(f"/auth/shopify?{query}")
    assert response.status_code == 401
    assert response.json["reason"] == "invalid_signature"


def test_a_stale_signed_request_is_refused(client: FlaskClient, fake_shopify: FakeShopify) -> None:
    response = client.get(f"/auth/shopify?{signed({'shop': fake_shopify.shop, 'timestamp': '1337178173'})}")
    assert response.status_code == 401


@pytest.mark.parametrize("shop", ["evil.com", "store.myshopify.com.evil.com", "-x.myshopify.com", "a/b.myshopify.com"])
def test_a_shop_outside_myshopify_com_is_refused_before_any_redirect(client: FlaskClient, shop: str) -> None:
    response = client.get(f"/auth/shopify?{signed({'shop': shop, 'timestamp': str(int(START.timestamp()))})}")
    assert response.status_code == 422
    assert "shop" in response.json["errors"]


def test_the_callback_stores_the_token_encrypted_registers_webhooks_and_lands_in_admin(
    shopify_app: Flask, client: FlaskClient, fake_shopify: FakeShopify
) -> None:
    state = start(client, fake_shopify.shop)["state"]
    response = callback(client, fake_shopify, state)
    assert response.status_code == 302
    assert response.location == "/admin"
    c = shopify_app.extensions["container"]
    shop = stored_shop(shopify_app, fake_shopify.shop)
    assert shop is not None
    assert shop.is_active
    assert credentials(shop, c.box).access_token == fake_shopify.access_token
    with c.engine.connect() as conn:
        raw = conn.execute(text("SELECT access_token_enc FROM shops")).scalar_one()
    assert fake_shopify.access_token not in raw
    expected = install.webhook_topics("shopify", "http://127.0.0.1:8000")
    assert {(w["topic"], w["callbackUrl"]) for w in fake_shopify.webhooks} == {
        (t.upper().replace("/", "_"), url) for t, url in expected.items()
    }
    assert client.get("/admin/api/me").json["shop"]["domain"] == fake_shopify.shop


def test_a_state_from_another_browser_is_refused(
    client: FlaskClient, shopify_app: Flask, fake_shopify: FakeShopify
) -> None:
    state = start(client, fake_shopify.shop)["state"]
    response = callback(shopify_app.test_client(), fake_shopify, state)
    assert response.status_code == 401
    assert stored_shop(shopify_app, fake_shopify.shop) is None


def test_a_forged_state_is_refused(client: FlaskClient, shopify_app: Flask, fake_shopify: FakeShopify) -> None:
    start(client, fake_shopify.shop)
    response = callback(client, fake_shopify, "made-up-state-made-up-state-made-up")
    assert response.status_code == 401
    assert stored_shop(shopify_app, fake_shopify.shop) is None


def test_a_state_works_only_once(client: FlaskClient, fake_shopify: FakeShopify) -> None:
    state = start(client, fake_shopify.shop)["state"]
    assert callback(client, fake_shopify, state).status_code == 302
    with client.session_transaction() as sess:
        sess["shopify_oauth_state"] = state
    assert callback(client, fake_shopify, state, code="auth-code-2").status_code == 401


def test_a_state_issued_for_another_shop_is_refused(
    client: FlaskClient, shopify_app: Flask, fake_shopify: FakeShopify
) -> None:
    state = start(client, "other-shop.myshopify.com")["state"]
    assert callback(client, fake_shopify, state).status_code == 401
    assert stored_shop(shopify_app, fake_shopify.shop) is None


def test_a_code_shopify_rejects_installs_nothing(
    client: FlaskClient, shopify_app: Flask, fake_shopify: FakeShopify
) -> None:
    state = start(client, fake_shopify.shop)["state"]
    params = {
        "code": "never-issued",
        "shop": fake_shopify.shop,
        "state": state,
        "timestamp": str(int(START.timestamp())),
    }
    response = client.get(f"/auth/shopify/callback?{signed(params)}")
    assert response.status_code == 502
    assert stored_shop(shopify_app, fake_shopify.shop) is None


def test_reinstalling_an_uninstalled_shop_reactivates_it(
    client: FlaskClient, shopify_app: Flask, fake_shopify: FakeShopify
) -> None:
    callback(client, fake_shopify, start(client, fake_shopify.shop)["state"])
    body = b'{"id": 1, "name": "x"}'
    headers = shopify_headers(body, "app/uninstalled", fake_shopify.shop, API_SECRET)
    assert shopify_app.test_client().post("/webhooks/shopify", data=body, headers=headers).status_code == 200
    gone = stored_shop(shopify_app, fake_shopify.shop)
    assert gone is not None
    assert gone.status == "uninstalled"
    assert gone.purge_after is not None
    again = shopify_app.test_client()
    response = callback(again, fake_shopify, start(again, fake_shopify.shop)["state"], code="auth-code-2")
    assert response.status_code == 302
    shop = stored_shop(shopify_app, fake_shopify.shop)
    assert shop is not None
    assert shop.is_active
    assert shop.purge_after is None
    assert shop.id == gone.id


def test_token_exchange_installs_the_embedded_app_without_a_redirect(
    shopify_app: Flask, client: FlaskClient, fake_shopify: FakeShopify
) -> None:
    token = session_token(fake_shopify.shop, api_key=API_KEY, secret=API_SECRET)
    response = client.post("/auth/shopify/token-exchange", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.json
    assert response.json["created"]
    assert response.json["webhooks_registered"]
    shop = stored_shop(shopify_app, fake_shopify.shop)
    assert shop is not None
    assert credentials(shop, shopify_app.extensions["container"].box).access_token == fake_shopify.access_token
    me = client.get("/admin/api/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json["shop"]["id"] == shop.id


def test_token_exchange_refuses_a_forged_session_token(
    client: FlaskClient, shopify_app: Flask, fake_shopify: FakeShopify
) -> None:
    token = session_token(fake_shopify.shop, api_key=API_KEY, secret="guessed")
    response = client.post("/auth/shopify/token-exchange", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert stored_shop(shopify_app, fake_shopify.shop) is None


def test_the_install_takes_the_shops_name_currency_and_language_from_shopify(
    shopify_app: Flask, client: FlaskClient, fake_shopify: FakeShopify
) -> None:
    fake_shopify.details = {"name": "Chocolaterie Genève", "currency": "CHF", "primary_locale": "fr"}
    callback(client, fake_shopify, start(client, fake_shopify.shop)["state"])
    shop = stored_shop(shopify_app, fake_shopify.shop)
    assert shop is not None
    assert (shop.name, shop.currency, shop.locale) == ("Chocolaterie Genève", "CHF", "en")
    assert client.get("/admin/api/me").json["shop"]["name"] == "Chocolaterie Genève"
    assert fake_shopify.requests_to("/shop.json")[0].args["fields"] == "name,currency,primary_locale"


def test_a_reinstall_renews_name_and_currency_but_keeps_the_merchants_language(
    shopify_app: Flask, client: FlaskClient, fake_shopify: FakeShopify
) -> None:
    callback(client, fake_shopify, start(client, fake_shopify.shop)["state"])
    chosen = {**client.get("/admin/api/settings").json, "locale": "en"}  # the merchant picks English
    assert client.put("/admin/api/settings", json=chosen, headers={"X-Loyalty-Admin": "1"}).status_code == 200
    fake_shopify.details = {"name": "Kaffee Müller & Söhne", "currency": "EUR", "primary_locale": "de"}
    again = shopify_app.test_client()
    callback(again, fake_shopify, start(again, fake_shopify.shop)["state"], code="auth-code-2")
    shop = stored_shop(shopify_app, fake_shopify.shop)
    assert shop is not None
    assert (shop.name, shop.locale) == ("Kaffee Müller & Söhne", "en")


def test_an_install_completes_when_shopify_cannot_tell_the_shops_details(
    shopify_app: Flask, client: FlaskClient, fake_shopify: FakeShopify
) -> None:
    state = start(client, fake_shopify.shop)["state"]
    fake_shopify.shop_outages = 1
    response = callback(client, fake_shopify, state)
    assert response.status_code == 302
    assert response.location == "/admin"
    shop = stored_shop(shopify_app, fake_shopify.shop)
    assert shop is not None
    assert shop.is_active
    assert (shop.name, shop.currency) == (fake_shopify.shop, "EUR")
    assert fake_shopify.webhooks


@pytest.mark.parametrize(("admin_host", "lands_at"), [
    ("admin.shopify.com/store/teeladen", "https://admin.shopify.com/store/teeladen/apps/"),
    ("teeladen.myshopify.com/admin", "https://teeladen.myshopify.com/admin/apps/"),
    ("evil.example/x.myshopify.com/admin", "/admin"),
    ("admin.shopify.com/store/teeladen@evil.example", "/admin"),
])
def test_the_install_lands_in_the_shops_admin_only_for_the_two_shapes_of_shopify_admin_host(
    client: FlaskClient, fake_shopify: FakeShopify, admin_host: str, lands_at: str
) -> None:
    state = start(client, fake_shopify.shop)["state"]
    host = base64.urlsafe_b64encode(admin_host.encode()).decode().rstrip("=")

    response = callback(client, fake_shopify, state, host=host)

    assert response.status_code == 302
    assert response.location.startswith(lands_at)
