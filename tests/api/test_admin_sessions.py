"""Cookie sessions of the admin page: cookie flags, signing out for good (on the server), the CSRF header."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.clock import FixedClock
from app.container import Container
from app.models import AdminSession, Shop
from app.services.admin_sessions import issue_login_link
from app.services.shops import NewShop, add_shop
from tests.support.admin import login_with_link
from tests.support.apps import own_app

COOKIE = "session"
SIGNED_OUT_SHAPE = {"code", "status", "message", "reason"}


@pytest.fixture
def https_app(settings_overrides: dict[str, object], clock: FixedClock) -> Iterator[Flask]:
    with own_app({**settings_overrides, "public_url": "https://loyalty.example.de"}, clock) as application:
        yield application


def _session_cookie(client: FlaskClient, app: Flask, shop: Shop) -> str:
    """Sign in with a login link; the Set-Cookie line that started the session."""
    c = app.extensions["container"]
    link = issue_login_link(c.uow(), c.settings.secret_key, c.settings.public_url, str(shop.id))
    response = client.get(link.replace(c.settings.public_url, ""))
    assert response.status_code == 303
    return next(line for line in response.headers.getlist("Set-Cookie") if line.startswith(f"{COOKIE}="))


def _attributes(cookie: str) -> set[str]:
    return {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}


def test_the_session_cookie_is_secure_httponly_and_lax_when_the_app_is_served_over_https(
    https_app: Flask, clock: FixedClock
) -> None:
    c: Container = https_app.extensions["container"]
    shop = add_shop(c.uow(), c.box, NewShop("shopify", "kaffee-mueller.myshopify.com"), clock.now())

    cookie = _session_cookie(https_app.test_client(), https_app, shop)

    assert {"secure", "httponly", "samesite", "path"} <= _attributes(cookie)
    assert "SameSite=Lax" in cookie
    assert "Path=/" in cookie


def test_the_session_cookie_is_not_secure_on_the_http_development_default(
    app: Flask, client: FlaskClient, shopify_shop: Shop
) -> None:
    cookie = _session_cookie(client, app, shopify_shop)

    assert "secure" not in _attributes(cookie)
    assert {"httponly", "samesite"} <= _attributes(cookie)


def test_the_session_cookie_lasts_twelve_hours_and_every_admin_request_renews_it(
    app: Flask, client: FlaskClient, shopify_shop: Shop
) -> None:
    started = _session_cookie(client, app, shopify_shop)
    renewed = client.get("/admin/api/me").headers.get("Set-Cookie", "")

    for cookie in (started, renewed):
        expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
        assert abs(expires - datetime.now(UTC) - timedelta(hours=12)) < timedelta(minutes=5)


def test_a_cookie_copied_before_signing_out_is_refused_afterwards(
    app: Flask, client: FlaskClient, shopify_shop: Shop
) -> None:
    headers = login_with_link(app, client, shopify_shop)
    copy = app.test_client()
    copy.set_cookie(COOKIE, client.get_cookie(COOKIE).value)  # type: ignore[union-attr]
    assert copy.get("/admin/api/me").status_code == 200

    signed_out = client.post("/admin/logout", headers=headers)
    refused = copy.get("/admin/api/me")

    assert signed_out.status_code == 204
    assert refused.status_code == 401
    assert SIGNED_OUT_SHAPE <= set(refused.get_json())
    assert (refused.get_json()["code"], refused.get_json()["reason"]) == (401, "unauthorized")
    assert client.get("/admin/api/me").status_code == 401


def test_signing_out_without_the_admin_header_is_refused_and_keeps_the_session(
    app: Flask, client: FlaskClient, shopify_shop: Shop
) -> None:
    login_with_link(app, client, shopify_shop)

    refused = client.post("/admin/logout")  # what a cross-site form can send

    assert refused.status_code == 403
    assert (refused.get_json()["code"], refused.get_json()["reason"]) == (403, "forbidden")
    assert client.get("/admin/api/me").status_code == 200


def test_signing_out_when_not_signed_in_is_harmless(client: FlaskClient) -> None:
    assert client.post("/admin/logout", headers={"X-Loyalty-Admin": "1"}).status_code == 204


def test_the_server_keeps_only_a_hash_of_the_id_in_the_cookie(
    app: Flask, client: FlaskClient, container: Container, shopify_shop: Shop
) -> None:
    login_with_link(app, client, shopify_shop)
    with client.session_transaction() as stored:
        sid = stored["admin"]["sid"]

    with container.uow() as uow:
        rows = list(uow.session.scalars(select(AdminSession)))

    assert [(row.shop_id, len(row.token_hash)) for row in rows] == [(shopify_shop.id, 64)]
    assert sid not in rows[0].token_hash


def test_a_session_ends_a_week_after_sign_in_however_busy(
    app: Flask, client: FlaskClient, shopify_shop: Shop, clock: FixedClock
) -> None:
    login_with_link(app, client, shopify_shop)
    clock.advance(days=6, hours=23)
    assert client.get("/admin/api/me").status_code == 200

    clock.advance(hours=1)

    assert client.get("/admin/api/me").status_code == 401


def test_a_signed_cookie_without_a_session_id_is_refused(client: FlaskClient, shopify_shop: Shop) -> None:
    with client.session_transaction() as stored:  # the shape of cookies from before server-side sessions
        stored["admin"] = {"shop_id": shopify_shop.id, "domain": shopify_shop.domain, "actor": "admin"}

    assert client.get("/admin/api/me").status_code == 401


def test_a_cookie_signed_in_to_one_shop_does_not_name_a_session_of_another(
    app: Flask, client: FlaskClient, container: Container, shopify_shop: Shop, woo_shop: Shop
) -> None:
    login_with_link(app, client, shopify_shop)
    with client.session_transaction() as stored:
        stored["admin"] = {**stored["admin"], "shop_id": woo_shop.id}

    assert client.get("/admin/api/me").status_code == 401
