"""Shopify refunds in shop currency: the customer's currency converted, shipping tax recognised."""

from __future__ import annotations

import copy
from decimal import Decimal

from app.domain.refunds import RefundParts, refunded_amounts
from app.platforms.shopify.refunds import parse_refund, refund_snapshot
from tests.support.webhooks import load_payload


def _money_set(shop: str, presentment: str, shop_currency: str = "EUR", presentment_currency: str = "DKK") -> dict:
    return {
        "shop_money": {"amount": shop, "currency_code": shop_currency},
        "presentment_money": {"amount": presentment, "currency_code": presentment_currency},
    }


def _refund_paid_in_kroner() -> dict:
    # A EUR shop, the customer paid in DKK: lines in both currencies, the transaction in DKK (Shopify's own
    # REST example refund has the same shape: CAD shop money, USD presentment money and transaction).
    payload = copy.deepcopy(load_payload("shopify", "refunds_create"))
    line = payload["refund_line_items"][0]
    line["subtotal"], line["total_tax"] = 23.08, 4.39
    line["subtotal_set"] = _money_set("23.08", "172.15")
    line["total_tax_set"] = _money_set("4.39", "32.75")
    payload["transactions"][0] |= {"amount": "204.90", "currency": "DKK"}
    return payload


def test_refund_paid_back_in_the_customers_currency_counts_in_shop_currency() -> None:
    refund = parse_refund(_refund_paid_in_kroner())

    assert (refund.lines_amount, refund.lines_tax, refund.total) == (
        Decimal("23.08"),
        Decimal("4.39"),
        Decimal("27.47"),
    )


def test_foreign_currency_refund_with_no_rate_counts_only_what_it_itemises() -> None:
    payload = _refund_paid_in_kroner()
    for line in payload["refund_line_items"]:
        line["subtotal_set"]["presentment_money"] = {}
        line["total_tax_set"]["presentment_money"] = {}

    assert parse_refund(payload).total == Decimal("23.08")  # never 204.90 taken for euros


def test_amount_only_refund_in_the_customers_currency_converts_at_the_orders_rate() -> None:
    from app.platforms.shopify.parse import parse_order

    order = copy.deepcopy(load_payload("shopify", "orders_paid"))
    order["total_price_set"] = _money_set(order["total_price"], "500.00")
    refund = {"id": 77, "order_id": order["id"], "refund_line_items": [], "order_adjustments": [],
              "transactions": [{"kind": "refund", "status": "success", "amount": "100.00", "currency": "DKK"}]}
    order["refunds"] = [refund]

    snapshot = parse_order(order).refunds[0]

    rate = Decimal(order["total_price"]) / Decimal("500.00")
    assert snapshot.total == (Decimal("100.00") * rate).quantize(Decimal("0.01"))


def test_shipping_refund_adjustment_gives_shipping_net_and_its_tax() -> None:
    # A tax-exclusive shop refunds 5.90 shipping plus 1.12 VAT on it: 7.02 paid back.
    payload = copy.deepcopy(load_payload("shopify", "refunds_create_shipping_only"))
    payload["refund_shipping_lines"][0]["subtotal_amount_set"] = _money_set("5.90", "5.90", presentment_currency="EUR")
    payload["order_adjustments"][0] |= {
        "amount": "-5.90", "amount_set": _money_set("-5.90", "-5.90", presentment_currency="EUR"),
        "tax_amount": "-1.12", "tax_amount_set": _money_set("-1.12", "-1.12", presentment_currency="EUR"),
    }
    payload["transactions"][0]["amount"] = "7.02"

    refund = parse_refund(payload)

    assert (refund.shipping, refund.shipping_tax, refund.total) == (Decimal("5.90"), Decimal("1.12"), Decimal("7.02"))


def test_shipping_and_its_tax_refunded_take_nothing_of_the_merchandise() -> None:
    refund = RefundParts(Decimal("0"), Decimal("0"), Decimal("5.90"), Decimal("7.02"), shipping_tax=Decimal("1.12"))

    refunded = refunded_amounts(
        [refund], order_merchandise=Decimal("95.50"), order_shipping=Decimal("5.90"), order_tax=Decimal("19.27"),
        order_total=Decimal("120.67"), taxes_included=False,
    )

    assert (refunded.merchandise, refunded.shipping, refunded.tax) == (Decimal("0"), Decimal("5.90"), Decimal("1.12"))


def test_refunded_gift_card_named_only_by_the_orders_line_counts_for_nothing() -> None:
    # An order's refunds[] entry whose line carries no gift_card flag of its own: the order's line says it.
    order = copy.deepcopy(load_payload("shopify", "orders_paid"))
    order["line_items"][0] |= {"gift_card": True}
    refund = copy.deepcopy(load_payload("shopify", "refunds_create"))
    line = refund["refund_line_items"][0]
    line["line_item_id"] = order["line_items"][0]["id"]
    line.pop("line_item")

    snapshot = refund_snapshot(refund, str(order["id"]), order)

    assert (snapshot.lines_amount, snapshot.lines_tax, snapshot.total) == (Decimal("0"), Decimal("0"), Decimal("0"))
