"""Points over time: pending points mature, lots and idle balances expire, reminders come before expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.domain.errors import InsufficientPoints
from app.models import OutboxMessage, PointLot
from app.repositories import MemberRepository
from app.services.admin_members import adjust_points
from app.services.earning_events import award_once
from app.services.points_jobs import expire_points, mature_pending_points, send_expiry_reminders
from app.services.redemptions import redeem_reward
from tests.conftest import START
from tests.support.deliveries import deliver, ledger_ok, member_by_email
from tests.support.rewards import (
    RecordingPlatform,
    add_reward,
    buyer,
    entries,
    member,
    member_with_points,
    set_program_settings,
)
from tests.support.snapshots import order, refund

JUERGEN = buyer(1)


def lots(container, shop, member_id):  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        return list(uow.session.scalars(select(PointLot).where(PointLot.shop_id == shop.id,
                                                               PointLot.member_id == member_id)
                                        .order_by(PointLot.id)))


def redeem(container, shop, member_id, reward_id):  # type: ignore[no-untyped-def]
    return redeem_reward(container.uow, RecordingPlatform(), container.box, shop_id=shop.id, member_id=member_id,
                         reward_id=reward_id, now=container.clock.now())


def test_pending_points_become_spendable_when_the_period_is_over(container, clock, shopify_shop):
    set_program_settings(container, shopify_shop, pending_days=14)
    juergen = member_with_points(container, shopify_shop, 600)
    reward = add_reward(container, shopify_shop, points_cost=500)
    assert (member(container, shopify_shop, juergen.id).pending, juergen.balance) == (600, 600)
    with pytest.raises(InsufficientPoints):
        redeem(container, shopify_shop, juergen.id, reward.id)

    clock.advance(days=13)
    assert mature_pending_points(container.uow, clock.now()) == 0
    clock.advance(days=1)
    assert mature_pending_points(container.uow, clock.now()) == 1
    assert mature_pending_points(container.uow, clock.now()) == 0

    assert member(container, shopify_shop, juergen.id).pending == 0
    assert redeem(container, shopify_shop, juergen.id, reward.id).balance == 100
    ledger_ok(container)


def test_a_refund_within_the_pending_period_takes_the_points_from_pending_first(container, clock, shopify_shop):
    set_program_settings(container, shopify_shop, pending_days=14)
    member_with_points(container, shopify_shop, 200, ref="5001", at=START - timedelta(days=30))
    deliver(container, shopify_shop, order("5002", at=START, merchandise="100.00", shipping="0", buyer=JUERGEN))

    deliver(container, shopify_shop, refund("5002", lines="100.00"))

    juergen = member_by_email(container, shopify_shop, JUERGEN.email)
    assert (juergen.balance, juergen.pending) == (200, 0)
    assert [lot.remaining for lot in lots(container, shopify_shop, juergen.id)] == [200, 0]
    ledger_ok(container)


def test_each_lot_expires_on_its_own_date_once(container, clock, shopify_shop):
    set_program_settings(container, shopify_shop, expiry_policy="per_lot", expiry_months=12)
    juergen = member_with_points(container, shopify_shop, 100, ref="5001")
    clock.advance(days=180)
    deliver(container, shopify_shop, order("5002", at=clock.now(), merchandise="50.00", buyer=JUERGEN))

    clock.set(START + timedelta(days=366))
    expire_points(container.uow, clock.now())
    expire_points(container.uow, clock.now())

    assert member(container, shopify_shop, juergen.id).balance == 50
    assert [(e.delta, e.reason) for e in entries(container, shopify_shop, "expire")] == [(-100, "points_expired")]
    ledger_ok(container)


def test_redemption_spends_the_soonest_expiring_lot_first(container, clock, shopify_shop):
    set_program_settings(container, shopify_shop, expiry_policy="per_lot", expiry_months=12)
    juergen = member_with_points(container, shopify_shop, 400, ref="5001")
    clock.advance(days=30)
    deliver(container, shopify_shop, order("5002", at=clock.now(), merchandise="400.00", buyer=JUERGEN))
    reward = add_reward(container, shopify_shop, points_cost=500)

    redeem(container, shopify_shop, juergen.id, reward.id)

    assert [lot.remaining for lot in lots(container, shopify_shop, juergen.id)] == [0, 300]
    ledger_ok(container)


def test_the_whole_balance_expires_after_months_without_a_purchase(container, clock, shopify_shop):
    set_program_settings(container, shopify_shop, expiry_policy="inactivity", expiry_months=6)
    idle = member_with_points(container, shopify_shop, 300, n=1)
    active = member_with_points(container, shopify_shop, 100, n=2)
    clock.advance(days=150)
    member_with_points(container, shopify_shop, 40, n=2, at=clock.now())

    clock.set(START + timedelta(days=182))
    expire_points(container.uow, clock.now())
    assert member(container, shopify_shop, idle.id).balance == 300  # 2 Sep is six months after 2 Mar
    clock.set(START + timedelta(days=185))
    expire_points(container.uow, clock.now())
    expire_points(container.uow, clock.now())

    assert member(container, shopify_shop, idle.id).balance == 0
    assert member(container, shopify_shop, active.id).balance == 140
    assert [e.reason for e in entries(container, shopify_shop, "expire")] == ["points_expired_inactivity"]
    ledger_ok(container)


def test_points_given_for_anything_but_an_order_expire_like_an_orders_under_the_per_lot_policy(
    container, clock, shopify_shop
):
    set_program_settings(container, shopify_shop, expiry_policy="per_lot", expiry_months=12)
    juergen = member_with_points(container, shopify_shop, 100)
    with container.uow() as uow:
        locked = MemberRepository(uow.session, shopify_shop.id).get_for_update(juergen.id)
        birthday_gift = award_once(uow.session, locked, 200, "birthday", f"birthday:{juergen.id}:2026", clock.now())
        uow.commit()
    adjust_points(container.uow(), shopify_shop.id, juergen.id, 50, "Entschuldigung", actor="admin", now=clock.now())

    clock.set(START.replace(year=2027) + timedelta(days=1))
    expire_points(container.uow, clock.now())

    assert birthday_gift
    assert [lot.expires_at for lot in lots(container, shopify_shop, juergen.id)] == [START.replace(year=2027)] * 3
    assert member(container, shopify_shop, juergen.id).balance == 0
    ledger_ok(container)


def test_points_earned_without_an_order_count_as_activity_under_the_inactivity_policy(
    container, clock, shopify_shop
):
    set_program_settings(container, shopify_shop, expiry_policy="inactivity", expiry_months=6)
    juergen = member_with_points(container, shopify_shop, 300)
    clock.set(START + timedelta(days=300))
    expire_points(container.uow, clock.now())
    assert member(container, shopify_shop, juergen.id).balance == 0

    adjust_points(container.uow(), shopify_shop.id, juergen.id, 200, "Geburtstag nachgetragen", actor="admin",
                  now=clock.now())
    clock.advance(hours=1)
    expire_points(container.uow, clock.now())
    assert member(container, shopify_shop, juergen.id).balance == 200

    clock.set(START + timedelta(days=300) + timedelta(days=186))
    expire_points(container.uow, clock.now())
    assert member(container, shopify_shop, juergen.id).balance == 0
    ledger_ok(container)


def test_under_the_never_policy_nothing_expires(container, clock, shopify_shop):
    juergen = member_with_points(container, shopify_shop, 300)

    clock.advance(days=3000)
    expire_points(container.uow, clock.now())

    assert member(container, shopify_shop, juergen.id).balance == 300


def outbox(container, shop):  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        return [(m.kind, m.context) for m in uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.shop_id == shop.id, OutboxMessage.kind == "points_expiring"))]


def test_a_reminder_is_produced_once_some_days_before_a_lot_expires(container, clock, shopify_shop):
    set_program_settings(container, shopify_shop, expiry_policy="per_lot", expiry_months=12, expiry_reminder_days=14)
    member_with_points(container, shopify_shop, 300)
    expires = START.replace(year=2027)

    clock.set(expires - timedelta(days=15))
    assert send_expiry_reminders(container.uow, clock.now()) == 0
    clock.set(expires - timedelta(days=10))
    send_expiry_reminders(container.uow, clock.now())
    clock.advance(days=1)
    send_expiry_reminders(container.uow, clock.now())

    assert outbox(container, shopify_shop) == [("points_expiring", {"points": 300, "expires_at": expires.isoformat()})]


def test_an_inactivity_reminder_comes_before_the_balance_expires(container, clock, shopify_shop):
    set_program_settings(container, shopify_shop, expiry_policy="inactivity", expiry_months=6, expiry_reminder_days=7)
    member_with_points(container, shopify_shop, 300)
    deadline = START.replace(month=9)

    clock.set(deadline - timedelta(days=5))
    send_expiry_reminders(container.uow, clock.now())

    assert outbox(container, shopify_shop) == [("points_expiring", {"points": 300, "expires_at": deadline.isoformat()})]
