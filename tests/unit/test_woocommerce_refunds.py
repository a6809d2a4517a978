"""WooCommerce refunds: the order payload's totals are not itemised; the REST refund objects are, with signs and tax."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from app.domain.errors import MalformedPayload
from app.domain.refunds import RefundParts, refunded_amounts
from app.platforms.woocommerce.parse import parse_order, parse_refund
from tests.fakes.woocommerce_server import woocommerce_order, woocommerce_refund


def test_refunds_in_the_order_payload_are_marked_not_itemised() -> None:
    payload = woocommerce_order(41, "2026-03-02T09:00:00", refunds=[{"id": 77, "reason": "", "total": "-4.95"}])

    (refund,) = parse_order(payload).refunds

    assert (refund.refund_ref, refund.total, refund.itemised) == ("77", Decimal("4.95"), False)
    assert (refund.lines_amount, refund.shipping) == (Decimal(0), Decimal(0))


def test_a_shipping_refund_object_gives_shipping_and_its_tax_as_positive_amounts() -> None:
    refund = parse_refund(woocommerce_refund(77, "4.95", shipping=("4.16", "0.79")), "41")

    assert (refund.order_ref, refund.refund_ref, refund.itemised) == ("41", "77", True)
    assert (refund.shipping, refund.shipping_tax, refund.total) == (Decimal("4.16"), Decimal("0.79"), Decimal("4.95"))
    assert (refund.lines_amount, refund.lines_tax) == (Decimal(0), Decimal(0))
    assert refund.created_at == datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def test_refunded_lines_are_summed_without_tax_and_their_tax_apart() -> None:
    lines = ((941, 1, "20.00", "3.80"), (942, 2, "5.50", "1.05"))

    refund = parse_refund(woocommerce_refund(78, "30.35", lines=lines), "41")

    assert (refund.lines_amount, refund.lines_tax) == (Decimal("25.50"), Decimal("4.85"))


def test_an_amount_only_refund_object_leaves_its_money_unexplained() -> None:
    refund = parse_refund(woocommerce_refund(79, "10.00"), "41")

    assert (refund.lines_amount, refund.shipping, refund.total) == (Decimal(0), Decimal(0), Decimal("10.00"))


def test_an_itemised_shipping_refund_takes_no_merchandise_back() -> None:
    refund = parse_refund(woocommerce_refund(77, "4.95", shipping=("4.16", "0.79")), "41")
    parts = RefundParts(refund.lines_amount, refund.lines_tax, refund.shipping, refund.total, refund.shipping_tax)

    refunded = refunded_amounts(
        [parts], order_merchandise=Decimal("46.18"), order_shipping=Decimal("4.16"), order_tax=Decimal("9.56"),
        order_total=Decimal("59.90"), taxes_included=False,
    )

    assert (refunded.merchandise, refunded.shipping, refunded.tax) == (Decimal(0), Decimal("4.16"), Decimal("0.79"))


def test_a_refund_object_with_a_broken_line_is_malformed() -> None:
    broken = woocommerce_refund(80, "5.00", lines=((941, 1, "5.00", "0.95"),))
    broken["line_items"][0]["total"] = "five"

    with pytest.raises(MalformedPayload):
        parse_refund(broken, "41")
