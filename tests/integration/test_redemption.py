"""Redeeming points for a code pushed to the fake Shopify and WooCommerce servers over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from app.domain.errors import InsufficientPoints, RewardUnavailable
from app.services.coupons import MAX_ATTEMPTS, retry_coupon_pushes
from app.services.redemptions import redeem_reward
from tests.conftest import START
from tests.fakes.http_server import Scripted
from tests.fakes.shopify_server import FakeShopify
from tests.fakes.woocommerce_server import FakeWooCommerce
from tests.support.deliveries import deliver, ledger_ok
from tests.support.rewards import (
    RecordingPlatform,
    add_reward,
    client_for,
    coupons,
    entries,
    member,
    member_with_points,
    shop_for,
    update_coupon,
)
from tests.support.snapshots import refund


@pytest.fixture(params=["shopify", "woocommerce"])
def platform(request: pytest.FixtureRequest) -> Iterator[tuple[str, FakeShopify | FakeWooCommerce]]:
    fake = FakeShopify() if request.param == "shopify" else FakeWooCommerce()
    with fake:
        yield request.param, fake


@pytest.fixture
def setup(container, platform):  # type: ignore[no-untyped-def]
    name, fake = platform
    shop = shop_for(container, name, fake)
    return shop, fake, client_for(name, fake)


def redeem(container, shop, client, member_id, reward_id):  # type: ignore[no-untyped-def]
    return redeem_reward(container.uow, client, container.box, shop_id=shop.id, member_id=member_id,
                         reward_id=reward_id, now=container.clock.now())


def run_retries(container, client):  # type: ignore[no-untyped-def]
    return retry_coupon_pushes(container.uow, lambda _platform: client, container.box, container.clock.now())


def stored_codes(fake: FakeShopify | FakeWooCommerce) -> list[str]:
    if isinstance(fake, FakeShopify):
        return list(fake.discounts)
    return [c["code"] for c in fake.coupons.values()]


def test_redeeming_pushes_a_customer_bound_single_use_code_to_shopify(container):
    with FakeShopify() as fake:
        shop = shop_for(container, "shopify", fake)
        buyer = member_with_points(container, shop, 700)
        reward = add_reward(container, shop, points_cost=500)

        result = redeem(container, shop, client_for("shopify", fake), buyer.id, reward.id)

        request = fake.requests_to("/graphql.json")[-1]
        sent = request.json["variables"]["d"]
        assert request.headers["X-Shopify-Access-Token"] == fake.access_token
        assert sent["code"] == result.code
        assert (sent["usageLimit"], sent["appliesOncePerCustomer"]) == (1, True)
        assert sent["context"] == {"customers": {"add": [f"gid://shopify/Customer/{buyer.customer_ref}"]}}
        assert sent["customerGets"]["value"] == {"discountAmount": {"amount": "5.00", "appliesOnEachItem": False}}
        assert sent["minimumRequirement"] == {"subtotal": {"greaterThanOrEqualToSubtotal": "20.00"}}
        assert sent["endsAt"] == (START + timedelta(days=30)).isoformat().replace("+00:00", "Z")
    assert (result.status, result.balance, result.reward_name) == ("active", 200, "5,00\u00a0€ Rabatt")
    assert coupons(container, shop)[0].platform_ref == fake.discounts[result.code]["id"]
    assert member(container, shop, buyer.id).balance == 200
    ledger_ok(container)


def test_redeeming_pushes_an_email_restricted_coupon_to_woocommerce(container):
    with FakeWooCommerce() as fake:
        shop = shop_for(container, "woocommerce", fake)
        buyer = member_with_points(container, shop, 700)
        reward = add_reward(container, shop, points_cost=500, kind="percentage", value="10", minimum_order=None)

        result = redeem(container, shop, client_for("woocommerce", fake), buyer.id, reward.id)

        request = fake.requests_to("/coupons")[-1]
        assert request.args["oauth_consumer_key"] == fake.consumer_key
        assert "oauth_signature" in request.args
        assert request.json["code"] == result.code.lower()
        assert request.json["email_restrictions"] == [buyer.email]
        assert (request.json["usage_limit"], request.json["discount_type"], request.json["amount"]) == (
            1, "percent", "10.00")
        assert request.json["date_expires_gmt"] == (START + timedelta(days=30)).replace(tzinfo=None).isoformat()
    assert result.status == "active"
    assert coupons(container, shop)[0].platform_ref == str(fake.coupon(result.code)["id"])
    ledger_ok(container)


def test_a_shop_not_connected_yet_refuses_a_redemption_before_spending_anything(container):
    from app.services.shops import NewShop, add_shop

    shop = add_shop(container.uow(), container.box, NewShop("shopify", "demo.myshopify.com", name="Demo"),
                    container.clock.now())
    shopper = member_with_points(container, shop, 500)
    reward = add_reward(container, shop)

    with pytest.raises(RewardUnavailable) as refused:
        redeem(container, shop, RecordingPlatform(), shopper.id, reward.id)

    assert refused.value.details["not_connected"] is True
    assert [entry.kind for entry in entries(container, shop)] == ["earn"]  # no redeem, no refund
    assert coupons(container, shop) == []
    ledger_ok(container)


def test_codes_are_unique_and_hard_to_guess(container, setup):
    shop, _fake, client = setup
    buyer = member_with_points(container, shop, 2000)
    reward = add_reward(container, shop, points_cost=500)

    codes = {redeem(container, shop, client, buyer.id, reward.id).code for _ in range(3)}

    assert len(codes) == 3
    assert all(len(code.replace("-", "")) >= 20 for code in codes)


def test_a_rejected_code_returns_the_points_and_tells_why(container, setup):
    shop, fake, client = setup
    buyer = member_with_points(container, shop, 700)
    reward = add_reward(container, shop, points_cost=500)
    fake.script(Scripted(status=422))

    with pytest.raises(RewardUnavailable) as raised:
        redeem(container, shop, client, buyer.id, reward.id)

    assert "points have been returned" in str(raised.value)
    assert "422" in raised.value.details["platform_reason"]
    assert member(container, shop, buyer.id).balance == 700
    assert [c.status for c in coupons(container, shop)] == ["failed"]
    assert [e.delta for e in entries(container, shop, "redeem_refund")] == [500]
    ledger_ok(container)


def test_429_leaves_the_code_pending_until_retry_after_has_passed(container, clock, setup):
    shop, fake, client = setup
    buyer = member_with_points(container, shop, 700)
    reward = add_reward(container, shop, points_cost=500)
    fake.throttle(retry_after=120)

    result = redeem(container, shop, client, buyer.id, reward.id)

    assert (result.status, result.balance) == ("pending_push", 200)
    assert coupons(container, shop)[0].next_attempt_at == START + timedelta(seconds=120)
    clock.advance(seconds=60)
    assert run_retries(container, client)["pushed"] == 0
    clock.advance(seconds=61)
    assert run_retries(container, client)["pushed"] == 1
    assert [c.status for c in coupons(container, shop)] == ["active"]
    assert [code.upper() for code in stored_codes(fake)] == [result.code]
    ledger_ok(container)


def test_server_errors_are_retried_with_growing_backoff_without_a_second_code(container, clock, setup):
    shop, fake, client = setup
    buyer = member_with_points(container, shop, 700)
    reward = add_reward(container, shop, points_cost=500)
    fake.fail(500, times=2)

    assert redeem(container, shop, client, buyer.id, reward.id).status == "pending_push"
    first_wait = coupons(container, shop)[0].next_attempt_at - START
    clock.advance(seconds=first_wait.total_seconds())
    run_retries(container, client)
    second = coupons(container, shop)[0]
    assert second.status == "pending_push"
    assert second.next_attempt_at - clock.now() > first_wait
    clock.set(second.next_attempt_at)
    run_retries(container, client)

    assert [c.status for c in coupons(container, shop)] == ["active"]
    assert len(stored_codes(fake)) == 1
    assert member(container, shop, buyer.id).balance == 200
    ledger_ok(container)


def test_the_worker_counts_a_push_the_shop_did_not_take_as_retried_not_pushed(container, clock, setup):
    shop, fake, client = setup
    buyer = member_with_points(container, shop, 700)
    reward = add_reward(container, shop, points_cost=500)
    fake.fail(503, times=2)  # the push in the request and the worker's first retry
    redeem(container, shop, client, buyer.id, reward.id)

    clock.set(coupons(container, shop)[0].next_attempt_at)
    unavailable = run_retries(container, client)
    clock.set(coupons(container, shop)[0].next_attempt_at)
    back = run_retries(container, client)

    assert unavailable["pushed"] == 0  # the code is not at the shop yet
    assert (unavailable["push_retried"], unavailable["push_failed"]) == (1, 0)
    assert (back["pushed"], back["push_retried"], back["push_failed"]) == (1, 0, 0)
    assert [c.status for c in coupons(container, shop)] == ["active"]


def test_the_worker_counts_a_push_it_gives_up_on_as_failed(container, clock, setup):
    shop, fake, client = setup
    buyer = member_with_points(container, shop, 700)
    reward = add_reward(container, shop, points_cost=500)
    fake.fail(503, times=2)
    redeem(container, shop, client, buyer.id, reward.id)
    update_coupon(container, coupons(container, shop)[0].id, attempts=MAX_ATTEMPTS - 1)

    clock.advance(hours=2)
    report = run_retries(container, client)

    assert report["pushed"] == 0
    assert (report["push_retried"], report["push_failed"]) == (0, 1)
    assert [c.status for c in coupons(container, shop)] == ["failed"]


def test_a_hang_whose_request_took_effect_is_retried_without_a_second_code(container, clock, setup):
    shop, fake, client = setup
    buyer = member_with_points(container, shop, 700)
    reward = add_reward(container, shop, points_cost=500)
    fake.hang(1.0, process=True)  # the code is created, the answer never arrives in time

    assert redeem(container, shop, client, buyer.id, reward.id).status == "pending_push"
    assert len(stored_codes(fake)) == 1
    clock.advance(minutes=5)
    run_retries(container, client)

    [coupon] = coupons(container, shop)
    assert coupon.status == "active"
    assert len(stored_codes(fake)) == 1
    assert coupon.platform_ref is not None
    ledger_ok(container)


def test_after_the_last_attempt_the_worker_gives_up_and_returns_the_points(container, clock, setup):
    shop, fake, client = setup
    buyer = member_with_points(container, shop, 700)
    reward = add_reward(container, shop, points_cost=500)
    fake.fail(500, times=2)
    redeem(container, shop, client, buyer.id, reward.id)
    [coupon] = coupons(container, shop)
    update_coupon(container, coupon.id, attempts=MAX_ATTEMPTS - 1)

    clock.advance(hours=2)
    run_retries(container, client)
    clock.advance(hours=2)
    run_retries(container, client)  # the shop holds no such code (tests/integration/test_coupon_give_up.py)

    assert [c.status for c in coupons(container, shop)] == ["failed"]
    assert member(container, shop, buyer.id).balance == 700
    ledger_ok(container)


def test_a_reservation_whose_request_died_is_pushed_by_the_worker(container, clock, shopify_shop):
    class Crashing(RecordingPlatform):
        def create_coupon(self, shop, coupon):  # type: ignore[no-untyped-def]
            raise RuntimeError("the web worker was killed")

    buyer = member_with_points(container, shopify_shop, 700)
    reward = add_reward(container, shopify_shop, points_cost=500)
    with pytest.raises(RuntimeError):
        redeem(container, shopify_shop, Crashing(), buyer.id, reward.id)
    assert [c.status for c in coupons(container, shopify_shop)] == ["reserved"]

    platform = RecordingPlatform()
    clock.advance(minutes=11)
    run_retries(container, platform)

    assert [c.status for c in coupons(container, shopify_shop)] == ["active"]
    assert list(platform.codes) == [coupons(container, shopify_shop)[0].code]
    ledger_ok(container)


def test_redemption_is_refused_without_enough_spendable_points(container, shopify_shop):
    buyer = member_with_points(container, shopify_shop, 300)
    reward = add_reward(container, shopify_shop, points_cost=500)
    platform = RecordingPlatform()

    with pytest.raises(InsufficientPoints):
        redeem(container, shopify_shop, platform, buyer.id, reward.id)

    assert (coupons(container, shopify_shop), platform.calls) == ([], [])
    assert member(container, shopify_shop, buyer.id).balance == 300


def test_a_negative_balance_blocks_redemption_until_it_is_positive_again(container, shopify_shop):
    buyer = member_with_points(container, shopify_shop, 600, ref="5001")
    reward = add_reward(container, shopify_shop, points_cost=500)
    cheap = add_reward(container, shopify_shop, points_cost=50)
    platform = RecordingPlatform()
    redeem(container, shopify_shop, platform, buyer.id, reward.id)
    deliver(container, shopify_shop, refund("5001", lines="600.00"))
    assert member(container, shopify_shop, buyer.id).balance == -500

    with pytest.raises(InsufficientPoints):
        redeem(container, shopify_shop, platform, buyer.id, cheap.id)
    ledger_ok(container)


def test_an_inactive_reward_cannot_be_redeemed(container, shopify_shop):
    from app.services.rewards import deactivate_reward

    buyer = member_with_points(container, shopify_shop, 600)
    reward = add_reward(container, shopify_shop, points_cost=500)
    deactivate_reward(container.uow(), shopify_shop.id, reward.id, container.clock.now())

    with pytest.raises(RewardUnavailable):
        redeem(container, shopify_shop, RecordingPlatform(), buyer.id, reward.id)
    assert member(container, shopify_shop, buyer.id).balance == 600
