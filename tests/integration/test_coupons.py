"""Coupon life after issue: used on an order, expired (points back by setting), thank-you coupons and refunds."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from app.services.coupon_lifecycle import expire_coupons
from app.services.coupons import retry_coupon_pushes
from app.services.redemptions import redeem_reward
from tests.conftest import START
from tests.fakes.shopify_server import FakeShopify
from tests.fakes.woocommerce_server import FakeWooCommerce
from tests.support.deliveries import deliver, ledger_ok
from tests.support.outbox import dispatch, mailer_fixture  # noqa: F401
from tests.support.rewards import (
    RecordingPlatform,
    add_reward,
    buyer,
    client_for,
    coupons,
    member,
    member_with_points,
    set_reward_settings,
    shop_for,
)
from tests.support.snapshots import order, refund

THANK_YOU = {
    "next_purchase_enabled": True, "next_purchase_mode": "first_order", "next_purchase_threshold": Decimal("0"),
    "next_purchase_kind": "percentage", "next_purchase_value": Decimal("10"),
    "next_purchase_minimum_order": Decimal("30"), "next_purchase_validity_days": 60,
}


def redeemed(container, shop, points_cost=500):  # type: ignore[no-untyped-def]
    buyer_member = member_with_points(container, shop, 700, ref="5001")
    reward = add_reward(container, shop, points_cost=points_cost)
    result = redeem_reward(container.uow, RecordingPlatform(), container.box, shop_id=shop.id,
                           member_id=buyer_member.id, reward_id=reward.id, now=container.clock.now())
    return buyer_member, result


def test_an_order_carrying_our_code_marks_the_coupon_used_whatever_its_case(container, clock, shopify_shop):
    _, result = redeemed(container, shopify_shop)

    clock.advance(days=2)
    deliver(container, shopify_shop, order("5002", at=clock.now(), buyer=buyer(1),
                                           discount_codes=(result.code.lower(), "SOMMER10")))

    [coupon] = coupons(container, shopify_shop)
    assert (coupon.status, coupon.used_at) == ("used", clock.now())
    assert coupon.used_order_id is not None
    ledger_ok(container)


def test_an_unused_coupon_expires_and_keeps_its_points_by_default(container, clock, shopify_shop):
    buyer_member, _ = redeemed(container, shopify_shop)

    clock.advance(days=31)
    expire_coupons(container.uow, clock.now())

    assert [c.status for c in coupons(container, shopify_shop)] == ["expired"]
    assert member(container, shopify_shop, buyer_member.id).balance == 200


def test_an_expired_coupon_returns_its_points_once_when_the_shop_says_so(container, clock, shopify_shop):
    set_reward_settings(container, shopify_shop, refund_points_on_expiry=True)
    buyer_member, _ = redeemed(container, shopify_shop)

    clock.advance(days=31)
    expire_coupons(container.uow, clock.now())
    expire_coupons(container.uow, clock.now())

    assert member(container, shopify_shop, buyer_member.id).balance == 700
    ledger_ok(container)


def test_a_used_coupon_never_expires(container, clock, shopify_shop):
    _, result = redeemed(container, shopify_shop)
    deliver(container, shopify_shop, order("5002", at=clock.now(), buyer=buyer(1), discount_codes=(result.code,)))

    clock.advance(days=31)
    expire_coupons(container.uow, clock.now())

    assert [c.status for c in coupons(container, shopify_shop)] == ["used"]


def test_the_first_paid_order_earns_one_thank_you_coupon_pushed_by_the_worker(container, clock):
    with FakeShopify() as fake:
        shop = shop_for(container, "shopify", fake)
        set_reward_settings(container, shop, **THANK_YOU)
        paid = order("5001", at=START, merchandise="80.00", buyer=buyer(1))
        deliver(container, shop, paid)
        deliver(container, shop, order("5001", at=START, merchandise="80.00", buyer=buyer(1),
                                       version=timedelta(minutes=1)))
        deliver(container, shop, order("5002", at=START + timedelta(days=1), buyer=buyer(1)))
        [coupon] = coupons(container, shop)
        assert (coupon.source, coupon.status, coupon.value) == ("next_purchase", "pending_push", Decimal("10.00"))

        clock.advance(seconds=30)
        retry_coupon_pushes(container.uow, lambda _p: client_for("shopify", fake), container.box, clock.now())

        sent = fake.discounts[coupon.code]["input"]
        assert sent["customerGets"]["value"] == {"percentage": 0.1}
        assert sent["minimumRequirement"] == {"subtotal": {"greaterThanOrEqualToSubtotal": "30.00"}}
    assert [c.status for c in coupons(container, shop)] == ["active"]


def test_every_order_above_the_amount_earns_a_thank_you_coupon(container, shopify_shop):
    set_reward_settings(container, shopify_shop, **{**THANK_YOU, "next_purchase_mode": "every_order_above",
                                                    "next_purchase_threshold": Decimal("50")})

    deliver(container, shopify_shop, order("5001", at=START, merchandise="40.00", shipping="0", buyer=buyer(1)))
    deliver(container, shopify_shop, order("5002", at=START, merchandise="60.00", buyer=buyer(1)))
    deliver(container, shopify_shop, order("5003", at=START, merchandise="90.00", buyer=buyer(1)))

    assert len(coupons(container, shopify_shop)) == 2


def test_a_refund_before_the_push_means_the_thank_you_coupon_never_reaches_the_shop(container, clock, shopify_shop):
    set_reward_settings(container, shopify_shop, **THANK_YOU)
    deliver(container, shopify_shop, order("5001", at=START, buyer=buyer(1)))
    deliver(container, shopify_shop, refund("5001", lines="100.00"))

    platform = RecordingPlatform()
    clock.advance(minutes=1)
    retry_coupon_pushes(container.uow, lambda _p: platform, container.box, clock.now())

    assert [c.status for c in coupons(container, shopify_shop)] == ["deactivated"]
    assert platform.calls == []


def _thank_you_coupon_pushed(container, clock, fake):  # type: ignore[no-untyped-def]
    """A Shopify shop giving thank-you coupons, an order's coupon pushed; and the worker's coupon job to run again."""
    shop = shop_for(container, "shopify", fake)
    set_reward_settings(container, shop, **THANK_YOU)
    deliver(container, shop, order("5001", at=START, buyer=buyer(1)))

    def run():  # type: ignore[no-untyped-def]
        return retry_coupon_pushes(container.uow, lambda _p: client_for("shopify", fake), container.box, clock.now())

    run()
    return shop, run


def test_refunding_all_the_goods_deactivates_the_orders_pushed_thank_you_coupon_at_shopify(container, clock):
    with FakeShopify() as fake:
        shop, run = _thank_you_coupon_pushed(container, clock, fake)
        [coupon] = coupons(container, shop)
        assert fake.discounts[coupon.code]["status"] == "ACTIVE"

        clock.advance(days=3)
        deliver(container, shop, refund("5001", lines="30.00"))
        run()
        assert fake.discounts[coupon.code]["status"] == "ACTIVE"  # some goods returned: the customer kept the rest
        deliver(container, shop, refund("5001", "9002", lines="70.00"))
        run()

        assert fake.discounts[coupon.code]["status"] == "EXPIRED"
    [coupon] = coupons(container, shop)
    assert (coupon.status, coupon.platform_deactivated) == ("deactivated", True)


def test_the_worker_counts_a_take_back_the_shop_did_not_answer_as_retried_not_deactivated(container, clock):
    with FakeShopify() as fake:
        shop, run = _thank_you_coupon_pushed(container, clock, fake)
        deliver(container, shop, refund("5001", lines="100.00"))
        fake.fail(503)

        unanswered = run()
        clock.set(coupons(container, shop)[0].next_attempt_at)
        answered = run()

        [coupon] = coupons(container, shop)
        assert fake.discounts[coupon.code]["status"] == "EXPIRED"
    assert unanswered["deactivated"] == 0  # the code still works at the shop
    assert unanswered["deactivation_retried"] == 1
    assert (answered["deactivated"], answered["deactivation_retried"]) == (1, 0)


def test_a_refund_of_the_shipping_alone_leaves_the_thank_you_coupon_live(container, clock, shopify_shop):
    set_reward_settings(container, shopify_shop, **THANK_YOU)
    deliver(container, shopify_shop, order("5001", at=START, buyer=buyer(1)))
    before = [c.status for c in coupons(container, shopify_shop)]

    deliver(container, shopify_shop, refund("5001", shipping="4.90"))

    assert before == [c.status for c in coupons(container, shopify_shop)] == ["pending_push"]


def test_cancelling_the_order_deactivates_its_thank_you_coupon_at_woocommerce(container, clock):
    with FakeWooCommerce() as fake:
        shop = shop_for(container, "woocommerce", fake)
        set_reward_settings(container, shop, **THANK_YOU)
        deliver(container, shop, order("5001", at=START, buyer=buyer(1)))
        run = lambda: retry_coupon_pushes(  # noqa: E731
            container.uow, lambda _p: client_for("woocommerce", fake), container.box, clock.now())
        run()
        [coupon] = coupons(container, shop)
        issued_until = fake.coupon(coupon.code)["date_expires_gmt"]
        assert issued_until == (START + timedelta(days=60)).replace(tzinfo=None).isoformat()

        deliver(container, shop, order("5001", at=START, buyer=buyer(1), cancelled=True, version=timedelta(hours=1)))
        run()

        put = fake.requests_to(f"/coupons/{coupon.platform_ref}")[-1]
        assert put.method == "PUT"
        assert fake.coupon(coupon.code)["date_expires_gmt"] != issued_until
        assert not fake.coupon_is_usable(coupon.code)


def test_a_used_thank_you_coupon_stays_used_when_its_order_is_refunded_later(container, clock, shopify_shop):
    set_reward_settings(container, shopify_shop, **THANK_YOU)
    deliver(container, shopify_shop, order("5001", at=START, buyer=buyer(1)))
    [coupon] = coupons(container, shopify_shop)
    deliver(container, shopify_shop, order("5002", at=START + timedelta(days=5), buyer=buyer(1),
                                           discount_codes=(coupon.code,)))

    deliver(container, shopify_shop, refund("5001", lines="100.00"))

    assert [c.status for c in coupons(container, shopify_shop)] == ["used"]


def test_the_email_with_a_redeemed_code_says_what_it_gives_and_until_when(container, clock, shopify_shop, mailer):
    _, result = redeemed(container, shopify_shop)  # the 5 € reward, pushed in the request

    dispatch(container)

    [sent] = [m for m in mailer.sent if result.code in m.get_body(("plain",)).get_content()]
    text = sent.get_body(("plain",)).get_content().replace("\xa0", " ")
    assert str(sent["Subject"]) == "Dein Gutschein: 5,00 € Rabatt"
    assert f"5,00 € Rabatt: {result.code} (gültig bis 1. April 2026)" in text


def test_the_thank_you_waits_until_its_next_purchase_code_is_at_the_shop(container, clock, mailer):
    with FakeShopify() as fake:
        shop = shop_for(container, "shopify", fake)
        set_reward_settings(container, shop, **THANK_YOU)
        deliver(container, shop, order("5001", at=START, merchandise="80.00", buyer=buyer(1)))

        before_push = dispatch(container, mailer)
        clock.advance(seconds=30)
        retry_coupon_pushes(container.uow, lambda _p: client_for("shopify", fake), container.box, clock.now())
        after_push = dispatch(container, mailer)

        [coupon] = coupons(container, shop)
        assert (before_push.sent, before_push.postponed, after_push.sent) == (0, 1, 1)
        assert coupon.code in fake.discounts  # the code in the email works at the shop
        assert coupon.code in mailer.sent[0].get_body(("plain",)).get_content()


def test_a_thank_you_whose_code_cannot_be_pushed_goes_out_after_half_an_hour(container, clock, mailer):
    with FakeShopify() as fake:
        shop = shop_for(container, "shopify", fake)
        set_reward_settings(container, shop, **THANK_YOU)
        deliver(container, shop, order("5001", at=START, merchandise="80.00", buyer=buyer(1)))
        fake.fail(status=503, times=100)  # the shop is down: the worker keeps retrying the push

        waited = []
        for _ in range(2):
            clock.advance(minutes=10)
            waited.append(dispatch(container, mailer).postponed)
        clock.advance(minutes=15)
        sent = dispatch(container, mailer)

    assert (waited, sent.sent) == ([1, 1], 1)
    assert coupons(container, shop)[0].code in mailer.sent[0].get_body(("plain",)).get_content()
