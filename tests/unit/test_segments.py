"""Unit tests for ABC classes, RFM quintile scores and the named RFM groups."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.segments import (
    RFM_GRID,
    SEGMENT_LABELS,
    abc_class,
    abc_labels,
    quintile_scores,
    rfm_group,
)

GROUPS = {
    "champions", "loyal", "potential_loyalists", "new_customers", "promising", "need_attention",
    "about_to_sleep", "at_risk", "cannot_lose", "hibernating", "lost",
}  # fmt: skip


def test_a_customer_is_a_while_those_above_hold_less_than_80_percent() -> None:
    assert abc_class(Decimal("0")) == "A"
    assert abc_class(Decimal("0.7999")) == "A"
    assert abc_class(Decimal("0.80")) == "B"


def test_b_runs_up_to_95_percent_then_c() -> None:
    assert abc_class(Decimal("0.9499")) == "B"
    assert abc_class(Decimal("0.95")) == "C"


def test_abc_labels_follow_the_cumulative_revenue_share() -> None:
    revenues = [Decimal(v) for v in ("500", "300", "100", "60", "30", "10")]

    labels = abc_labels(revenues)

    # Shares before each customer: 0, .50, .80, .90, .96, .99 (of 1000).
    assert labels == ["A", "A", "B", "B", "C", "C"]


def test_abc_labels_honour_custom_shares() -> None:
    revenues = [Decimal(v) for v in ("500", "300", "100", "60", "30", "10")]

    assert abc_labels(revenues, Decimal("0.5"), Decimal("0.9")) == ["A", "B", "B", "C", "C", "C"]


def test_without_revenue_everyone_is_c() -> None:
    assert abc_labels([Decimal("0"), Decimal("0")]) == ["C", "C"]


def test_net_refunds_count_as_no_revenue() -> None:
    assert abc_labels([Decimal("100"), Decimal("0"), Decimal("-20")]) == ["A", "C", "C"]


def test_abc_labels_refuse_unsorted_revenues() -> None:
    with pytest.raises(ValueError, match="sorted"):
        abc_labels([Decimal("1"), Decimal("2")])


def test_quintiles_spread_ten_distinct_values_two_per_score() -> None:
    values = [Decimal(v) for v in range(10, 110, 10)]

    assert quintile_scores(values) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_lower_is_better_reverses_the_scores() -> None:
    days_since_last_order = [5, 400, 30, 90, 200]

    assert quintile_scores(days_since_last_order, higher_is_better=False) == [5, 1, 4, 3, 2]


def test_ties_share_the_score_of_their_worst_placed_member() -> None:
    # Six of ten customers ordered once: all six score 1; the rest rank above them.
    orders = [1, 1, 1, 1, 1, 1, 2, 3, 3, 8]

    assert quintile_scores(orders) == [1, 1, 1, 1, 1, 1, 4, 4, 4, 5]


def test_no_values_give_no_scores() -> None:
    assert quintile_scores([]) == []


@given(
    values=st.lists(st.decimals(min_value=-1000, max_value=10**6, allow_nan=False, places=2), max_size=200),
    higher_is_better=st.booleans(),
)
def test_quintile_scores_are_always_between_1_and_5_and_keep_the_order(
    values: list[Decimal], higher_is_better: bool
) -> None:
    scores = quintile_scores(values, higher_is_better)

    assert len(scores) == len(values)
    assert all(1 <= score <= 5 for score in scores)
    for (a, sa), (b, sb) in pairwise(zip(values, scores, strict=True)):
        better = a > b if higher_is_better else a < b
        if better:
            assert sa >= sb
        if a == b:
            assert sa == sb


@pytest.mark.parametrize(
    ("r", "f", "m", "group"),
    [
        (5, 5, 5, "champions"),
        (5, 4, 3, "champions"),
        (4, 5, 4, "loyal"),
        (3, 4, 4, "loyal"),
        (5, 3, 2, "potential_loyalists"),
        (4, 2, 2, "potential_loyalists"),
        (5, 1, 1, "new_customers"),
        (4, 1, 1, "promising"),
        (3, 3, 3, "need_attention"),
        (3, 1, 2, "about_to_sleep"),
        (2, 3, 4, "at_risk"),
        (1, 5, 5, "cannot_lose"),
        (2, 2, 1, "hibernating"),
        (1, 1, 1, "lost"),
    ],
)
def test_rfm_scores_map_to_the_usual_named_groups(r: int, f: int, m: int, group: str) -> None:
    assert rfm_group(r, f, m) == group


def test_every_score_combination_has_a_group_and_every_group_is_reachable() -> None:
    reached = {rfm_group(r, f, m) for r in range(1, 6) for f in range(1, 6) for m in range(1, 6)}

    assert reached == GROUPS
    assert {name for row in RFM_GRID.values() for name in row} == GROUPS


@pytest.mark.parametrize(("r", "f", "m"), [(0, 3, 3), (3, 6, 3), (3, 3, -1)])
def test_scores_outside_1_to_5_are_rejected(r: int, f: int, m: int) -> None:
    with pytest.raises(ValueError, match="score must be 1–5"):
        rfm_group(r, f, m)


def test_every_group_and_abc_class_has_german_and_english_labels() -> None:
    assert set(SEGMENT_LABELS) == GROUPS | {"A", "B", "C"}
    assert all(set(labels) == {"de", "en"} for labels in SEGMENT_LABELS.values())
