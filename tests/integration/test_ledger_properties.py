"""Hypothesis over the real services: any sequence of payments, refunds, cancellations, re-deliveries and
redemptions keeps every cached balance equal to its ledger sum and never overspends a lot."""

from __future__ import annotations

import itertools
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.domain.errors import InsufficientPoints
from app.models import LedgerEntry, Order
from app.repositories import MemberRepository
from app.services import ledger
from app.services.ledger import Posting
from tests.conftest import START
from tests.support.deliveries import deliver, ledger_ok, member_by_email
from tests.support.snapshots import customer, order, refund

RUN = itertools.count()

step = st.one_of(
    st.tuples(st.just("pay"), st.integers(0, 2), st.integers(1, 300)),
    st.tuples(st.just("refund"), st.integers(0, 2), st.integers(1, 120)),
    st.tuples(st.just("cancel"), st.integers(0, 2), st.just(0)),
    st.tuples(st.just("repay"), st.integers(0, 2), st.just(0)),
    st.tuples(st.just("stale"), st.integers(0, 2), st.just(0)),
    st.tuples(st.just("redeem"), st.just(0), st.integers(1, 200)),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=12))
def test_any_sequence_keeps_cache_equal_to_ledger_sum(container, shopify_shop, steps):
    run = next(RUN)
    buyer = customer(ref=f"p{run}", email=f"prop{run}@example.de")
    amounts: dict[int, str] = {}
    for n, (action, index, value) in enumerate(steps):
        ref, at = f"p{run}-{index}", START + timedelta(minutes=n + 1)
        if action == "pay" and index not in amounts:
            amounts[index] = f"{value}.00"
            deliver(
                container,
                shopify_shop,
                order(ref, at=START, merchandise=amounts[index], buyer=buyer, version=timedelta(minutes=n + 1)),
            )
        elif action == "refund" and index in amounts:
            deliver(container, shopify_shop, refund(ref, f"{ref}-r{n}", lines=f"{value}.00"))
        elif action in ("cancel", "repay") and index in amounts:
            snap = order(
                ref, at=START, merchandise=amounts[index], buyer=buyer, cancelled=action == "cancel", version=at - START
            )
            deliver(container, shopify_shop, snap)
        elif action == "stale" and index in amounts:
            deliver(container, shopify_shop, order(ref, at=START, merchandise=amounts[index], buyer=buyer))
        elif action == "redeem" and amounts:
            _redeem(container, shopify_shop, buyer.email, value)

    ledger_ok(container)
    if amounts:
        _balance_matches_orders_minus_redemptions(container, shopify_shop, buyer.email)


def _redeem(container, shop, email: str, points: int) -> None:  # type: ignore[no-untyped-def]
    member_id = member_by_email(container, shop, email).id
    with container.uow() as uow:
        member = MemberRepository(uow.session, shop.id).get_for_update(member_id)
        try:
            ledger.spend(uow.session, member, points, Posting("redeem", "reward"), now=START)
        except InsufficientPoints:
            return
        uow.commit()


def _balance_matches_orders_minus_redemptions(container, shop, email: str) -> None:  # type: ignore[no-untyped-def]
    member = member_by_email(container, shop, email)
    with container.uow() as uow:
        scoped = (LedgerEntry.shop_id == shop.id, LedgerEntry.member_id == member.id)
        earned = sum(
            uow.session.scalars(
                select(Order.points_earned).where(Order.shop_id == shop.id, Order.member_id == member.id)
            )
        )
        redeemed = sum(uow.session.scalars(select(LedgerEntry.delta).where(*scoped, LedgerEntry.kind == "redeem")))
    # What the orders hold now, less what was redeemed: nothing else moves a member's points here.
    assert member.balance == earned + redeemed
