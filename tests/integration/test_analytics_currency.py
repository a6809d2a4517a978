"""The retention figures are in the shop's currency: a WooCommerce order in another is left out, as for points."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from app.analytics.report import Period, build_report
from tests.support.analytics_data import at
from tests.support.deliveries import deliver
from tests.support.snapshots import customer, order

YEAR_2025 = Period(date(2025, 1, 1), date(2025, 12, 31))


def _figures(container, shop) -> dict:  # type: ignore[no-untyped-def,type-arg]
    with container.uow() as uow:
        report = build_report(uow.session, shop, YEAR_2025, at("2026-01-05"), "en")
    return {key: figure["value"] for key, figure in report["figures"].items()}


def test_a_woocommerce_order_in_another_currency_is_left_out_of_orders_and_revenue(container, woo_shop) -> None:  # type: ignore[no-untyped-def]
    anna = customer("7001", "anna@example.de")
    deliver(container, woo_shop, order("1", at=at("2025-03-01"), merchandise="50.00", shipping="0.00", buyer=anna))
    in_koruna = order("2", at=at("2025-04-01"), merchandise="1250.00", shipping="0.00", buyer=anna)
    deliver(container, woo_shop, replace(in_koruna, currency="CZK"))  # ~50 € in a multi-currency plugin's koruna

    figures = _figures(container, woo_shop)

    assert (figures["orders"], figures["revenue"], figures["customers"]) == (1, Decimal("50.00"), 1)
    assert figures["repeat_purchase_rate"] == Decimal("0.00")


def test_a_shopify_orders_amounts_count_in_the_shops_currency_as_shopify_sends_them(container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    anna = customer("7001", "anna@example.de")
    deliver(container, shopify_shop, order("1", at=at("2025-03-01"), merchandise="50.00", shipping="0.00", buyer=anna))

    assert _figures(container, shopify_shop)["revenue"] == Decimal("50.00")
