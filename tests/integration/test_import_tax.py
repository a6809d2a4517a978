"""`loyalty import` counts an order's merchandise without tax, as the webhook of the same order does."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import click
from click.testing import CliRunner
from sqlalchemy import select

from app.analytics.importer import read_files
from app.cli import Context
from app.cli import importer as importer_cli
from app.models import Member, Order
from app.platforms.shopify.parse import parse_order as parse_shopify_order
from app.platforms.woocommerce.parse import parse_order as parse_woo_order
from app.services.shops import NewShop, add_shop
from tests.conftest import TEST_SHOPIFY_SECRET
from tests.support.deliveries import ledger_ok
from tests.support.webhooks import load_payload, shopify_headers

# tests/payloads/shopify/orders_paid.json (#1042, prices with 19 % VAT) as Shopify's order export writes it:
# no "Taxes Included" column; Total = Subtotal + Shipping, the VAT of goods and shipping summed in "Taxes".
SHOPIFY_HEADER = ("Name,Email,Financial Status,Paid at,Currency,Subtotal,Shipping,Taxes,Total,Discount Code,"
                  "Discount Amount,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,"
                  "Lineitem taxable,Refunded Amount,Id,Lineitem discount,Tax 1 Name,Tax 1 Value,Duties\n")
SHOPIFY_1042 = SHOPIFY_HEADER + (
    "#1042,juergen.weiss@example.de,paid,2025-03-14 10:22:31 +0100,EUR,58.23,4.90,10.08,63.13,TREUE10,6.47,"
    "2025-03-14 10:22:31 +0100,2,Bio-Kaffee „Morgenglück“ 500 g,24.90,KAF-MORGEN-500,true,0.00,5843219873902,"
    "4.98,MwSt 19%,10.08,\n"
    "#1042,,,,,,,,,,,,1,Keramiktasse Weiß,14.90,TASSE-WEISS,true,,,1.49,,,\n"
)
SHOPIFY_CUSTOMERS = ("Customer ID,First Name,Last Name,Email,Accepts Email Marketing\n"
                     "'7712345678901,Jürgen,Weiß,juergen.weiss@example.de,yes\n")
# tests/payloads/woocommerce/order_updated_processing.json (#4711) in the extension's one-row-per-item format,
# with a 2.00 € fee (0.38 € VAT) added, which the webhook's merchandise leaves out like the shipping.
WOO_HEADER = ("order_id,order_number,order_date,status,shipping_total,shipping_tax_total,fee_total,fee_tax_total,"
              "tax_total,discount_total,order_total,refunded_total,order_currency,customer_id,billing_first_name,"
              "billing_last_name,billing_email,item_id,item_name,item_sku,item_quantity,item_subtotal,"
              "item_subtotal_tax,item_total,item_total_tax\n")
WOO_4711 = WOO_HEADER + (
    "4711,4711,2025-03-14 09:22:31,processing,4.12,0.78,2.00,0.38,10.46,5.44,65.51,0.00,EUR,12,Jürgen,Weiß,"
    "juergen.weiss@example.de,301,Bio-Kaffee „Morgenglück“ 500 g,KAF-500,2,41.85,7.95,37.66,7.16\n"
    "4711,4711,2025-03-14 09:22:31,processing,4.12,0.78,2.00,0.38,10.46,5.44,65.51,0.00,EUR,12,Jürgen,Weiß,"
    "juergen.weiss@example.de,302,Keramiktasse Weiß,TASSE-WEISS,1,12.52,2.38,11.27,2.14\n"
)


def shopify_plan_order(csv_text: str):  # type: ignore[no-untyped-def]
    plan = read_files("shopify", None, io.StringIO(csv_text))
    assert plan.errors == []
    [order] = plan.orders
    return order


def run_import(container, shop, tmp_path: Path, customers: str, orders: str):  # type: ignore[no-untyped-def]
    (tmp_path / "c.csv").write_text(customers, encoding="utf-8")
    (tmp_path / "o.csv").write_text(orders, encoding="utf-8")
    group = click.Group()
    importer_cli.register(group)
    ctx = Context()
    ctx._container = container
    return CliRunner().invoke(group, ["import", shop.domain, "--platform", shop.platform, "--customers",
                                      str(tmp_path / "c.csv"), "--orders", str(tmp_path / "o.csv"),
                                      "--award-points"], obj=ctx)


def points_and_merchandise(container, shop) -> tuple[int, int, Decimal]:  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        member = uow.session.scalars(select(Member).where(Member.shop_id == shop.id)).one()
        order = uow.session.scalars(select(Order).where(Order.shop_id == shop.id)).one()
        return member.balance, order.points_earned, order.merchandise


def test_a_tax_inclusive_shopify_export_gives_the_merchandise_and_shipping_its_webhook_gives() -> None:
    imported = shopify_plan_order(SHOPIFY_1042)
    webhook = parse_shopify_order(load_payload("shopify", "orders_paid"))

    assert (imported.merchandise, imported.shipping, imported.tax) == (Decimal("48.93"), Decimal("4.12"),
                                                                       Decimal("10.08"))
    assert (imported.merchandise, imported.shipping, imported.tax, imported.taxes_included) == (
        webhook.merchandise, webhook.shipping, webhook.tax, webhook.taxes_included)


def test_an_imported_tax_inclusive_order_earns_the_points_its_webhook_earns(  # type: ignore[no-untyped-def]
    client, container, shopify_shop, tmp_path
) -> None:
    body = json.dumps(load_payload("shopify", "orders_paid")).encode()
    headers = shopify_headers(body, "orders/paid", shopify_shop.domain, TEST_SHOPIFY_SECRET)
    assert client.post("/webhooks/shopify", data=body, headers=headers).status_code == 200
    other = add_shop(container.uow(), container.box, NewShop("shopify", "kaffee-archiv.myshopify.com",
                                                             access_token="shpat_test"), container.clock.now())

    result = run_import(container, other, tmp_path, SHOPIFY_CUSTOMERS, SHOPIFY_1042)

    assert result.exit_code == 0, result.output
    assert points_and_merchandise(container, other) == points_and_merchandise(container, shopify_shop) == (
        48, 48, Decimal("48.93"))
    ledger_ok(container)


def test_an_export_that_says_taxes_included_earns_on_the_subtotal_without_its_tax() -> None:
    # The reported order: 90.50 € with 15.25 € VAT of goods and shipping; its webhook stored 76.05 € (76 points).
    header = "Name,Email,Financial Status,Currency,Subtotal,Shipping,Taxes,Total,Taxes Included,Created at\n"
    row = "#2001,kunde@example.de,paid,EUR,90.50,5.01,15.25,95.51,true,2025-04-01 12:00:00 +0200\n"

    order = shopify_plan_order(header + row)

    assert (order.merchandise, order.shipping, order.taxes_included) == (Decimal("76.05"), Decimal("4.21"), True)


def test_taxes_added_on_top_of_the_prices_leave_subtotal_and_shipping_as_exported() -> None:
    header = "Name,Email,Financial Status,Currency,Subtotal,Shipping,Taxes,Total,Created at\n"
    row = "#2002,kunde@example.com,paid,USD,50.00,5.00,4.40,59.40,2025-04-01 12:00:00 -0400\n"

    order = shopify_plan_order(header + row)

    assert (order.merchandise, order.shipping, order.tax, order.taxes_included) == (
        Decimal("50.00"), Decimal("5.00"), Decimal("4.40"), False)


def test_a_woocommerce_export_gives_the_items_net_total_its_webhook_gives_without_the_fees() -> None:
    payload = load_payload("woocommerce", "order_updated_processing")
    payload["fee_lines"] = [{"id": 303, "name": "Geschenkverpackung", "total": "2.00", "total_tax": "0.38"}]
    payload["total"], payload["total_tax"] = "65.51", "10.46"

    plan = read_files("woocommerce", None, io.StringIO(WOO_4711))

    assert plan.errors == []
    assert plan.orders[0].merchandise == parse_woo_order(payload).merchandise == Decimal("48.93")


def test_a_woocommerce_fee_is_not_merchandise_whether_charged_or_given_as_a_discount() -> None:
    header = ("order_id,order_date,status,shipping_total,fee_total,fee_tax_total,tax_total,order_total,"
              "order_currency,billing_email\n")
    charged = "801,2025-04-01 12:00:00,completed,4.20,2.50,0.48,6.98,43.68,EUR,a@example.de\n"
    discount = "802,2025-04-01 12:00:00,completed,4.20,-3.00,-0.57,5.93,37.13,EUR,b@example.de\n"

    plan = read_files("woocommerce", None, io.StringIO(header + charged + discount))

    assert plan.errors == []
    assert [o.merchandise for o in plan.orders] == [Decimal("30.00"), Decimal("30.00")]
