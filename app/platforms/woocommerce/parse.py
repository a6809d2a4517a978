"""Pure functions that turn WooCommerce REST v3 payloads (orders, customers) into neutral snapshots."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from app.domain.snapshots import ZERO, CustomerSnapshot, LineItem, OrderSnapshot, RefundSnapshot
from app.platforms.payload import (
    CURRENCY,
    address_key,
    amount,
    email,
    fail,
    obj,
    objects,
    opt_ref,
    opt_timestamp,
    quantity,
    ref,
    text,
    timestamp,
)

# PLATFORMS §4.5: core's paid statuses, and local pickup's (WooCommerce 11.3+), which comes after payment.
PAID_STATUSES = frozenset({"processing", "completed", "refunded", "ready-for-pickup"})
CANCELLED_STATUSES = frozenset({"cancelled", "trash"})
DRAFT_STATUSES = frozenset({"checkout-draft", "draft", "auto-draft", "new"})
# Core's statuses of an order not (or no longer) paid for. Any other status is an extension's (e.g. "shipped"),
# which a shop moves paid orders into: there `date_paid` tells (PLATFORMS §4.5: paid ⇔ date_paid set).
UNPAID_STATUSES = frozenset({"pending", "on-hold", "failed"}) | CANCELLED_STATUSES | DRAFT_STATUSES


def order_status(payload: dict[str, Any]) -> str:
    """The order's status, lower-cased; `MalformedPayload` when missing."""
    status = text(payload.get("status"), 64)
    if not status:
        fail("status", "is required")
    return status.lower()


def is_draft(payload: dict[str, Any]) -> bool:
    """Block-checkout drafts and other not-yet-orders, which WooCommerce still sends (PLATFORMS §4.4)."""
    return order_status(payload) in DRAFT_STATUSES


def is_paid(status: str, paid_at: datetime | None) -> bool:
    """Paid in a paid status of core's, or in an extension's status once WooCommerce has set `date_paid`."""
    return status in PAID_STATUSES or (status not in UNPAID_STATUSES and paid_at is not None)


def parse_customer(payload: dict[str, Any]) -> CustomerSnapshot:
    """A customer.created / customer.updated payload."""
    billing = obj(payload.get("billing"), "billing")
    return CustomerSnapshot(
        customer_ref=ref(payload.get("id"), "id"),
        email=email(payload.get("email")) or email(billing.get("email")),
        first_name=text(payload.get("first_name")) or text(billing.get("first_name")),
        last_name=text(payload.get("last_name")) or text(billing.get("last_name")),
        updated_at=opt_timestamp(payload.get("date_modified_gmt"), "date_modified_gmt"),
    )


def _line_item(item: dict[str, Any]) -> LineItem:
    return LineItem(
        ref=ref(item.get("id"), "line_items.id"),
        product_ref=opt_ref(item.get("product_id"), "line_items.product_id"),
        title=text(item.get("name")) or "",
        quantity=quantity(item.get("quantity"), "line_items.quantity"),
        amount=amount(item.get("total"), "line_items.total"),  # after coupons, without tax
        sku=text(item.get("sku")),
    )


def _refund(entry: dict[str, Any], order_ref: str) -> RefundSnapshot:
    # The order payload only lists {id, reason, total}; total is negative ("-10.00").
    refunded = amount(entry.get("total"), "refunds.total", signed=True)
    return RefundSnapshot(
        order_ref=order_ref,
        refund_ref=ref(entry.get("id"), "refunds.id"),
        lines_amount=ZERO,
        lines_tax=ZERO,
        shipping=ZERO,
        total=abs(refunded),
        itemised=False,  # its lines come from GET orders/{id}/refunds (app/services/refund_items.py)
    )


def parse_refund(payload: dict[str, Any], order_ref: str) -> RefundSnapshot:
    """A `GET orders/{id}/refunds` entry, itemised: WooCommerce stores the refunded lines with negative
    quantities and amounts, line and shipping `total` without tax, `total_tax` apart; `amount` is positive."""
    lines = objects(payload.get("line_items"), "line_items")
    shipping = objects(payload.get("shipping_lines"), "shipping_lines")
    return RefundSnapshot(
        order_ref=order_ref,
        refund_ref=ref(payload.get("id"), "id"),
        lines_amount=_sum_abs(lines, "total", "line_items"),
        lines_tax=_sum_abs(lines, "total_tax", "line_items"),
        shipping=_sum_abs(shipping, "total", "shipping_lines"),
        shipping_tax=_sum_abs(shipping, "total_tax", "shipping_lines"),
        total=abs(amount(payload.get("amount"), "amount", ZERO, signed=True)),
        created_at=opt_timestamp(payload.get("date_created_gmt"), "date_created_gmt"),
    )


def _sum_abs(entries: list[dict[str, Any]], key: str, field: str) -> Decimal:
    return sum((abs(amount(e.get(key), f"{field}.{key}", ZERO, signed=True)) for e in entries), ZERO)


def _customer(payload: dict[str, Any], billing: dict[str, Any]) -> CustomerSnapshot | None:
    customer_id = payload.get("customer_id")
    if customer_id in (None, 0, "0", ""):
        return None
    return CustomerSnapshot(
        customer_ref=ref(customer_id, "customer_id"),
        email=email(billing.get("email")),
        first_name=text(billing.get("first_name")),
        last_name=text(billing.get("last_name")),
    )


def _address_key(payload: dict[str, Any], billing: dict[str, Any]) -> str | None:
    shipping = obj(payload.get("shipping"), "shipping")
    address = shipping if text(shipping.get("address_1")) else billing
    return address_key(address.get("address_1"), address.get("postcode"), address.get("country"))


def _amounts(payload: dict[str, Any], line_items: tuple[LineItem, ...]) -> dict[str, Decimal]:
    return {
        "merchandise": sum((item.amount for item in line_items), ZERO),
        "shipping": amount(payload.get("shipping_total"), "shipping_total", ZERO),
        "tax": amount(payload.get("total_tax"), "total_tax", ZERO),
        "total": amount(payload.get("total"), "total"),
    }


def parse_order(payload: dict[str, Any]) -> OrderSnapshot:
    """An order.* payload: the whole order state; WooCommerce line totals exclude tax."""
    order_ref = ref(payload.get("id"), "id")
    status = order_status(payload)
    created_at = timestamp(payload.get("date_created_gmt"), "date_created_gmt")
    currency = payload.get("currency")
    if not isinstance(currency, str) or not CURRENCY.fullmatch(currency):
        fail("currency", "must be a three-letter currency code")
    billing = obj(payload.get("billing"), "billing")
    line_items = tuple(_line_item(item) for item in objects(payload.get("line_items"), "line_items"))
    number = payload.get("number")
    completed_at = opt_timestamp(payload.get("date_completed_gmt"), "date_completed_gmt")
    updated_at = opt_timestamp(payload.get("date_modified_gmt"), "date_modified_gmt") or created_at
    paid_at = opt_timestamp(payload.get("date_paid_gmt"), "date_paid_gmt")
    return OrderSnapshot(
        order_ref=order_ref,
        name=f"#{ref(number, 'number') if number not in (None, '') else order_ref}",
        currency=currency.upper(),
        created_at=created_at,
        updated_at=updated_at,
        is_paid=is_paid(status, paid_at),
        is_cancelled=status in CANCELLED_STATUSES,
        **_amounts(payload, line_items),
        customer=_customer(payload, billing),
        email=email(billing.get("email")),
        paid_at=paid_at,
        cancelled_at=updated_at if status in CANCELLED_STATUSES else None,  # WooCommerce keeps no cancel date
        fulfilled_at=completed_at if status == "completed" else None,
        financial_status=status,
        refunds=tuple(_refund(entry, order_ref) for entry in objects(payload.get("refunds"), "refunds")),
        refunds_complete=True,
        line_items=line_items,
        discount_codes=tuple(
            code for c in objects(payload.get("coupon_lines"), "coupon_lines") if (code := text(c.get("code")))
        ),
        shipping_address_key=_address_key(payload, billing),
        taxes_included=False,
    )
