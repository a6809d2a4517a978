"""`loyalty report` shows the A/B/C segments, counted as the admin page's segments tab counts them.

The worked example's members by revenue to date (paid, not cancelled, net of refunds): alice 100 + 50 + 150 = 300,
dave 200, carol 60 + 40 − 10 = 90, bob 80; 670 in all. With the default cut-offs (80 %, 95 %) alice (0 before her),
dave (300 before him, 45 %) and carol (500, 75 %) are A, bob (590, 88 %) is B, nobody is C.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from click.testing import Result

from app.analytics.read import segments_overview
from app.analytics.settings import update_analytics_settings
from tests.support.analytics_data import at, worked_example

YEAR = ("--from", "2025-01-01", "--to", "2025-12-31")


@pytest.fixture
def shop(container, shopify_shop):  # type: ignore[no-untyped-def]
    worked_example(container, shopify_shop)
    return shopify_shop


def segments_of(result: Result) -> list[tuple[str, int, str]]:
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["segments"]["abc"]
    return [(row["key"], row["members"], row["revenue"]) for row in rows]


def test_the_json_report_has_the_members_and_revenue_of_each_class(run, shop) -> None:  # type: ignore[no-untyped-def]
    result = run("report", shop.domain, *YEAR, "--json")

    assert segments_of(result) == [("A", 3, "590.00"), ("B", 1, "80.00"), ("C", 0, "0.00")]


def test_the_json_report_counts_the_segments_as_the_admin_page_does(run, container, shop) -> None:  # type: ignore[no-untyped-def]
    result = run("report", shop.domain, *YEAR, "--json", "--lang", "en")

    admin = json.loads(json.dumps(segments_overview(container.uow(), shop.id, "en")["abc"], default=str))
    assert json.loads(result.stdout)["segments"]["abc"] == admin


def test_the_segments_follow_the_shops_a_and_b_cut_offs(run, container, shop) -> None:  # type: ignore[no-untyped-def]
    update_analytics_settings(container.uow(), shop.id, {"a_share": Decimal("0.50")}, actor="test",
                              now=at("2026-01-05"))

    result = run("report", shop.domain, *YEAR, "--json", "--lang", "en")

    # alice (0 before her) and dave (45 %) stay under 50 %; carol (75 %) and bob (88 %) fall to B.
    assert segments_of(result) == [("A", 2, "500.00"), ("B", 2, "170.00"), ("C", 0, "0.00")]
    assert "less than 50% of revenue" in json.loads(result.stdout)["segments"]["definition"]


def test_the_german_table_lists_each_class_with_members_and_revenue(run, shop) -> None:  # type: ignore[no-untyped-def]
    result = run("report", shop.domain, *YEAR, "--lang", "de")

    assert result.exit_code == 0, result.output
    section = result.output.split("A/B/C-Segmente\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert [line.split() for line in section[:3]] == [
        ["A-Kunden", "(Top-Umsatz)", "3", "Mitglieder", "590,00", "€"],
        ["B-Kunden", "(mittlerer", "Umsatz)", "1", "Mitglied", "80,00", "€"],
        ["C-Kunden", "(geringer", "Umsatz)", "0", "Mitglieder", "0,00", "€"],
    ]
    assert "weniger als 80 % des Umsatzes" in section[3]


def test_the_english_table_lists_each_class_with_members_and_revenue(run, shop) -> None:  # type: ignore[no-untyped-def]
    result = run("report", shop.domain, *YEAR, "--lang", "en")

    section = result.output.split("A/B/C segments\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert [line.split() for line in section[:3]] == [
        ["A", "customers", "(top", "revenue)", "3", "members", "€590.00"],
        ["B", "customers", "(middle", "revenue)", "1", "member", "€80.00"],
        ["C", "customers", "(low", "revenue)", "0", "members", "€0.00"],
    ]
    assert "less than 80% of revenue, B below 95%" in section[3]
