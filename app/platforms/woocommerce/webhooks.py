"""WooCommerce webhook adapter: ping detection, HMAC verification and topic dispatch (PLATFORMS §4)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import replace

from app.domain.errors import InvalidSignature, MalformedPayload
from app.domain.shops import normalise_woocommerce_url
from app.domain.snapshots import Delivery, Event, Ignored, OrderDeleted, OrderSnapshot
from app.platforms.payload import ref
from app.platforms.shopify.webhooks import load_object, normalise_headers
from app.platforms.woocommerce.parse import is_draft, order_status, parse_customer, parse_order
from app.security import hmac_sha256_base64, signatures_match

PING_BODY = re.compile(rb"\s*webhook_id=\d+\s*")
ORDER_TOPICS = frozenset({"order.created", "order.updated", "order.restored"})
CUSTOMER_TOPICS = frozenset({"customer.created", "customer.updated"})
REQUIRED_HEADERS = ("x-wc-webhook-topic", "x-wc-webhook-delivery-id")
# wp_specialchars_decode($secret, ENT_QUOTES): the five entities and their numeric forms, once, nothing else.
WP_ENTITIES = re.compile(r"&(?:quot|lt|gt|amp|#0*(?:39|34|60|62|38)|#[xX]0*(?:27|22|26));")
WP_ENTITY_CHARS = {"quot": '"', "lt": "<", "gt": ">", "amp": "&", "39": "'", "34": '"', "60": "<", "62": ">"}
WP_ENTITY_CHARS |= {"38": "&", "27": "'", "22": '"', "26": "&"}


def wp_specialchars_decode(secret: str) -> str:
    """WordPress `wp_specialchars_decode(..., ENT_QUOTES)`: WooCommerce applies it to the secret when signing.

    Unlike `html.unescape` it reads only `&amp; &lt; &gt; &quot; &#039;` (and numeric forms), so a secret
    containing e.g. `&copy` stays as typed.
    """

    def replace(match: re.Match[str]) -> str:
        entity = match.group(0)[1:-1].lstrip("#").lstrip("xX").lstrip("0")
        return WP_ENTITY_CHARS[entity]

    return WP_ENTITIES.sub(replace, secret)


def is_ping(headers: Mapping[str, str], body: bytes) -> bool:
    """WooCommerce's activation ping: form body `webhook_id=<n>`, no signature header (PLATFORMS §4.3)."""
    if normalise_headers(headers).get("x-wc-webhook-signature"):
        return False
    return PING_BODY.fullmatch(body) is not None


def _order_event(payload: dict[str, object]) -> Event:
    if is_draft(payload):
        return Ignored(f"order status {order_status(payload)[:32]}")
    return parse_order(payload)


def _event(topic: str, payload: dict[str, object]) -> Event:
    if topic == "order.restored":
        event = _order_event(payload)
        return replace(event, restores=True) if isinstance(event, OrderSnapshot) else event
    if topic in ORDER_TOPICS:
        return _order_event(payload)
    if topic == "order.deleted":
        return OrderDeleted(ref(payload.get("id"), "id"))
    if topic in CUSTOMER_TOPICS:
        return parse_customer(payload)
    return Ignored(f"unhandled topic {topic[:64]}")


class WooCommerceWebhookAdapter:
    """Verifies `X-WC-Webhook-Signature` and parses WooCommerce deliveries into a `Delivery`."""

    platform = "woocommerce"

    def shop_domain(self, headers: Mapping[str, str]) -> str | None:
        """The normalised `X-WC-Webhook-Source` URL, or None when absent or not a URL."""
        source = normalise_headers(headers).get("x-wc-webhook-source", "")
        try:
            return normalise_woocommerce_url(source) if source.strip() else None
        except ValueError:
            return None

    def verify(self, headers: Mapping[str, str], body: bytes, secrets: list[str]) -> None:
        """Accept the body if its base64 HMAC-SHA256 matches any secret, entity-decoded as WordPress does."""
        given = normalise_headers(headers).get("x-wc-webhook-signature")
        matches = [
            signatures_match(hmac_sha256_base64(wp_specialchars_decode(secret), body), given)
            for secret in secrets
            if secret
        ]
        if not any(matches):
            raise InvalidSignature()

    def parse(self, headers: Mapping[str, str], body: bytes) -> Delivery:
        """Turn a verified delivery into a `Delivery`; `MalformedPayload` on missing headers or bad fields."""
        normalised = normalise_headers(headers)
        missing = {name: "is required" for name in REQUIRED_HEADERS if not normalised.get(name, "").strip()}
        shop = self.shop_domain(headers)
        if shop is None:
            missing["x-wc-webhook-source"] = "must be the shop URL"
        if missing:
            raise MalformedPayload(errors=missing)
        topic = normalised["x-wc-webhook-topic"].strip().lower()
        payload = load_object(body)
        return Delivery(
            platform=self.platform,
            shop_domain=shop or "",
            delivery_id=delivery_key(normalised["x-wc-webhook-delivery-id"].strip(), body),
            topic=topic,
            body=body,
            event=_event(topic, payload),
            headers={key: value for key, value in normalised.items() if key.startswith("x-wc-webhook-")},
        )


def delivery_key(delivery_id: str, body: bytes) -> str:
    """What makes a WooCommerce delivery itself: its Delivery-ID and a digest of its body.

    WooCommerce's Delivery-ID is `wp_hash(webhook_id . time())` (PLATFORMS.md §4.1): the same for every delivery
    of one webhook within one second, so two orders sent in the same second would share it and the second would
    be taken for a duplicate and dropped (WooCommerce never retries). The same bytes under the same id are the
    same delivery sent twice; anything else is a delivery of its own."""
    return f"{delivery_id}:{hashlib.sha256(body).hexdigest()[:16]}"
