"""The retention report on a hand-made history: every figure checked against a calculation done by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.analytics.report import Period, build_report, period_for
from app.analytics.settings import update_analytics_settings
from tests.support.analytics_data import at, worked_example

D = Decimal
YEAR_2025 = Period(date(2025, 1, 1), date(2025, 12, 31))


@pytest.fixture
def report(container, shopify_shop):  # type: ignore[no-untyped-def]
    worked_example(container, shopify_shop)
    update_analytics_settings(container.uow(), shopify_shop.id, {"acquisition_cost": D("10.00")},
                              actor="test", now=at("2026-01-05"))

    def build(period: Period = YEAR_2025, locale: str = "en") -> dict:  # type: ignore[type-arg]
        with container.uow() as uow:
            return build_report(uow.session, shopify_shop, period, at("2026-01-05"), locale)

    return build


def values(report: dict) -> dict:  # type: ignore[type-arg]
    return {key: figure["value"] for key, figure in report["figures"].items()}


def test_retention_and_churn_follow_the_customers_of_the_churn_window(report) -> None:  # type: ignore[no-untyped-def]
    v = values(report())
    # At the start: alice and bob ordered in the 365 days before 1 Jan 2025. At the end: alice, carol,
    # the guest and dave. New: carol, the guest, dave. Lost: bob.
    assert (v["customers_at_start"], v["customers_at_end"], v["new_customers"], v["lost_customers"]) == (2, 4, 3, 1)
    assert v["retention_rate"] == D("50.00")  # (4 − 3) ÷ 2
    assert v["churn_rate"] == D("50.00")  # 1 ÷ 2


def test_order_figures_count_paid_orders_net_of_refunds(report) -> None:  # type: ignore[no-untyped-def]
    v = values(report())
    # 2025: alice 50 + 150, carol 60 + (40 − 10), guest 30, dave 200; unpaid and cancelled orders don't count.
    assert (v["orders"], v["revenue"], v["customers"]) == (6, D("520.00"), 4)
    assert v["repeat_purchase_rate"] == D("50.00")  # alice and carol of 4
    assert v["aov"] == D("86.67")  # 520 ÷ 6
    assert v["purchase_frequency"] == D("1.50")  # 6 ÷ 4
    assert v["purchase_frequency_year"] == D("1.50")  # 6 × 365.25 ÷ 365 ÷ 4


def test_lifetime_clv_and_ltv_cac(report) -> None:  # type: ignore[no-untyped-def]
    v = values(report())
    # Churn 1 of 2 in 2025 (365 days): 50 % a year, so a customer stays 1 ÷ 0.5 years (365 ÷ 365.25 ÷ 0.5).
    assert v["avg_lifetime"] == D("2.00")
    # 520 ÷ 6 × (6 × 365.25 ÷ 365 ÷ 4) × (365 ÷ 365.25 ÷ 0.5) = 520 ÷ 4 ÷ 0.5: what a customer spends in a
    # year, for the two years they stay; above one order (86.67), as a lifetime's value must be.
    assert v["clv"] == D("260.00")
    assert v["ltv_cac"] == D("26.00")  # 260.00 ÷ 10.00


def test_a_months_report_counts_orders_per_year_over_the_year_up_to_its_end(report) -> None:  # type: ignore[no-untyped-def]
    v = values(report(Period(date(2025, 11, 1), date(2025, 11, 30))))
    # November 2025: dave's one order (orders per customer 1.00). Per year: the year up to 30 November 2025,
    # 2024-12-01 to 2025-11-30, holds all six paid orders of 2025 by four customers: 6 × 365.25 ÷ 365 ÷ 4, as the
    # year's report says, not November's 1 order scaled to twelve.
    assert v["purchase_frequency"] == D("1.00")
    assert v["purchase_frequency_year"] == D("1.50")


def test_members_and_guests_are_compared(report) -> None:  # type: ignore[no-untyped-def]
    v = values(report())
    assert (v["members_aov"], v["members_frequency"]) == (D("98.00"), D("1.67"))  # 490 ÷ 5, 5 ÷ 3
    assert (v["guests_aov"], v["guests_frequency"]) == (D("30.00"), D("1.00"))


def test_points_figures_come_from_the_ledger(report) -> None:  # type: ignore[no-untyped-def]
    v = values(report())
    assert (v["members"], v["active_members"]) == (4, 2)
    assert v["points_issued"] == 170  # 100 + 50 + 40 − 20 reversed
    assert (v["points_redeemed"], v["points_expired"]) == (60, 10)
    assert v["redemption_rate"] == D("35.29")  # 60 ÷ 170
    assert v["points_outstanding"] == 100  # alice 60, carol 40
    assert v["points_liability"] == D("1.00")  # 100 points at 100 points = 1.00


def test_coupon_and_review_figures(report) -> None:  # type: ignore[no-untyped-def]
    v = values(report())
    assert (v["coupons_issued"], v["coupons_used"], v["coupon_use_rate"]) == (2, 1, D("50.00"))
    assert (v["coupon_orders"], v["coupon_revenue"]) == (1, D("200.00"))
    assert (v["review_requests"], v["review_responses"], v["review_response_rate"]) == (4, 3, D("75.00"))
    assert v["average_rating"] == D("3.67")  # (5 + 4 + 2) ÷ 3
    assert v["nps"] == D("33.33")  # (2 promoters − 1 detractor) ÷ 3


def test_every_figure_carries_its_definition_in_both_languages(report) -> None:  # type: ignore[no-untyped-def]
    german, english = report(locale="de"), report(locale="en")
    for key, figure in english["figures"].items():
        assert figure["definition"], key
        assert german["figures"][key]["definition"], key
        assert figure["label"] != f"analytics.figure.{key}", key
    assert german["figures"]["retention_rate"]["label"] == "Kundenbindungsrate"


def test_cohorts_show_the_share_ordering_again_in_later_months(report) -> None:  # type: ignore[no-untyped-def]
    cohorts = report(Period(date(2024, 1, 1), date(2025, 12, 31)))["charts"]["cohorts"]
    by_month = {row["cohort"]: row for row in cohorts}
    assert sorted(by_month) == ["2024-03", "2024-06", "2025-03", "2025-05", "2025-11"]
    alice = by_month["2024-03"]["shares"]  # alice: first order March 2024, again Feb 2025 (11) and June 2025 (15)
    assert alice[10] == D("100.00")
    assert alice[14] == D("100.00")
    assert [s for i, s in enumerate(alice) if i not in (10, 14)] == [D("0.00")] * (len(alice) - 2)
    assert len(by_month["2025-11"]["shares"]) == 1


def test_retention_over_time_gives_each_month_its_own_rate(report) -> None:  # type: ignore[no-untyped-def]
    months = {row["month"]: row for row in report()["charts"]["retention"]}
    assert len(months) == 12
    assert "2025-12" in months
    # June 2025: customers at its start alice, bob, carol, guest (ordered since June 2024); bob's window ends
    # on 1 June 2025, so he is lost in June; nobody new arrives.
    june = months["2025-06"]
    assert (june["lost"], june["new"], june["customers"]) == (1, 0, 3)
    assert june["retention_rate"] == D("75.00")


def test_points_chart_and_liability_forecast(report) -> None:  # type: ignore[no-untyped-def]
    charts = report()["charts"]
    points = {row["month"]: row for row in charts["points"]}
    assert points["2025-03"]["issued"] == 90
    assert points["2025-04"]["redeemed"] == 60
    assert points["2025-06"]["issued"] == -20
    assert points["2025-12"]["expired"] == 10
    assert [row["points"] for row in charts["liability"]] == [0] * 6  # the shop's points never expire


def test_the_default_period_is_the_last_twelve_months() -> None:
    period = period_for(None, None, date(2026, 3, 2))
    assert (period.first, period.last, period.days) == (date(2025, 3, 3), date(2026, 3, 2), 365)


def run_report(container, *args: str):  # type: ignore[no-untyped-def]
    import click
    from click.testing import CliRunner

    from app.cli import Context
    from app.cli import report as report_cli

    group = click.Group()
    report_cli.register(group)
    ctx = Context()
    ctx._container = container
    return CliRunner().invoke(group, ["report", *args], obj=ctx)


def test_the_cli_prints_the_same_figures_as_json(report, container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    import json

    result = run_report(container, shopify_shop.domain, "--from", "2025-01-01", "--to", "2025-12-31", "--json")
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed["figures"]["retention_rate"]["value"] == "50.00"
    assert printed["figures"]["clv"]["value"] == "260.00"
    assert printed["period"] == {"from": "2025-01-01", "to": "2025-12-31"}


def test_the_cli_prints_a_readable_table_with_definitions(report, container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    result = run_report(container, shopify_shop.domain, "--from", "2025-01-01", "--to", "2025-12-31", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Retention rate" in result.output
    assert "50.0%" in result.output
    assert "(customers at start − lost customers) ÷ customers at start" in result.output
    assert "€520.00" in result.output


def test_the_cli_refuses_a_period_that_ends_before_it_starts(report, container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    result = run_report(container, shopify_shop.domain, "--from", "2025-12-31", "--to", "2025-01-01", "--lang", "en")
    assert result.exit_code == 2
    assert "before it ends" in result.output


def test_the_points_chart_has_every_month_of_the_period_with_quiet_months_as_zeros(report) -> None:  # type: ignore[no-untyped-def]
    # 2025's ledger has entries in February, March, April, June and December only; the bars stand on a time axis.
    points = report()["charts"]["points"]
    assert [row["month"] for row in points] == [f"2025-{m:02d}" for m in range(1, 13)]
    assert points[6] == {"month": "2025-07", "issued": 0, "redeemed": 0, "expired": 0}


def test_the_clv_definition_says_a_short_period_takes_order_value_and_orders_of_the_year_to_its_end(report) -> None:  # type: ignore[no-untyped-def]
    # a month's CLV multiplies the year's average order value, not the month's shown beside it
    assert "the year up to its end" in report()["figures"]["clv"]["definition"]
    assert "des Jahres bis zu ihrem Ende" in report(locale="de")["figures"]["clv"]["definition"]
