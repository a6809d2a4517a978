"""Shopify webhook payloads (REST Order, Refund and Customer shapes, PLATFORMS §1.6) for the demo history."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from app.demo.history import DemoOrder, Shopper

CENT = Decimal("0.01")


def _money(value: Decimal) -> str:
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def _set(value: Decimal) -> dict[str, Any]:
    amount = {"amount": _money(value), "currency_code": "EUR"}
    return {"shop_money": amount, "presentment_money": amount}


def _iso(at: datetime) -> str:
    return at.isoformat(timespec="seconds")


def customer(shopper: Shopper, at: datetime) -> dict[str, Any]:
    """A customers/create payload."""
    return {
        "id": shopper.customer_id,
        "email": shopper.email,
        "first_name": shopper.first_name,
        "last_name": shopper.last_name,
        "state": "enabled",
        "verified_email": True,
        "currency": "EUR",
        "created_at": _iso(at),
        "updated_at": _iso(at),
        "tax_exempt": False,
        "phone": None,
        "email_marketing_consent": {"state": "subscribed" if shopper.accepts_marketing else "not_subscribed"},
        "admin_graphql_api_id": f"gid://shopify/Customer/{shopper.customer_id}",
        "default_address": _address(shopper),
    }


def _address(shopper: Shopper) -> dict[str, Any]:
    return {
        "first_name": shopper.first_name,
        "last_name": shopper.last_name,
        "address1": shopper.street,
        "city": shopper.city,
        "zip": shopper.postcode,
        "country": "Germany",
        "country_code": "DE",
    }


def _line_items(order: DemoOrder, discount: Decimal = Decimal("0")) -> list[dict[str, Any]]:
    """The order's lines; an order-level `discount` (gross) is allocated over them by their share, and their tax
    is what remains taxed after it, as Shopify reports a discounted order."""
    items = []
    subtotal = order.gross
    for index, (pid, title, price, rate, quantity) in enumerate(order.lines):
        gross = price * quantity
        allocated = (discount * gross / subtotal).quantize(CENT, rounding=ROUND_HALF_UP) if discount else Decimal("0")
        tax = (gross - allocated) - (gross - allocated) / (1 + rate)
        items.append(
            {
                "id": order.order_id * 10 + index,
                "product_id": pid,
                "variant_id": pid * 10,
                "title": title,
                "name": title,
                "quantity": quantity,
                "current_quantity": quantity,
                "price": _money(price),
                "price_set": _set(price),
                "sku": f"SKU-{pid}",
                "total_discount": _money(allocated),
                "discount_allocations": [{"amount": _money(allocated), "amount_set": _set(allocated)}]
                if allocated
                else [],
                "tax_lines": [{"price": _money(tax), "rate": float(rate), "title": "MwSt."}],
                "gift_card": False,
            }
        )
    return items


def order(
    o: DemoOrder,
    at: datetime,
    *,
    status: str,
    refunds: list[dict[str, Any]] | None = None,
    cancelled_at: datetime | None = None,
) -> dict[str, Any]:
    """An orders/* payload as of `at`; with the code the shopper redeemed for it (`o.discount`) applied."""
    gross = o.gross
    discount, shipping = _discount(o, gross)
    items = _line_items(o, discount)
    subtotal = gross - discount
    line_tax = sum((Decimal(i["tax_lines"][0]["price"]) for i in items), Decimal("0"))
    shipping_tax = shipping - shipping / Decimal("1.19")
    total = subtotal + shipping
    off = discount + o.shipping - shipping  # the code's worth: on the goods, or the shipping it waived
    buyer = o.shopper
    return {
        "id": o.order_id,
        "admin_graphql_api_id": f"gid://shopify/Order/{o.order_id}",
        "name": f"#{o.number}",
        "order_number": o.number,
        "email": buyer.email,
        "created_at": _iso(o.placed_at),
        "updated_at": _iso(at),
        "processed_at": _iso(o.placed_at),
        "currency": "EUR",
        "presentment_currency": "EUR",
        "taxes_included": True,
        "test": False,
        "financial_status": status,
        "fulfillment_status": None,
        "cancelled_at": _iso(cancelled_at) if cancelled_at else None,
        "cancel_reason": "customer" if cancelled_at else None,
        "subtotal_price": _money(subtotal),
        "subtotal_price_set": _set(subtotal),
        "total_price": _money(total),
        "total_price_set": _set(total),
        "total_tax": _money(line_tax + shipping_tax),
        "total_tax_set": _set(line_tax + shipping_tax),
        "total_discounts": _money(off),
        "total_shipping_price_set": _set(shipping),
        "discount_codes": [_code(o, off)] if o.discount else [],
        "line_items": items,
        "shipping_lines": [
            {
                "title": "DHL Paket",
                "code": "DHL",
                "price": _money(o.shipping),
                "discounted_price": _money(shipping),
                "tax_lines": [{"price": _money(shipping_tax), "rate": 0.19, "title": "MwSt."}],
            }
        ],
        "customer": customer(buyer, o.placed_at) if buyer.customer_id is not None else None,
        "shipping_address": _address(buyer),
        "billing_address": _address(buyer),
        "refunds": refunds or [],
        "fulfillments": [],
        "customer_locale": "de",
    }


def _discount(o: DemoOrder, gross: Decimal) -> tuple[Decimal, Decimal]:
    """(the discount on the goods, the shipping charged) once the order's code is applied."""
    if o.discount is None:
        return Decimal("0"), o.shipping
    _, kind, value = o.discount
    if kind == "free_shipping":
        return Decimal("0"), Decimal("0")
    off = value if kind == "fixed_amount" else (gross * value / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    return min(off, gross), o.shipping


def _code(o: DemoOrder, amount: Decimal) -> dict[str, Any]:
    assert o.discount is not None
    code, kind, _ = o.discount
    return {"code": code, "amount": _money(amount), "type": {"free_shipping": "shipping"}.get(kind, kind)}


def refund(o: DemoOrder, at: datetime, refund_id: int) -> dict[str, Any]:
    """A refunds/create payload: part of the goods, all of them, or only the shipping; for an order paid partly
    with a code, the goods at what the shopper paid for them (the line's price less its share of the code)."""
    discount, charged_shipping = _discount(o, o.gross)
    items = _line_items(o, discount)
    if o.fate == "shipping_refund":
        lines: list[dict[str, Any]] = []
        shipping = o.shipping or Decimal("4.90")
    else:
        chosen = items if o.fate == "full_refund" else items[:1]
        lines = [
            {
                "id": refund_id * 10 + n,
                "line_item_id": i["id"],
                "quantity": i["quantity"],
                "restock_type": "return",
                "subtotal": float(Decimal(i["price"]) * i["quantity"] - Decimal(i["total_discount"])),
                "total_tax": float(Decimal(i["tax_lines"][0]["price"])),
                "line_item": i,
            }
            for n, i in enumerate(chosen)
        ]
        shipping = charged_shipping if o.fate == "full_refund" else Decimal("0")
    money = sum((Decimal(str(line["subtotal"])) for line in lines), Decimal("0")) + shipping
    return {
        "id": refund_id,
        "order_id": o.order_id,
        "created_at": _iso(at),
        "processed_at": _iso(at),
        "note": "Rücksendung",
        "restock": True,
        "refund_line_items": lines,
        "refund_shipping_lines": [{"subtotal_amount_set": _set(shipping)}] if shipping else [],
        "order_adjustments": [],
        "transactions": [
            {
                "id": refund_id + 1,
                "order_id": o.order_id,
                "kind": "refund",
                "status": "success",
                "amount": _money(money),
                "currency": "EUR",
                "gateway": "shopify_payments",
            }
        ],
    }
