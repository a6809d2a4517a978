"""Segments count money exactly on both engines and leave redacted members out of every view, the overview too."""

from __future__ import annotations

from decimal import Decimal

from app.analytics.segments import parse_segment, segment_counts, segment_members, segment_size
from app.domain.segments import abc_labels
from app.services.privacy import redact_member_by_admin
from tests.support.analytics_data import add_member, add_order, at, worked_example

D = Decimal
DEFAULT = (D("0.80"), D("0.95"))


def abc_members(container, shop, label: str) -> set[str]:  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        rows = segment_members(uow.session, shop.id, parse_segment({"kind": "abc", "value": label}), DEFAULT,
                               limit=None)
    return {row["email"] for row in rows}


def test_a_share_exactly_at_the_a_boundary_is_class_b_as_the_domain_rule_says(container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        p = add_member(uow.session, shopify_shop, "p", "p@example.de")
        q = add_member(uow.session, shopify_shop, "q", "q@example.de")
        add_order(uow.session, shopify_shop, "1", "2024-02-01", "40.80", member=p)
        add_order(uow.session, shopify_shop, "2", "2024-02-02", "10.20", member=q)
        uow.commit()

    # q's "before" is 40.80 of 51.00: exactly 80 %, not below it.
    assert abc_labels([D("40.80"), D("10.20")]) == ["A", "B"]
    assert abc_members(container, shopify_shop, "A") == {"p@example.de"}
    assert abc_members(container, shopify_shop, "B") == {"q@example.de"}


def test_a_minimum_spend_compares_the_exact_sum_of_the_orders(container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        m = add_member(uow.session, shopify_shop, "m", "m@example.de")
        add_order(uow.session, shopify_shop, "1", "2024-02-01", "10.01", member=m)
        add_order(uow.session, shopify_shop, "2", "2024-02-02", "20.04", member=m)
        uow.commit()
    at_least = parse_segment({"kind": "filter", "min_spend": "30.05"})

    with container.uow() as uow:
        rows = segment_members(uow.session, shopify_shop.id, at_least, DEFAULT, limit=None)
        above = segment_size(uow.session, shopify_shop.id, parse_segment({"kind": "filter", "min_spend": "30.06"}),
                             DEFAULT)

    assert [(row["email"], row["revenue"]) for row in rows] == [("m@example.de", D("30.05"))]
    assert above == 0


def test_the_overview_leaves_out_redacted_members_as_the_member_lists_do(container, shopify_shop) -> None:  # type: ignore[no-untyped-def]
    ids = worked_example(container, shopify_shop)
    redact_member_by_admin(container.uow(), shopify_shop.id, ids["dave"], actor="test", now=at("2026-01-05"))

    with container.uow() as uow:
        overview = segment_counts(uow.session, shopify_shop.id, DEFAULT, "en")
        sizes = [segment_size(uow.session, shopify_shop.id, parse_segment({"kind": "abc", "value": k}), DEFAULT)
                 for k in "ABC"]

    assert [row["members"] for row in overview["abc"]] == sizes == [2, 1, 0]  # alice and carol; bob
    assert sum(row["members"] for row in overview["rfm"]) == overview["members_total"] == 3
