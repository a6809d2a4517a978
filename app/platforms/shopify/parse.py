"""Pure functions that turn Shopify REST payloads (orders, customers) into neutral snapshots; refunds: refunds.py."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from app.domain.errors import MalformedPayload
from app.domain.snapshots import ZERO, CustomerSnapshot, LineItem, OrderSnapshot
from app.platforms.payload import (
    CURRENCY,
    address_key,
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
from app.platforms.shopify.refunds import refund_snapshot

PAID_STATUSES = frozenset({"paid", "partially_refunded", "refunded"})


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
        paid=max(ZERO, gross - discount),
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


def _gift_cards(line_items: list[dict[str, Any]]) -> Decimal:
    """What the order's gift cards cost (Shopify taxes no gift card)."""
    return sum((_line_item(item, False).amount for item in line_items if item.get("gift_card") is True), ZERO)


def _amounts(payload: dict[str, Any], taxes_included: bool) -> dict[str, Decimal]:
    line_items = objects(payload.get("line_items"), "line_items")
    shipping_lines = objects(payload.get("shipping_lines"), "shipping_lines")
    # A gift card earns nothing when bought: the order paid with it later earns (as Smile.io does on Shopify),
    # else the same money earned twice.
    merchandise = money(payload, "subtotal_price", "subtotal_price") - _gift_cards(line_items)
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
        refunds=tuple(refund_snapshot(r, order_ref, payload) for r in objects(payload.get("refunds"), "refunds")),
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
