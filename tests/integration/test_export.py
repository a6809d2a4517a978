"""CSV exports of members, the ledger and segment lists, from the CLI."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import pytest

from app.analytics.export import LEDGER_COLUMNS, export_text, segment_for_key
from app.models import Member
from tests.support.analytics_data import worked_example
from tests.support.cli import run_cli


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_members_export_has_one_row_per_member(container, shopify_shop, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ids = worked_example(container, shopify_shop)
    out = tmp_path / "members.csv"
    result = run_cli(container, "export", shopify_shop.domain, "members", "-o", str(out))
    assert result.exit_code == 0, result.output
    rows = read(out)
    assert [int(r["id"]) for r in rows] == sorted(ids.values())
    alice = next(r for r in rows if r["email"] == "alice@example.de")
    assert (alice["balance"], alice["accepts_marketing"]) == ("60", "1")


def test_ledger_export_lists_every_entry_with_the_members_email(container, shopify_shop, tmp_path) -> None:  # type: ignore[no-untyped-def]
    worked_example(container, shopify_shop)
    out = tmp_path / "ledger.csv"
    run_cli(container, "export", shopify_shop.domain, "ledger", "-o", str(out))
    rows = read(out)
    assert [(r["email"], r["kind"], r["delta"]) for r in rows] == [
        ("alice@example.de", "earn", "100"), ("alice@example.de", "bonus", "50"), ("carol@example.de", "earn", "40"),
        ("alice@example.de", "redeem", "-60"), ("alice@example.de", "reverse", "-20"),
        ("alice@example.de", "expire", "-10"),
    ]


def test_segment_export_lists_the_segments_members(container, shopify_shop, tmp_path) -> None:  # type: ignore[no-untyped-def]
    worked_example(container, shopify_shop)
    out = tmp_path / "a.csv"
    result = run_cli(container, "export", shopify_shop.domain, "segment", "A", "-o", str(out))
    assert "3 rows written" in result.output
    assert {r["email"] for r in read(out)} == {"alice@example.de", "carol@example.de", "dave@example.de"}


def test_export_without_an_output_file_writes_only_the_csv_to_standard_output(container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    ids = worked_example(container, shopify_shop)

    result = run_cli(container, "export", shopify_shop.domain, "members")

    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout.removeprefix("\ufeff"), newline="")))
    assert [int(r["id"]) for r in rows] == sorted(ids.values())
    assert result.stderr.strip() == "4 rows written"


@pytest.mark.parametrize(("what", "key"), [("ledger", []), ("segment", ["A"])])
def test_export_to_a_dash_writes_to_standard_output(container, shopify_shop, what: str, key: list[str]) -> None:  # type: ignore[no-untyped-def]
    worked_example(container, shopify_shop)

    result = run_cli(container, "export", shopify_shop.domain, what, *key, "-o", "-")

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1 + (6 if what == "ledger" else 3)
    assert "rows written" not in result.stdout


def test_csv_on_standard_output_is_utf8_with_a_bom_and_the_files_line_ends(container, shopify_shop, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ids = worked_example(container, shopify_shop)
    with container.uow() as uow:
        uow.session.get(Member, ids["bob"]).first_name = "Jürgen"
        uow.commit()
    out = tmp_path / "members.csv"
    run_cli(container, "export", shopify_shop.domain, "ledger", "-o", str(out))

    piped = run_cli(container, "export", shopify_shop.domain, "ledger")
    members = run_cli(container, "export", shopify_shop.domain, "members")

    assert piped.stdout_bytes == out.read_bytes()
    assert piped.stdout_bytes.startswith(codecs.BOM_UTF8 + ",".join(LEDGER_COLUMNS).encode() + b"\r\n")
    assert "Jürgen" in members.stdout_bytes.decode("utf-8")


def test_a_formula_in_a_customer_name_stays_text(container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    ids = worked_example(container, shopify_shop)
    with container.uow() as uow:
        uow.session.get(Member, ids["bob"]).first_name = '=HYPERLINK("http://evil.example","x")'
        uow.commit()
    text = export_text(container.uow(), shopify_shop.id, "segment", segment_for_key("all"))
    assert "'=HYPERLINK" in text
    assert '\n=HYPERLINK' not in text
    assert ',=HYPERLINK' not in text


def test_an_exported_file_starts_with_a_bom_so_excel_shows_its_umlauts(container, shopify_shop, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ids = worked_example(container, shopify_shop)
    with container.uow() as uow:
        uow.session.get(Member, ids["bob"]).first_name = "Jürgen"
        uow.commit()
    out = tmp_path / "members.csv"

    run_cli(container, "export", shopify_shop.domain, "members", "-o", str(out))

    data = out.read_bytes()
    assert data.startswith(codecs.BOM_UTF8 + b"id,customer_ref,email")
    assert "Jürgen".encode() in data
