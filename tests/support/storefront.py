"""Signed storefront (App Proxy) requests for tests, as Shopify's proxy or the WooCommerce side sends them."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from app.platforms.app_proxy import signed_params

PREFIX = "/apps/loyalty"


def proxy_query(
    shop: str, secret: str, now: datetime, customer: str | None = None, prefix: str = PREFIX, **extra: str
) -> str:
    """The query string Shopify appends to a proxied request, signed with `secret`."""
    params = [
        *extra.items(),
        ("shop", shop),
        ("logged_in_customer_id", customer or ""),
        ("path_prefix", prefix),
        ("timestamp", str(int(now.timestamp()))),
    ]
    return urlencode(signed_params(params, secret))


def proxy_url(path: str, shop: str, secret: str, now: datetime, customer: str | None = None, **extra: str) -> str:
    """`/proxy/<path>?<signed query>`."""
    return f"/proxy/{path.lstrip('/')}?{proxy_query(shop, secret, now, customer, **extra)}"
