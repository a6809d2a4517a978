"""A coupon given up while the shop was unreachable: the code is looked up (and taken back) before points return."""

from __future__ import annotations

import pytest

from app.services.coupons import CHECK_ATTEMPTS, MAX_ATTEMPTS, retry_coupon_pushes
from app.services.redemptions import redeem_reward
from tests.fakes.shopify_server import FakeShopify
from tests.fakes.woocommerce_server import FakeWooCommerce
from tests.support.deliveries import ledger_ok
from tests.support.rewards import (
    add_reward,
    client_for,
    coupons,
    entries,
    member,
    member_with_points,
    shop_for,
    update_coupon,
)


@pytest.fixture(params=["shopify", "woocommerce"])
def setup(request: pytest.FixtureRequest, container):  # type: ignore[no-untyped-def]
    fake = FakeShopify() if request.param == "shopify" else FakeWooCommerce()
    with fake:
        yield shop_for(container, request.param, fake), fake, client_for(request.param, fake)


def redeem_500(container, shop, client):  # type: ignore[no-untyped-def]
    buyer = member_with_points(container, shop, 700)
    reward = add_reward(container, shop, points_cost=500)
    redeem_reward(container.uow, client, container.box, shop_id=shop.id, member_id=buyer.id,
                  reward_id=reward.id, now=container.clock.now())
    return buyer


def run_worker(container, client) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return retry_coupon_pushes(container.uow, lambda _platform: client, container.box, container.clock.now())


def give_up_on_the_last_push(container, clock, fake, shop, client) -> None:  # type: ignore[no-untyped-def]
    [coupon] = coupons(container, shop)
    update_coupon(container, coupon.id, attempts=MAX_ATTEMPTS - 1)
    fake.fail(500)
    clock.advance(hours=2)
    run_worker(container, client)


def taken_back_at_the_shop(fake: FakeShopify | FakeWooCommerce, code: str) -> bool:
    """Shopify: the discount deactivated; WooCommerce: the coupon's expiry moved to the past (a PUT on it)."""
    if isinstance(fake, FakeShopify):
        return fake.discounts[code]["status"] == "EXPIRED"
    stored = fake.coupon(code)
    assert stored is not None
    return any(r.method == "PUT" for r in fake.requests_to(f"/coupons/{stored['id']}"))


def test_a_code_a_lost_answer_created_is_taken_back_before_the_points_return(container, clock, setup) -> None:
    shop, fake, client = setup
    fake.hang(1.0, process=True)  # the shop creates the code; its answer never arrives in time
    buyer = redeem_500(container, shop, client)
    [pending] = coupons(container, shop)

    give_up_on_the_last_push(container, clock, fake, shop, client)

    [given_up] = coupons(container, shop)
    assert given_up.status == "failed"
    assert member(container, shop, buyer.id).balance == 200  # held while the code may work at the shop
    assert not taken_back_at_the_shop(fake, pending.code)
    clock.advance(hours=2)
    assert run_worker(container, client)["given_up_settled"] == 1
    assert taken_back_at_the_shop(fake, pending.code)
    assert member(container, shop, buyer.id).balance == 700
    [settled] = coupons(container, shop)
    assert (settled.status, settled.platform_deactivated, settled.next_attempt_at) == ("failed", True, None)
    assert settled.platform_ref is not None
    ledger_ok(container)


def given_up_without_a_code(container, clock, setup):  # type: ignore[no-untyped-def]
    """A redemption whose every push failed: the shop never created the code."""
    shop, fake, client = setup
    fake.fail(500)
    buyer = redeem_500(container, shop, client)
    give_up_on_the_last_push(container, clock, fake, shop, client)
    clock.advance(hours=2)
    return shop, fake, client, buyer


def test_points_of_a_code_the_shop_never_created_return_after_the_check(container, clock, setup) -> None:
    shop, _fake, client, buyer = given_up_without_a_code(container, clock, setup)

    run_worker(container, client)

    assert member(container, shop, buyer.id).balance == 700
    assert [e.delta for e in entries(container, shop, "redeem_refund")] == [500]
    run_worker(container, client)
    assert [e.delta for e in entries(container, shop, "redeem_refund")] == [500]  # once
    ledger_ok(container)


def test_a_shop_unreachable_for_the_whole_check_still_gets_the_shopper_the_points(container, clock, setup) -> None:
    shop, fake, client, buyer = given_up_without_a_code(container, clock, setup)
    [coupon] = coupons(container, shop)
    fake.fail(500)
    run_worker(container, client)
    assert member(container, shop, buyer.id).balance == 200  # the check is retried with backoff

    update_coupon(container, coupon.id, attempts=MAX_ATTEMPTS + CHECK_ATTEMPTS - 1)
    clock.advance(hours=2)
    fake.fail(500)
    run_worker(container, client)

    assert member(container, shop, buyer.id).balance == 700
    [settled] = coupons(container, shop)
    assert settled.last_error is not None
    assert settled.last_error.startswith("not checked at the shop")
    ledger_ok(container)


def test_a_code_the_shop_refused_returns_the_points_at_once(container, setup) -> None:
    shop, fake, client = setup
    fake.fail(422)
    buyer = member_with_points(container, shop, 700)
    reward = add_reward(container, shop, points_cost=500)
    with pytest.raises(Exception, match="returned"):
        redeem_reward(container.uow, client, container.box, shop_id=shop.id, member_id=buyer.id,
                      reward_id=reward.id, now=container.clock.now())
    assert member(container, shop, buyer.id).balance == 700
    [coupon] = coupons(container, shop)
    assert coupon.next_attempt_at is None


def test_the_worker_counts_a_check_the_shop_did_not_answer_as_retried_not_settled(container, clock, setup) -> None:
    shop, fake, client, buyer = given_up_without_a_code(container, clock, setup)
    fake.fail(500)

    unanswered = run_worker(container, client)
    clock.set(coupons(container, shop)[0].next_attempt_at)
    answered = run_worker(container, client)

    assert unanswered["given_up_settled"] == 0  # the points are still held
    assert unanswered["given_up_retried"] == 1
    assert (answered["given_up_settled"], answered["given_up_retried"]) == (1, 0)
    assert member(container, shop, buyer.id).balance == 700
