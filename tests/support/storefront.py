"""Signed storefront (App Proxy) requests for tests, as Shopify's proxy or the WooCommerce side sends them."""

from __future__ import annotations

from datetime import datetime

from app.platforms.app_proxy import signed_query

PREFIX = "/apps/loyalty"


def proxy_query(
    shop: str, secret: str, now: datetime, customer: str | None = None, prefix: str = PREFIX, **extra: str
) -> str:
    """The query string Shopify appends to a proxied request, signed with `secret`."""
    return signed_query(shop, secret, now, customer, prefix, **extra)


def proxy_url(path: str, shop: str, secret: str, now: datetime, customer: str | None = None, **extra: str) -> str:
    """`/proxy/<path>?<signed query>`."""
    return f"/proxy/{path.lstrip('/')}?{proxy_query(shop, secret, now, customer, **extra)}"
