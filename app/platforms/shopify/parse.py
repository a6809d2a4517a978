"""Pure functions that turn Shopify REST payloads (orders, refunds, customers) into neutral snapshots."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from app.domain.errors import MalformedPayload
from app.domain.snapshots import ZERO, CustomerSnapshot, LineItem, OrderSnapshot, RefundSnapshot
from app.platforms.payload import (
    CURRENCY,
    address_key,
    amount,
    email,
    fail,
    money,
    obj,
    objects,
    opt_ref,
    opt_timestamp,
    quantity,
    ref,
    text,
    timestamp,
)

PAID_STATUSES = frozenset({"paid", "partially_refunded", "refunded"})


def _signed_money(payload: dict[str, Any], key: str, field: str) -> Decimal:
    money_set = obj(payload.get(f"{key}_set"), f"{field}_set")
    raw = obj(money_set.get("shop_money"), f"{field}_set").get("amount", payload.get(key))
    return amount(raw, field, signed=True)


def _tax(lines: Iterable[dict[str, Any]], field: str) -> Decimal:
    return sum(
        (
            money(tax, "price", f"{field}.tax_lines.price")
            for line in lines
            for tax in objects(line.get("tax_lines"), f"{field}.tax_lines")
        ),
        ZERO,
    )


# email_marketing_consent.state values that take a consent back; "not_subscribed" only says none was given.
WITHDRAWN = ("unsubscribed", "redacted", "invalid")


def parse_customer(payload: dict[str, Any], fallback_email: str | None = None) -> CustomerSnapshot:
    """A Shopify customer (customers/* payload or an order's `customer`)."""
    consent = obj(payload.get("email_marketing_consent"), "customer.email_marketing_consent")
    state = consent.get("state")
    accepts: bool | None = None  # the record does not say: a widget opt-in stands
    if state in WITHDRAWN:
        accepts = False  # the shopper unsubscribed (or the address is gone): no marketing email from us either
    elif state == "subscribed" or payload.get("accepts_marketing") is True:
        accepts = True
    return CustomerSnapshot(
        customer_ref=ref(payload.get("id"), "customer.id"),
        email=email(payload.get("email")) or fallback_email,
        first_name=text(payload.get("first_name")),
        last_name=text(payload.get("last_name")),
        accepts_marketing=accepts,
        updated_at=opt_timestamp(payload.get("updated_at"), "customer.updated_at"),
    )


def _refund(payload: dict[str, Any], order_ref: str | None = None) -> RefundSnapshot:
    if order_ref is None or payload.get("order_id") is not None:
        order_ref = ref(payload.get("order_id"), "order_id")
    lines = objects(payload.get("refund_line_items"), "refund_line_items")
    lines_amount = sum((money(line, "subtotal", "refund_line_items.subtotal") for line in lines), ZERO)
    lines_tax = sum((money(line, "total_tax", "refund_line_items.total_tax", ZERO) for line in lines), ZERO)
    shipping = _refunded_shipping(payload)
    transactions = objects(payload.get("transactions"), "transactions")
    refunded = [t for t in transactions if t.get("kind") == "refund" and t.get("status") == "success"]
    total = sum((amount(t.get("amount"), "transactions.amount") for t in refunded), ZERO)
    return RefundSnapshot(
        order_ref=order_ref,
        refund_ref=ref(payload.get("id"), "id"),
        lines_amount=lines_amount,
        lines_tax=lines_tax,
        shipping=shipping,
        total=total if transactions else lines_amount + shipping,
        created_at=opt_timestamp(payload.get("created_at"), "created_at"),
    )


def _refunded_shipping(payload: dict[str, Any]) -> Decimal:
    # Current API versions report a shipping refund twice: as `refund_shipping_lines` and as a
    # `shipping_refund` order adjustment (shopify-app-js 2025-04 refund fixtures). Count it once.
    shipping_lines = objects(payload.get("refund_shipping_lines"), "refund_shipping_lines")
    if shipping_lines:
        field = "refund_shipping_lines.subtotal_amount"
        return sum((money(line, "subtotal_amount", field) for line in shipping_lines), ZERO)
    adjustments = objects(payload.get("order_adjustments"), "order_adjustments")
    shipping_refunds = [a for a in adjustments if a.get("kind") == "shipping_refund"]
    return sum((-_signed_money(a, "amount", "order_adjustments.amount") for a in shipping_refunds), ZERO)


def parse_refund(payload: dict[str, Any]) -> RefundSnapshot:
    """A refunds/create payload (or one entry of an order's `refunds`)."""
    return _refund(payload)


def _line_item(item: dict[str, Any], taxes_included: bool) -> LineItem:
    count = quantity(item.get("quantity"), "line_items.quantity")
    gross = money(item, "price", "line_items.price") * count
    allocations = objects(item.get("discount_allocations"), "line_items.discount_allocations")
    discount = sum((money(a, "amount", "line_items.discount_allocations.amount") for a in allocations), ZERO)
    if not allocations:  # legacy field; current checkouts report discounts only as allocations
        discount = money(item, "total_discount", "line_items.total_discount", ZERO)
    tax = _tax([item], "line_items") if taxes_included else ZERO
    return LineItem(
        ref=ref(item.get("id"), "line_items.id"),
        product_ref=opt_ref(item.get("product_id"), "line_items.product_id"),
        title=text(item.get("title")) or text(item.get("name")) or "",
        quantity=count,
        amount=max(ZERO, gross - discount - tax),
        sku=text(item.get("sku")),
    )


def _fulfilled_at(payload: dict[str, Any]) -> datetime | None:
    if payload.get("fulfillment_status") != "fulfilled":
        return None
    fulfillments = objects(payload.get("fulfillments"), "fulfillments")
    stamps = [timestamp(f.get("created_at"), "fulfillments.created_at") for f in fulfillments]
    return max(stamps, default=None)


def _order_customer(payload: dict[str, Any], order_email: str | None) -> CustomerSnapshot | None:
    customer = obj(payload.get("customer"), "customer")
    if customer.get("id") is None:
        return None
    snapshot = parse_customer(customer, fallback_email=order_email)
    locale = text(payload.get("customer_locale"), 16)
    if locale and locale[:2].isascii() and locale[:2].isalpha():
        snapshot = dataclasses.replace(snapshot, locale=locale[:2].lower())
    return snapshot


def _amounts(payload: dict[str, Any], taxes_included: bool) -> dict[str, Decimal]:
    line_items = objects(payload.get("line_items"), "line_items")
    shipping_lines = objects(payload.get("shipping_lines"), "shipping_lines")
    merchandise = money(payload, "subtotal_price", "subtotal_price")
    fallback = sum(
        (money(s, "discounted_price", "shipping_lines.discounted_price", ZERO) for s in shipping_lines), ZERO
    )
    shipping = money(payload, "total_shipping_price", "total_shipping_price", fallback)
    if taxes_included:
        merchandise -= _tax(line_items, "line_items")
        shipping -= _tax(shipping_lines, "shipping_lines")
    return {
        "merchandise": max(ZERO, merchandise),
        "shipping": max(ZERO, shipping),
        "tax": money(payload, "total_tax", "total_tax", ZERO),
        "total": money(payload, "total_price", "total_price"),
    }


def parse_order(payload: dict[str, Any]) -> OrderSnapshot:
    """An orders/* payload: the whole order state, amounts in shop currency, net of tax."""
    order_ref = ref(payload.get("id"), "id")
    created_at = timestamp(payload.get("created_at"), "created_at")
    taxes_included = payload.get("taxes_included") is True
    financial_status = text(payload.get("financial_status"), 64) or ""
    is_paid = financial_status in PAID_STATUSES
    order_email = email(payload.get("email")) or email(payload.get("contact_email"))
    currency = payload.get("currency")
    if not isinstance(currency, str) or not CURRENCY.fullmatch(currency):
        fail("currency", "must be a three-letter currency code")
    address = obj(payload.get("shipping_address"), "shipping_address") or obj(
        payload.get("billing_address"), "billing_address"
    )
    processed_at = opt_timestamp(payload.get("processed_at"), "processed_at")
    return OrderSnapshot(
        order_ref=order_ref,
        name=text(payload.get("name")) or _number_name(payload.get("order_number"), order_ref),
        currency=currency.upper(),
        created_at=created_at,
        updated_at=opt_timestamp(payload.get("updated_at"), "updated_at") or created_at,
        is_paid=is_paid,
        is_cancelled=payload.get("cancelled_at") is not None,
        **_amounts(payload, taxes_included),
        customer=_order_customer(payload, order_email),
        email=order_email,
        paid_at=(processed_at or created_at) if is_paid else None,
        cancelled_at=opt_timestamp(payload.get("cancelled_at"), "cancelled_at"),
        fulfilled_at=_fulfilled_at(payload),
        financial_status=financial_status,
        refunds=tuple(_refund(r, order_ref) for r in objects(payload.get("refunds"), "refunds")),
        line_items=tuple(_line_item(i, taxes_included) for i in objects(payload.get("line_items"), "line_items")),
        discount_codes=_discount_codes(payload),
        shipping_address_key=address_key(address.get("address1"), address.get("zip"), address.get("country_code")),
        is_test=payload.get("test") is True,
        taxes_included=taxes_included,
    )


def _number_name(number: object, order_ref: str) -> str:
    try:
        return f"#{ref(number, 'order_number')}"
    except MalformedPayload:
        return f"#{order_ref}"


def _discount_codes(payload: dict[str, Any]) -> tuple[str, ...]:
    codes = (text(c.get("code")) for c in objects(payload.get("discount_codes"), "discount_codes"))
    return tuple(code for code in codes if code)
