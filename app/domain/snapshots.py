"""Platform-neutral snapshots: what the platform adapters turn webhook payloads and API answers into."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

ZERO = Decimal("0")


@dataclass(frozen=True)
class LineItem:
    """One line of an order, as the shopper bought it."""

    ref: str
    product_ref: str | None
    title: str
    quantity: int
    amount: Decimal  # after line discounts, without tax
    sku: str | None = None
    paid: Decimal | None = None  # what the shopper paid for it in the shop's price basis (with tax where included)


@dataclass(frozen=True)
class RefundSnapshot:
    """One refund of an order; refunds only ever accumulate, so they are merged by `refund_ref`."""

    order_ref: str
    refund_ref: str
    lines_amount: (
        Decimal  # refunded line subtotals, in the shop's price basis (tax-inclusive shops: with tax)
    )
    lines_tax: Decimal  # tax on those lines
    shipping: Decimal  # refunded shipping without its tax
    total: Decimal  # money actually refunded; what lines and shipping don't explain is an amount-only refund
    created_at: datetime | None = None
    shipping_tax: Decimal = ZERO  # tax on the refunded shipping
    itemised: bool = True  # False when only `total` is known (WooCommerce's order payload): lines come later


@dataclass(frozen=True)
class CustomerSnapshot:
    """The shop's customer record. `accepts_marketing`: True subscribed, False consent withdrawn (unsubscribed
    at the shop), None when the record does not say (never asked, or a platform that keeps no consent)."""

    customer_ref: str
    email: str | None
    first_name: str | None = None
    last_name: str | None = None
    accepts_marketing: bool | None = None
    locale: str | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class OrderSnapshot:
    """The whole state of an order at one moment (DESIGN §4.2: reconcile, don't increment)."""

    order_ref: str
    name: str
    currency: str
    created_at: datetime
    updated_at: datetime
    is_paid: bool
    is_cancelled: bool
    merchandise: Decimal  # line items after discounts, without tax and shipping
    shipping: Decimal
    tax: Decimal
    total: Decimal
    customer: CustomerSnapshot | None = None
    email: str | None = None
    paid_at: datetime | None = None
    cancelled_at: datetime | None = None
    fulfilled_at: datetime | None = None
    financial_status: str = ""
    refunds: tuple[RefundSnapshot, ...] = ()
    line_items: tuple[LineItem, ...] = ()
    discount_codes: tuple[str, ...] = ()
    shipping_address_key: str | None = None  # normalised address, for referral fraud checks
    is_test: bool = False
    taxes_included: bool = False  # prices (and refund line subtotals) include tax
    # `refunds` lists every refund the order has (WooCommerce, where a refund can be deleted): one missing
    # from a newer snapshot was deleted. False where refunds are only ever added (Shopify).
    refunds_complete: bool = False
    # The order came back from the shop's trash (WooCommerce order.restored, whose payload is built when it is
    # sent): it replaces a deletion, which is stamped with when it arrived, whatever the order's own dates say.
    restores: bool = False


@dataclass(frozen=True)
class OrderDeleted:
    """The order is gone from the shop (WooCommerce trash, Shopify orders/delete): treated like a cancellation."""

    order_ref: str


@dataclass(frozen=True)
class Ignored:
    """A delivery that is valid but carries nothing to do (ping, unhandled topic, checkout draft)."""

    reason: str


@dataclass(frozen=True)
class CustomerRedactRequest:
    """Privacy: anonymise one customer."""

    customer_ref: str | None
    email: str | None
    order_refs: tuple[str, ...] = ()


@dataclass(frozen=True)
class CustomerDataRequest:
    """Privacy: export one customer's data for the merchant."""

    customer_ref: str | None
    email: str | None
    request_ref: str | None = None


@dataclass(frozen=True)
class ShopRedactRequest:
    """Privacy: delete all of a shop's data."""


@dataclass(frozen=True)
class AppUninstalled:
    """The merchant removed the app."""


@dataclass(frozen=True)
class FulfillmentSnapshot:
    """A fulfilment of an order (Shopify fulfillments/*)."""

    order_ref: str
    fulfilled_at: datetime


Event = (
    OrderSnapshot
    | RefundSnapshot
    | CustomerSnapshot
    | OrderDeleted
    | Ignored
    | CustomerRedactRequest
    | CustomerDataRequest
    | ShopRedactRequest
    | AppUninstalled
    | FulfillmentSnapshot
)


@dataclass(frozen=True)
class Delivery:
    """A verified webhook delivery: who sent it, its id and topic, the raw body and what it means."""

    platform: str
    shop_domain: str
    delivery_id: str
    topic: str
    body: bytes
    event: Event
    headers: dict[str, str] = field(default_factory=dict)
