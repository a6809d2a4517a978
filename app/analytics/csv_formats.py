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
Either may have passed through a spreadsheet program: UTF-8 or Windows-1252, commas, semicolons or tabs between
the columns, decimal commas (`decode_export`, `header_separator`, `Rows.amount`).
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from decimal import Decimal, InvalidOperation
from typing import TextIO

ZERO = Decimal("0")
# What a spreadsheet program may put between columns: Excel writes ";" where the decimal comma is "," (German
# "CSV (Trennzeichen-getrennt)"), and tabs as "Unicode text".
SEPARATORS = {",": "commas (,)", ";": "semicolons (;)", "\t": "tabs"}
WORKBOOK_STARTS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # .xlsx (a zip) and .xls


@dataclass(frozen=True)
class RowError:
    """What is wrong, where: file, spreadsheet row number (the header is row 1), column."""

    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file} row {self.row}, column {self.column!r}: {self.message}"


@dataclass
class Reading:
    """What reading the files collects (row errors; notes for the operator) and the zone of offset-less times."""

    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    timezone: tzinfo = UTC


class UnreadableExport(ValueError):
    """The bytes are no CSV text this import can read (the message says what they look like instead)."""


def decode_export(data: bytes) -> tuple[str, str]:
    """An export's text and the encoding it was read in: UTF-8 (with or without BOM), UTF-16 with its BOM, else
    Windows-1252 (what Excel writes for "CSV (Trennzeichen-getrennt)"); UnreadableExport when it is none of them."""
    if data.startswith(WORKBOOK_STARTS):
        raise UnreadableExport("an Excel workbook, not CSV text: save it as CSV (UTF-8) and import that file")
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16"), "UTF-16"
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        return _windows_1252(data)


def _windows_1252(data: bytes) -> tuple[str, str]:
    # The other encoding spreadsheet programs write, unless the file is no text at all.
    if b"\x00" in data:
        raise UnreadableExport("not text (it holds zero bytes): is it the CSV export?")
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as exc:
        raise UnreadableExport(f"neither UTF-8 nor Windows-1252 text (byte 0x{data[exc.start]:02x} at position "
                               f"{exc.start}): save it as CSV (UTF-8) and import that file") from None


def header_separator(text: str) -> str:
    """The column separator the header line uses most: ",", ";" or a tab ("," when it has none of them)."""
    header = text.split("\n", 1)[0]
    counts = {separator: header.count(separator) for separator in SEPARATORS}
    best = max(counts, key=lambda separator: counts[separator])
    return best if counts[best] > 0 else ","


class Rows:
    """A CSV file as dict rows with their spreadsheet row numbers, collecting errors as it is read."""

    def __init__(self, name: str, handle: TextIO, required: tuple[str, ...], reading: Reading) -> None:
        self.name = name
        self.errors = reading.errors
        self.timezone = reading.timezone
        text = handle.read().lstrip("\ufeff")
        self.separator = header_separator(text)
        self.reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=self.separator)
        self.columns = [c.strip() for c in (self.reader.fieldnames or [])]
        self.reader.fieldnames = self.columns
        if self.separator != ",":
            reading.notes.append(f"{name}: columns separated by {SEPARATORS[self.separator]}")
        missing = [column for column in required if column not in self.columns]
        for column in missing:
            self.error(1, column, f"missing column ({self._header_says(text)})")
        self.ok = not missing

    def _header_says(self, text: str) -> str:
        if len(self.columns) > 1:
            return f"the header's columns are separated by {SEPARATORS[self.separator]}"
        header = text.split("\n", 1)[0].strip()
        return f"the header has no comma, semicolon or tab between columns: {header[:80]!r}"

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
        written = row.get(column, "")
        raw = written.replace(" ", "")
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
            self.error(number, column, f"not an amount: {written!r}")
            return ZERO
        if value < 0 and not signed:
            self.error(number, column, "must not be negative")
        return value.quantize(Decimal("0.01"))

    def moment(self, number: int, row: dict[str, str], column: str, *, required: bool = False) -> datetime | None:
        """A date and time; one without an offset is in the reading's time zone, unless a "<column>_gmt" column
        (WordPress's own pair of local and GMT times) gives it in UTC."""
        gmt = f"{column}_gmt"
        column, zone = (gmt, UTC) if row.get(gmt) else (column, self.timezone)
        raw = row.get(column, "")
        if not raw:
            if required:
                self.error(number, column, "a date is required")
            return None
        parsed = parse_moment(raw, zone)
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


def parse_moment(raw: str, zone: tzinfo = UTC) -> datetime | None:
    """Dates as the exports write them, in UTC; without an offset they are taken in `zone`."""
    text = raw.strip().replace("Z", "+0000")
    for fmt in FORMATS:
        try:
            parsed = datetime.strptime(text, fmt)  # noqa: DTZ007 - offset-less exports are tagged with `zone` below
        except ValueError:
            continue
        return (parsed.replace(tzinfo=zone) if parsed.tzinfo is None else parsed).astimezone(UTC)
    return None


def yes(raw: str) -> bool:
    """Shopify writes yes/no, WooCommerce 1/0 or true/false."""
    return raw.strip().lower() in {"yes", "true", "1", "subscribed", "y"}
