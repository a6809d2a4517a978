"""The report's period: the chosen days, never beyond today."""

from __future__ import annotations

from datetime import date

import pytest

from app.analytics.report import period_for
from app.domain.errors import InvalidInput

TODAY = date(2026, 12, 7)


def test_a_period_reaching_past_today_ends_today() -> None:
    period = period_for(date(2026, 12, 1), date(2026, 12, 31), TODAY)
    assert (period.first, period.last, period.days) == (date(2026, 12, 1), TODAY, 7)


def test_a_period_that_starts_after_today_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        period_for(date(2026, 12, 8), date(2026, 12, 31), TODAY)
    assert refused.value.errors == {"from": ["after today"]}


def test_a_period_ending_before_it_starts_is_refused_as_such_even_in_the_future() -> None:
    with pytest.raises(InvalidInput, match="start before it ends"):
        period_for(date(2027, 2, 1), date(2027, 1, 1), TODAY)


def test_a_past_period_is_kept_as_chosen() -> None:
    period = period_for(date(2026, 2, 28), date(2026, 2, 28), TODAY)
    assert (period.first, period.last) == (date(2026, 2, 28), date(2026, 2, 28))
