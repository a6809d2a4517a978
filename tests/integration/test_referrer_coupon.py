"""A shop may reward referrers with a coupon instead of points: a real code at the shop, once, told by email."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import update

from app.clock import FixedClock
from app.container import Container
from app.mail.base import RecordingMailer
from app.models import Member, Shop
from app.services import referrals
from app.services.coupons import retry_coupon_pushes
from app.services.referrals import ReferralConfig
from app.services.referrals.reports import list_referrals, referral_stats
from tests.fakes.shopify_server import FakeShopify
from tests.fakes.woocommerce_server import FakeWooCommerce
from tests.support import snapshots as s
from tests.support.deliveries import deliver, ledger_ok, member_by_email
from tests.support.outbox import dispatch, mailer_fixture, messages  # noqa: F401
from tests.support.referrals import REFERRER, refer_a_friend_who_orders
from tests.support.rewards import client_for, coupons, shop_for

COUPON = ReferralConfig(
    referrer_reward="coupon",
    referrer_coupon_kind="fixed_amount",
    referrer_coupon_value=Decimal("10.00"),
    referrer_coupon_minimum=Decimal("25.00"),
    referrer_coupon_days=90,
)


def referrer_coupons(container: Container, shop: Shop) -> list:  # type: ignore[type-arg]
    return [c for c in coupons(container, shop) if c.source == "referral_reward"]


@pytest.mark.parametrize("platform", ["shopify", "woocommerce"])
def test_the_referrer_gets_a_real_code_at_the_shop_and_an_email_with_it_instead_of_points(
    container: Container, clock: FixedClock, mailer: RecordingMailer, platform: str
) -> None:
    with FakeShopify() if platform == "shopify" else FakeWooCommerce() as fake:
        shop = shop_for(container, platform, fake)
        referrals.save_settings(container.uow(), shop.id, COUPON, clock.now())
        refer_a_friend_who_orders(container, shop, clock)

        referrer = member_by_email(container, shop, REFERRER.email or "")
        [coupon] = referrer_coupons(container, shop)
        assert referrer.balance == 0
        assert (coupon.member_id, coupon.status, coupon.kind, coupon.value, coupon.minimum_order) == (
            referrer.id, "pending_push", "fixed_amount", Decimal("10.00"), Decimal("25.00"))
        assert messages(container, shop, "referral_rewarded") == []  # not before the shop knows the code

        clock.advance(seconds=30)
        retry_coupon_pushes(container.uow, lambda _p: client_for(platform, fake), container.box, clock.now())
        at_the_shop = fake.discounts.get(coupon.code) if isinstance(fake, FakeShopify) else fake.coupon(coupon.code)

    assert at_the_shop is not None
    assert [c.status for c in referrer_coupons(container, shop)] == ["active"]
    dispatch(container)
    [sent] = [m for m in mailer.sent if m["To"] == REFERRER.email]
    text = sent.get_body(("plain",)).get_content().replace("\xa0", " ")
    assert str(sent["Subject"]) == "Danke für deine Empfehlung: 10,00 € Rabatt für dich"
    assert f"Dein Dankeschön-Gutschein (10,00 € Rabatt): {coupon.code} (gültig bis" in text
    assert "Anna" not in text
    assert "anna.schmidt" not in text
    [row] = list_referrals(container.uow(), shop.id)
    assert (row["status"], row["referrer_coupon_code"], row["referrer_points"]) == ("rewarded", coupon.code, 0)
    stats = referral_stats(container.uow(), shop.id)
    assert (stats["coupons_awarded"], stats["points_awarded"]) == (1, 0)
    ledger_ok(container)


def test_settling_again_issues_no_second_coupon_and_no_second_email(
    container: Container, clock: FixedClock, shopify_shop: Shop
) -> None:
    referrals.save_settings(container.uow(), shopify_shop.id, COUPON, clock.now())
    refer_a_friend_who_orders(container, shopify_shop, clock)

    clock.advance(days=1)
    assert referrals.settle_referrals(container.uow, clock.now()) == 0

    assert len(referrer_coupons(container, shopify_shop)) == 1


def test_a_refund_during_the_hold_gives_the_referrer_no_coupon(
    container: Container, clock: FixedClock, shopify_shop: Shop
) -> None:
    referrals.save_settings(container.uow(), shopify_shop.id, COUPON, clock.now())
    refer_a_friend_who_orders(container, shopify_shop, clock, settle=False)

    deliver(container, shopify_shop, s.refund("5002", lines="100.00"))
    clock.advance(days=15)

    assert referrals.settle_referrals(container.uow, clock.now()) == 0
    assert referrer_coupons(container, shopify_shop) == []
    assert list_referrals(container.uow(), shopify_shop.id)[0]["status"] == "revoked"


def test_switching_back_to_points_credits_points_again(
    container: Container, clock: FixedClock, shopify_shop: Shop
) -> None:
    referrals.save_settings(container.uow(), shopify_shop.id, COUPON, clock.now())
    referrals.save_settings(container.uow(), shopify_shop.id, ReferralConfig(referrer_points=300), clock.now())

    refer_a_friend_who_orders(container, shopify_shop, clock)

    assert member_by_email(container, shopify_shop, REFERRER.email or "").balance == 300
    assert referrer_coupons(container, shopify_shop) == []


def test_the_referrers_coupon_is_titled_in_the_referrers_language_not_the_shops(
    container: Container, clock: FixedClock
) -> None:
    with FakeShopify() as fake:
        shop = shop_for(container, "shopify", fake)
        referrals.save_settings(container.uow(), shop.id, COUPON, clock.now())
        refer_a_friend_who_orders(container, shop, clock, settle=False)
        with container.uow() as uow:
            uow.session.execute(update(Member).where(Member.email == REFERRER.email).values(locale="en"))
            uow.commit()

        clock.advance(days=15)
        referrals.settle_referrals(container.uow, clock.now())

    [coupon] = referrer_coupons(container, shop)
    assert shop.locale == "de"
    assert coupon.title == "Thank you for your referral"
