"""Security headers per page kind: who may frame a page, no MIME sniffing, referrers, no caching of personal data."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from urllib.parse import urlencode

from flask.testing import FlaskClient

from app.clock import FixedClock
from app.container import Container
from app.models import Shop
from tests.conftest import START, TEST_SHOPIFY_SECRET
from tests.support.admin import admin_headers
from tests.support.deliveries import deliver
from tests.support.outbox import dispatch, mailer_fixture, request_review  # noqa: F401
from tests.support.snapshots import customer, order
from tests.support.storefront import proxy_url
from tests.support.webhooks import load_payload, shopify_headers

NOT_FRAMED = "frame-ancestors 'none'"


def embedded_query(shop: str, secret: str = TEST_SHOPIFY_SECRET, **extra: str) -> str:
    """The query Shopify opens an embedded app's URL with, signed by `hmac` (PLATFORMS §2.1)."""
    params = {"embedded": "1", "host": "YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUva2FmZmVl", "shop": shop,
              "timestamp": "1767225600", "id_token": "eyJ.x.y", **extra}
    message = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
    return urlencode({**params, "hmac": hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()})


def unsubscribe_path(container: Container, shop: Shop, mailer) -> str:  # type: ignore[no-untyped-def]
    """The unsubscribe link in the footer of the thank-you email an order sends."""
    deliver(container, shop, order(at=START, buyer=customer()))
    dispatch(container)
    footer = mailer.sent[0].get_body(("plain",)).get_content()
    return re.search(r"https?://[^/\s]+(/unsubscribe/\S+)", footer).group(1)  # type: ignore[union-attr]


def test_the_admin_page_opened_by_shopify_may_be_framed_only_by_that_shops_admin(
    client: FlaskClient, shopify_shop: Shop
) -> None:
    response = client.get(f"/admin?{embedded_query(shopify_shop.domain)}")

    policy = response.headers["Content-Security-Policy"]
    assert response.status_code == 200
    assert f"frame-ancestors https://{shopify_shop.domain} https://admin.shopify.com" in policy
    assert "X-Frame-Options" not in response.headers


def test_the_admin_page_with_an_unsigned_or_forged_shop_may_be_framed_by_nobody(client: FlaskClient) -> None:
    unsigned = client.get("/admin?shop=angreifer.myshopify.com&host=eA&embedded=1")
    forged = client.get(f"/admin?{embedded_query('angreifer.myshopify.com', secret='not-the-app-secret')}")

    for response in (unsigned, forged):
        assert response.headers["Content-Security-Policy"].endswith(NOT_FRAMED)
        assert "angreifer" not in response.headers["Content-Security-Policy"]
        assert response.headers["X-Frame-Options"] == "DENY"


def test_the_admin_page_opened_on_its_own_may_be_framed_by_nobody_and_runs_only_its_own_scripts(
    client: FlaskClient,
) -> None:
    response = client.get("/admin")

    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self' https://cdn.shopify.com/shopifycloud/app-bridge.js;" in policy
    assert "object-src 'none'" in policy
    assert policy.endswith(NOT_FRAMED)
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "<script>" not in response.get_data(as_text=True)  # no inline script for the policy to refuse


def test_sign_in_and_connect_pages_may_be_framed_by_nobody(client: FlaskClient) -> None:
    failed_login = client.get("/admin/login?token=forged", headers={"Accept": "text/html"})
    connect = client.get("/auth/woocommerce")

    for response in (failed_login, connect):
        assert response.mimetype == "text/html"
        assert NOT_FRAMED in response.headers["Content-Security-Policy"]
        assert response.headers["X-Frame-Options"] == "DENY"


def test_the_review_page_is_not_framed_cached_or_named_in_referrers(
    client: FlaskClient, container: Container, shopify_shop: Shop, mailer
) -> None:
    path = request_review(container, shopify_shop, mailer, customer(accepts_marketing=True))

    for response in (client.get(path), client.post(path, data={}), client.get("/reviews/forged")):
        assert response.mimetype == "text/html"
        assert response.headers["Content-Security-Policy"].startswith("default-src 'none';")
        assert NOT_FRAMED in response.headers["Content-Security-Policy"]
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Referrer-Policy"] == "no-referrer"


def test_the_unsubscribe_page_is_not_framed_cached_or_named_in_referrers(
    client: FlaskClient, container: Container, shopify_shop: Shop, mailer
) -> None:
    path = unsubscribe_path(container, shopify_shop, mailer)

    for response in (client.get(path), client.post(path), client.get("/unsubscribe/forged")):
        assert NOT_FRAMED in response.headers["Content-Security-Policy"]
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Referrer-Policy"] == "no-referrer"


def test_the_referral_page_through_the_app_proxy_keeps_its_policy_and_is_not_framed(
    client: FlaskClient, shopify_shop: Shop, clock: FixedClock
) -> None:
    response = client.get(proxy_url("/r/UNBEKANNT", shopify_shop.domain, TEST_SHOPIFY_SECRET, clock.now()))

    policy = response.headers["Content-Security-Policy"]
    assert response.mimetype == "text/html"
    assert policy.startswith("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
    assert policy.endswith(NOT_FRAMED)


def test_admin_api_answers_json_and_csv_are_never_stored_by_a_cache(client: FlaskClient, shopify_shop: Shop) -> None:
    headers = admin_headers(shopify_shop)

    answers = [client.get(path, headers=headers) for path in ("/admin/api/me", "/admin/api/members",
                                                               "/admin/api/export/members.csv")]
    refused = client.get("/admin/api/me")

    assert [r.status_code for r in answers] == [200, 200, 200]
    assert answers[2].mimetype == "text/csv"
    assert {r.headers["Cache-Control"] for r in [*answers, refused]} == {"no-store"}


def test_every_answer_forbids_sniffing_and_sends_only_the_origin_to_other_sites(
    client: FlaskClient, shopify_shop: Shop, clock: FixedClock
) -> None:
    delivery = json.dumps(load_payload("shopify", "orders_paid")).encode()

    answers = {
        "health": client.get("/healthz"),
        "widget script": client.get("/widget.js"),
        "openapi": client.get("/openapi.json"),
        "admin page": client.get("/admin"),
        "static file": client.get("/static/admin/shell.js"),
        "unknown path": client.get("/no-such-page"),
        "widget read": client.get(proxy_url("/customer", shopify_shop.domain, TEST_SHOPIFY_SECRET, clock.now())),
        "refused webhook": client.post("/webhooks/shopify", data=b"{}"),
        "webhook answered in front of flask": client.post(
            "/webhooks/shopify", data=delivery,
            headers=shopify_headers(delivery, "orders/paid", shopify_shop.domain, TEST_SHOPIFY_SECRET)),
    }

    assert {name: (r.headers.get("X-Content-Type-Options"), r.headers.get("Referrer-Policy"))
            for name, r in answers.items()} == {
        name: ("nosniff", "strict-origin-when-cross-origin") for name in answers}
    assert answers["webhook answered in front of flask"].get_json() == {"outcome": "processed"}
