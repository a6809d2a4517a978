"""`loyalty report`'s text: percentages rounded to one place as the dashboard rounds them; ratios with two places."""

from __future__ import annotations

from decimal import Decimal

from app.cli.report import format_percentage, format_value


def test_a_percentage_ending_in_five_rounds_up_as_on_the_dashboard() -> None:
    # 5 of 11 customers ordered twice: 45.45 %, which the dashboard (Intl) shows as 45,5 %
    assert format_percentage(Decimal("45.45"), "de") == "45,5 %"
    assert format_percentage(Decimal("12.25"), "en") == "12.3%"


def test_a_percentage_below_the_half_rounds_down() -> None:
    assert format_percentage(Decimal("66.64"), "de") == "66,6 %"


def test_whole_percentages_keep_their_one_decimal() -> None:
    assert (format_percentage(Decimal("100.00"), "de"), format_percentage(Decimal("0"), "en")) == ("100,0 %", "0.0%")


def test_ratios_and_years_keep_two_places() -> None:
    assert format_value({"value": Decimal("1.00"), "unit": "ratio"}, "EUR", "de") == "1,00"
    assert format_value({"value": Decimal("0.90"), "unit": "years"}, "EUR", "en") == "0.90"
    assert format_value({"value": 12, "unit": "count"}, "EUR", "de") == "12"
