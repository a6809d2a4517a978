"""Over real SMTP (aiosmtpd on 127.0.0.1): a shop's emails come from the shop's name, or the sender name it set,
at the operator's address (the envelope too), with the Reply-To it set."""

from __future__ import annotations

from sqlalchemy import update

from app.models import Shop
from tests.conftest import START
from tests.support.deliveries import deliver
from tests.support.outbox import configure, dispatch
from tests.support.smtp import smtp_inbox_fixture, smtp_mailer_fixture  # noqa: F401 - fixtures
from tests.support.snapshots import customer, order

BUYER = customer(accepts_marketing=True)
OPERATOR_ADDRESS = "shop@kaffee.example"  # tests.support.outbox: "Kaffeerösterei <shop@kaffee.example>"


def _head(raw: bytes) -> bytes:
    return raw.split(b"\r\n\r\n", 1)[0]


def test_an_email_comes_from_the_sender_name_the_shop_set_and_replies_go_to_its_address(
    container, shopify_shop, smtp_inbox, smtp_mailer
):
    inbox, _ = smtp_inbox
    configure(container, shopify_shop, sender_name="Müller & Söhne Bäckerei", reply_to="service@mueller-soehne.de")
    deliver(container, shopify_shop, order(at=START, buyer=BUYER))

    dispatch(container)

    [mail] = inbox.received
    assert str(mail["From"]) == f"Müller & Söhne Bäckerei <{OPERATOR_ADDRESS}>"
    assert [(a.display_name, a.addr_spec) for a in mail["From"].addresses] == [
        ("Müller & Söhne Bäckerei", OPERATOR_ADDRESS)]
    assert mail["Reply-To"] == "service@mueller-soehne.de"
    assert inbox.senders == [OPERATOR_ADDRESS]  # SPF and DKIM stay the operator's
    assert mail["Message-ID"].endswith("@kaffee.example>")
    assert _head(inbox.raw[0]).isascii()  # the umlauts travel RFC 2047-encoded


def test_without_a_sender_name_an_email_comes_from_the_shops_name_and_has_no_reply_to(
    container, shopify_shop, smtp_inbox, smtp_mailer
):
    inbox, _ = smtp_inbox
    deliver(container, shopify_shop, order(at=START, buyer=BUYER))

    dispatch(container)

    [mail] = inbox.received
    assert str(mail["From"]) == f"Kaffeerösterei Müller <{OPERATOR_ADDRESS}>"
    assert mail["Reply-To"] is None
    assert b"\r\nReply-To:" not in _head(inbox.raw[0])


def test_a_shop_without_a_name_sends_with_the_operators_from(container, shopify_shop, smtp_inbox, smtp_mailer):
    inbox, _ = smtp_inbox
    with container.uow() as uow:  # add_shop names a shop after its domain: a row without a name, made here
        uow.session.execute(update(Shop).where(Shop.id == shopify_shop.id).values(name=""))
        uow.commit()
    deliver(container, shopify_shop, order(at=START, buyer=BUYER))

    dispatch(container)

    [mail] = inbox.received
    assert str(mail["From"]) == f"Kaffeerösterei <{OPERATOR_ADDRESS}>"


def test_each_shop_of_a_batch_sends_under_its_own_name(container, shopify_shop, woo_shop, smtp_inbox, smtp_mailer):
    inbox, _ = smtp_inbox
    configure(container, woo_shop, reply_to="hallo@teeladen.example.de")
    deliver(container, shopify_shop, order(at=START, buyer=BUYER))
    deliver(container, woo_shop, order(at=START, buyer=BUYER))

    dispatch(container)

    sent = sorted((str(mail["From"]), mail["Reply-To"]) for mail in inbox.received)
    assert sent == [(f"Kaffeerösterei Müller <{OPERATOR_ADDRESS}>", None),
                    (f"Teeladen <{OPERATOR_ADDRESS}>", "hallo@teeladen.example.de")]
