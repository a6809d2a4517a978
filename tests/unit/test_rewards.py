"""Unit tests for reward rules: validation, coupon codes and windows, labels and next-purchase coupons."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.errors import InvalidInput
from app.domain.rewards import (
    CODE_ALPHABET,
    CODE_BITS,
    NextPurchaseRule,
    RewardDef,
    coupon_window,
    generate_code,
    qualifies,
    reward_label,
    validate_next_purchase_rule,
    validate_reward,
)

NOW = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
FIVE_OFF = RewardDef("fixed_amount", "5 € Rabatt", 500, Decimal("5"), Decimal("25"), 90)
TEN_PERCENT = RewardDef("percentage", "10 %", 1000, Decimal("10"))
FREE_SHIPPING = RewardDef("free_shipping", "Versand", 300, Decimal("0"))


def _errors(reward: RewardDef) -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        validate_reward(reward)
    return caught.value.errors


@pytest.mark.parametrize("reward", [FIVE_OFF, TEN_PERCENT, FREE_SHIPPING])
def test_sound_rewards_pass_validation(reward: RewardDef) -> None:
    validate_reward(reward)


def test_validation_wants_a_positive_points_cost_and_a_name() -> None:
    errors = _errors(RewardDef("fixed_amount", " ", 0, Decimal("5")))

    assert set(errors) == {"points_cost", "name"}


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("fixed_amount", Decimal("0")),
        ("percentage", Decimal("0")),
        ("percentage", Decimal("100.01")),
        ("free_shipping", Decimal("1")),
    ],
)
def test_validation_rejects_values_the_kind_cannot_have(kind: str, value: Decimal) -> None:
    errors = _errors(RewardDef(kind, "R", 100, value))  # type: ignore[arg-type]

    assert set(errors) == {"value"}


def test_a_full_percentage_discount_is_allowed() -> None:
    validate_reward(RewardDef("percentage", "Gratis", 10_000, Decimal("100")))


@pytest.mark.parametrize("days", [0, 3651])
def test_validation_keeps_validity_between_one_day_and_ten_years(days: int) -> None:
    errors = _errors(RewardDef("fixed_amount", "R", 100, Decimal("5"), validity_days=days))

    assert set(errors) == {"validity_days"}


def test_validation_rejects_a_negative_minimum_order_and_an_unknown_kind() -> None:
    errors = _errors(RewardDef("cashback", "R", 100, Decimal("5"), Decimal("-1")))  # type: ignore[arg-type]

    assert set(errors) == {"kind", "minimum_order"}


def test_next_purchase_rule_validation_checks_mode_threshold_and_value() -> None:
    rule = NextPurchaseRule("sometimes", Decimal("-5"), "percentage", Decimal("150"))  # type: ignore[arg-type]

    with pytest.raises(InvalidInput) as caught:
        validate_next_purchase_rule(rule)

    assert set(caught.value.errors) == {"mode", "threshold", "value"}


def test_codes_have_the_prefix_and_four_groups_of_four() -> None:
    code = generate_code()

    assert re.fullmatch(r"TREUE(-[A-Z2-9]{4}){4}", code)


def test_codes_carry_at_least_60_bits_of_entropy() -> None:
    assert CODE_BITS >= 60


def test_an_empty_prefix_leaves_just_the_groups() -> None:
    assert re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){3}", generate_code(prefix=""))


def test_a_seeded_rng_gives_repeatable_codes() -> None:
    assert generate_code("X", random.Random(7)) == generate_code("X", random.Random(7))


@given(seed=st.integers())
def test_codes_never_contain_ambiguous_characters(seed: int) -> None:
    body = generate_code(prefix="", rng=random.Random(seed)).replace("-", "")

    assert not set(body) & set("0O1IL")
    assert set(body) <= set(CODE_ALPHABET)


@settings(max_examples=20)
@given(seed=st.integers())
def test_codes_are_unique_over_many_draws(seed: int) -> None:
    rng = random.Random(seed)

    codes = {generate_code(rng=rng) for _ in range(2000)}

    assert len(codes) == 2000


def test_secret_codes_differ_between_draws() -> None:
    assert len({generate_code() for _ in range(1000)}) == 1000


def test_a_coupon_is_valid_from_now_for_its_validity_days() -> None:
    assert coupon_window(NOW, 30) == (NOW, NOW + timedelta(days=30))


def test_a_coupon_window_needs_at_least_one_day() -> None:
    with pytest.raises(ValueError, match="at least one day"):
        coupon_window(NOW, 0)


@pytest.mark.parametrize(
    ("reward", "locale", "currency", "label"),
    [
        (FIVE_OFF, "de", "EUR", "5,00\u00a0€ Rabatt"),
        (FIVE_OFF, "en", "EUR", "€5.00 off"),
        (FIVE_OFF, "de_CH", "CHF", "5,00\u00a0CHF Rabatt"),
        (FIVE_OFF, "en-US", "CHF", "CHF\u00a05.00 off"),
        (RewardDef("fixed_amount", "R", 1, Decimal("1234.5")), "de-DE", "EUR", "1.234,50\u00a0€ Rabatt"),
        (RewardDef("fixed_amount", "R", 1, Decimal("1234.5")), "en_GB", "GBP", "£1,234.50 off"),
        (TEN_PERCENT, "de", "EUR", "10\u00a0% Rabatt"),
        (TEN_PERCENT, "en", "EUR", "10% off"),
        (RewardDef("percentage", "R", 1, Decimal("12.50")), "de", "EUR", "12,5\u00a0% Rabatt"),
        (FREE_SHIPPING, "de", "EUR", "Kostenloser Versand"),
        (FREE_SHIPPING, "en", "USD", "Free shipping"),
        (FREE_SHIPPING, "fr", "EUR", "Free shipping"),
    ],
)
def test_reward_labels_read_naturally_in_german_and_english(
    reward: RewardDef, locale: str, currency: str, label: str
) -> None:
    assert reward_label(reward, locale, currency) == label


FIRST = NextPurchaseRule("first_order", Decimal("0"), "fixed_amount", Decimal("5"))
ABOVE_50 = NextPurchaseRule("every_order_above", Decimal("50"), "percentage", Decimal("10"))


def test_the_first_paid_order_earns_a_first_order_coupon() -> None:
    assert qualifies(FIRST, paid_orders_count=1, order_amount=Decimal("12"))


def test_a_second_order_earns_no_first_order_coupon() -> None:
    assert not qualifies(FIRST, paid_orders_count=2, order_amount=Decimal("12"))


def test_every_order_at_or_above_the_threshold_earns_the_coupon() -> None:
    assert qualifies(ABOVE_50, paid_orders_count=7, order_amount=Decimal("50.00"))
    assert not qualifies(ABOVE_50, paid_orders_count=7, order_amount=Decimal("49.99"))


def test_a_first_order_below_its_threshold_earns_nothing() -> None:
    rule = NextPurchaseRule("first_order", Decimal("30"), "free_shipping", Decimal("0"))

    assert not qualifies(rule, paid_orders_count=1, order_amount=Decimal("29.99"))


def test_a_disabled_rule_never_qualifies() -> None:
    rule = NextPurchaseRule("first_order", Decimal("0"), "fixed_amount", Decimal("5"), enabled=False)

    assert not qualifies(rule, paid_orders_count=1, order_amount=Decimal("100"))
