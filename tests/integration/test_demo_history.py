"""`loyalty demo`: the shop's history is recorded at its own time (joined, credited, available, expired, emailed)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from app.cli import Context
from app.cli import demo as demo_cli
from app.container import Container
from app.domain.expiry import add_months
from app.models import Coupon, LedgerEntry, Member, MemberTier, Order, OutboxMessage, PointLot, Reward, Shop
from app.services.ledger_audit import verify_ledger

MONTHS = 14  # more than the demo programme's 12-month lot expiry: the oldest lots have expired
PENDING = timedelta(days=14)  # the demo programme's pending period


@pytest.fixture
def demo_shop(container: Container) -> Shop:
    import click

    group = click.Group()
    demo_cli.register(group)
    ctx = Context()
    ctx._container = container
    result = CliRunner().invoke(group, ["demo", "--shoppers", "30", "--months", str(MONTHS), "--seed", "3"], obj=ctx)
    assert result.exit_code == 0, result.output
    assert "ledger verify: ok" in result.output
    with container.uow() as uow:
        return uow.session.scalars(select(Shop).where(Shop.domain == demo_cli.DEMO_SHOP)).one()


def members_joined_when_they_first_appeared_in_the_history_not_when_the_demo_ran(
    container: Container, demo_shop: Shop
) -> None:
    now = container.clock.now()
    with container.uow() as uow:
        rows = uow.session.execute(
            select(Member.joined_at, func.min(Order.placed_at))
            .join(Order, Order.member_id == Member.id)
            .where(Member.shop_id == demo_shop.id)
            .group_by(Member.id, Member.joined_at)
        ).all()
    assert len(rows) >= 5
    for joined_at, first_order in rows:
        # customers/create came three minutes before the first order (the order's time is whole seconds)
        assert first_order - timedelta(minutes=4) < joined_at <= first_order
    assert min(joined for joined, _ in rows) < now - timedelta(days=300)


def order_lots_are_credited_and_available_at_the_orders_time_plus_the_pending_period(
    container: Container, demo_shop: Shop
) -> None:
    now = container.clock.now()
    with container.uow() as uow:
        rows = uow.session.execute(
            select(PointLot, LedgerEntry.occurred_at, Order.first_paid_at)
            .join(LedgerEntry, LedgerEntry.id == PointLot.entry_id)
            .join(Order, Order.id == PointLot.order_id)
            .where(PointLot.shop_id == demo_shop.id)
        ).all()
    assert len(rows) >= 10
    for lot, credited_at, paid_at in rows:
        assert credited_at == paid_at
        assert lot.available_at == paid_at + PENDING
        assert lot.expires_at == add_months(paid_at, 12)
        assert lot.matured == (lot.available_at <= now)


def lots_whose_expiry_is_past_expired_through_the_ledger_on_their_day(container: Container, demo_shop: Shop) -> None:
    now = container.clock.now()
    with container.uow() as uow:
        lots = uow.session.scalars(select(PointLot).where(PointLot.shop_id == demo_shop.id)).all()
        expiries = {
            int(ref): when
            for ref, when in uow.session.execute(
                select(LedgerEntry.source_ref, LedgerEntry.occurred_at).where(
                    LedgerEntry.shop_id == demo_shop.id, LedgerEntry.kind == "expire"
                )
            )
        }
    past = [lot for lot in lots if lot.expires_at is not None and lot.expires_at <= now]
    assert past, "a 14-month history has lots older than the 12-month expiry"
    for lot in past:
        assert lot.remaining == 0
        if lot.id in expiries:  # a lot refunded before its expiry had nothing left to expire
            assert lot.expires_at <= expiries[lot.id] <= lot.expires_at + timedelta(days=1)
    assert expiries
    assert all(lot.expires_at <= when for lot in lots for ref, when in expiries.items() if ref == lot.id)


def ledger_verify_passes_on_the_demo_shop(container: Container, demo_shop: Shop) -> None:
    checked, problems = verify_ledger(container.uow(), demo_shop.id)
    assert checked >= 5
    assert problems == []


def the_history_emails_were_scheduled_and_sent_at_their_time(container: Container, demo_shop: Shop) -> None:
    now = container.clock.now()
    with container.uow() as uow:
        installed = uow.session.scalar(select(Shop.installed_at).where(Shop.id == demo_shop.id))
        thanks = uow.session.execute(
            select(OutboxMessage.created_at, OutboxMessage.sent_at, Order.first_paid_at)
            .join(Order, Order.id == OutboxMessage.order_id)
            .where(OutboxMessage.shop_id == demo_shop.id, OutboxMessage.kind == "thank_you")
        ).all()
    assert installed < now - timedelta(days=MONTHS * 30 - 2)
    assert len(thanks) >= 10
    for created_at, sent_at, paid_at in thanks:
        assert paid_at <= created_at <= paid_at + timedelta(minutes=3)
        assert sent_at is not None
        assert created_at <= sent_at <= created_at + timedelta(hours=13)


def review_requests_went_out_along_the_history_not_all_on_the_day_the_demo_ran(
    container: Container, demo_shop: Shop
) -> None:
    now = container.clock.now()
    with container.uow() as uow:
        asked = uow.session.execute(
            select(OutboxMessage.created_at, Order.first_paid_at)
            .join(Order, Order.id == OutboxMessage.order_id)
            .where(OutboxMessage.shop_id == demo_shop.id, OutboxMessage.kind == "review_request")
        ).all()
    assert len(asked) >= 5
    assert min(created_at for created_at, _ in asked) < now - timedelta(days=200)  # asked only with consent (opt_in)
    for created_at, paid_at in asked:
        assert paid_at < created_at <= paid_at + timedelta(days=30)


def the_demo_shop_runs_a_catalogue_and_tiers_its_members_climbed_in_the_history(
    container: Container, demo_shop: Shop
) -> None:
    now = container.clock.now()
    with container.uow() as uow:
        rewards = uow.session.scalars(select(Reward).where(Reward.shop_id == demo_shop.id, Reward.active)).all()
        climbed = uow.session.execute(
            select(MemberTier.tier_key, MemberTier.since)
            .where(MemberTier.shop_id == demo_shop.id, MemberTier.tier_key.in_(("silber", "gold")))
        ).all()
    assert len(rewards) == 3
    assert climbed  # by what they spent in a rolling year
    assert min(since for _, since in climbed) < now - timedelta(days=60)  # at the order that reached the tier


def shoppers_redeemed_points_for_codes_they_used_in_the_order_they_placed_then(
    container: Container, demo_shop: Shop
) -> None:
    with container.uow() as uow:
        rows = uow.session.execute(
            select(Coupon, Order.placed_at, LedgerEntry.delta, LedgerEntry.occurred_at)
            .join(Order, Order.id == Coupon.used_order_id)
            .join(LedgerEntry, LedgerEntry.id == Coupon.ledger_entry_id)
            .where(Coupon.shop_id == demo_shop.id, Coupon.source == "redemption")
        ).all()
        redeemed = uow.session.scalar(select(func.count(Coupon.id)).where(
            Coupon.shop_id == demo_shop.id, Coupon.source == "redemption"))
        shop = uow.session.get(Shop, demo_shop.id)
    assert rows, "loyal shoppers of the history collect enough points for a reward"
    assert len(rows) == redeemed  # every code was used in the order it was redeemed for
    for coupon, placed_at, delta, spent_at in rows:
        assert coupon.status == "used"
        assert delta == -coupon.points_spent < 0
        assert spent_at < placed_at <= spent_at + timedelta(minutes=3)  # redeemed, then checked out
    assert shop is not None
    assert shop.access_token_enc is None  # no shop behind the demo for the worker to call afterwards


# One demo run costs seconds (14 months of worker cycles): each test runs it once and checks a whole side of it.
def test_the_history_is_recorded_at_its_own_time(container: Container, demo_shop: Shop) -> None:
    members_joined_when_they_first_appeared_in_the_history_not_when_the_demo_ran(container, demo_shop)
    order_lots_are_credited_and_available_at_the_orders_time_plus_the_pending_period(container, demo_shop)
    lots_whose_expiry_is_past_expired_through_the_ledger_on_their_day(container, demo_shop)
    ledger_verify_passes_on_the_demo_shop(container, demo_shop)


def test_the_shop_emails_and_its_members_climb_tiers_along_the_history(container: Container, demo_shop: Shop) -> None:
    the_history_emails_were_scheduled_and_sent_at_their_time(container, demo_shop)
    review_requests_went_out_along_the_history_not_all_on_the_day_the_demo_ran(container, demo_shop)
    the_demo_shop_runs_a_catalogue_and_tiers_its_members_climbed_in_the_history(container, demo_shop)
    shoppers_redeemed_points_for_codes_they_used_in_the_order_they_placed_then(container, demo_shop)
