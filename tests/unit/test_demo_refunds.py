"""The demo's refunds of an order paid partly with a code: the goods come back at what the shopper paid for them."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from app.demo import shopify_payloads as payloads
from app.demo.history import DemoOrder, Shopper

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SHOPPER = Shopper(7_700_000_000_001, "Jürgen", "Weiß", "juergen.weiss1@example.de", "Köln", "50667", "Mühlenweg 3",
                  True)
LINES = [(9001, "Espresso »Morgenrot« 1 kg", Decimal("24.90"), Decimal("0.07"), 2),
         (9004, "Handmühle Edelstahl", Decimal("49.00"), Decimal("0.19"), 1)]


def _order(fate: str, discount: tuple[str, str, Decimal] | None) -> DemoOrder:
    return DemoOrder(5_800_000_000_001, 1001, SHOPPER, AT, LINES, Decimal("0.00"), fate, AT, discount=discount)


def _refunded_goods(refund: dict) -> Decimal:  # type: ignore[type-arg]
    return sum((Decimal(str(line["subtotal"])) for line in refund["refund_line_items"]), Decimal("0"))


def test_a_full_refund_of_an_order_paid_partly_with_a_code_returns_what_the_shopper_paid() -> None:
    order = _order("full_refund", ("TREUE-10", "fixed_amount", Decimal("10.00")))

    paid = payloads.order(order, AT, status="paid")
    refund = payloads.refund(order, AT, 77)

    assert Decimal(paid["total_price"]) == Decimal("88.80")  # 98.80 of goods less the code's 10.00
    assert _refunded_goods(refund) == Decimal(paid["subtotal_price"])
    assert Decimal(refund["transactions"][0]["amount"]) == Decimal(paid["total_price"])


def test_a_partial_refund_returns_the_line_less_its_share_of_the_code() -> None:
    order = _order("partial_refund", ("TREUE-10", "percentage", Decimal("10")))

    paid = payloads.order(order, AT, status="paid")
    refund = payloads.refund(order, AT, 78)

    first = paid["line_items"][0]
    assert Decimal(first["total_discount"]) == Decimal("4.98")  # 10 % of 49.80
    assert _refunded_goods(refund) == Decimal("44.82")
    assert Decimal(str(refund["refund_line_items"][0]["total_tax"])) == Decimal(first["tax_lines"][0]["price"])


def test_an_order_without_a_code_is_refunded_at_its_prices() -> None:
    refund = payloads.refund(_order("full_refund", None), AT, 79)

    assert _refunded_goods(refund) == Decimal("98.80")
