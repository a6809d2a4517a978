"""The two platforms' export layouts, turned into customer and order snapshots (errors collected per row)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple, TextIO

from app.analytics.csv_formats import ZERO, Reading, Rows, yes
from app.domain.snapshots import CustomerSnapshot, LineItem, OrderSnapshot, RefundSnapshot

SHOPIFY_CUSTOMER_COLUMNS = ("Email",)
SHOPIFY_ORDER_COLUMNS = ("Name", "Email", "Financial Status", "Created at", "Subtotal", "Total")
SHOPIFY_PAID = {"paid", "partially_refunded", "refunded", "partially_paid"}
WOO_CUSTOMER_COLUMNS = ("customer_id", "email")
WOO_ORDER_COLUMNS = ("order_id", "order_date", "status", "order_total", "billing_email")
WOO_PAID = {"completed", "processing", "refunded", "ready-for-pickup"}  # as the webhook's (PLATFORMS §4.5)
WOO_CANCELLED = {"cancelled", "failed", "trash"}
CURRENCY_COLUMNS = {"shopify": "Currency", "woocommerce": "order_currency"}
CENT = Decimal("0.01")


class SourcedOrder(NamedTuple):
    """An order and the spreadsheet row its order-level fields were read from."""

    row: int
    order: OrderSnapshot


def shopify_customers(handle: TextIO, reading: Reading) -> list[CustomerSnapshot]:
    """customers_export.csv: one customer per row."""
    rows = Rows("customers", handle, SHOPIFY_CUSTOMER_COLUMNS, reading)
    out = []
    for n, row in rows:
        email = rows.email(n, row, "Email", required=not row.get("Customer ID"))
        ref = row.get("Customer ID") or (f"import:{email}" if email else "")
        if ref:
            consent = row.get("Accepts Email Marketing", row.get("Accepts Marketing", ""))
            out.append(CustomerSnapshot(ref.lstrip("'"), email, row.get("First Name") or None,
                                        row.get("Last Name") or None, accepts_marketing=yes(consent)))
    return out


def shopify_orders(handle: TextIO, reading: Reading) -> list[SourcedOrder]:
    """orders_export.csv: rows grouped by "Name"; order-level fields on the first row of each order."""
    rows = Rows("orders", handle, SHOPIFY_ORDER_COLUMNS, reading)
    return _grouped(rows, "Name", _shopify_order, _shopify_line)


def _shopify_order(rows: Rows, n: int, row: dict[str, str]) -> OrderSnapshot | None:
    created = rows.moment(n, row, "Created at", required=True)
    status = row.get("Financial Status", "").lower()
    if not status:
        rows.error(n, "Financial Status", "required on the first row of an order")
    subtotal = rows.amount(n, row, "Subtotal", required=True)
    shipping, tax = rows.amount(n, row, "Shipping"), rows.amount(n, row, "Taxes")
    total, refunded = rows.amount(n, row, "Total", required=True), rows.amount(n, row, "Refunded Amount")
    taxes_included = _shopify_taxes_included(row, subtotal, shipping, tax, total, rows.amount(n, row, "Duties"))
    merchandise, shipping = _shopify_net(subtotal, shipping, tax) if taxes_included else (subtotal, shipping)
    paid_at, cancelled_at = rows.moment(n, row, "Paid at"), rows.moment(n, row, "Cancelled at")
    email = rows.email(n, row, "Email")
    if refunded > total:
        rows.error(n, "Refunded Amount", "more than the order total")
    if created is None:
        return None
    ref = row.get("Id") or row["Name"]
    codes = tuple(c.strip() for c in row.get("Discount Code", "").split(",") if c.strip())
    refunds = (RefundSnapshot(ref, "import", ZERO, ZERO, ZERO, refunded, paid_at or created),) if refunded else ()
    return OrderSnapshot(
        order_ref=ref, name=row["Name"], currency=row.get("Currency", "").upper(), created_at=created,
        updated_at=created, is_paid=status in SHOPIFY_PAID, is_cancelled=cancelled_at is not None or status == "voided",
        merchandise=merchandise, shipping=shipping, tax=tax, total=total, email=email,
        paid_at=(paid_at or created) if status in SHOPIFY_PAID else None, cancelled_at=cancelled_at,
        financial_status=status, refunds=refunds, discount_codes=codes, taxes_included=taxes_included,
    )


def _shopify_taxes_included(row: dict[str, str], subtotal: Decimal, shipping: Decimal, tax: Decimal,
                            total: Decimal, duties: Decimal) -> bool:
    # Shopify's own export has no such column (a file from another tool may): its Total is Subtotal + Shipping
    # (+ Duties) when the prices held the taxes, and Subtotal + Shipping + Taxes (+ Duties) when they were added.
    stated = row.get("Taxes Included", "")
    if stated:
        return yes(stated)
    return tax > ZERO and total in (subtotal + shipping, subtotal + shipping + duties)


def _shopify_net(subtotal: Decimal, shipping: Decimal, tax: Decimal) -> tuple[Decimal, Decimal]:
    """Subtotal and shipping without the tax inside them, as the webhook parser has them (the lines' tax off
    the subtotal, the shipping's off the shipping). The export sums both in "Taxes" and names neither share,
    so the tax is split in proportion to the gross amounts: the webhook's cents when the shipping is free or
    bears the goods' rate (a cent off at most in rare roundings); mixed rates come out approximately."""
    gross = subtotal + shipping
    if gross <= ZERO:
        return subtotal, shipping
    line_tax = min(tax, (tax * subtotal / gross).quantize(CENT, rounding=ROUND_HALF_UP))
    return max(ZERO, subtotal - line_tax), max(ZERO, shipping - (tax - line_tax))


def _shopify_line(rows: Rows, n: int, row: dict[str, str], index: int) -> LineItem | None:
    if not row.get("Lineitem name"):
        return None
    quantity = row.get("Lineitem quantity") or "1"
    if not quantity.isdigit():
        rows.error(n, "Lineitem quantity", f"not a whole number: {quantity!r}")
        quantity = "1"
    price = rows.amount(n, row, "Lineitem price")
    return LineItem(f"{index}", None, row["Lineitem name"][:255], int(quantity), price * int(quantity),
                    row.get("Lineitem sku") or None)


def woo_customers(handle: TextIO, reading: Reading) -> list[CustomerSnapshot]:
    """The extension's customer export: one customer per row, keyed by the WordPress user id."""
    rows = Rows("customers", handle, WOO_CUSTOMER_COLUMNS, reading)
    out = []
    for n, row in rows:
        email = rows.email(n, row, "email", required=True)
        ref = row.get("customer_id", "")
        if not ref.isdigit() or ref == "0":
            rows.error(n, "customer_id", f"not a customer id: {ref!r}")
            continue
        out.append(CustomerSnapshot(ref, email, row.get("first_name") or None, row.get("last_name") or None,
                                    accepts_marketing=yes(row.get("accepts_marketing", ""))))
    return out


def woo_orders(handle: TextIO, reading: Reading) -> list[SourcedOrder]:
    """The extension's order export, one row per order or per item (grouped by "order_id")."""
    rows = Rows("orders", handle, WOO_ORDER_COLUMNS, reading)
    orders = _grouped(rows, "order_id", _woo_order, _woo_line)
    if rows.ok and "order_date_gmt" not in rows.columns:
        # The extension writes the shop's local time without an offset (WordPress keeps a GMT twin it leaves out).
        hint = "" if reading.timezone is not UTC else " (--timezone names the shop's time zone)"
        reading.notes.append(f"orders: order_date is the shop's local time, read as {reading.timezone}{hint}")
    if "item_total" not in rows.columns:
        return orders
    return [SourcedOrder(n, _merchandise_of_items(order)) for n, order in orders]


def _merchandise_of_items(order: OrderSnapshot) -> OrderSnapshot:
    # As the webhook parser counts it: the items' totals after coupons, without tax ("item_total"); fees apart.
    if not order.line_items:
        return order
    return replace(order, merchandise=sum((item.amount for item in order.line_items), ZERO))


def _woo_order(rows: Rows, n: int, row: dict[str, str]) -> OrderSnapshot | None:
    created = rows.moment(n, row, "order_date", required=True)
    status = row.get("status", "").lower().removeprefix("wc-")
    if not status:
        rows.error(n, "status", "required")
    total = rows.amount(n, row, "order_total", required=True)
    shipping, tax = rows.amount(n, row, "shipping_total"), rows.amount(n, row, "tax_total")
    fees = rows.amount(n, row, "fee_total", signed=True)  # a discount entered as a fee is negative
    refunded = rows.amount(n, row, "refunded_total")
    email = rows.email(n, row, "billing_email")
    if refunded > total:
        rows.error(n, "refunded_total", "more than the order total")
    if created is None:
        return None
    ref = row["order_id"]
    customer_ref = row.get("customer_id", "")
    customer = CustomerSnapshot(customer_ref, email, row.get("billing_first_name") or None,
                                row.get("billing_last_name") or None) if customer_ref not in ("", "0") else None
    refunds = (RefundSnapshot(ref, "import", ZERO, ZERO, ZERO, refunded, created),) if refunded else ()
    return OrderSnapshot(
        order_ref=ref, name=f"#{row.get('order_number') or ref}", currency=row.get("order_currency", "").upper(),
        created_at=created, updated_at=created, is_paid=status in WOO_PAID, is_cancelled=status in WOO_CANCELLED,
        # WooCommerce keeps every amount without tax and "tax_total" is all of it (items, shipping, fees), so
        # what the total holds besides shipping, tax and fees is the items' net total, as the webhook has it.
        merchandise=max(ZERO, total - shipping - tax - fees), shipping=shipping, tax=tax, total=total,
        customer=customer,
        email=email, paid_at=_paid_at(rows, n, row, created) if status in WOO_PAID else None,
        cancelled_at=created if status in WOO_CANCELLED else None, financial_status=status, refunds=refunds,
        discount_codes=_woo_codes(row.get("coupon_items", "")),
    )


def _paid_at(rows: Rows, n: int, row: dict[str, str], created: datetime) -> datetime:
    return rows.moment(n, row, "paid_date") or created


def _woo_codes(raw: str) -> tuple[str, ...]:
    # "code:sommer10|description:|amount:10.00;code:treue-5|..." in the extension's default format
    codes = []
    for item in raw.split(";"):
        fields = dict(part.split(":", 1) for part in item.split("|") if ":" in part)
        if fields.get("code"):
            codes.append(fields["code"].strip())
    return tuple(codes)


def _woo_line(rows: Rows, n: int, row: dict[str, str], index: int) -> LineItem | None:
    if not row.get("item_name"):
        return None
    quantity = row.get("item_quantity") or "1"
    if not quantity.isdigit():
        rows.error(n, "item_quantity", f"not a whole number: {quantity!r}")
        quantity = "1"
    return LineItem(row.get("item_id") or f"{index}", row.get("item_product_id") or None, row["item_name"][:255],
                    int(quantity), rows.amount(n, row, "item_total"), row.get("item_sku") or None)


OrderParser = Callable[[Rows, int, dict[str, str]], OrderSnapshot | None]
LineParser = Callable[[Rows, int, dict[str, str], int], LineItem | None]


def _grouped(rows: Rows, key: str, order_of: OrderParser, line_of: LineParser) -> list[SourcedOrder]:
    orders: dict[str, tuple[int, OrderSnapshot | None]] = {}
    lines: dict[str, list[LineItem]] = {}
    for n, row in rows:
        ref = row.get(key, "")
        if not ref:
            rows.error(n, key, "required")
            continue
        if ref not in orders:
            orders[ref] = (n, order_of(rows, n, row))
            lines[ref] = []
        line = line_of(rows, n, row, len(lines[ref]) + 1)
        if line is not None:
            lines[ref].append(line)
    return [SourcedOrder(n, replace(order, line_items=tuple(lines[ref])))
            for ref, (n, order) in orders.items() if order is not None]


PARSERS = {"shopify": (shopify_customers, shopify_orders), "woocommerce": (woo_customers, woo_orders)}
