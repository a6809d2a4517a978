"""Shopify webhook adapter: HMAC verification and topic dispatch into neutral events (PLATFORMS §1)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from app.domain.errors import InvalidSignature, MalformedPayload
from app.domain.snapshots import (
    AppUninstalled,
    CustomerDataRequest,
    CustomerRedactRequest,
    Delivery,
    Event,
    FulfillmentSnapshot,
    Ignored,
    OrderDeleted,
    ShopRedactRequest,
)
from app.platforms.payload import email, obj, ref, timestamp
from app.platforms.shopify.parse import parse_customer, parse_order
from app.platforms.shopify.refunds import parse_refund
from app.security import hmac_sha256_base64, signatures_match

ORDER_TOPICS = frozenset(
    {
        "orders/create",
        "orders/paid",
        "orders/updated",
        "orders/cancelled",
        "orders/fulfilled",
        "orders/partially_fulfilled",
    }
)
REQUIRED_HEADERS = ("x-shopify-topic", "x-shopify-shop-domain", "x-shopify-webhook-id")


def normalise_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Lower-case header names (HTTP/2 lowercases them anyway); works for dicts and werkzeug `Headers`."""
    return {str(key).lower(): str(value) for key, value in headers.items()}


def load_object(body: bytes) -> dict[str, Any]:
    """The body as a JSON object, or `MalformedPayload`."""
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        raise MalformedPayload(errors={"body": "not valid JSON"}) from None
    if not isinstance(payload, dict):
        raise MalformedPayload(errors={"body": "must be a JSON object"})
    return payload


def _fulfillment(payload: dict[str, Any]) -> Event:
    if payload.get("status") != "success":
        return Ignored(f"fulfillment status {str(payload.get('status'))[:32]}")
    return FulfillmentSnapshot(
        order_ref=ref(payload.get("order_id"), "order_id"),
        fulfilled_at=timestamp(payload.get("created_at"), "created_at"),
    )


def _customer_refs(payload: dict[str, Any]) -> tuple[str | None, str | None]:
    customer = obj(payload.get("customer"), "customer")
    customer_id = customer.get("id")
    return (None if customer_id is None else ref(customer_id, "customer.id")), email(customer.get("email"))


def _data_request(payload: dict[str, Any]) -> Event:
    customer_ref, customer_email = _customer_refs(payload)
    request_id = obj(payload.get("data_request"), "data_request").get("id")
    request_ref = None if request_id is None else ref(request_id, "data_request.id")
    return CustomerDataRequest(customer_ref=customer_ref, email=customer_email, request_ref=request_ref)


def _redact(payload: dict[str, Any]) -> Event:
    customer_ref, customer_email = _customer_refs(payload)
    orders = payload.get("orders_to_redact") or []
    if not isinstance(orders, list):
        raise MalformedPayload(errors={"orders_to_redact": "must be a list of ids"})
    order_refs = tuple(ref(order_id, "orders_to_redact") for order_id in orders)
    return CustomerRedactRequest(customer_ref=customer_ref, email=customer_email, order_refs=order_refs)


HANDLERS: dict[str, Callable[[dict[str, Any]], Event]] = {
    **dict.fromkeys(ORDER_TOPICS, parse_order),
    # orders/edited carries {order_edit: {...}}, not an order; orders/updated follows with the new state.
    "orders/edited": lambda _: Ignored("orders/edited"),
    "orders/delete": lambda payload: OrderDeleted(ref(payload.get("id"), "id")),
    "refunds/create": parse_refund,
    "customers/create": parse_customer,
    "customers/update": parse_customer,
    "customers/delete": lambda _: Ignored("customers/delete"),
    "fulfillments/create": _fulfillment,
    "fulfillments/update": _fulfillment,
    "app/uninstalled": lambda _: AppUninstalled(),
    "customers/data_request": _data_request,
    "customers/redact": _redact,
    "shop/redact": lambda _: ShopRedactRequest(),
}


class ShopifyWebhookAdapter:
    """Verifies `X-Shopify-Hmac-Sha256` and parses Shopify deliveries into a `Delivery`."""

    platform = "shopify"

    def shop_domain(self, headers: Mapping[str, str]) -> str | None:
        """The lower-cased `X-Shopify-Shop-Domain`, or None."""
        domain = normalise_headers(headers).get("x-shopify-shop-domain", "").strip().lower()
        return domain or None

    def verify(self, headers: Mapping[str, str], body: bytes, secrets: list[str]) -> None:
        """Accept the body if its base64 HMAC-SHA256 matches any secret: current or previous (§1.2)."""
        given = normalise_headers(headers).get("x-shopify-hmac-sha256")
        matches = [signatures_match(hmac_sha256_base64(secret, body), given) for secret in secrets if secret]
        if not any(matches):
            raise InvalidSignature()

    def parse(self, headers: Mapping[str, str], body: bytes) -> Delivery:
        """Turn a verified delivery into a `Delivery`; `MalformedPayload` on missing headers or bad fields."""
        normalised = normalise_headers(headers)
        missing = {name: "is required" for name in REQUIRED_HEADERS if not normalised.get(name, "").strip()}
        if missing:
            raise MalformedPayload(errors=missing)
        topic = normalised["x-shopify-topic"].strip().lower()
        payload = load_object(body)
        handler = HANDLERS.get(topic)
        event = handler(payload) if handler else Ignored(f"unhandled topic {topic[:64]}")
        return Delivery(
            platform=self.platform,
            shop_domain=normalised["x-shopify-shop-domain"].strip().lower(),
            delivery_id=normalised["x-shopify-webhook-id"].strip(),
            topic=topic,
            body=body,
            event=event,
            headers={key: value for key, value in normalised.items() if key.startswith("x-shopify-")},
        )
