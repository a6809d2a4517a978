"""What `loyalty` prints: members with their tier, readable errors, the report per locale, import counts, shop URLs."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.analytics.settings import update_analytics_settings
from app.models import Member
from tests.conftest import START
from tests.support.analytics_data import at, worked_example
from tests.support.deliveries import deliver
from tests.support.rewards import bronze_silber_gold, save_program
from tests.support.snapshots import customer, order

CSV = Path(__file__).resolve().parents[1] / "payloads" / "csv"
REPORT_YEAR = ("--from", "2025-01-01", "--to", "2025-12-31")


def test_members_show_includes_the_tier_reached_in_json_and_text(run, container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    save_program(container, shopify_shop, bronze_silber_gold())
    deliver(container, shopify_shop, order(at=START, merchandise="120.00", buyer=customer()))

    as_json = run("members", "show", shopify_shop.domain, "juergen.weiss@example.de", "--json")
    as_text = run("members", "show", shopify_shop.domain, "juergen.weiss@example.de")

    assert json.loads(as_json.output)["tier"] == {"key": "silber", "name": "Silber"}
    assert "Stufe Silber (silber)" in as_text.output  # the shop's language: German


def test_members_show_says_no_tier_when_the_shop_has_no_tier_programme(run, container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    deliver(container, shopify_shop, order(at=START, buyer=customer()))

    as_json = run("members", "show", shopify_shop.domain, "juergen.weiss@example.de", "--json")
    as_text = run("members", "show", shopify_shop.domain, "juergen.weiss@example.de")

    assert json.loads(as_json.output)["tier"] is None
    assert "ohne Stufe" in as_text.output  # the shop's language: German


def test_an_unknown_member_is_named_field_by_field_not_as_a_dict(run, container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    result = run("members", "show", shopify_shop.domain, "nobody@example.de", "--lang", "en")

    assert result.exit_code == 1
    assert "Error: Unknown member (email: nobody@example.de)" in result.output
    assert "{" not in result.output


def test_invalid_input_lists_its_fields_readably(run, container) -> None:  # type: ignore[no-untyped-def]
    result = run("shops", "add", "shopify", "store.example.com")

    assert "Error: The input is not valid (domain: must be a {name}.myshopify.com domain)" in result.output


@pytest.mark.parametrize("url", ["notaurl", "https://notaurl", "ftp://shop.example.de", "http://1234"])
def test_shops_add_woocommerce_refuses_what_is_no_shop_url(run, container, url: str) -> None:  # type: ignore[no-untyped-def]
    result = run("shops", "add", "woocommerce", url, "--webhook-secret", "s", "--consumer-key", "ck",
                 "--consumer-secret", "cs")

    assert result.exit_code == 1
    assert "not a shop URL" in result.output
    assert run("shops", "list", "--json").output.strip() == "[]"


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080", "http://localhost:8080", "teeladen.example.de"])
def test_shops_add_woocommerce_accepts_an_ip_localhost_or_a_dotted_host(run, container, url: str) -> None:  # type: ignore[no-untyped-def]
    result = run("shops", "add", "woocommerce", url, "--webhook-secret", "s", "--consumer-key", "ck",
                 "--consumer-secret", "cs")

    assert result.exit_code == 0, result.output


@pytest.fixture
def worked_report(container, shopify_shop):  # type: ignore[no-untyped-def]
    worked_example(container, shopify_shop)
    update_analytics_settings(container.uow(), shopify_shop.id, {"acquisition_cost": Decimal("10.00")},
                              actor="test", now=at("2026-01-05"))
    return shopify_shop


def test_the_german_report_writes_money_and_percent_the_german_way(run, worked_report) -> None:  # type: ignore[no-untyped-def]
    result = run("report", worked_report.domain, *REPORT_YEAR, "--lang", "de")

    assert result.exit_code == 0, result.output
    assert "50,0 %" in result.output
    assert "520,00 €" in result.output
    assert "50.00" not in result.output


def test_the_english_report_writes_money_and_percent_the_english_way(run, worked_report) -> None:  # type: ignore[no-untyped-def]
    result = run("report", worked_report.domain, *REPORT_YEAR, "--lang", "en")

    assert "50.0%" in result.output
    assert "€520.00" in result.output


def test_the_json_report_keeps_plain_numbers_in_either_language(run, worked_report) -> None:  # type: ignore[no-untyped-def]
    result = run("report", worked_report.domain, *REPORT_YEAR, "--lang", "de", "--json")

    figures = json.loads(result.output)["figures"]
    assert (figures["retention_rate"]["value"], figures["clv"]["value"]) == ("50.00", "260.00")


def members_of(container, shop) -> int:  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(Member).where(Member.shop_id == shop.id)) or 0


@pytest.mark.parametrize("award", [["--award-points"], []])
def test_import_counts_the_members_that_orders_alone_created(run, container, woo_shop, award: list[str]) -> None:  # type: ignore[no-untyped-def]
    result = run("import", str(woo_shop.id), "--platform", "woocommerce",
                 "--orders", str(CSV / "woocommerce_orders.csv"), *award)

    assert result.exit_code == 0, result.output
    created = members_of(container, woo_shop)
    assert created > 0
    assert f"members created {created}, updated 0" in result.output


def test_import_of_customers_then_their_orders_creates_no_member_twice(run, container, woo_shop) -> None:  # type: ignore[no-untyped-def]
    run("import", str(woo_shop.id), "--platform", "woocommerce", "--customers", str(CSV / "woocommerce_customers.csv"))

    result = run("import", str(woo_shop.id), "--platform", "woocommerce",
                 "--orders", str(CSV / "woocommerce_orders.csv"), "--award-points")

    assert "members created 0" in result.output
