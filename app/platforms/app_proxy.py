"""Storefront proxy signatures: Shopify App Proxy (PLATFORMS §2.5), and the same scheme for WooCommerce."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from app.domain.errors import InvalidSignature
from app.security import hmac_sha256_hex, signatures_match

TIMESTAMP_TOLERANCE_SECONDS = 90  # shopify-app-js HMAC_TIMESTAMP_PERMITTED_CLOCK_TOLERANCE_SEC
SINGLE_VALUED = ("shop", "timestamp", "signature", "hmac")  # repeated ones would let a value be smuggled in
Params = Sequence[tuple[str, str]]


@dataclass(frozen=True)
class ProxyRequest:
    """A verified storefront request: which shop, which logged-in shopper (None for a guest)."""

    shop: str
    customer_ref: str | None
    path_prefix: str
    timestamp: int


def canonical_message(params: Iterable[tuple[str, str]], *, by_pair: bool = False) -> str:
    """`key=v1,v2` per distinct decoded key except `signature`, sorted, joined with no separator.

    Sorted by key (shopify-app-js), or with `by_pair` by the whole `key=value` string (Shopify's Ruby
    example, PHP's `sort`): the two differ only for keys where one is a prefix of another followed by a
    character below `=` (e.g. `a` and `a1`), so verification accepts either.
    """
    grouped: dict[str, list[str]] = {}
    for key, value in params:
        if key != "signature":
            grouped.setdefault(key, []).append(value)
    pairs = [f"{key}={','.join(values)}" for key, values in sorted(grouped.items())]
    return "".join(sorted(pairs) if by_pair else pairs)


def sign(params: Iterable[tuple[str, str]], secret: str, *, by_pair: bool = False) -> str:
    """hex(HMAC-SHA256(secret, canonical message)): the `signature` Shopify (or the WooCommerce side) sends."""
    return hmac_sha256_hex(secret, canonical_message(params, by_pair=by_pair))


def claimed_shop(params: Params) -> str:
    """The `shop` the request claims (unverified: only for finding which secret to check against)."""
    _refuse_repeats(params)
    shop = dict(params).get("shop", "").strip()
    if not shop:
        raise InvalidSignature("the shop parameter is missing")
    return shop


def verify(params: Params, secrets: Sequence[str], now: float) -> ProxyRequest:
    """Check the signature against any of `secrets` (constant time) and the timestamp's freshness (±90 s)."""
    _refuse_repeats(params)
    values = dict(params)
    given = values.get("signature")
    candidates = (sign(params, secret, by_pair=by_pair) for secret in secrets if secret for by_pair in (False, True))
    if not given or not any(signatures_match(candidate, given) for candidate in candidates):
        raise InvalidSignature()
    try:
        timestamp = int(values.get("timestamp", ""))
    except ValueError:
        raise InvalidSignature("the timestamp is missing or malformed") from None
    if abs(now - timestamp) > TIMESTAMP_TOLERANCE_SECONDS:
        raise InvalidSignature("the request is too old (or from the future)")
    customer = values.get("logged_in_customer_id", "").strip()
    return ProxyRequest(
        shop=values.get("shop", "").strip(),
        customer_ref=customer or None,
        path_prefix=values.get("path_prefix", ""),
        timestamp=timestamp,
    )


def signed_params(params: Params, secret: str) -> list[tuple[str, str]]:
    """The parameters with a valid `signature` appended (tests; what the WooCommerce side does)."""
    unsigned = [(k, v) for k, v in params if k != "signature"]
    return [*unsigned, ("signature", sign(unsigned, secret))]


def signed_query(shop: str, secret: str, now: datetime, customer: str | None = None,
                 prefix: str = "/apps/loyalty", **extra: str) -> str:
    """The query string Shopify's App Proxy appends to a shopper's request, signed with `secret` (the tests and
    the demo's shoppers send the storefront requests this way)."""
    params = [*extra.items(), ("shop", shop), ("logged_in_customer_id", customer or ""), ("path_prefix", prefix),
              ("timestamp", str(int(now.timestamp())))]
    return urlencode(signed_params(params, secret))


def _refuse_repeats(params: Params) -> None:
    seen: set[str] = set()
    for key, _ in params:
        if key in SINGLE_VALUED:
            if key in seen:
                raise InvalidSignature("A parameter that may appear once is repeated.")
            seen.add(key)
