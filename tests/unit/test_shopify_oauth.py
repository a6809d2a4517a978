"""Shopify install helpers: query-string HMAC known answers, authorize URL, code and token exchange."""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from app.domain.errors import PlatformRejected, PlatformUnavailable
from app.platforms.shopify.oauth import authorize_url, exchange_code, query_hmac_valid, token_exchange
from tests.fakes import fixtures
from tests.fakes.maintenance_page import MaintenancePage
from tests.fakes.shopify_server import FakeShopify

fake_shopify = fixtures.fake_shopify  # also runs without the shared conftest

SHOPIFY_DOCS_EXAMPLE = {
    "code": "0907a61c0c8d55e99db179b68161bc00",
    "shop": "some-shop.myshopify.com",
    "state": "0.6784241404160823",
    "timestamp": "1337178173",
    "hmac": "700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf",
}
PYTHON_LIBRARY_EXAMPLE = {
    "code": "a94a110d86d2452eb3e2af4cfb8a3828",
    "shop": "some-shop.myshopify.com",
    "timestamp": "1337178173",
    "hmac": "2cb1a277650a659f1b11e92a4a64275b128e037f2c3390e3c8fd2d8721dac9e2",
}


def signed(params: dict[str, str], message: str, secret: str = "hush") -> dict[str, str]:
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()
    return params | {"hmac": digest}


@pytest.mark.parametrize("params", [SHOPIFY_DOCS_EXAMPLE, PYTHON_LIBRARY_EXAMPLE])
def test_query_hmac_accepts_the_published_known_answers(params: dict[str, str]) -> None:
    assert query_hmac_valid(params, "hush")


def test_query_hmac_rejects_a_tampered_parameter() -> None:
    assert not query_hmac_valid(SHOPIFY_DOCS_EXAMPLE | {"shop": "evil.myshopify.com"}, "hush")


def test_query_hmac_rejects_the_wrong_secret() -> None:
    assert not query_hmac_valid(SHOPIFY_DOCS_EXAMPLE, "not-hush")


def test_query_hmac_rejects_a_missing_hmac() -> None:
    assert not query_hmac_valid({k: v for k, v in SHOPIFY_DOCS_EXAMPLE.items() if k != "hmac"}, "hush")


def test_query_hmac_ignores_the_legacy_signature_parameter() -> None:
    assert query_hmac_valid(SHOPIFY_DOCS_EXAMPLE | {"signature": "legacy"}, "hush")


def test_query_hmac_accepts_a_host_signed_with_its_decoded_value() -> None:
    params = {"host": "YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvc2hvcA==", "shop": "shop.myshopify.com"}

    assert query_hmac_valid(
        signed(params, "host=YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvc2hvcA==&shop=shop.myshopify.com"), "hush"
    )


def test_query_hmac_accepts_a_host_signed_with_its_percent_encoded_value() -> None:
    params = {"host": "YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvc2hvcA==", "shop": "shop.myshopify.com"}

    assert query_hmac_valid(signed(params, urlencode(sorted(params.items()))), "hush")


def test_authorize_url_asks_for_an_offline_token_on_the_shop() -> None:
    url = authorize_url(
        "shop.myshopify.com", "key", ["read_orders", "write_discounts"], "https://app/cb", "n0nce"
    )

    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "shop.myshopify.com",
        "/admin/oauth/authorize",
    )
    assert parse_qs(parts.query) == {
        "client_id": ["key"],
        "scope": ["read_orders,write_discounts"],
        "redirect_uri": ["https://app/cb"],
        "state": ["n0nce"],
    }


def test_exchange_code_returns_the_token_and_scope(fake_shopify: FakeShopify) -> None:
    fake_shopify.codes.add("abc123")

    token = exchange_code(
        fake_shopify.api_base, fake_shopify.shop, "fake-api-key", "fake-api-secret", "abc123"
    )

    assert token == (fake_shopify.access_token, fake_shopify.scope)
    assert fake_shopify.requests[-1].json == {
        "client_id": "fake-api-key",
        "client_secret": "fake-api-secret",
        "code": "abc123",
    }


def test_exchange_code_with_a_used_code_raises_platform_rejected(fake_shopify: FakeShopify) -> None:
    with pytest.raises(PlatformRejected, match="Bad code"):
        exchange_code(fake_shopify.api_base, fake_shopify.shop, "fake-api-key", "fake-api-secret", "unknown")


def test_a_token_answer_that_is_not_json_is_a_transient_failure() -> None:
    # An HTML page in place of the token: the install says to try again (503), never a 500.
    with MaintenancePage() as page, pytest.raises(PlatformUnavailable, match="not JSON"):
        exchange_code(page.url, "kaffee.myshopify.com", "fake-api-key", "fake-api-secret", "abc")


def test_token_exchange_asks_for_an_offline_token(fake_shopify: FakeShopify) -> None:
    token = token_exchange(fake_shopify.api_base, fake_shopify.shop, "fake-api-key", "fake-api-secret", "jwt")

    sent = fake_shopify.requests[-1].json
    assert token == (fake_shopify.access_token, fake_shopify.scope)
    assert sent["grant_type"] == "urn:ietf:params:oauth:grant-type:token-exchange"
    assert sent["subject_token_type"] == "urn:ietf:params:oauth:token-type:id_token"
    assert sent["requested_token_type"] == "urn:shopify:params:oauth:token-type:offline-access-token"
