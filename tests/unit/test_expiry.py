"""Unit tests for expiry rules: month arithmetic, lot expiry, inactivity, reminders and pending periods."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.expiry import (
    add_months,
    inactivity_deadline,
    lapsed_until,
    lot_expires_at,
    pending_until,
    reminder_due,
)

EARNED = datetime(2024, 1, 31, 18, 45, tzinfo=UTC)


def test_adding_months_keeps_day_and_time() -> None:
    assert add_months(datetime(2024, 3, 15, 8, 0, tzinfo=UTC), 12) == datetime(2025, 3, 15, 8, 0, tzinfo=UTC)


def test_adding_months_clamps_to_the_end_of_a_shorter_month() -> None:
    assert add_months(EARNED, 1) == datetime(2024, 2, 29, 18, 45, tzinfo=UTC)
    assert add_months(EARNED, 13) == datetime(2025, 2, 28, 18, 45, tzinfo=UTC)


def test_adding_months_crosses_year_ends_both_ways() -> None:
    assert add_months(datetime(2024, 11, 30, tzinfo=UTC), 3) == datetime(2025, 2, 28, tzinfo=UTC)
    assert add_months(datetime(2024, 3, 31, tzinfo=UTC), -4) == datetime(2023, 11, 30, tzinfo=UTC)


# Hypothesis wants naive bounds; the drawn values carry UTC.
EARLIEST, LATEST = datetime(2000, 1, 1), datetime(2100, 1, 1)  # noqa: DTZ001


@given(
    dt=st.datetimes(min_value=EARLIEST, max_value=LATEST, timezones=st.just(UTC)),
    months=st.integers(min_value=-240, max_value=240),
)
def test_adding_months_lands_in_the_right_month_never_after_the_original_day(
    dt: datetime, months: int
) -> None:
    result = add_months(dt, months)

    assert result.year * 12 + result.month == dt.year * 12 + dt.month + months
    assert result.day <= dt.day
    assert result.time() == dt.time()


def test_per_lot_policy_dates_each_lot() -> None:
    assert lot_expires_at("per_lot", 12, EARNED) == datetime(2025, 1, 31, 18, 45, tzinfo=UTC)


@pytest.mark.parametrize("policy", ["never", "inactivity"])
def test_other_policies_leave_lots_undated(policy: str) -> None:
    assert lot_expires_at(policy, 12, EARNED) is None


def test_an_unknown_policy_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown expiry policy"):
        lot_expires_at("sometimes", 12, EARNED)


def test_per_lot_expiry_needs_at_least_one_month() -> None:
    with pytest.raises(ValueError, match="at least one month"):
        lot_expires_at("per_lot", 0, EARNED)


def test_inactivity_deadline_counts_from_the_last_activity() -> None:
    assert inactivity_deadline(EARNED, 24) == datetime(2026, 1, 31, 18, 45, tzinfo=UTC)


def test_a_reminder_is_due_inside_the_window_before_expiry() -> None:
    expires = datetime(2024, 6, 30, tzinfo=UTC)

    assert reminder_due(expires, 14, expires - timedelta(days=14))
    assert reminder_due(expires, 14, expires - timedelta(seconds=1))


def test_no_reminder_before_the_window_or_after_expiry() -> None:
    expires = datetime(2024, 6, 30, tzinfo=UTC)

    assert not reminder_due(expires, 14, expires - timedelta(days=14, seconds=1))
    assert not reminder_due(expires, 14, expires)


def test_no_reminder_for_undated_lots_or_when_reminders_are_off() -> None:
    now = datetime(2024, 6, 29, tzinfo=UTC)

    assert not reminder_due(None, 14, now)
    assert not reminder_due(datetime(2024, 6, 30, tzinfo=UTC), 0, now)


def test_points_stay_pending_for_the_configured_days() -> None:
    assert pending_until(EARNED, 14) == EARNED + timedelta(days=14)


def test_no_pending_period_makes_points_available_at_once() -> None:
    assert pending_until(EARNED, 0) is None


def test_purchases_before_the_last_pause_longer_than_the_expiry_period_have_lapsed() -> None:
    now = datetime(2026, 3, 2, tzinfo=UTC)
    purchases = [datetime(2024, 6, 1, tzinfo=UTC), datetime(2023, 1, 10, tzinfo=UTC), datetime(2025, 5, 1, tzinfo=UTC)]

    assert lapsed_until(purchases, 12, now) == datetime(2023, 1, 10, tzinfo=UTC)


def test_a_pause_up_to_now_longer_than_the_expiry_period_lapses_every_purchase() -> None:
    now = datetime(2026, 3, 2, tzinfo=UTC)
    purchases = [datetime(2024, 6, 1, tzinfo=UTC), datetime(2025, 1, 10, tzinfo=UTC)]

    assert lapsed_until(purchases, 12, now) == datetime(2025, 1, 10, tzinfo=UTC)


def test_purchases_never_a_full_period_apart_up_to_now_have_not_lapsed() -> None:
    now = datetime(2026, 3, 2, tzinfo=UTC)

    assert lapsed_until([datetime(2025, 3, 2, 0, 1, tzinfo=UTC), datetime(2024, 4, 1, tzinfo=UTC)], 12, now) is None
    assert lapsed_until([], 12, now) is None
