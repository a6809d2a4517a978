"""Unit tests for retention and programme metrics, each checked against a worked example by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.metrics import (
    DEFINITIONS,
    average_order_value,
    average_rating,
    churn_rate,
    clv,
    clv_of_totals,
    coupon_use_rate,
    expected_lifetime_years,
    ltv_cac,
    nps,
    points_liability,
    purchase_frequency,
    redemption_rate,
    repeat_purchase_rate,
    response_rate,
    retention_rate,
)

METRIC_KEYS = {
    "retention_rate", "churn_rate", "repeat_purchase_rate", "aov", "purchase_frequency", "avg_lifetime",
    "clv", "ltv_cac", "members", "active_members", "points_issued", "points_redeemed", "points_expired",
    "redemption_rate", "points_liability", "coupon_use_rate", "coupon_revenue", "review_response_rate",
    "average_rating", "nps",
}  # fmt: skip


def test_retention_counts_only_customers_who_were_there_at_the_start() -> None:
    # 200 at the start, 20 of them lost: 180 of the 200 stayed → 90 %.
    assert retention_rate(200, 20) == Decimal("90.00")


def test_customers_won_back_do_not_push_retention_above_the_starting_customers() -> None:
    # 5 at the start, 2 lost; at the end 6 customers: 3 stayed, 0 new, so 3 came back after lapsing.
    # The textbook (end − new) ÷ start would say 120 %.
    assert (retention_rate(5, 2), churn_rate(2, 5)) == (Decimal("60.00"), Decimal("40.00"))


def test_retention_rounds_half_up_to_two_places() -> None:
    # (16 − 6) ÷ 16 × 100 = 62.5 exactly; (3 − 1) ÷ 3 × 100 = 66.666… → 66.67.
    assert retention_rate(16, 6) == Decimal("62.50")
    assert retention_rate(3, 1) == Decimal("66.67")


def test_churn_is_the_share_of_starting_customers_lost() -> None:
    # 20 lost of 200 → 10 %.
    assert churn_rate(20, 200) == Decimal("10.00")


def test_repeat_purchase_rate_is_the_share_of_buyers_who_came_back() -> None:
    # 30 of 120 buyers ordered twice or more → 25 %.
    assert repeat_purchase_rate(30, 120) == Decimal("25.00")


def test_average_order_value_is_revenue_per_order_in_cents() -> None:
    # 1000.00 over 3 orders = 333.333… → 333.33.
    assert average_order_value(Decimal("1000.00"), 3) == Decimal("333.33")


def test_purchase_frequency_is_orders_per_customer() -> None:
    # 450 orders by 300 customers → 1.5.
    assert purchase_frequency(450, 300) == Decimal("1.50")


def test_the_expected_lifetime_is_one_over_the_churn_rate_per_year() -> None:
    # A quarter (91.3125 days = 0.25 years) that lost 5 of 100 customers: 5 % a quarter, 20 % a year → 5 years.
    assert expected_lifetime_years(Decimal("91.3125"), 5, 100) == Decimal("5")


def test_the_expected_lifetime_is_unknown_while_nobody_was_lost_and_never_above_ten_years() -> None:
    assert expected_lifetime_years(365, 0, 100) is None
    assert expected_lifetime_years(365, 3, 0) is None
    assert expected_lifetime_years(365, 1, 1000) == Decimal("10")  # 0.1 % a year would be 1,000 years


def test_clv_from_totals_is_never_below_one_order_of_a_customer_who_stays() -> None:
    # 120 € by 4 customers in a year that lost half its customers: 30 € a customer a year × 2 years = 60.
    assert clv_of_totals(Decimal("120"), 4, 4, Decimal("365.25"), expected_lifetime_years(Decimal("365.25"), 1, 2)) \
        == Decimal("60.00")


def test_clv_multiplies_order_value_frequency_and_lifetime() -> None:
    # 40.00 × 2.5 orders a year × 3 years = 300.00.
    assert clv(Decimal("40.00"), Decimal("2.5"), Decimal("3")) == Decimal("300.00")


def test_clv_is_unknown_when_any_part_is_unknown() -> None:
    assert clv(None, Decimal("2.5"), Decimal("3")) is None


def test_ltv_cac_divides_lifetime_value_by_acquisition_cost() -> None:
    # 300.00 ÷ 75.00 = 4.
    assert ltv_cac(Decimal("300.00"), Decimal("75.00")) == Decimal("4.00")


def test_ltv_cac_is_unknown_without_a_positive_cost() -> None:
    assert ltv_cac(Decimal("300"), Decimal("0")) is None
    assert ltv_cac(Decimal("300"), None) is None


def test_redemption_rate_is_the_share_of_issued_points_redeemed() -> None:
    # 12 500 of 50 000 points → 25 %.
    assert redemption_rate(12_500, 50_000) == Decimal("25.00")


def test_points_liability_values_outstanding_points_at_the_shop_rate() -> None:
    # 12 345 points at 100 points = 1.00 € → 123.45 €.
    assert points_liability(12_345, 100, Decimal("1.00")) == Decimal("123.45")


def test_nps_subtracts_detractor_share_from_promoter_share() -> None:
    # 60 promoters, 25 passives, 15 detractors of 100: 60 % − 15 % = 45.
    assert nps(60, 25, 15) == Decimal("45.00")


def test_nps_can_be_negative() -> None:
    # 1 promoter, 0 passives, 3 detractors: 25 % − 75 % = −50.
    assert nps(1, 0, 3) == Decimal("-50.00")


def test_response_and_coupon_use_rates_are_percent_shares() -> None:
    # 7 of 8 reviews answered → 87.5 %; 1 of 3 coupons used → 33.33 %.
    assert response_rate(7, 8) == Decimal("87.50")
    assert coupon_use_rate(1, 3) == Decimal("33.33")


def test_average_rating_is_the_mean_of_the_stars() -> None:
    # 5 + 4 + 4 = 13 over 3 reviews → 4.33.
    assert average_rating(13, 3) == Decimal("4.33")


@pytest.mark.parametrize(
    "call",
    [
        lambda: retention_rate(0, 0),
        lambda: churn_rate(0, 0),
        lambda: repeat_purchase_rate(0, 0),
        lambda: average_order_value(Decimal("0"), 0),
        lambda: purchase_frequency(0, 0),
        lambda: expected_lifetime_years(365, 0, 0),
        lambda: redemption_rate(0, 0),
        lambda: points_liability(100, 0, Decimal("1")),
        lambda: nps(0, 0, 0),
        lambda: response_rate(0, 0),
        lambda: average_rating(0, 0),
    ],
)
def test_metrics_are_unknown_when_their_denominator_is_zero(call: object) -> None:
    assert callable(call)
    assert call() is None


@given(
    promoters=st.integers(min_value=0, max_value=10_000),
    passives=st.integers(min_value=0, max_value=10_000),
    detractors=st.integers(min_value=0, max_value=10_000),
)
def test_nps_stays_between_minus_100_and_100(promoters: int, passives: int, detractors: int) -> None:
    score = nps(promoters, passives, detractors)

    assert score is None or Decimal("-100") <= score <= Decimal("100")


def test_every_metric_has_a_german_and_english_definition() -> None:
    assert set(DEFINITIONS) == METRIC_KEYS
    for texts in DEFINITIONS.values():
        assert set(texts) == {"de", "en"}
        assert all(text.strip() for text in texts.values())
