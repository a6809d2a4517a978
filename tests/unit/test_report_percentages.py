"""`loyalty report`'s text: percentages rounded to one place as the dashboard rounds them."""

from __future__ import annotations

from decimal import Decimal

from app.cli.report import format_percentage


def test_a_percentage_ending_in_five_rounds_up_as_on_the_dashboard() -> None:
    # 5 of 11 customers ordered twice: 45.45 %, which the dashboard (Intl) shows as 45,5 %
    assert format_percentage(Decimal("45.45"), "de") == "45,5 %"
    assert format_percentage(Decimal("12.25"), "en") == "12.3%"


def test_a_percentage_below_the_half_rounds_down() -> None:
    assert format_percentage(Decimal("66.64"), "de") == "66,6 %"


def test_whole_percentages_keep_their_one_decimal() -> None:
    assert (format_percentage(Decimal("100.00"), "de"), format_percentage(Decimal("0"), "en")) == ("100,0 %", "0.0%")
