"""The referrer hears about the points their referral earned: once, in their language, without the friend's data."""

from __future__ import annotations

from app.clock import FixedClock
from app.container import Container
from app.mail.base import RecordingMailer
from app.models import EmailUnsubscribe, Shop
from app.services import referrals
from app.services.referrals import ReferralConfig
from tests.support.deliveries import member_by_email
from tests.support.outbox import configure, dispatch, mailer_fixture, messages  # noqa: F401
from tests.support.referrals import REFERRER, refer_a_friend_who_orders


def test_the_referrer_is_told_once_about_the_points_in_their_language(
    container: Container, shopify_shop: Shop, clock: FixedClock, mailer: RecordingMailer
) -> None:
    refer_a_friend_who_orders(container, shopify_shop, clock)
    referrals.settle_referrals(container.uow, clock.now())

    [message] = messages(container, shopify_shop, "referral_rewarded")
    assert (message.to_email, message.locale) == (REFERRER.email, "de")
    assert message.context == {"points": 500, "balance": 500}
    dispatch(container)
    [sent] = [m for m in mailer.sent if m["To"] == REFERRER.email]
    text = sent.get_body(("plain",)).get_content().replace("\xa0", " ")
    assert "500 Punkte" in str(sent["Subject"])
    assert "Dir wurden 500 Punkte gutgeschrieben." in text
    assert "Dein Punktestand jetzt: 500 Punkte" in text
    assert "Anna" not in text
    assert "Schmidt" not in text
    assert "anna.schmidt" not in text


def test_a_referrer_who_unsubscribed_gets_the_points_but_no_email(
    container: Container, shopify_shop: Shop, clock: FixedClock
) -> None:
    with container.uow() as uow:
        uow.session.add(EmailUnsubscribe(shop_id=shopify_shop.id, email=REFERRER.email or "", source="link",
                                         created_at=clock.now()))
        uow.commit()

    refer_a_friend_who_orders(container, shopify_shop, clock)

    assert member_by_email(container, shopify_shop, REFERRER.email or "").balance == 500
    assert messages(container, shopify_shop, "referral_rewarded") == []


def test_no_email_when_the_merchant_switched_the_kind_off(
    container: Container, shopify_shop: Shop, clock: FixedClock
) -> None:
    configure(container, shopify_shop, kinds={"referral_rewarded": {"enabled": False}})
    refer_a_friend_who_orders(container, shopify_shop, clock)
    assert messages(container, shopify_shop, "referral_rewarded") == []


def test_no_email_when_the_referrer_earns_no_points(container: Container, shopify_shop: Shop, clock: FixedClock):
    referrals.save_settings(container.uow(), shopify_shop.id, ReferralConfig(referrer_points=0), clock.now())
    refer_a_friend_who_orders(container, shopify_shop, clock)
    assert messages(container, shopify_shop, "referral_rewarded") == []
