"""Segments in SQL agree with the pure rules: A/B/C by revenue share, RFM groups, tiers and simple filters."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.analytics.segments import parse_segment, segment_counts, segment_members, segment_size
from app.domain.errors import InvalidInput
from app.domain.segments import abc_labels, quintile_scores, rfm_group
from app.domain.tiers import TierProgram, TierTranslation
from app.models import MemberTier
from tests.support.analytics_data import at, worked_example
from tests.support.rewards import save_program, tier

D = Decimal
DEFAULT = (D("0.80"), D("0.95"))
# Net revenue per member in the worked example: alice 300, dave 200, carol 90, bob 80.
REVENUE = {"alice": D("300"), "dave": D("200"), "carol": D("90"), "bob": D("80")}


@pytest.fixture
def shop_data(container, shopify_shop):  # type: ignore[no-untyped-def]
    ids = worked_example(container, shopify_shop)

    def members(segment: dict, shares: tuple[Decimal, Decimal] = DEFAULT) -> set[str]:  # type: ignore[type-arg]
        names = {v: k for k, v in ids.items()}
        with container.uow() as uow:
            rows = segment_members(uow.session, shopify_shop.id, parse_segment(segment), shares, limit=None)
        return {names[row["id"]] for row in rows}

    return ids, members


def test_abc_classes_match_the_domain_rule(shop_data) -> None:  # type: ignore[no-untyped-def]
    _, members = shop_data
    ranked = sorted(REVENUE, key=REVENUE.__getitem__, reverse=True)
    expected = dict(zip(ranked, abc_labels([REVENUE[n] for n in ranked]), strict=True))
    for label in "ABC":
        assert members({"kind": "abc", "value": label}) == {n for n, c in expected.items() if c == label}
    assert members({"kind": "abc", "value": "A"}) == {"alice", "dave", "carol"}


def test_abc_shares_are_configurable(shop_data) -> None:  # type: ignore[no-untyped-def]
    _, members = shop_data
    shares = (D("0.50"), D("0.80"))
    # alice holds 0 % before her, dave 300/670 = 45 %: both A; carol 75 %: B; bob 88 %: C.
    assert members({"kind": "abc", "value": "A"}, shares) == {"alice", "dave"}
    assert members({"kind": "abc", "value": "B"}, shares) == {"carol"}
    assert members({"kind": "abc", "value": "C"}, shares) == {"bob"}


def test_rfm_groups_match_the_domain_scores(shop_data) -> None:  # type: ignore[no-untyped-def]
    _, members = shop_data
    names = ["alice", "bob", "carol", "dave"]
    last = [at("2025-06-20"), at("2024-06-01"), at("2025-03-25"), at("2025-11-11")]
    orders = [3, 1, 2, 1]
    r = quintile_scores([d.timestamp() for d in last])
    f = quintile_scores(orders)
    m = quintile_scores([REVENUE[n] for n in names])
    expected = {n: rfm_group(r[i], f[i], m[i]) for i, n in enumerate(names)}
    assert expected == {"alice": "loyal", "bob": "lost", "carol": "at_risk", "dave": "potential_loyalists"}
    for name, group in expected.items():
        assert name in members({"kind": "rfm", "value": group})
    assert members({"kind": "rfm", "value": "champions"}) == set()


def test_simple_filters(shop_data) -> None:  # type: ignore[no-untyped-def]
    _, members = shop_data
    assert members({"kind": "filter", "min_orders": 2}) == {"alice", "carol"}
    assert members({"kind": "filter", "min_spend": "150"}) == {"alice", "dave"}
    assert members({"kind": "filter", "last_order_before": "2025-01-01"}) == {"bob"}
    assert members({"kind": "filter", "last_order_after": "2025-06-01"}) == {"alice", "dave"}
    assert members({"kind": "filter", "last_order_after": "2025-06-01", "min_orders": 2}) == {"alice"}
    assert members({"kind": "all"}) == {"alice", "bob", "carol", "dave"}


def test_tier_segment_lists_the_members_of_that_tier(container, shopify_shop, shop_data) -> None:  # type: ignore[no-untyped-def]
    ids, members = shop_data
    with container.uow() as uow:
        for name, tier in (("alice", "gold"), ("bob", "silver"), ("dave", "gold")):
            uow.session.add(MemberTier(member_id=ids[name], shop_id=shopify_shop.id, tier_key=tier,
                                       since=at("2025-01-01")))
        uow.commit()
    assert members({"kind": "tier", "value": "gold"}) == {"alice", "dave"}
    with container.uow() as uow:
        counts = segment_counts(uow.session, shopify_shop.id, DEFAULT, "de")
    assert {row["key"]: row["members"] for row in counts["tiers"]} == {"gold": 2, "silver": 1}


@pytest.mark.parametrize(("locale", "names"), [("de", ["Bronze", "Silber", "Gold"]),
                                               ("en", ["Bronze", "Silver", "Gold"])])
def test_tiers_are_counted_under_their_names_in_the_programmes_order(  # type: ignore[no-untyped-def]
    container, shopify_shop, shop_data, locale: str, names: list[str]
) -> None:
    ids, _ = shop_data
    save_program(container, shopify_shop, TierProgram("spend", "lifetime", 0, (
        tier("bronze", "Bronze", "0"), tier("silber", "Silber", "100", translations=(TierTranslation("en", "Silver"),)),
        tier("gold", "Gold", "500"))))
    with container.uow() as uow:
        for name, key in (("alice", "gold"), ("bob", "bronze"), ("carol", "bronze"), ("dave", "retired")):
            uow.session.merge(MemberTier(member_id=ids[name], shop_id=shopify_shop.id, tier_key=key,
                                         since=at("2025-01-01")))
        uow.commit()

    with container.uow() as uow:
        counts = segment_counts(uow.session, shopify_shop.id, DEFAULT, locale)

    assert [(row["key"], row["label"], row["members"]) for row in counts["tiers"]] == [
        ("bronze", names[0], 2), ("silber", names[1], 0), ("gold", names[2], 1), ("retired", "retired", 1)]


def test_counts_and_revenue_per_class(container, shopify_shop, shop_data) -> None:  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        counts = segment_counts(uow.session, shopify_shop.id, DEFAULT, "en")
        size = segment_size(uow.session, shopify_shop.id, parse_segment({"kind": "abc", "value": "A"}), DEFAULT)
    abc = {row["key"]: (row["members"], row["revenue"]) for row in counts["abc"]}
    assert abc == {"A": (3, D("590.00")), "B": (1, D("80.00")), "C": (0, D("0.00"))}
    assert size == 3
    assert sum(row["members"] for row in counts["rfm"]) == 4
    assert counts["members_total"] == 4


def test_member_lists_page_by_id(container, shopify_shop, shop_data) -> None:  # type: ignore[no-untyped-def]
    ids, _ = shop_data
    everyone = parse_segment({"kind": "all"})
    with container.uow() as uow:
        first = segment_members(uow.session, shopify_shop.id, everyone, DEFAULT, limit=2)
        rest = segment_members(uow.session, shopify_shop.id, everyone, DEFAULT, limit=2, after_id=first[-1]["id"])
    assert [row["id"] for row in first + rest] == sorted(ids.values())
    alice = next(row for row in first + rest if row["id"] == ids["alice"])
    assert (alice["orders"], alice["revenue"], alice["balance"]) == (3, D("300.00"), 60)


@pytest.mark.parametrize("bad", [
    {"kind": "vip"}, {"kind": "abc", "value": "D"}, {"kind": "rfm", "value": "x"},
    {"kind": "filter", "min_orders": "many"}, {"kind": "filter", "last_order_before": "x"},
])
def test_an_invalid_segment_is_refused_with_field_errors(bad: dict) -> None:  # type: ignore[type-arg]
    with pytest.raises(InvalidInput) as caught:
        parse_segment(bad)
    assert caught.value.errors
