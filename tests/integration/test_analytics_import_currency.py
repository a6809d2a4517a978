"""`loyalty import` takes orders in the shop's currency only: another currency is a row error, nothing is written."""

from __future__ import annotations

import io

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select

from app.analytics.importer import ImportRejected, import_history, read_files
from app.cli import Context, build_cli
from app.models import Order

SHOPIFY_HEADER = "Name,Email,Financial Status,Currency,Subtotal,Total,Created at\n"
MIXED_SHOPIFY = (SHOPIFY_HEADER
                 + "#1,a@example.de,paid,EUR,50.00,50.00,2024-05-10 10:00:00 +0200\n"
                 + "#2,b@example.de,paid,USD,100.00,100.00,2024-05-11 10:00:00 +0200\n")
WOO_HEADER = "order_id,order_date,status,order_total,billing_email,order_currency\n"


def run_import(container, shop, platform: str, orders_csv: str, tmp_path, *more: str) -> Result:  # type: ignore[no-untyped-def]
    path = tmp_path / "orders.csv"
    path.write_text(orders_csv, encoding="utf-8")
    ctx = Context()
    ctx._container = container
    arguments = ["import", shop.domain, "--platform", platform, "--orders", str(path), *more]
    return CliRunner().invoke(build_cli(), arguments, obj=ctx)


def orders_of(container, shop) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        return {o.name: o.currency for o in uow.session.scalars(select(Order).where(Order.shop_id == shop.id))}


def test_an_order_in_another_currency_rejects_the_import_with_its_row_and_column(  # type: ignore[no-untyped-def]
    container, shopify_shop, tmp_path
) -> None:
    result = run_import(container, shopify_shop, "shopify", MIXED_SHOPIFY, tmp_path)

    assert result.exit_code == 1
    assert "nothing was imported" in result.output
    assert ("orders row 3, column 'Currency': USD is not the shop's currency EUR: convert the order's amounts "
            "to EUR or leave the order out of the file") in result.output
    with container.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Order)) == 0


def test_a_dry_run_already_names_the_order_in_another_currency(container, shopify_shop, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = run_import(container, shopify_shop, "shopify", MIXED_SHOPIFY, tmp_path, "--dry-run")

    assert result.exit_code == 1
    assert "orders row 3, column 'Currency': USD is not the shop's currency EUR" in result.output


def test_reading_the_files_with_the_shops_currency_reports_a_foreign_woocommerce_order() -> None:
    csv = (WOO_HEADER + "501,2024-05-10 10:00:00,completed,50.00,a@example.de,EUR\n"
           + "502,2024-05-11 10:00:00,completed,100.00,b@example.de,usd\n")

    plan = read_files("woocommerce", None, io.StringIO(csv), currency="EUR")

    assert [(e.row, e.column) for e in plan.errors] == [(3, "order_currency")]
    assert "USD is not the shop's currency EUR" in plan.errors[0].message


def test_import_history_refuses_a_plan_read_without_the_shops_currency(container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    plan = read_files("shopify", None, io.StringIO(MIXED_SHOPIFY))
    assert plan.errors == []

    with pytest.raises(ImportRejected) as caught:
        import_history(container.uow(), shopify_shop.id, plan, award_points=False, now=container.clock.now())

    assert caught.value.errors["count"] == 1
    assert orders_of(container, shopify_shop) == {}


def test_an_order_without_a_currency_is_taken_in_the_shops_currency(container, shopify_shop, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        uow.session.get(type(shopify_shop), shopify_shop.id).currency = "CHF"
        uow.commit()
    csv = SHOPIFY_HEADER + "#1,a@example.de,paid,,50.00,50.00,2024-05-10 10:00:00 +0200\n"

    result = run_import(container, shopify_shop, "shopify", csv, tmp_path)

    assert result.exit_code == 0, result.output
    assert orders_of(container, shopify_shop) == {"#1": "CHF"}
