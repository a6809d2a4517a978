"""The webhook workload: many shops, many shoppers, signed ~3 KB Shopify orders, refunds and duplicates."""

from __future__ import annotations

import json
import random
import zlib
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import harness
from loadgen import build_request

from app.demo import history
from app.demo import shopify_payloads as payloads
from app.security import hmac_sha256_base64

DUPLICATE_SHARE = 0.05  # Shopify redelivers: the same X-Shopify-Webhook-Id again


@dataclass(frozen=True)
class Workload:
    """Prebuilt requests per sender, and how many distinct deliveries they carry."""

    senders: list[list[bytes]]
    unique: int
    duplicates: int
    topics: dict[str, int]
    body_bytes: int


def shop_domain(index: int) -> str:
    return f"bench-shop-{index:03d}.myshopify.com"


def register_shops(count: int, url: str = harness.DATABASE_URL) -> None:
    """Register `count` Shopify shops through the product's own service."""
    from app.config import Settings
    from app.container import Container
    from app.services.shops import NewShop, add_shop

    settings = Settings.from_env({"database_url": url, "secret_key": harness.SECRET_KEY})
    container = Container(settings)
    try:
        for index in range(count):
            new = NewShop("shopify", shop_domain(index), name=f"Rösterei {index}", access_token="shpat_bench")
            add_shop(container.uow(), container.box, new, container.clock.now())
    finally:
        container.dispose()


def build(shops: int, requests: int, *, tag: int = 0, seed: int = 7, senders: int = harness.SENDERS) -> Workload:
    """About `requests` signed deliveries in per-shopper time order, spread over `senders` lists.

    Each shopper's deliveries go to one sender, in the order Shopify would send them, so a refund never
    overtakes its order; shops and shoppers interleave across senders. `tag` shifts every id so a second
    workload against the same database is new work of the same shape.
    """
    rng = random.Random(seed + tag)
    now = datetime.now(UTC)
    lists: list[list[bytes]] = [[] for _ in range(senders)]
    topics: dict[str, int] = {}
    unique = duplicates = body_bytes = 0
    per_shop = max(1, requests // shops)
    for shop in range(shops):
        domain = shop_domain(shop)
        produced = 0
        for shopper, deliveries in _shop_history(rng, per_shop, tag, now):
            target = lists[zlib.crc32(f"{domain}/{shopper}".encode()) % senders]
            for topic, body, delivery_id in deliveries:
                raw = _request(domain, topic, body, delivery_id)
                target.append(raw)
                topics[topic] = topics.get(topic, 0) + 1
                unique += 1
                body_bytes += len(body)
                if rng.random() < DUPLICATE_SHARE:
                    target.append(raw)
                    duplicates += 1
                produced += 1
            if produced >= per_shop:
                break
    return Workload(lists, unique, duplicates, topics, body_bytes // max(unique, 1))


def _shop_history(rng: random.Random, deliveries: int, tag: int, now: datetime) -> Any:
    shoppers = history.make_shoppers(rng, max(10, deliveries // 6))
    offset = tag * 10_000_000
    shoppers = [replace(s, customer_id=None if s.customer_id is None else s.customer_id + offset,
                        email=f"t{tag}.{s.email}") for s in shoppers]
    orders = history.make_orders(rng, shoppers, now - timedelta(days=365), now)
    for order in orders:
        order.order_id += offset
    by_shopper: dict[str, list[tuple[str, bytes, str]]] = {}
    for event in history.make_events(orders, now):
        subject = event.subject
        email = subject.email if isinstance(subject, history.Shopper) else subject.shopper.email  # type: ignore[attr-defined]
        by_shopper.setdefault(email, []).extend(_deliveries(event))
    return by_shopper.items()


def _deliveries(event: history.DemoEvent) -> list[tuple[str, bytes, str]]:
    at = event.at
    if isinstance(event.subject, history.Shopper):
        shopper = event.subject
        return [_encoded("customers/create", payloads.customer(shopper, at), f"c-{shopper.customer_id}")]
    order = event.subject
    assert isinstance(order, history.DemoOrder)
    key = f"o-{order.order_id}"
    if event.topic in {"orders/create", "orders/paid"}:
        status = "pending" if event.topic == "orders/create" else "paid"
        return [_encoded(event.topic, payloads.order(order, at, status=status), f"{key}-{status}")]
    if event.topic == "orders/cancelled":
        body = payloads.order(order, at, status="voided", cancelled_at=at)
        return [_encoded("orders/cancelled", body, f"{key}-cancelled")]
    refund = payloads.refund(order, at, order.order_id + 1)
    status = "refunded" if order.fate == "full_refund" else "partially_refunded"
    updated = payloads.order(order, at + timedelta(seconds=1), status=status, refunds=[refund])
    return [_encoded("refunds/create", refund, f"{key}-refund"), _encoded("orders/updated", updated, f"{key}-upd")]


def _encoded(topic: str, payload: dict[str, Any], delivery_id: str) -> tuple[str, bytes, str]:
    return topic, json.dumps(payload).encode(), delivery_id


def _request(domain: str, topic: str, body: bytes, delivery_id: str) -> bytes:
    headers = {
        "Content-Type": "application/json",
        "X-Shopify-Topic": topic,
        "X-Shopify-Shop-Domain": domain,
        "X-Shopify-Hmac-Sha256": hmac_sha256_base64(harness.SHOPIFY_SECRET, body),
        "X-Shopify-Webhook-Id": f"{domain[:14]}-{delivery_id}",
        "X-Shopify-API-Version": "2025-10",
    }
    return build_request("POST", "/webhooks/shopify", headers, body)
