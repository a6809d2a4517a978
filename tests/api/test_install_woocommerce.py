"""WooCommerce connect: wc-auth redirect, the key callback bound to a single-use state, webhooks, the way back."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from app.models import Shop
from app.services import install
from app.services.shops import credentials
from tests.fakes.woocommerce_server import FakeWooCommerce
from tests.support.webhooks import load_payload, php_json, woocommerce_headers


def start(client: FlaskClient, fake: FakeWooCommerce) -> dict[str, str]:
    response = client.get(f"/auth/woocommerce?{urlencode({'store_url': fake.url + '/'})}")
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.location.startswith(f"{fake.url}/wc-auth/v1/authorize?")
    return {k: v[0] for k, v in parse_qs(urlsplit(response.location).query).items()}


def keys_posted(client: FlaskClient, fake: FakeWooCommerce, user_id: str):  # type: ignore[no-untyped-def]
    """What WooCommerce posts to callback_url once the merchant approved."""
    return client.post(
        "/auth/woocommerce/callback",
        json={
            "key_id": 3,
            "user_id": user_id,
            "consumer_key": fake.consumer_key,
            "consumer_secret": fake.consumer_secret,
            "key_permissions": "read_write",
        },
    )


def stored(app: Flask) -> Shop | None:
    with app.extensions["container"].uow() as uow:
        return uow.session.scalars(select(Shop).where(Shop.platform == "woocommerce")).first()


def test_connect_redirects_to_wc_auth_with_an_unguessable_state(
    client: FlaskClient, fake_woocommerce: FakeWooCommerce
) -> None:
    query = start(client, fake_woocommerce)
    assert query["scope"] == "read_write"
    assert query["app_name"] == install.manifest()["name"]
    assert query["callback_url"] == "http://127.0.0.1:8000/auth/woocommerce/callback"
    assert query["return_url"] == "http://127.0.0.1:8000/auth/woocommerce/return"
    assert len(query["user_id"]) >= 32
    assert start(client, fake_woocommerce)["user_id"] != query["user_id"]


def test_without_a_shop_address_the_connect_page_asks_for_it(client: FlaskClient) -> None:
    response = client.get("/auth/woocommerce", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert "Connect a WooCommerce shop" in response.get_data(as_text=True)


def test_an_address_that_is_no_shop_shows_the_form_again_saying_why(client: FlaskClient) -> None:
    response = client.get("/auth/woocommerce?store_url=ftp%3A%2F%2Fteeladen.example%2F%22%3E", headers={
        "Accept-Language": "de"})

    assert response.status_code == 400
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "kein öffentlich erreichbarer Shop" in page
    assert 'value="ftp://teeladen.example/&#34;&gt;"' in page  # what was typed, to correct it (escaped)


def test_the_callback_stores_keys_encrypted_and_creates_signed_webhooks(
    app: Flask, client: FlaskClient, fake_woocommerce: FakeWooCommerce
) -> None:
    state = start(client, fake_woocommerce)["user_id"]
    response = keys_posted(app.test_client(), fake_woocommerce, state)
    assert response.status_code == 200, response.json
    assert response.json["webhooks_registered"] is True
    shop = stored(app)
    assert shop is not None
    assert shop.domain == fake_woocommerce.url
    c = app.extensions["container"]
    creds = credentials(shop, c.box)
    assert (creds.consumer_key, creds.consumer_secret) == (
        fake_woocommerce.consumer_key,
        fake_woocommerce.consumer_secret,
    )
    with c.engine.connect() as conn:
        raw = " ".join(str(v) for v in conn.execute(text("SELECT * FROM shops")).one())
    assert fake_woocommerce.consumer_secret not in raw
    assert fake_woocommerce.consumer_key not in raw
    secret = c.box.decrypt(shop.webhook_secret_enc)
    assert secret
    assert len(secret) >= 32
    hooks = list(fake_woocommerce.webhooks.values())
    assert {h["topic"] for h in hooks} == set(install.manifest()["webhooks"]["woocommerce"]["topics"])
    assert {h["delivery_url"] for h in hooks} == {"http://127.0.0.1:8000/webhooks/woocommerce"}
    assert {h.get("secret") for h in hooks} == {secret}


def test_the_return_signs_the_merchant_in_to_the_connected_shop(
    app: Flask, client: FlaskClient, fake_woocommerce: FakeWooCommerce
) -> None:
    state = start(client, fake_woocommerce)["user_id"]
    keys_posted(app.test_client(), fake_woocommerce, state)
    response = client.get(f"/auth/woocommerce/return?success=1&user_id={state}")
    assert response.status_code == 303
    assert response.location == "/admin"
    assert client.get("/admin/api/me").json["shop"]["domain"] == fake_woocommerce.url


def test_the_return_in_another_browser_signs_nobody_in(
    app: Flask, client: FlaskClient, fake_woocommerce: FakeWooCommerce
) -> None:
    state = start(client, fake_woocommerce)["user_id"]
    keys_posted(app.test_client(), fake_woocommerce, state)
    stranger = app.test_client()
    assert stranger.get(f"/auth/woocommerce/return?success=1&user_id={state}").status_code == 401
    assert stranger.get("/admin/api/me").status_code == 401


def test_a_callback_with_an_unknown_or_used_state_stores_nothing(
    app: Flask, client: FlaskClient, fake_woocommerce: FakeWooCommerce
) -> None:
    assert keys_posted(client, fake_woocommerce, "x" * 43).status_code == 401
    assert stored(app) is None
    state = start(client, fake_woocommerce)["user_id"]
    assert keys_posted(client, fake_woocommerce, state).status_code == 200
    assert keys_posted(client, fake_woocommerce, state).status_code == 401


def test_read_only_keys_are_refused(client: FlaskClient, app: Flask, fake_woocommerce: FakeWooCommerce) -> None:
    state = start(client, fake_woocommerce)["user_id"]
    response = client.post(
        "/auth/woocommerce/callback",
        json={"key_id": 3, "user_id": state, "consumer_key": "ck", "consumer_secret": "cs", "key_permissions": "read"},
    )
    assert response.status_code == 422
    assert stored(app) is None


def test_a_declined_connection_explains_and_signs_nobody_in(
    client: FlaskClient, fake_woocommerce: FakeWooCommerce
) -> None:
    state = start(client, fake_woocommerce)["user_id"]
    response = client.get(f"/auth/woocommerce/return?success=0&user_id={state}")
    assert response.status_code == 400
    assert 'data-testid="connect-denied"' in response.get_data(as_text=True)
    assert client.get("/admin/api/me").status_code == 401


def test_the_connect_takes_the_site_title_and_store_currency_from_the_shop(
    app: Flask, client: FlaskClient, fake_woocommerce: FakeWooCommerce
) -> None:
    fake_woocommerce.site_name, fake_woocommerce.currency = "Teeladen <am> Markt", "CHF"
    state = start(client, fake_woocommerce)["user_id"]
    assert keys_posted(app.test_client(), fake_woocommerce, state).status_code == 200
    shop = stored(app)
    assert shop is not None
    assert (shop.name, shop.currency, shop.locale) == ("Teeladen <am> Markt", "CHF", "de")
    signed = fake_woocommerce.requests_to("/data/currencies/current")[0]
    assert signed.args["oauth_consumer_key"] == fake_woocommerce.consumer_key


def test_a_shop_typed_without_www_is_stored_under_the_address_its_webhooks_name(
    app: Flask, client: FlaskClient, fake_woocommerce: FakeWooCommerce
) -> None:
    port = urlsplit(fake_woocommerce.url).port
    fake_woocommerce.home = f"http://www.localhost:{port}/"  # home_url('/'): X-WC-Webhook-Source (PLATFORMS §4.1)
    typed = client.get(f"/auth/woocommerce?{urlencode({'store_url': f'http://localhost:{port}'})}")
    state = parse_qs(urlsplit(typed.location).query)["user_id"][0]

    assert keys_posted(app.test_client(), fake_woocommerce, state).status_code == 200

    shop = stored(app)
    assert shop is not None
    assert shop.domain == f"http://www.localhost:{port}"
    secret = app.extensions["container"].box.decrypt(shop.webhook_secret_enc)
    body = php_json(load_payload("woocommerce", "order_updated_processing"))
    headers = woocommerce_headers(body, "order.updated", fake_woocommerce.home, secret)
    assert client.post("/webhooks/woocommerce", data=body, headers=headers).json["outcome"] == "processed"


def test_a_home_address_on_another_site_is_not_taken_for_the_shops_own(
    app: Flask, client: FlaskClient, fake_woocommerce: FakeWooCommerce
) -> None:
    fake_woocommerce.home = "https://www.other-shop.example/"  # anyone's WordPress may say anything here
    state = start(client, fake_woocommerce)["user_id"]

    assert keys_posted(app.test_client(), fake_woocommerce, state).status_code == 200

    shop = stored(app)
    assert shop is not None
    assert shop.domain == fake_woocommerce.url


def test_keys_the_store_refuses_store_nothing_and_are_answered_401(
    app: Flask, client: FlaskClient, fake_woocommerce: FakeWooCommerce
) -> None:
    state = start(client, fake_woocommerce)["user_id"]

    response = client.post("/auth/woocommerce/callback", json={
        "key_id": 3, "user_id": state, "consumer_key": "ck_made_up", "consumer_secret": "cs_made_up",
        "key_permissions": "read_write"})

    assert response.status_code == 401  # WooCommerce deletes the key and tells the merchant
    assert response.json["reason"] == "keys_refused"
    assert stored(app) is None
    assert client.get(f"/auth/woocommerce/return?success=1&user_id={state}").status_code == 401
    assert client.get("/admin/api/me").status_code == 401


def test_someone_elses_connection_attempt_leaves_a_connected_shop_as_it_was(
    app: Flask, client: FlaskClient, fake_woocommerce: FakeWooCommerce
) -> None:
    keys_posted(app.test_client(), fake_woocommerce, start(client, fake_woocommerce)["user_id"])
    connected = stored(app)
    assert connected is not None
    stranger = app.test_client()
    state = start(stranger, fake_woocommerce)["user_id"]  # anyone can start a connection to any store address

    answer = stranger.post("/auth/woocommerce/callback", json={
        "key_id": 9, "user_id": state, "consumer_key": "ck_attacker", "consumer_secret": "cs_attacker",
        "key_permissions": "read_write"})
    returned = stranger.get(f"/auth/woocommerce/return?success=1&user_id={state}")

    assert (answer.status_code, returned.status_code) == (401, 401)
    assert stranger.get("/admin/api/me").status_code == 401
    after = stored(app)
    assert after is not None
    c = app.extensions["container"]
    assert credentials(after, c.box).consumer_key == fake_woocommerce.consumer_key
    assert c.box.decrypt(after.webhook_secret_enc) == c.box.decrypt(connected.webhook_secret_enc)


def test_a_store_api_failing_during_a_reconnect_does_not_replace_a_working_connection(
    app: Flask, client: FlaskClient, fake_woocommerce: FakeWooCommerce
) -> None:
    keys_posted(app.test_client(), fake_woocommerce, start(client, fake_woocommerce)["user_id"])
    state = start(client, fake_woocommerce)["user_id"]
    fake_woocommerce.fail(503, times=20)

    answer = app.test_client().post("/auth/woocommerce/callback", json={
        "key_id": 4, "user_id": state, "consumer_key": "ck_untried", "consumer_secret": "cs_untried",
        "key_permissions": "read_write"})

    assert answer.status_code == 503  # the merchant connects again once the store answers
    shop = stored(app)
    assert shop is not None
    assert credentials(shop, app.extensions["container"].box).consumer_key == fake_woocommerce.consumer_key


def test_reconnecting_keeps_the_webhook_secret_the_stores_webhooks_sign_with(
    app: Flask, client: FlaskClient, fake_woocommerce: FakeWooCommerce
) -> None:
    keys_posted(app.test_client(), fake_woocommerce, start(client, fake_woocommerce)["user_id"])
    first = stored(app)
    assert first is not None
    fake_woocommerce.consumer_key, fake_woocommerce.consumer_secret = "ck_new_key", "cs_new_key"

    again = keys_posted(app.test_client(), fake_woocommerce, start(client, fake_woocommerce)["user_id"])

    assert again.status_code == 200
    shop = stored(app)
    assert shop is not None
    box = app.extensions["container"].box
    assert credentials(shop, box).consumer_key == "ck_new_key"
    secret = box.decrypt(shop.webhook_secret_enc)
    assert secret == box.decrypt(first.webhook_secret_enc)
    assert {hook.get("secret") for hook in fake_woocommerce.webhooks.values()} == {secret}


def test_starting_connections_over_and_over_is_slowed_down_with_retry_after(
    client: FlaskClient, fake_woocommerce: FakeWooCommerce
) -> None:
    answers = [client.get(f"/auth/woocommerce?{urlencode({'store_url': fake_woocommerce.url})}") for _ in range(7)]

    assert [a.status_code for a in answers[:5]] == [302] * 5
    assert answers[6].status_code == 429
    assert int(answers[6].headers["Retry-After"]) >= 1
    assert answers[6].json["reason"] == "rate_limited"
