"""`loyalty import` reads the files spreadsheet programs write: Windows-1252, semicolons, a BOM, local times."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from app.models import Member, Order

# What German Excel's "CSV (Trennzeichen-getrennt)" makes of Shopify's export: semicolons, decimal commas,
# Windows-1252 (written as such below).
SHOPIFY_CUSTOMERS_DE = ("Customer ID;First Name;Last Name;Email;Accepts Email Marketing\r\n"
                        "'7001;Jürgen;Weiß;juergen.weiss@example.de;yes\r\n"
                        "'7002;Änne;Müller;aenne.mueller@example.de;no\r\n")
SHOPIFY_ORDERS_DE = (
    "Name;Email;Financial Status;Paid at;Currency;Subtotal;Shipping;Taxes;Total;Created at;Lineitem quantity;"
    "Lineitem name;Lineitem price;Notes;Id\r\n"
    "#1001;juergen.weiss@example.de;paid;2024-03-14 10:22:05 +0100;EUR;49,90;4,90;0,00;54,80;"
    "2024-03-14 10:21:58 +0100;2;Grüner Tee „Sencha“, 100 g;24,95;\"Bitte klingeln; danke!\r\nZweite Zeile\";"
    "5551001\r\n"
    "#1002;aenne.mueller@example.de;paid;2024-04-02 09:00:00 +0200;EUR;1.234,50;0,00;0,00;1.234,50;"
    "2024-04-02 08:59:31 +0200;1;Teeservice Weiß;1.234,50;;5551002\r\n"
)
WOO_ORDERS = ("order_id,order_number,order_date,status,order_total,order_currency,customer_id,billing_email\n"
              "2001,2001,2024-03-14 10:22:05,completed,54.80,EUR,12,juergen.weiss@example.de\n")


def written(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def orders_of(container, shop) -> dict[str, Order]:  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        return {o.name: o for o in uow.session.scalars(select(Order).where(Order.shop_id == shop.id))}


def test_a_windows_1252_export_with_semicolons_from_german_excel_imports(run, container, shopify_shop, tmp_path):  # type: ignore[no-untyped-def]
    customers = written(tmp_path, "customers_export.csv", SHOPIFY_CUSTOMERS_DE, "cp1252")
    orders = written(tmp_path, "orders_export.csv", SHOPIFY_ORDERS_DE, "cp1252")

    result = run("import", shopify_shop.domain, "--platform", "shopify", "--customers", customers, "--orders", orders)

    assert result.exit_code == 0, result.output
    assert "orders: orders_export.csv is not UTF-8, read as Windows-1252" in result.output
    assert "orders: columns separated by semicolons (;)" in result.output
    assert "orders created 2" in result.output
    found = orders_of(container, shopify_shop)
    assert (found["#1001"].total, found["#1002"].total) == (Decimal("54.80"), Decimal("1234.50"))
    assert found["#1001"].line_items[0]["title"] == "Grüner Tee „Sencha“, 100 g"
    with container.uow() as uow:
        names = set(uow.session.scalars(select(Member.last_name).where(Member.shop_id == shopify_shop.id)))
    assert names == {"Weiß", "Müller"}


def test_a_utf8_export_with_a_bom_and_semicolons_imports_without_a_note_on_its_encoding(  # type: ignore[no-untyped-def]
    run, container, shopify_shop, tmp_path
):
    orders = written(tmp_path, "orders.csv", "\ufeff" + SHOPIFY_ORDERS_DE)

    result = run("import", shopify_shop.domain, "--platform", "shopify", "--orders", orders)

    assert result.exit_code == 0, result.output
    assert "read as" not in result.output
    assert orders_of(container, shopify_shop)["#1002"].merchandise == Decimal("1234.50")


def test_a_file_in_no_known_encoding_is_one_line_naming_the_file(run, shopify_shop, tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "orders.csv"
    path.write_bytes(b"Name;Email\r\n#1001;j\x81rgen@example.de\r\n")  # 0x81: no UTF-8, and unassigned in 1252

    result = run("import", shopify_shop.domain, "--platform", "shopify", "--orders", str(path))

    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.output.strip().splitlines() == [
        f"Error: orders file {path}: neither UTF-8 nor Windows-1252 text (byte 0x81 at position 19): save it as "
        "CSV (UTF-8) and import that file"]


def test_a_header_without_the_required_columns_names_its_separator_and_the_missing_columns(  # type: ignore[no-untyped-def]
    run, shopify_shop, tmp_path
):
    german_names = "Bestellung;E-Mail;Status;Erstellt;Zwischensumme;Summe\r\n#1;a@b.de;;;;\r\n"
    orders = written(tmp_path, "orders.csv", german_names)

    result = run("import", shopify_shop.domain, "--platform", "shopify", "--orders", orders)

    assert result.exit_code == 1
    assert ("orders row 1, column 'Financial Status': missing column (the header's columns are separated by "
            "semicolons (;))") in result.output
    assert "6 error(s); nothing was imported" in result.output


def test_an_amount_that_is_no_amount_is_shown_as_the_cell_holds_it(run, shopify_shop, tmp_path):  # type: ignore[no-untyped-def]
    orders = written(tmp_path, "orders.csv", SHOPIFY_ORDERS_DE.replace("4,90;0,00;54,80;", "4,90;0,00;54,80 €;"))

    result = run("import", shopify_shop.domain, "--platform", "shopify", "--orders", orders)

    assert result.exit_code == 1
    assert "orders row 2, column 'Total': not an amount: '54,80 €'" in result.output


def test_woocommerce_order_dates_are_read_in_the_shops_time_zone(run, container, woo_shop, tmp_path):  # type: ignore[no-untyped-def]
    orders = written(tmp_path, "orders.csv", WOO_ORDERS)

    result = run("import", str(woo_shop.id), "--platform", "woocommerce", "--orders", orders,
                 "--timezone", "Europe/Berlin")

    assert result.exit_code == 0, result.output
    assert "order_date is the shop's local time, read as Europe/Berlin" in result.output
    assert orders_of(container, woo_shop)["#2001"].placed_at == datetime(2024, 3, 14, 9, 22, 5, tzinfo=UTC)


def test_a_woocommerce_order_ready_for_pickup_is_imported_as_paid(run, container, woo_shop, tmp_path):  # type: ignore[no-untyped-def]
    orders = written(tmp_path, "orders.csv", WOO_ORDERS.replace(",completed,", ",ready-for-pickup,"))

    result = run("import", str(woo_shop.id), "--platform", "woocommerce", "--orders", orders)

    assert result.exit_code == 0, result.output
    assert orders_of(container, woo_shop)["#2001"].is_paid


def test_a_gmt_column_of_the_woocommerce_export_wins_over_the_local_time(run, container, woo_shop, tmp_path):  # type: ignore[no-untyped-def]
    with_gmt = WOO_ORDERS.replace("billing_email\n", "billing_email,order_date_gmt\n").replace(
        "example.de\n", "example.de,2024-03-14 09:22:05\n")
    orders = written(tmp_path, "orders.csv", with_gmt)

    result = run("import", str(woo_shop.id), "--platform", "woocommerce", "--orders", orders,
                 "--timezone", "America/New_York")

    assert result.exit_code == 0, result.output
    assert "local time" not in result.output
    assert orders_of(container, woo_shop)["#2001"].placed_at == datetime(2024, 3, 14, 9, 22, 5, tzinfo=UTC)


def test_without_a_time_zone_woocommerce_times_are_taken_as_utc_and_the_output_says_so(  # type: ignore[no-untyped-def]
    run, container, woo_shop, tmp_path
):
    result = run("import", str(woo_shop.id), "--platform", "woocommerce", "--orders",
                 written(tmp_path, "orders.csv", WOO_ORDERS))

    assert "read as UTC (--timezone names the shop's time zone)" in result.output
    assert orders_of(container, woo_shop)["#2001"].placed_at == datetime(2024, 3, 14, 10, 22, 5, tzinfo=UTC)


def test_an_unknown_time_zone_is_refused_before_anything_is_read(run, woo_shop, tmp_path):  # type: ignore[no-untyped-def]
    result = run("import", str(woo_shop.id), "--platform", "woocommerce", "--orders",
                 written(tmp_path, "orders.csv", WOO_ORDERS), "--timezone", "Mitteleuropa")

    assert result.exit_code == 2
    assert "'Mitteleuropa' is no time zone: a name like Europe/Berlin" in result.output


def test_a_members_export_read_back_by_the_import_keeps_its_umlauts(run, container, shopify_shop, tmp_path):  # type: ignore[no-untyped-def]
    customers = written(tmp_path, "customers.csv", SHOPIFY_CUSTOMERS_DE.replace(";", ","), "cp1252")
    run("import", shopify_shop.domain, "--platform", "shopify", "--customers", customers)
    exported = tmp_path / "members.csv"
    run("export", shopify_shop.domain, "members", "-o", str(exported))
    # The export's columns as Shopify's customer export names them: the file goes back in as it came out.
    text = exported.read_text(encoding="utf-8")  # the BOM stays in the text: the import must skip it
    assert text.startswith("\ufeffid,customer_ref,email,first_name,last_name")
    renamed = text.replace("id,customer_ref,email,first_name,last_name", "Id,Customer ID,Email,First Name,Last Name", 1)
    again = written(tmp_path, "again.csv", renamed)

    result = run("import", shopify_shop.domain, "--platform", "shopify", "--customers", again, "--dry-run")

    assert result.exit_code == 0, result.output
    assert "2 customers and 0 orders are valid" in result.output
    assert "read as" not in result.output
