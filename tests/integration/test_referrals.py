"""Referral program: the full flow, each fraud rule, refunds revoking, decisions, exactly-once under redelivery."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.clock import FixedClock
from app.container import Container
from app.models import Coupon, LedgerEntry, Member, OutboxMessage, Referral, Shop
from app.services import referrals
from app.services.coupons import retry_coupon_pushes
from app.services.referrals import ReferralConfig
from app.services.referrals.codes import ReferralCodeNotFound, code_for_member
from tests.fakes.shopify_server import FakeShopify
from tests.support import snapshots as s
from tests.support.deliveries import deliver, ledger_ok, member_by_email
from tests.support.rewards import client_for, shop_for

REFERRER = s.customer("7001", "juergen.weiss@example.de")
FRIEND = s.customer("7002", "anna.schmidt@example.de", first_name="Anna", last_name="Schmidt")


def _code(container: Container, shop: Shop, member: Member) -> str:
    with container.uow() as uow:
        code = code_for_member(uow.session, shop.id, member.id)
    assert code is not None
    return code


def _referrer(container: Container, shop: Shop) -> tuple[Member, str]:
    deliver(container, shop, REFERRER)
    member = member_by_email(container, shop, REFERRER.email or "")
    return member, _code(container, shop, member)


def _friend_followed_and_ordered(container: Container, shop: Shop, clock: FixedClock) -> None:
    """The referrer's link followed by the friend (by email), then the friend's first paid order."""
    _, code = _referrer(container, shop)
    referrals.record_referral(container.uow(), shop.id, code, clock.now(), email=FRIEND.email)
    _friend_orders(container, shop, clock)


def _referral(container: Container, shop: Shop) -> Referral:
    with container.uow() as uow:
        return uow.session.scalars(select(Referral).where(Referral.shop_id == shop.id)).one()


def _friend_orders(container: Container, shop: Shop, clock: FixedClock, **kw: object) -> None:
    deliver(container, shop, s.order("5002", at=clock.now(), buyer=FRIEND, **kw))  # type: ignore[arg-type]


def _settle(container: Container, clock: FixedClock, days: int = 15) -> int:
    clock.advance(days=days)
    return referrals.settle_referrals(container.uow, clock.now())


def test_every_new_member_gets_a_readable_unique_referral_code(container: Container, shopify_shop: Shop) -> None:
    member, code = _referrer(container, shopify_shop)

    assert code.startswith("JUERGEN-")
    assert len(code) == len("JUERGEN-") + 4


def test_a_member_without_a_first_name_gets_a_code_in_the_shops_language(
    container: Container, shopify_shop: Shop
) -> None:
    from app.services.shops import NewShop, add_shop

    english = add_shop(container.uow(), container.box, NewShop("shopify", "corner.myshopify.com", name="Corner",
                                                               locale="en"), container.clock.now())
    nameless = s.customer("7100", "someone@example.com", first_name=None)
    deliver(container, english, nameless)
    deliver(container, shopify_shop, nameless)

    in_english = _code(container, english, member_by_email(container, english, "someone@example.com"))
    in_german = _code(container, shopify_shop, member_by_email(container, shopify_shop, "someone@example.com"))
    assert (in_english[:7], in_german[:7]) == ("FRIEND-", "FREUND-")


def test_a_referred_friends_first_paid_order_welcomes_the_friend_and_later_rewards_the_referrer(
    container: Container, shopify_shop: Shop, clock: FixedClock
) -> None:
    referrer, code = _referrer(container, shopify_shop)
    referrals.record_referral(container.uow(), shopify_shop.id, code, clock.now(), email=FRIEND.email)

    _friend_orders(container, shopify_shop, clock)

    referral = _referral(container, shopify_shop)
    assert referral.status == "ordered"
    assert referral.flags == []
    with container.uow() as uow:
        coupon = uow.session.scalars(select(Coupon).where(Coupon.source == "referral")).one()
    assert coupon.member_id == referral.friend_member_id
    assert coupon.status == "pending_push"
    assert referral.friend_coupon_code == coupon.code
    assert _settle(container, clock, days=13) == 0
    assert _settle(container, clock, days=2) == 1
    assert member_by_email(container, shopify_shop, REFERRER.email or "").balance == 500
    assert _referral(container, shopify_shop).status == "rewarded"
    ledger_ok(container)


def test_a_refund_of_the_shipping_of_the_friends_order_leaves_the_referral_reward(
    container: Container, shopify_shop: Shop, clock: FixedClock
) -> None:
    _friend_followed_and_ordered(container, shopify_shop, clock)

    deliver(container, shopify_shop, s.refund("5002", "9001", shipping="4.90", at=clock.now() + timedelta(days=3)))

    assert _settle(container, clock) == 1
    assert _referral(container, shopify_shop).status == "rewarded"


def test_a_refund_of_the_friends_goods_revokes_the_pending_referral_reward(
    container: Container, shopify_shop: Shop, clock: FixedClock
) -> None:
    _friend_followed_and_ordered(container, shopify_shop, clock)

    refund = s.refund("5002", "9001", lines="100.00", at=clock.now() + timedelta(days=3))
    deliver(container, shopify_shop, refund)

    assert _referral(container, shopify_shop).status == "revoked"
    assert _referral(container, shopify_shop).note == "order_refunded"
    assert _settle(container, clock) == 0
    assert member_by_email(container, shopify_shop, REFERRER.email or "").balance == 0


def test_the_referrer_is_rewarded_exactly_once_under_repeated_webhooks_and_job_runs(
    container: Container, shopify_shop: Shop, clock: FixedClock
) -> None:
    _, code = _referrer(container, shopify_shop)
    referrals.record_referral(container.uow(), shopify_shop.id, code, clock.now(), email=FRIEND.email)
    order = s.order("5002", at=clock.now(), buyer=FRIEND)

    for delivery_id in ("a", "b", "b", "c"):
        deliver(container, shopify_shop, order, delivery_id=delivery_id)
    settled = [_settle(container, clock) for _ in range(3)]
    deliver(container, shopify_shop, order, delivery_id="d")

    assert settled == [1, 0, 0]
    with container.uow() as uow:
        rewards = uow.session.scalars(select(LedgerEntry).where(LedgerEntry.kind == "referral")).all()
        coupons = uow.session.scalars(select(Coupon).where(Coupon.source == "referral")).all()
    assert len(rewards) == 1
    assert len(coupons) == 1


def test_a_logged_in_friend_is_recorded_by_customer_id(
    container: Container, shopify_shop: Shop, clock: FixedClock
) -> None:
    _, code = _referrer(container, shopify_shop)

    referrals.record_referral(container.uow(), shopify_shop.id, code.lower(), clock.now(), customer_ref="7002")
    _friend_orders(container, shopify_shop, clock)

    assert _referral(container, shopify_shop).status == "ordered"


def test_a_friend_counts_once_the_first_referrer_wins(container: Container, shopify_shop: Shop, clock: FixedClock):
    _, code = _referrer(container, shopify_shop)
    deliver(container, shopify_shop, s.customer("7003", "other@example.de", first_name="Olga"))
    other = member_by_email(container, shopify_shop, "other@example.de")

    first = referrals.record_referral(container.uow(), shopify_shop.id, code, clock.now(), email=FRIEND.email)
    second = referrals.record_referral(
        container.uow(), shopify_shop.id, _code(container, shopify_shop, other), clock.now(), email=FRIEND.email
    )

    assert second.id == first.id
    assert second.code == code


def test_an_unknown_referral_code_is_refused(container: Container, shopify_shop: Shop, clock: FixedClock) -> None:
    with pytest.raises(ReferralCodeNotFound):
        referrals.record_referral(container.uow(), shopify_shop.id, "NOPE-2222", clock.now(), email="x@example.de")


def test_a_friend_using_the_referral_code_at_checkout_is_attributed(
    container: Container, shopify_shop: Shop, clock: FixedClock
) -> None:
    _, code = _referrer(container, shopify_shop)

    _friend_orders(container, shopify_shop, clock, discount_codes=(code.lower(),))

    referral = _referral(container, shopify_shop)
    assert referral.source == "code"
    assert referral.status == "ordered"


# --- fraud rules: each flags the referral with a visible reason, and nothing is issued until decided ---


def test_a_self_referral_by_the_same_customer_is_flagged(container: Container, shopify_shop: Shop, clock):
    _, code = _referrer(container, shopify_shop)

    deliver(container, shopify_shop, s.order("5003", at=clock.now(), buyer=REFERRER, discount_codes=(code,)))

    referral = _referral(container, shopify_shop)
    assert referral.status == "flagged"
    assert "self_referral_customer" in referral.flags


def test_a_self_referral_by_the_same_email_is_flagged(container: Container, shopify_shop: Shop, clock):
    _, code = _referrer(container, shopify_shop)
    twin = s.customer("7009", REFERRER.email or "", first_name="Jürgen")
    referrals.record_referral(container.uow(), shopify_shop.id, code, clock.now(), customer_ref="7009")

    deliver(container, shopify_shop, s.order("5003", at=clock.now(), buyer=twin))

    assert _referral(container, shopify_shop).flags == ["self_referral_email"]


def test_a_friend_shipping_to_the_referrers_address_is_flagged(container: Container, shopify_shop: Shop, clock):
    _, code = _referrer(container, shopify_shop)
    deliver(container, shopify_shop, s.order("5001", at=clock.now(), buyer=REFERRER, shipping_address_key="k1"))
    referrals.record_referral(container.uow(), shopify_shop.id, code, clock.now(), email=FRIEND.email)

    _friend_orders(container, shopify_shop, clock, shipping_address_key="k1")

    assert _referral(container, shopify_shop).flags == ["self_referral_address"]


def test_a_friend_whose_email_the_shop_already_knows_is_flagged(container: Container, shopify_shop: Shop, clock):
    _, code = _referrer(container, shopify_shop)
    deliver(container, shopify_shop, s.order("4000", at=clock.now() - timedelta(days=90), buyer=FRIEND))
    referrals.record_referral(container.uow(), shopify_shop.id, code, clock.now(), email=FRIEND.email)

    _friend_orders(container, shopify_shop, clock)

    assert _referral(container, shopify_shop).flags == ["email_known"]


def test_too_many_referrals_from_one_member_in_the_window_are_flagged(
    container: Container, shopify_shop: Shop, clock: FixedClock
) -> None:
    _, code = _referrer(container, shopify_shop)
    referrals.save_settings(container.uow(), shopify_shop.id, ReferralConfig(max_per_window=2), clock.now())
    for n in range(3):
        friend = s.customer(f"80{n}", f"friend{n}@example.de", first_name="F")
        referrals.record_referral(container.uow(), shopify_shop.id, code, clock.now(), email=friend.email)
        deliver(container, shopify_shop, s.order(f"60{n}", at=clock.now(), buyer=friend))

    with container.uow() as uow:
        rows = uow.session.scalars(select(Referral).order_by(Referral.id)).all()
    assert [r.flags for r in rows] == [[], [], ["too_many_referrals"]]


def test_a_referred_friend_is_emailed_the_welcome_code_once_the_shop_has_it(
    container: Container, clock: FixedClock
) -> None:
    with FakeShopify() as fake:
        shop = shop_for(container, "shopify", fake)
        _friend_followed_and_ordered(container, shop, clock)

        retry_coupon_pushes(container.uow, lambda _p: client_for("shopify", fake), container.box, clock.now())

    with container.uow() as uow:
        coupon = uow.session.scalars(select(Coupon).where(Coupon.source == "referral")).one()
        mails = uow.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "reward_issued")).all()
    assert coupon.status == "active"
    assert [(m.member_id, m.context["code"]) for m in mails] == [(coupon.member_id, coupon.code)]


def test_an_approved_flagged_referral_welcomes_the_friend_and_settles(
    container: Container, shopify_shop: Shop, clock: FixedClock
) -> None:
    _, code = _referrer(container, shopify_shop)
    deliver(container, shopify_shop, s.order("4000", at=clock.now() - timedelta(days=90), buyer=FRIEND))
    referrals.record_referral(container.uow(), shopify_shop.id, code, clock.now(), email=FRIEND.email)
    _friend_orders(container, shopify_shop, clock)
    referral = _referral(container, shopify_shop)
    assert _settle(container, clock) == 0

    approved = referrals.approve_referral(container.uow(), shopify_shop.id, referral.id, "merchant", clock.now())

    assert approved.status == "ordered"
    assert approved.friend_coupon_code
    assert _settle(container, clock, days=0) == 1
    assert member_by_email(container, shopify_shop, REFERRER.email or "").balance == 500


def test_a_rejected_flagged_referral_rewards_nobody(container: Container, shopify_shop: Shop, clock) -> None:
    _, code = _referrer(container, shopify_shop)
    deliver(container, shopify_shop, s.order("5003", at=clock.now(), buyer=REFERRER, discount_codes=(code,)))

    referrals.reject_referral(container.uow(), shopify_shop.id, _referral(container, shopify_shop).id, "m", clock.now())

    assert _settle(container, clock) == 0
    assert _referral(container, shopify_shop).status == "rejected"
    with container.uow() as uow:
        assert uow.session.scalars(select(Coupon).where(Coupon.source == "referral")).all() == []


def test_a_referral_of_another_shop_cannot_be_decided(
    container: Container, shopify_shop: Shop, woo_shop: Shop, clock: FixedClock
) -> None:
    _, code = _referrer(container, shopify_shop)
    deliver(container, shopify_shop, s.order("5003", at=clock.now(), buyer=REFERRER, discount_codes=(code,)))

    from app.domain.errors import NotFound

    with pytest.raises(NotFound):
        referrals.approve_referral(
            container.uow(), woo_shop.id, _referral(container, shopify_shop).id, "m", clock.now()
        )


def test_the_referrer_opening_their_own_link_records_nothing(
    container: Container, shopify_shop: Shop, clock: FixedClock
) -> None:
    _, code = _referrer(container, shopify_shop)

    by_account = referrals.record_referral(container.uow(), shopify_shop.id, code, clock.now(), customer_ref="7001")
    by_email = referrals.record_referral(container.uow(), shopify_shop.id, code, clock.now(), email=REFERRER.email)

    assert (by_account, by_email) == (None, None)
