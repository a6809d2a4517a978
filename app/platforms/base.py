"""The ports the services depend on: webhook adapters and the shop's Admin API client."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from app.domain.snapshots import (
    CustomerSnapshot,
    Delivery,
    Event,
    OrderSnapshot,
    RefundSnapshot,
)

__all__ = [
    "CouponSpec",
    "CustomerSnapshot",
    "Delivery",
    "Event",
    "OrderSnapshot",
    "PlatformClient",
    "PushedCoupon",
    "RefundSnapshot",
    "ShopCredentials",
    "ShopDetails",
    "WebhookAdapter",
]


class WebhookAdapter(Protocol):
    """Verifies and parses one platform's webhook deliveries. Verification always comes before parsing."""

    platform: str

    def shop_domain(self, headers: Mapping[str, str]) -> str | None:
        """The shop the delivery claims to come from (normalised), or None when absent."""
        ...

    def verify(self, headers: Mapping[str, str], body: bytes, secrets: list[str]) -> None:
        """Raise `InvalidSignature` unless the body's signature matches one of the secrets (constant time)."""
        ...

    def parse(self, headers: Mapping[str, str], body: bytes) -> Delivery:
        """Turn a verified delivery into a neutral `Delivery`; raise `MalformedPayload` on bad input."""
        ...


@dataclass(frozen=True)
class ShopCredentials:
    """What a client needs to call one shop's Admin API (decrypted only for the call)."""

    platform: str
    domain: str  # myshopify domain, or the WooCommerce base URL
    access_token: str | None = None  # Shopify
    consumer_key: str | None = None  # WooCommerce
    consumer_secret: str | None = None  # WooCommerce


@dataclass(frozen=True)
class CouponSpec:
    """A single-use code restricted to one shopper, as the services ask for it."""

    code: str
    title: str
    kind: str  # fixed_amount | percentage | free_shipping
    value: Decimal  # amount in the shop currency, or percent (10 = 10 %); 0 for free shipping
    currency: str
    customer_ref: str | None  # platform customer id (Shopify restriction)
    email: str | None  # WooCommerce email restriction
    minimum_order: Decimal | None
    starts_at: datetime
    ends_at: datetime | None
    idempotency_key: str  # the same key never creates a second code


@dataclass(frozen=True)
class PushedCoupon:
    """What the platform answered: its id for the discount."""

    platform_ref: str


@dataclass(frozen=True)
class ShopDetails:
    """What the platform says about the shop itself (shown to shoppers and merchants), as it says it."""

    name: str
    currency: str  # ISO 4217, e.g. "EUR"
    locale: str | None  # the shop's main language ("de", "de-DE", "en_US", ...), None when the platform has none
    address: str | None = None  # where the shop says it lives (WordPress's home URL), None when it does not say


class PlatformClient(Protocol):
    """The shop's Admin API, as the services need it. Raises `PlatformUnavailable` (retryable: 429, 5xx,
    timeouts; carries `retry_after`) or `PlatformRejected` (validation errors: not retryable)."""

    def create_coupon(self, shop: ShopCredentials, coupon: CouponSpec) -> PushedCoupon:
        """Create the code in the shop. If a code with that exact `code` already exists, return it (retries)."""
        ...

    def deactivate_coupon(self, shop: ShopCredentials, platform_ref: str) -> None:
        """Make an issued code unusable (refunded order's thank-you coupon)."""
        ...

    def find_coupon(self, shop: ShopCredentials, code: str) -> str | None:
        """The platform's id of the discount with exactly this code, or None when the shop has none."""
        ...

    def orders_changed_since(self, shop: ShopCredentials, since: datetime) -> Iterator[OrderSnapshot]:
        """Every order changed since `since`, oldest first, paginated, within the platform's rate limits."""
        ...

    def register_webhooks(self, shop: ShopCredentials, topics: Mapping[str, str], secret: str | None) -> None:
        """Subscribe the topics (topic → absolute callback URL); idempotent."""
        ...

    def shop_details(self, shop: ShopCredentials) -> ShopDetails:
        """The shop's name, currency and main language, read from its Admin API."""
        ...

    def record_marketing_consent(self, shop: ShopCredentials, customer_ref: str, consented_at: datetime) -> None:
        """Record that the customer opted in to email marketing (single opt-in) at `consented_at`; idempotent."""
        ...
