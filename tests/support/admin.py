"""Signing in to the admin API in tests: a Shopify session token, or the session a login link starts."""

from __future__ import annotations

import time
import uuid

import jwt
from flask import Flask

from app.models import Shop
from tests.conftest import TEST_SHOPIFY_SECRET


def session_token(shop_domain: str, *, api_key: str = "test-api-key", secret: str = TEST_SHOPIFY_SECRET,
                  now: float | None = None, lifetime: int = 60, **claims: object) -> str:
    """An App Bridge session token as Shopify mints it (PLATFORMS §2.4)."""
    issued = int(now if now is not None else time.time())
    payload = {
        "iss": f"https://{shop_domain}/admin", "dest": f"https://{shop_domain}", "aud": api_key,
        "sub": "42", "exp": issued + lifetime, "nbf": issued, "iat": issued, "jti": uuid.uuid4().hex,
        "sid": uuid.uuid4().hex, **claims,
    }
    return jwt.encode(payload, secret, algorithm="HS256")


def admin_headers(shop: Shop) -> dict[str, str]:
    """Headers that authenticate as the admin of a Shopify shop."""
    return {"Authorization": f"Bearer {session_token(shop.domain)}"}


def login_with_link(app: Flask, client, shop: Shop) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Sign `client` in through a login link (any platform); returns the header cookie-authenticated writes need."""
    from app.services.admin_sessions import issue_login_link

    c = app.extensions["container"]
    link = issue_login_link(c.uow(), c.settings.secret_key, c.settings.public_url, str(shop.id))
    response = client.get(link.replace(c.settings.public_url, ""))
    assert response.status_code in (302, 303), response.get_data(as_text=True)
    return {"X-Loyalty-Admin": "1"}


def sign_in_page(app: Flask, page, live_url: str, shop: Shop) -> None:  # type: ignore[no-untyped-def]
    """Open a fresh login link in Chromium (`page`) against the live server and wait for the admin's tabs."""
    from app.services.admin_sessions import issue_login_link

    c = app.extensions["container"]
    link = issue_login_link(c.uow(), c.settings.secret_key, c.settings.public_url, str(shop.id))
    page.goto(link.replace(c.settings.public_url, live_url))
    page.get_by_test_id("tab-dashboard").wait_for()
