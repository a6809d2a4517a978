"""`loyalty import` of Shopify and WooCommerce CSV exports: all or nothing, with per-row errors."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.analytics.importer import ImportRejected, import_history, read_files
from app.models import LedgerEntry, Member, Order
from tests.support.cli import run_cli

CSV = Path(__file__).resolve().parents[1] / "payloads" / "csv"


def counts(container, shop) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        s = uow.session
        return (s.scalar(select(func.count()).select_from(Member).where(Member.shop_id == shop.id)) or 0,
                s.scalar(select(func.count()).select_from(Order).where(Order.shop_id == shop.id)) or 0,
                s.scalar(select(func.count()).select_from(LedgerEntry).where(LedgerEntry.shop_id == shop.id)) or 0)


def shopify(container, shop, *extra: str):  # type: ignore[no-untyped-def]
    return run_cli(container, "import", shop.domain, "--platform", "shopify",
                   "--customers", str(CSV / "shopify_customers_export.csv"),
                   "--orders", str(CSV / "shopify_orders_export.csv"), *extra)


def test_a_shopify_export_imports_customers_and_orders_without_points(container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    result = shopify(container, shopify_shop)
    assert result.exit_code == 0, result.output
    assert "orders created 5" in result.output
    assert counts(container, shopify_shop) == (2, 5, 0)
    with container.uow() as uow:
        orders = {o.name: o for o in uow.session.scalars(select(Order).where(Order.shop_id == shopify_shop.id))}
        juergen = uow.session.scalars(select(Member).where(Member.customer_ref == "7001")).one()
    first = orders["#1001"]
    assert (first.is_paid, first.total, first.member_id, len(first.line_items)) == (True, Decimal("49.90"),
                                                                                     juergen.id, 2)
    assert orders["#1002"].refunded_total == Decimal("10.00")
    assert orders["#1002"].discount_codes == ["SOMMER10"]
    assert orders["#1003"].member_id is None
    assert orders["#1003"].email == "gast@example.de"
    assert orders["#1004"].is_paid is False
    assert orders["#1005"].is_cancelled is True
    assert juergen.joined_at.year == 2024
    assert juergen.last_order_at is not None
    assert juergen.accepts_marketing is True
    assert juergen.first_name == "Jürgen"


def test_importing_the_same_files_twice_adds_nothing(container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    shopify(container, shopify_shop)
    again = shopify(container, shopify_shop)
    assert "orders created 0, already known 5" in again.output
    assert counts(container, shopify_shop) == (2, 5, 0)


def test_award_points_credits_past_orders_through_reconciliation(container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    result = shopify(container, shopify_shop, "--award-points")
    assert result.exit_code == 0, result.output
    with container.uow() as uow:
        juergen = uow.session.scalars(select(Member).where(Member.customer_ref == "7001")).one()
        entries = uow.session.scalars(select(LedgerEntry).where(LedgerEntry.member_id == juergen.id)).all()
    assert [(e.kind, e.delta) for e in entries] == [("earn", 45)]  # 45.00 merchandise of the one paid order
    assert juergen.balance == 45


def test_a_bad_file_imports_nothing_and_lists_every_error(container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    result = run_cli(container, "import", shopify_shop.domain, "--platform", "shopify",
                     "--customers", str(CSV / "shopify_customers_export.csv"),
                     "--orders", str(CSV / "shopify_orders_export_bad.csv"))
    assert result.exit_code == 1
    assert "orders row 3, column 'Created at': not a date: '20.01.2025'" in result.output
    assert "orders row 4, column 'Total': not an amount: 'zwanzig'" in result.output
    assert "orders row 5, column 'Financial Status'" in result.output
    assert "nothing was imported" in result.output
    assert counts(container, shopify_shop) == (0, 0, 0)  # the valid customers file was not imported either


def test_a_missing_column_is_reported_on_the_header_row() -> None:
    import io

    plan = read_files("shopify", None, io.StringIO("Name,Email\n#1,a@example.de\n"))
    assert [(e.row, e.column) for e in plan.errors] == [(1, "Financial Status"), (1, "Created at"),
                                                        (1, "Subtotal"), (1, "Total")]
    assert plan.orders == []


def test_import_history_refuses_a_plan_with_errors(container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    with (CSV / "shopify_orders_export_bad.csv").open(encoding="utf-8") as handle:
        plan = read_files("shopify", None, handle)
    with pytest.raises(ImportRejected) as caught:
        import_history(container.uow(), shopify_shop.id, plan, award_points=False, now=container.clock.now())
    assert caught.value.errors["count"] == 3
    assert counts(container, shopify_shop) == (0, 0, 0)


def test_dry_run_checks_and_writes_nothing(container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    result = shopify(container, shopify_shop, "--dry-run")
    assert result.exit_code == 0
    assert "2 customers and 5 orders are valid" in result.output
    assert counts(container, shopify_shop) == (0, 0, 0)


def test_a_woocommerce_export_links_orders_by_customer_id(container, woo_shop) -> None:  # type: ignore[no-untyped-def]
    result = run_cli(container, "import", str(woo_shop.id), "--platform", "woocommerce",
                     "--customers", str(CSV / "woocommerce_customers.csv"),
                     "--orders", str(CSV / "woocommerce_orders.csv"))
    assert result.exit_code == 0, result.output
    assert counts(container, woo_shop) == (2, 4, 0)
    with container.uow() as uow:
        orders = {o.order_ref: o for o in uow.session.scalars(select(Order).where(Order.shop_id == woo_shop.id))}
        petra = uow.session.scalars(select(Member).where(Member.customer_ref == "12")).one()
    assert orders["501"].member_id == petra.id
    assert len(orders["501"].line_items) == 2
    assert (orders["501"].merchandise, orders["501"].shipping) == (Decimal("30.00"), Decimal("4.90"))
    assert orders["502"].refunded_total == Decimal("20.00")
    assert orders["503"].member_id is None
    assert orders["503"].discount_codes == ["treue-5"]
    assert orders["504"].is_cancelled is True
    assert orders["504"].is_paid is False
