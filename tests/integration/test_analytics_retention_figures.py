"""Report figures an audit found wrong: customers won back, the chart's current month, CLV from exact parts."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import click
import pytest
from click.testing import CliRunner

from app.analytics.report import Period, build_report, report_for
from app.cli import Context
from app.cli import report as report_cli
from tests.support.analytics_data import add_member, add_order, at

D = Decimal
YEAR_2024 = Period(date(2024, 1, 1), date(2024, 12, 31))


def report_json(container, shop, *args: str) -> dict:  # type: ignore[no-untyped-def,type-arg]
    group = click.Group()
    report_cli.register(group)
    ctx = Context()
    ctx._container = container
    result = CliRunner().invoke(group, ["report", shop.domain, *args, "--json"], obj=ctx)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture
def lapsed_and_new(container, shopify_shop):  # type: ignore[no-untyped-def]
    """c lapsed (2022) and came back in July 2024; f is new on 1 January 2024 and lapses before the year ends."""
    with container.uow() as uow:
        c = add_member(uow.session, shopify_shop, "c", "c@example.de", joined="2022-06-01")
        f = add_member(uow.session, shopify_shop, "f", "f@example.de", joined="2024-01-01")
        add_order(uow.session, shopify_shop, "c1", "2022-06-01", "20.00", member=c)
        add_order(uow.session, shopify_shop, "c2", "2024-07-01", "20.00", member=c)
        add_order(uow.session, shopify_shop, "f1", "2024-01-01", "20.00", member=f)
        uow.commit()
    return shopify_shop


def test_a_lapsed_customer_who_orders_again_is_won_back_even_when_a_new_one_lapses(  # type: ignore[no-untyped-def]
    container, lapsed_and_new
) -> None:
    figures = report_json(container, lapsed_and_new, "--from", "2024-01-01", "--to", "2024-12-31")["figures"]

    # 2024 has 366 days: f's only order lies before the 365-day window that ends on 1 January 2025.
    counted = {k: figures[k]["value"] for k in ("customers_at_start", "customers_at_end", "new_customers",
                                               "lost_customers", "won_back_customers")}
    assert counted == {"customers_at_start": 0, "customers_at_end": 1, "new_customers": 1, "lost_customers": 0,
                       "won_back_customers": 1}


def test_the_chart_measures_the_current_month_now_as_the_headline_does(container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        only = add_member(uow.session, shopify_shop, "only", "only@example.de", joined="2025-12-20")
        add_order(uow.session, shopify_shop, "1", "2025-12-20", "20.00", member=only)
        uow.commit()

    report = report_for(container.uow(), shopify_shop, None, None, at("2026-12-07"), "en")

    figures = report["figures"]
    assert (figures["customers_at_end"]["value"], figures["lost_customers"]["value"]) == (1, 0)
    december = report["charts"]["retention"][-1]
    # Still a customer on 8 December (the period's end); the window closes on 20 December, not yet.
    assert (december["month"], december["customers"], december["lost"]) == ("2026-12", 1, 0)
    assert december["churn_rate"] == D("0.00")


def test_clv_multiplies_the_exact_parts_and_rounds_only_the_result(container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        a = add_member(uow.session, shopify_shop, "a", "a@example.de")
        b = add_member(uow.session, shopify_shop, "b", "b@example.de")
        c = add_member(uow.session, shopify_shop, "c", "c@example.de")
        for n, who in enumerate((a, b, c), start=1):  # customers when 2024 starts
            add_order(uow.session, shopify_shop, f"0{n}", "2023-06-01", "10.00", member=who)
        add_order(uow.session, shopify_shop, "1", "2024-03-01", "40.00", member=a)
        add_order(uow.session, shopify_shop, "2", "2024-03-31", "40.00", member=a)
        add_order(uow.session, shopify_shop, "3", "2024-05-01", "30.00", member=b)  # c is lost in 2024
        uow.commit()

    with container.uow() as uow:
        figures = build_report(uow.session, shopify_shop, YEAR_2024, at("2025-01-05"), "en")["figures"]

    shown = [figures[k]["value"] for k in ("aov", "purchase_frequency_year", "avg_lifetime")]
    assert shown == [D("36.67"), D("1.50"), D("3.01")]  # 36.67 × 1.50 × 3.01 would be 165.57
    # 110 ÷ 3 × (3 × 365.25 ÷ 366 ÷ 2) × (366 ÷ 365.25 ÷ (1 ÷ 3)) = 110 ÷ 2 × 3 = 165.00
    assert figures["clv"]["value"] == D("165.00")


def test_clv_is_empty_while_the_period_lost_no_customer(container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        a = add_member(uow.session, shopify_shop, "a", "a@example.de")
        add_order(uow.session, shopify_shop, "1", "2024-03-01", "40.00", member=a)
        uow.commit()

    with container.uow() as uow:
        figures = build_report(uow.session, shopify_shop, YEAR_2024, at("2025-01-05"), "en")["figures"]

    assert (figures["avg_lifetime"]["value"], figures["clv"]["value"]) == (None, None)


def test_a_period_reaching_past_today_counts_no_lapse_that_has_not_happened(container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        max_ = add_member(uow.session, shopify_shop, "max", "max@example.de", joined="2025-12-15")
        add_order(uow.session, shopify_shop, "1", "2025-12-15", "50.00", member=max_)
        uow.commit()

    # On 7 December the merchant picks all of December; max's 365 days run out on the 15th, which is to come.
    report = report_for(container.uow(), shopify_shop, date(2026, 12, 1), date(2026, 12, 31), at("2026-12-07"), "en")

    assert report["period"] == {"from": "2026-12-01", "to": "2026-12-07"}
    figures = report["figures"]
    assert (figures["customers_at_end"]["value"], figures["lost_customers"]["value"]) == (1, 0)
    assert figures["churn_rate"]["value"] == D("0.00")
    assert report["charts"]["retention"][-1]["lost"] == 0


def test_a_lapse_later_today_is_not_counted_yet(container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        late = add_member(uow.session, shopify_shop, "late", "late@example.de", joined="2025-12-07")
        order = add_order(uow.session, shopify_shop, "1", "2025-12-07", "50.00", member=late)
        order.placed_at = at("2025-12-07").replace(hour=18)  # the window closes at 18:00 on 7 December 2026
        uow.commit()

    report = report_for(container.uow(), shopify_shop, None, None, at("2026-12-07"), "en")  # at noon, today

    figures = report["figures"]
    assert (figures["customers_at_end"]["value"], figures["lost_customers"]["value"]) == (1, 0)
    assert report["charts"]["retention"][-1]["lost"] == 0


def test_the_repeat_purchase_rate_counts_the_periods_orders_as_its_definition_says(container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        back = add_member(uow.session, shopify_shop, "back", "back@example.de", joined="2023-05-01")
        twice = add_member(uow.session, shopify_shop, "twice", "twice@example.de", joined="2024-02-01")
        add_order(uow.session, shopify_shop, "b1", "2023-05-01", "20.00", member=back)
        add_order(uow.session, shopify_shop, "b2", "2024-03-01", "20.00", member=back)
        add_order(uow.session, shopify_shop, "t1", "2024-02-01", "20.00", member=twice)
        add_order(uow.session, shopify_shop, "t2", "2024-04-01", "20.00", member=twice)
        uow.commit()

    figure = report_json(container, shopify_shop, "--from", "2024-01-01", "--to", "2024-12-31")["figures"][
        "repeat_purchase_rate"]

    # back's first order was in 2023: one order in 2024 is no repeat purchase of 2024, and the definition says so
    assert figure["value"] == "50.00"
    assert "Bestellungen vor der Periode zählen nicht" in figure["definition"]  # the shop speaks German
