"""When messages go out, with an injected clock: thank-you, review request, reminder, refunds, consent."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.services.email_links import UnsubscribeLink, unsubscribe_token
from app.services.unsubscribes import unsubscribe
from tests.conftest import START
from tests.support.deliveries import deliver, member_by_email
from tests.support.outbox import configure, dispatch, mailer_fixture, messages, schedule_reviews  # noqa: F401
from tests.support.snapshots import customer, order, refund

FAN = customer(accepts_marketing=True)
QUIET = customer(ref="7002", email="stille.kundin@example.de", first_name="Erika", accepts_marketing=False)


def _statuses(container, shop, kind):  # type: ignore[no-untyped-def]
    return [m.status for m in messages(container, shop, kind)]


def test_thank_you_goes_out_right_after_payment(container, shopify_shop, mailer):
    deliver(container, shopify_shop, order(at=START, merchandise="49.90", buyer=FAN))

    dispatch(container)

    assert len(mailer.sent) == 1
    sent = mailer.sent[0]
    assert sent["To"] == FAN.email
    assert sent["Subject"] == "Vielen Dank für deinen Einkauf, Jürgen!"
    text = sent.get_body(("plain",)).get_content()
    assert "#5001" in text
    assert "49 Punkte" in text


def test_unpaid_order_gets_no_thank_you(container, shopify_shop, mailer):
    deliver(container, shopify_shop, order(at=START, paid=False, buyer=FAN))

    dispatch(container)

    assert mailer.sent == []
    assert messages(container, shopify_shop) == []


def test_review_request_comes_the_configured_days_after_fulfilment(container, shopify_shop, clock):
    deliver(container, shopify_shop, order(at=START, buyer=FAN, fulfilled_at=START + timedelta(days=2)))

    clock.set(START + timedelta(days=8, hours=23))
    schedule_reviews(container)
    assert messages(container, shopify_shop, "review_request") == []

    clock.set(START + timedelta(days=9, minutes=1))
    schedule_reviews(container)
    assert _statuses(container, shopify_shop, "review_request") == ["pending"]


def test_in_a_shop_that_never_marks_shipments_the_review_request_comes_days_after_payment(
    container, shopify_shop, clock
):
    configure(container, shopify_shop, review_delay_days=3)
    deliver(container, shopify_shop, order(at=START, buyer=FAN))

    clock.set(START + timedelta(days=2))
    schedule_reviews(container)
    assert messages(container, shopify_shop, "review_request") == []
    clock.set(START + timedelta(days=3, minutes=1))
    schedule_reviews(container)
    assert _statuses(container, shopify_shop, "review_request") == ["pending"]


def test_one_reminder_follows_the_configured_days_after_an_unanswered_request(container, shopify_shop, clock,
                                                                               mailer):
    deliver(container, shopify_shop, order(at=START, buyer=FAN))
    clock.set(START + timedelta(days=7, minutes=1))
    schedule_reviews(container)
    dispatch(container)

    clock.advance(days=4)
    schedule_reviews(container)
    assert messages(container, shopify_shop, "review_reminder") == []

    clock.advance(days=1, minutes=1)
    schedule_reviews(container)
    schedule_reviews(container)
    dispatch(container)
    clock.advance(days=10)
    schedule_reviews(container)

    assert _statuses(container, shopify_shop, "review_reminder") == ["sent"]
    assert [m["Subject"] for m in mailer.sent] == [
        "Vielen Dank für deinen Einkauf, Jürgen!",
        "Wie gefällt dir dein Einkauf bei Kaffeerösterei Müller?",
        "Eine Minute für deine Bewertung?",
    ]


def test_in_a_shop_that_marks_shipments_an_order_not_shipped_yet_waits_for_its_shipment(
    container, shopify_shop, clock
):
    configure(container, shopify_shop, review_delay_days=3)
    other = customer("7003", "lena@example.de", accepts_marketing=True)
    deliver(container, shopify_shop, order("5000", at=START, buyer=other, fulfilled_at=START + timedelta(hours=5)))
    deliver(container, shopify_shop, order("5001", at=START, buyer=FAN))  # on backorder

    clock.set(START + timedelta(days=10))
    schedule_reviews(container)
    assert [m.to_email for m in messages(container, shopify_shop, "review_request")] == ["lena@example.de"]

    deliver(container, shopify_shop, order("5001", at=START, buyer=FAN, fulfilled_at=clock.now(),
                                            version=timedelta(days=10)))
    clock.advance(days=3, minutes=1)
    schedule_reviews(container)
    assert [m.to_email for m in messages(container, shopify_shop, "review_request")][1:] == [FAN.email]


def test_a_refund_of_every_item_cancels_the_pending_thank_you_and_prevents_the_review_request(
    container, shopify_shop, clock
):
    deliver(container, shopify_shop, order(at=START, buyer=FAN))
    deliver(container, shopify_shop, refund(lines="100.00", at=START + timedelta(minutes=1)))

    clock.set(START + timedelta(days=8))
    schedule_reviews(container)

    assert _statuses(container, shopify_shop, "thank_you") == ["cancelled"]
    assert messages(container, shopify_shop, "review_request") == []


@pytest.mark.parametrize("kept", [{"shipping": "4.90"}, {"lines": "20.00"}], ids=["shipping", "some items"])
def test_a_refund_that_leaves_the_goods_with_the_shopper_keeps_the_thank_you_and_the_review_request(
    container, shopify_shop, clock, kept
):
    deliver(container, shopify_shop, order(at=START, buyer=FAN))
    deliver(container, shopify_shop, refund(**kept, at=START + timedelta(minutes=1)))

    clock.set(START + timedelta(days=8))
    schedule_reviews(container)

    assert _statuses(container, shopify_shop, "thank_you") == ["pending"]
    assert _statuses(container, shopify_shop, "review_request") == ["pending"]


def test_cancellation_cancels_a_pending_review_request(container, shopify_shop, clock, mailer):
    deliver(container, shopify_shop, order(at=START, buyer=FAN))
    dispatch(container)
    clock.set(START + timedelta(days=7, minutes=1))
    schedule_reviews(container)

    deliver(container, shopify_shop, order(at=START, buyer=FAN, cancelled=True, version=timedelta(days=7, minutes=2)))
    dispatch(container)

    assert _statuses(container, shopify_shop, "review_request") == ["cancelled"]
    assert len(mailer.sent) == 1  # the thank-you only


def test_at_most_one_review_request_per_shopper_per_window(container, shopify_shop, clock):
    configure(container, shopify_shop, review_window_days=30)
    deliver(container, shopify_shop, order("5001", at=START, buyer=FAN))
    deliver(container, shopify_shop, order("5002", at=START + timedelta(days=3), buyer=FAN))

    for day in (8, 11, 20):
        clock.set(START + timedelta(days=day))
        schedule_reviews(container)

    assert len(messages(container, shopify_shop, "review_request")) == 1


def test_review_requests_need_marketing_consent_unless_the_shop_chose_opt_out(container, shopify_shop, clock):
    deliver(container, shopify_shop, order("5001", at=START, buyer=QUIET))
    clock.set(START + timedelta(days=7, minutes=1))
    schedule_reviews(container)
    assert messages(container, shopify_shop, "review_request") == []

    configure(container, shopify_shop, review_consent="opt_out")
    schedule_reviews(container)
    assert len(messages(container, shopify_shop, "review_request")) == 1


def test_thank_you_is_transactional_and_goes_out_without_marketing_consent(container, shopify_shop, mailer):
    deliver(container, shopify_shop, order(at=START, buyer=QUIET))

    dispatch(container)

    assert [m["To"] for m in mailer.sent] == [QUIET.email]


def test_unsubscribe_cancels_pending_requests_and_stops_new_ones_but_not_thank_yous(container, shopify_shop,
                                                                                   clock, mailer):
    configure(container, shopify_shop, review_consent="opt_out")
    deliver(container, shopify_shop, order("5001", at=START, buyer=QUIET))
    clock.set(START + timedelta(days=7, minutes=1))
    schedule_reviews(container)
    member = member_by_email(container, shopify_shop, QUIET.email)
    link = UnsubscribeLink(shopify_shop.id, QUIET.email, member.id, shopify_shop.domain)
    token = unsubscribe_token(container.settings.secret_key, link)

    unsubscribe(container.uow(), container.settings.secret_key, token, "link", clock.now())
    deliver(container, shopify_shop, order("5002", at=clock.now(), buyer=QUIET))
    clock.advance(days=40)
    schedule_reviews(container)
    dispatch(container)

    assert _statuses(container, shopify_shop, "review_request") == ["cancelled"]
    assert [m["Subject"] for m in mailer.sent] == ["Vielen Dank für deinen Einkauf, Erika!"] * 2


def test_disabled_kind_is_not_scheduled(container, shopify_shop, mailer):
    configure(container, shopify_shop, kinds={"thank_you": {"enabled": False}})
    deliver(container, shopify_shop, order(at=START, buyer=FAN))

    dispatch(container)

    assert messages(container, shopify_shop) == []
    assert mailer.sent == []


def test_thank_you_shows_the_next_purchase_coupon_issued_for_the_order(container, shopify_shop, mailer):
    from decimal import Decimal

    from app.models.rewards import Coupon

    deliver(container, shopify_shop, order(at=START, buyer=FAN))
    thank_you = messages(container, shopify_shop, "thank_you")[0]
    with container.uow() as uow:  # as the rewards area's next-purchase hook writes it in the order transaction
        uow.session.add(Coupon(
            shop_id=shopify_shop.id, member_id=thank_you.member_id, source="next_purchase", code="DANKE-7Q2X",
            title="10 % Rabatt", kind="percentage", value=Decimal("10"), starts_at=START, status="active",
            ends_at=START + timedelta(days=30), order_id=thank_you.order_id, idempotency_key="np:1",
            created_at=START, updated_at=START))
        uow.commit()

    dispatch(container)

    text = mailer.sent[0].get_body(("plain",)).get_content()
    assert "DANKE-7Q2X" in text
    assert "10 % Rabatt" in text
    assert "1. April 2026" in text


def test_a_tax_inclusive_shops_thank_you_shows_what_the_shopper_paid_with_the_tax_included(
    container, shopify_shop, mailer
):
    from app.platforms.shopify.parse import parse_order
    from tests.support.webhooks import load_payload

    stamp = START.isoformat()
    paid = load_payload("shopify", "orders_paid") | {"created_at": stamp, "processed_at": stamp, "updated_at": stamp}
    deliver(container, shopify_shop, parse_order(paid))

    dispatch(container)

    plain = mailer.sent[0].get_body(("plain",)).get_content().replace("\xa0", " ")
    assert "(darin enthaltene MwSt.: 10,08 €)\n\nFür diese Bestellung" in plain  # its own paragraph, as before
    text = " ".join(plain.split())
    # 2 × 24.90 − 4.98 discount and 14.90 − 1.49, with their VAT in them, as the shop's own confirmation shows
    assert "2 × Bio-Kaffee „Morgenglück“ 500 g: 44,82 €" in text
    assert "1 × Keramiktasse Weiß: 13,41 €" in text
    assert "Zwischensumme: 58,23 € Versand: 4,90 € Gesamt: 63,13 € (darin enthaltene MwSt.: 10,08 €)" in text
