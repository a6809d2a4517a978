"""Shopify install: authorize URL, code and token exchange for an offline token, query-string HMAC check."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import quote, quote_plus, urlencode

import requests

from app.domain.errors import PlatformRejected
from app.platforms.http import DEFAULT_TIMEOUT, Timeout, call, json_object
from app.security import hmac_sha256_hex, signatures_match

__all__ = ["authorize_url", "exchange_code", "query_hmac_valid", "token_exchange"]

TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token"
OFFLINE_TOKEN = "urn:shopify:params:oauth:token-type:offline-access-token"
UNSIGNED_PARAMS = frozenset({"hmac", "signature"})


def authorize_url(
    shop: str,
    api_key: str,
    scopes: Iterable[str] | str,
    redirect_uri: str,
    state: str,
    api_base: str = "https://{shop}",
) -> str:
    """Where to send the merchant to grant an offline token (no `grant_options[]`). Validate `shop` first."""
    scope = scopes if isinstance(scopes, str) else ",".join(scopes)
    query = urlencode({"client_id": api_key, "scope": scope, "redirect_uri": redirect_uri, "state": state})
    return f"{_base(api_base, shop)}/admin/oauth/authorize?{query}"


def exchange_code(
    api_base: str, shop: str, api_key: str, api_secret: str, code: str, timeout: Timeout = DEFAULT_TIMEOUT
) -> tuple[str, str]:
    """Trade the callback's `code` for `(access_token, scope)` (authorization-code grant)."""
    return _access_token(api_base, shop, {"client_id": api_key, "client_secret": api_secret, "code": code}, timeout)


def token_exchange(
    api_base: str,
    shop: str,
    api_key: str,
    api_secret: str,
    session_token: str,
    timeout: Timeout = DEFAULT_TIMEOUT,
) -> tuple[str, str]:
    """Trade an App Bridge session token (already verified) for an offline `(access_token, scope)`."""
    body = {
        "client_id": api_key,
        "client_secret": api_secret,
        "grant_type": TOKEN_EXCHANGE,
        "subject_token": session_token,
        "subject_token_type": ID_TOKEN,
        "requested_token_type": OFFLINE_TOKEN,
    }
    return _access_token(api_base, shop, body, timeout)


def query_hmac_valid(params: Mapping[str, str], secret: str) -> bool:
    """Whether `hmac` signs the other (decoded) query parameters; accepts either canonical encoding (§2.1)."""
    received = params.get("hmac")
    if not received or not secret:
        return False
    pairs = sorted((k, v) for k, v in params.items() if k not in UNSIGNED_PARAMS)
    # Every form is compared (no early exit), each in constant time.
    matches = [
        signatures_match(hmac_sha256_hex(secret, message), received.lower()) for message in _canonical_forms(pairs)
    ]
    return any(matches)


def _canonical_forms(pairs: list[tuple[str, str]]) -> list[str]:
    """Decoded (Python library, delimiters escaped) and percent-encoded (spaces as `+` or `%20`) forms."""
    decoded = "&".join(f"{_escape(k, is_key=True)}={_escape(v, is_key=False)}" for k, v in pairs)
    return list(dict.fromkeys([decoded, urlencode(pairs, quote_via=quote_plus), urlencode(pairs, quote_via=quote)]))


def _escape(text: str, *, is_key: bool) -> str:
    escaped = text.replace("%", "%25").replace("&", "%26")
    return escaped.replace("=", "%3D") if is_key else escaped


def _access_token(api_base: str, shop: str, body: dict[str, str], timeout: Timeout) -> tuple[str, str]:
    with requests.Session() as session:
        response = call(
            session,
            "POST",
            f"{_base(api_base, shop)}/admin/oauth/access_token",
            json=body,
            headers={"Accept": "application/json"},
            timeout=timeout,
        )
    answer = json_object(response)
    token = answer.get("access_token")
    if not token:
        raise PlatformRejected("Shopify answered the token request without an access token")
    return str(token), str(answer.get("scope", ""))


def _base(api_base: str, shop: str) -> str:
    return api_base.format(shop=shop).rstrip("/")
