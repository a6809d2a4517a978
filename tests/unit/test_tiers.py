"""Unit tests for VIP tier rules: validation, upgrades, graceful downgrades, and progress."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.errors import InvalidInput
from app.domain.tiers import (
    TierDef,
    TierProgram,
    evaluate,
    period_start,
    progress,
    qualifying_tier,
    upgrade_on_order,
    validate_program,
)

NOW = datetime(2024, 6, 15, 12, 0, tzinfo=UTC)
BRONZE = TierDef("bronze", "Bronze", Decimal("0"))
SILVER = TierDef("silver", "Silber", Decimal("200"), multiplier=Decimal("1.25"))
GOLD = TierDef("gold", "Gold", Decimal("500"), multiplier=Decimal("1.5"))
PLATINUM = TierDef("platinum", "Platin", Decimal("1000"), multiplier=Decimal("2"))
PROGRAM = TierProgram("spend", "rolling_12m", 30, (BRONZE, SILVER, GOLD, PLATINUM))
KEYS = [None, "bronze", "silver", "gold", "platinum"]


def _errors(program: TierProgram) -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        validate_program(program)
    return caught.value.errors


def test_a_sound_program_passes_validation() -> None:
    validate_program(PROGRAM)


def test_validation_rejects_more_than_six_tiers() -> None:
    tiers = tuple(TierDef(f"t{i}", f"Tier {i}", Decimal(i * 100)) for i in range(7))

    errors = _errors(TierProgram("spend", "lifetime", 0, tiers))

    assert "tiers" in errors


def test_validation_names_duplicate_keys_and_names_per_tier() -> None:
    twin = TierDef("silver", "silber", Decimal("300"))

    errors = _errors(TierProgram("spend", "lifetime", 0, (BRONZE, SILVER, twin)))

    assert set(errors) == {"tiers.2.key", "tiers.2.name"}


def test_validation_wants_strictly_increasing_non_negative_thresholds() -> None:
    tiers = (
        TierDef("a", "A", Decimal("-1")),
        TierDef("b", "B", Decimal("100")),
        TierDef("c", "C", Decimal("100")),
    )

    errors = _errors(TierProgram("points", "lifetime", 0, tiers))

    assert set(errors) == {"tiers.0.threshold", "tiers.2.threshold"}


def test_validation_keeps_multipliers_between_one_and_ten() -> None:
    tiers = (
        TierDef("a", "A", Decimal("0"), Decimal("0.5")),
        TierDef("b", "B", Decimal("1"), Decimal("10.5")),
    )

    errors = _errors(TierProgram("spend", "lifetime", 0, tiers))

    assert set(errors) == {"tiers.0.multiplier", "tiers.1.multiplier"}


def test_validation_rejects_unknown_basis_period_and_negative_grace() -> None:
    errors = _errors(TierProgram("visits", "forever", -1, (BRONZE,)))  # type: ignore[arg-type]

    assert set(errors) == {"basis", "period", "grace_days"}


def test_lifetime_period_has_no_start() -> None:
    assert period_start("lifetime", NOW) is None


def test_calendar_year_starts_on_the_first_of_january_utc() -> None:
    assert period_start("calendar_year", NOW) == datetime(2024, 1, 1, tzinfo=UTC)


def test_rolling_period_starts_365_days_ago() -> None:
    assert period_start("rolling_12m", NOW) == NOW - timedelta(days=365)


def test_qualifying_tier_is_the_highest_threshold_reached() -> None:
    assert qualifying_tier(PROGRAM, Decimal("499.99")) == SILVER
    assert qualifying_tier(PROGRAM, Decimal("500")) == GOLD


def test_no_tier_qualifies_below_the_lowest_threshold() -> None:
    program = TierProgram("spend", "lifetime", 0, (SILVER, GOLD))

    assert qualifying_tier(program, Decimal("10")) is None


def test_an_order_that_crosses_a_threshold_upgrades_at_once_possibly_skipping_tiers() -> None:
    assert upgrade_on_order(PROGRAM, "bronze", Decimal("750")) == GOLD


def test_an_order_below_the_current_tier_never_downgrades() -> None:
    assert upgrade_on_order(PROGRAM, "gold", Decimal("100")) is None


def test_periodic_evaluation_upgrades_at_once() -> None:
    decision = evaluate(PROGRAM, "bronze", Decimal("1200"), NOW, None)

    assert (decision.new_key, decision.change, decision.below_since) == ("platinum", "up", None)


def test_falling_below_the_threshold_starts_the_grace_clock() -> None:
    decision = evaluate(PROGRAM, "gold", Decimal("300"), NOW, None)

    assert (decision.new_key, decision.change, decision.below_since) == ("gold", "none", NOW)


def test_downgrade_waits_for_the_grace_period_then_drops_one_tier() -> None:
    since = NOW - timedelta(days=29)
    waiting = evaluate(PROGRAM, "platinum", Decimal("0"), NOW, since)

    dropped = evaluate(PROGRAM, "platinum", Decimal("0"), NOW + timedelta(days=1), since)

    assert (waiting.new_key, waiting.change, waiting.below_since) == ("platinum", "none", since)
    assert (dropped.new_key, dropped.change, dropped.below_since) == ("gold", "down", None)


def test_qualifying_again_stops_the_grace_clock() -> None:
    decision = evaluate(PROGRAM, "gold", Decimal("600"), NOW, NOW - timedelta(days=10))

    assert (decision.new_key, decision.change, decision.below_since) == ("gold", "none", None)


def test_zero_grace_days_drops_on_the_first_evaluation() -> None:
    program = TierProgram("spend", "lifetime", 0, PROGRAM.tiers)

    decision = evaluate(program, "silver", Decimal("10"), NOW, None)

    assert (decision.new_key, decision.change) == ("bronze", "down")


def test_a_tier_removed_from_the_program_lands_the_member_on_the_tier_their_value_reaches() -> None:
    decision = evaluate(PROGRAM, "diamond", Decimal("250"), NOW, None)

    assert (decision.new_key, decision.change) == ("silver", "up")


@given(
    current=st.sampled_from(KEYS),
    value=st.decimals(min_value=0, max_value=2000, places=2),
    days_below=st.none() | st.integers(min_value=0, max_value=1000),
)
def test_evaluation_never_moves_down_more_than_one_step(
    current: str | None, value: Decimal, days_below: int | None
) -> None:
    since = None if days_below is None else NOW - timedelta(days=days_below)

    decision = evaluate(PROGRAM, current, value, NOW, since)

    before, after = KEYS.index(current), KEYS.index(decision.new_key)
    assert after >= before - 1
    assert decision.change == ("up" if after > before else "down" if after < before else "none")
    assert after >= KEYS.index(_key(qualifying_tier(PROGRAM, value)))


def _key(tier: TierDef | None) -> str | None:
    return tier.key if tier else None


def test_progress_measures_the_way_from_the_current_to_the_next_threshold() -> None:
    result = progress(PROGRAM, "silver", Decimal("350"))

    # silver 200 → gold 500: 150 of 300 done, 150 to go.
    assert (result.current, result.next) == (SILVER, GOLD)
    assert result.remaining == Decimal("150")
    assert result.ratio == Decimal("0.5")


def test_progress_without_a_tier_counts_from_zero() -> None:
    program = TierProgram("points", "lifetime", 0, (SILVER, GOLD))

    result = progress(program, None, Decimal("50"))

    assert (result.current, result.next) == (None, SILVER)
    assert (result.remaining, result.ratio) == (Decimal("150"), Decimal("0.25"))


def test_progress_at_the_top_tier_is_complete() -> None:
    result = progress(PROGRAM, "platinum", Decimal("5000"))

    assert (result.next, result.remaining, result.ratio) == (None, Decimal("0"), Decimal("1"))


def test_progress_ratio_stays_between_zero_and_one_while_waiting_out_grace() -> None:
    result = progress(PROGRAM, "gold", Decimal("100"))

    assert result.ratio == 0
    assert result.remaining == Decimal("900")
