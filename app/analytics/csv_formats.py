"""Reading the customer and order CSV exports of Shopify and WooCommerce into neutral snapshots, row by row.

Shopify (Admin → Customers/Orders → Export, "CSV for Excel, Numbers or other spreadsheet programs"):
customers_export.csv with "Customer ID" (newer exports), "First Name", "Last Name", "Email",
"Accepts Email Marketing" (older: "Accepts Marketing"); orders_export.csv with one row per line item and the
order-level fields ("Financial Status", "Paid at", "Subtotal", "Shipping", "Taxes", "Total", "Duties",
"Discount Code", "Created at", "Cancelled at", "Refunded Amount", "Currency") on the order's first row, grouped
by "Name". It has no "Taxes Included" column (Transporter's import format has): where the prices held the tax,
"Subtotal" and "Shipping" hold it too and "Total" adds no "Taxes" to them.
WooCommerce (the Customer/Order/Coupon Export extension, default formats): customers with "customer_id",
"email", "first_name", "last_name", "date_registered"; orders with "order_id", "order_number", "order_date",
"status", "shipping_total", "fee_total", "tax_total" (all tax), "order_total", "refunded_total",
"order_currency", "customer_id", "billing_email", "coupon_items", and one row per item ("item_name",
"item_quantity", "item_total": after coupons, without tax) or per order. Its amounts are without tax.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import TextIO

ZERO = Decimal("0")


@dataclass(frozen=True)
class RowError:
    """What is wrong, where: file, spreadsheet row number (the header is row 1), column."""

    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file} row {self.row}, column {self.column!r}: {self.message}"


class Rows:
    """A CSV file as dict rows with their spreadsheet row numbers, collecting errors as it is read."""

    def __init__(self, name: str, handle: TextIO, required: tuple[str, ...], errors: list[RowError]) -> None:
        self.name = name
        self.errors = errors
        text = handle.read().lstrip("\ufeff")
        self.reader = csv.DictReader(text.splitlines())
        self.columns = [c.strip() for c in (self.reader.fieldnames or [])]
        self.reader.fieldnames = self.columns
        for column in required:
            if column not in self.columns:
                errors.append(RowError(name, 1, column, "missing column"))
        self.ok = all(c in self.columns for c in required)

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        if not self.ok:
            return
        for number, row in enumerate(self.reader, start=2):
            yield number, {k: (v or "").strip() for k, v in row.items() if k is not None}

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(self.name, row, column, message))

    def amount(
        self, number: int, row: dict[str, str], column: str, *, required: bool = False, signed: bool = False
    ) -> Decimal:
        raw = row.get(column, "").replace(" ", "")
        # "1.234,50" and "49,90" (German spreadsheets) as well as "1,234.50"
        raw = raw.replace(".", "").replace(",", ".") if "," in raw and (
            "." not in raw or raw.rindex(",") > raw.rindex(".")) else raw.replace(",", "")
        if not raw:
            if required:
                self.error(number, column, "an amount is required")
            return ZERO
        try:
            value = Decimal(raw)
        except InvalidOperation:
            self.error(number, column, f"not an amount: {raw!r}")
            return ZERO
        if value < 0 and not signed:
            self.error(number, column, "must not be negative")
        return value.quantize(Decimal("0.01"))

    def moment(self, number: int, row: dict[str, str], column: str, *, required: bool = False) -> datetime | None:
        raw = row.get(column, "")
        if not raw:
            if required:
                self.error(number, column, "a date is required")
            return None
        parsed = parse_moment(raw)
        if parsed is None:
            self.error(number, column, f"not a date: {raw!r}")
        return parsed

    def email(self, number: int, row: dict[str, str], column: str, *, required: bool = False) -> str | None:
        raw = row.get(column, "").lower()
        if not raw:
            if required:
                self.error(number, column, "an email address is required")
            return None
        if "@" not in raw or " " in raw or len(raw) > 320:
            self.error(number, column, f"not an email address: {raw!r}")
            return None
        return raw


FORMATS = ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S",
           "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")


def parse_moment(raw: str) -> datetime | None:
    """Dates as the exports write them; without an offset they are taken as UTC."""
    text = raw.strip().replace("Z", "+0000")
    for fmt in FORMATS:
        try:
            parsed = datetime.strptime(text, fmt)  # noqa: DTZ007 - offset-less exports are UTC, tagged below
        except ValueError:
            continue
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    return None


def yes(raw: str) -> bool:
    """Shopify writes yes/no, WooCommerce 1/0 or true/false."""
    return raw.strip().lower() in {"yes", "true", "1", "subscribed", "y"}
