"""What a webhook delivery is answered, whoever hands it over: the views, or the layer in front of Flask."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from app.container import Container
from app.platforms.woocommerce.webhooks import is_ping
from app.services import intake, shops

log = logging.getLogger(__name__)

PLATFORMS = ("shopify", "woocommerce")


def accept(c: Container, platform: str, headers: dict[str, str], body: bytes) -> str:
    """Verify, parse and take in one delivery (headers lower-cased); its outcome (WebhookAckSchema).

    A bad signature raises InvalidSignature, a malformed delivery MalformedPayload: the app's error map answers
    them (401, 400). A WooCommerce webhook's creation ping and a delivery for a shop we do not know are answered
    without a signature to check.
    """
    if platform == "woocommerce" and is_ping(headers, body):
        return "ping"
    adapter = c.webhook_adapters[platform]
    secrets = _SECRETS[platform](c, adapter.shop_domain(headers))
    if secrets is None:
        log.warning("webhook for unknown shop", extra={"shop": adapter.shop_domain(headers), "platform": platform})
        return "unknown_shop"
    adapter.verify(headers, body, secrets)
    delivery = adapter.parse(headers, body)
    return intake.receive_delivery(c.uow(), delivery, c.clock.now(), c.shop_copies).outcome


def ack(outcome: str) -> bytes:
    """The answer's body, encoded once per outcome: the platforms wait for it, and dumping a one-field schema per
    delivery was a measurable share of the view."""
    body = _ACKS.get(outcome)
    if body is None:
        body = _ACKS[outcome] = json.dumps({"outcome": outcome}).encode()
    return body


def headers_of(environ: dict[str, Any]) -> dict[str, str]:
    """A WSGI request's headers with lower-cased names (what `accept` takes), read straight from its environ."""
    headers = {key[5:].replace("_", "-").lower(): value for key, value in environ.items() if key.startswith("HTTP_")}
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.replace("_", "-").lower()] = environ[key]
    return headers


def _shopify_secrets(c: Container, _domain: str | None) -> list[str] | None:
    return c.shopify_secrets()  # one app secret for every shop: an unknown shop is the intake's to tell


def _woocommerce_secrets(c: Container, domain: str | None) -> list[str] | None:
    # Each shop signs with its own secret: without a shop that has one there is nothing to check against.
    if not domain:
        return []
    return shops.webhook_secrets(c.uow(), c.box, "woocommerce", domain) or None


_SECRETS: dict[str, Callable[[Container, str | None], list[str] | None]] = {
    "shopify": _shopify_secrets,
    "woocommerce": _woocommerce_secrets,
}
_ACKS: dict[str, bytes] = {}
