"""Signed webhook headers, payload fixtures and PHP-style JSON for tests."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.security import hmac_sha256_base64

PAYLOADS = Path(__file__).resolve().parent.parent / "payloads"
SHOPIFY_API_VERSION = "2025-07"
WOOCOMMERCE_USER_AGENT = "WooCommerce/9.8.5 Hookshot (WordPress/6.8.1)"
WOOCOMMERCE_WEBHOOK_ID = "17"


def load_payload(platform: str, name: str) -> dict[str, Any]:
    """The fixture tests/payloads/<platform>/<name>.json as a dict."""
    payload = json.loads((PAYLOADS / platform / f"{name}.json").read_text(encoding="utf-8"))
    assert isinstance(payload, dict)
    return payload


def php_json(obj: object) -> bytes:
    """Encode like PHP's `json_encode` defaults: compact, non-ASCII as \\uXXXX, "/" as "\\/"."""
    # "/" can only occur inside JSON strings, so escaping it after encoding is safe.
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=True).replace("/", "\\/").encode("ascii")


def shopify_headers(
    body: bytes, topic: str, shop: str, secret: str, webhook_id: str | None = None
) -> dict[str, str]:
    """Every header Shopify sends with a delivery, signed with `secret`."""
    triggered_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return {
        "Content-Type": "application/json",
        "X-Shopify-Topic": topic,
        "X-Shopify-Hmac-Sha256": hmac_sha256_base64(secret, body),
        "X-Shopify-Shop-Domain": shop,
        "X-Shopify-API-Version": SHOPIFY_API_VERSION,
        "X-Shopify-Webhook-Id": webhook_id or str(uuid.uuid4()),
        "X-Shopify-Triggered-At": triggered_at,
        "X-Shopify-Event-Id": str(uuid.uuid4()),
    }


def woocommerce_headers(
    body: bytes, topic: str, source_url: str, secret: str, delivery_id: str | None = None
) -> dict[str, str]:
    """Every header WooCommerce sends with a delivery, signed with `secret` (used as given)."""
    resource, _, event = topic.partition(".")
    return {
        "Content-Type": "application/json",
        "User-Agent": WOOCOMMERCE_USER_AGENT,
        "X-WC-Webhook-Source": source_url,
        "X-WC-Webhook-Topic": topic,
        "X-WC-Webhook-Resource": resource,
        "X-WC-Webhook-Event": event,
        "X-WC-Webhook-Signature": hmac_sha256_base64(secret, body),
        "X-WC-Webhook-ID": WOOCOMMERCE_WEBHOOK_ID,
        "X-WC-Webhook-Delivery-ID": delivery_id or uuid.uuid4().hex,
    }
