"""Real threads on PostgreSQL: racing redemptions, and two workers claiming the same coupon and points rows."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from app.domain.errors import InsufficientPoints
from app.services.coupons import retry_coupon_pushes
from app.services.points_jobs import expire_points, mature_pending_points
from app.services.redemptions import redeem_reward
from tests.conftest import START
from tests.support.deliveries import ledger_ok
from tests.support.rewards import (
    RecordingPlatform,
    add_reward,
    coupons,
    entries,
    member,
    member_with_points,
    set_program_settings,
    set_reward_settings,
)

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _postgres_only(is_postgres: bool) -> None:
    if not is_postgres:
        pytest.skip("real-thread concurrency and SKIP LOCKED need PostgreSQL")


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; each result is a value or the exception raised."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_redemptions_racing_for_the_last_points_cannot_both_succeed(container, shopify_shop):
    juergen = member_with_points(container, shopify_shop, 500)
    reward = add_reward(container, shopify_shop, points_cost=500)
    platform = RecordingPlatform()

    def attempt() -> Any:
        return redeem_reward(container.uow, platform, container.box, shop_id=shopify_shop.id,
                             member_id=juergen.id, reward_id=reward.id, now=container.clock.now())

    results = at_once(attempt, attempt, attempt)

    assert sum(isinstance(r, InsufficientPoints) for r in results) == 2
    assert [c.status for c in coupons(container, shopify_shop)] == ["active"]
    assert len(platform.codes) == 1
    assert member(container, shopify_shop, juergen.id).balance == 0
    ledger_ok(container)


def test_two_workers_push_each_waiting_coupon_exactly_once(container, clock, shopify_shop):
    set_reward_settings(container, shopify_shop, next_purchase_enabled=True, next_purchase_value=Decimal("10"))
    for n in range(1, 13):
        member_with_points(container, shopify_shop, 50, n=n)
    platform = RecordingPlatform()
    clock.advance(seconds=30)

    def worker() -> Any:
        return retry_coupon_pushes(container.uow, lambda _p: platform, container.box, clock.now())

    results = at_once(worker, worker)

    assert sum(r["pushed"] for r in results) == 12
    assert sorted(platform.calls) == sorted({c.code for c in coupons(container, shopify_shop)})
    assert {c.status for c in coupons(container, shopify_shop)} == {"active"}


def test_two_workers_expire_and_mature_each_lot_once(container, clock, shopify_shop):
    set_program_settings(container, shopify_shop, expiry_policy="per_lot", expiry_months=1, pending_days=3)
    for n in range(1, 11):
        member_with_points(container, shopify_shop, 100 + n, n=n)
    clock.set(START + timedelta(days=4))
    matured = at_once(lambda: mature_pending_points(container.uow, clock.now()),
                      lambda: mature_pending_points(container.uow, clock.now()))
    clock.set(START + timedelta(days=40))

    expired = at_once(lambda: expire_points(container.uow, clock.now()),
                      lambda: expire_points(container.uow, clock.now()))

    assert (sum(matured), sum(expired)) == (10, 10)
    assert len(entries(container, shopify_shop, "expire")) == 10
    ledger_ok(container)
