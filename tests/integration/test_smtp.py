"""The SMTP backend against a real aiosmtpd server on 127.0.0.1: what arrives, headers, parts, failures."""

from __future__ import annotations

import logging
from datetime import timedelta

from app.mail.file import FileMailer
from app.mail.mime import build_message
from app.mail.render import RenderedEmail
from app.mail.smtp import SmtpConfig, SmtpMailer
from tests.conftest import START
from tests.support.deliveries import deliver
from tests.support.net import free_port
from tests.support.outbox import dispatch, messages, schedule_reviews
from tests.support.smtp import Inbox, smtp_inbox_fixture, smtp_mailer_fixture, smtp_server  # noqa: F401 - fixtures
from tests.support.snapshots import customer, order

NASTY = customer(first_name="<script>alert('x')</script>", accepts_marketing=True)


def test_smtp_url_forms_are_understood():
    starttls = SmtpConfig.from_url("smtp://mailer%40shop.de:p%40ss@mail.example.de?starttls=1")
    tls = SmtpConfig.from_url("smtps://mail.example.de")

    assert (starttls.host, starttls.port, starttls.starttls, starttls.username, starttls.password) == (
        "mail.example.de", 587, True, "mailer@shop.de", "p@ss")
    assert (tls.port, tls.use_tls, tls.starttls) == (465, True, False)


def test_thank_you_arrives_with_both_parts_and_no_one_click_unsubscribe_as_it_is_always_sent(
    container, shopify_shop, smtp_inbox, smtp_mailer
):
    inbox, _ = smtp_inbox
    deliver(container, shopify_shop, order(at=START, buyer=NASTY))

    dispatch(container)

    [mail] = inbox.received
    assert mail["To"] == NASTY.email
    assert (mail["List-Unsubscribe"], mail["List-Unsubscribe-Post"]) == (None, None)
    assert "Keine E-Mails mehr außer Bestell- und Gutscheinbestätigungen: http://127.0.0.1:8000/unsubscribe/" in (
        mail.get_body(("plain",)).get_content())
    assert mail["Message-ID"].startswith("<thank_you.")
    html = mail.get_body(("html",)).get_content()
    text = mail.get_body(("plain",)).get_content()
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "#5001" in text
    assert "#5001" in html


def test_a_review_request_carries_the_one_click_unsubscribe_it_honours(container, shopify_shop, smtp_inbox,
                                                                        smtp_mailer, clock):
    inbox, _ = smtp_inbox
    deliver(container, shopify_shop, order(at=START, buyer=NASTY, fulfilled_at=START))
    clock.set(START + timedelta(days=8))
    schedule_reviews(container)

    dispatch(container)

    review = next(mail for mail in inbox.received if mail["Message-ID"].startswith("<review_request."))
    assert review["List-Unsubscribe"].startswith("<http://127.0.0.1:8000/unsubscribe/")
    assert review["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_batch_goes_over_one_connection(container, shopify_shop, smtp_inbox, smtp_mailer):
    inbox, _ = smtp_inbox
    for n in range(3):
        buyer = customer(ref=f"k{n}", email=f"k{n}@example.de")
        deliver(container, shopify_shop, order(f"70{n}", at=START, buyer=buyer))

    dispatch(container)

    assert len(inbox.received) == 3
    assert inbox.connections == 1


def test_the_file_backend_writes_the_very_bytes_smtp_carries(smtp_inbox, smtp_mailer, tmp_path):
    inbox, _ = smtp_inbox
    rendered = RenderedEmail(subject="Grüße aus der Rösterei", html="<p>Hallo Jürgen,</p>\n<p>.</p>\n",
                             text="Hallo Jürgen,\n.\nEnde\n", unsubscribe_url="https://x.example/unsubscribe/t")
    message = build_message(rendered, sender="Kaffeerösterei <shop@kaffee.example>", to="kunde@example.de",
                            message_id="<thank_you.9.abc@kaffee.example>", sent_at=START)

    smtp_mailer.send(message)
    FileMailer(tmp_path).send(message)

    [written] = list(tmp_path.glob("*.eml"))
    assert inbox.raw == [message.data]
    assert written.read_bytes() == message.data


def test_smtp_refusing_is_retried_later_and_nothing_is_lost(container, shopify_shop, smtp_inbox, smtp_mailer):
    inbox, _ = smtp_inbox
    inbox.refuse = "451 4.3.0 try again later"
    deliver(container, shopify_shop, order(at=START, buyer=NASTY))

    first = dispatch(container)
    inbox.refuse = None
    container.clock.advance(minutes=2)
    second = dispatch(container)

    assert (first.retried, second.sent) == (1, 1)
    assert len(inbox.received) == 1
    assert [(m.status, m.attempts) for m in messages(container, shopify_shop)] == [("sent", 2)]


def test_smtp_server_down_is_retried_later_and_nothing_is_lost(container, shopify_shop, smtp_inbox):
    inbox, port = smtp_inbox
    container.ports["mailer"] = SmtpMailer.from_url(f"smtp://127.0.0.1:{free_port()}?timeout=2")  # nobody there
    deliver(container, shopify_shop, order(at=START, buyer=NASTY))

    down = dispatch(container)
    container.ports["mailer"] = SmtpMailer.from_url(f"smtp://127.0.0.1:{port}?timeout=5")
    container.clock.advance(minutes=2)
    up = dispatch(container)

    assert (down.retried, up.sent) == (1, 1)
    assert len(inbox.received) == 1
    [row] = messages(container, shopify_shop)
    assert row.status == "sent"
    assert row.attempts == 2


def test_a_shopper_with_umlauts_before_the_at_gets_the_message_through_a_relay_with_smtputf8(container, shopify_shop):
    inbox = Inbox()
    buyer = customer(ref="7002", email="jürgen@example.de")
    deliver(container, shopify_shop, order("7002", at=START, buyer=buyer))

    with smtp_server(inbox, enable_SMTPUTF8=True) as port:
        dispatch(container, SmtpMailer.from_url(f"smtp://127.0.0.1:{port}?timeout=5"))

    [mail] = inbox.received
    assert mail["To"] == "jürgen@example.de"
    assert [message.status for message in messages(container, shopify_shop)] == ["sent"]


def test_a_relay_without_smtputf8_fails_such_a_message_with_a_reason_and_sends_the_others(container, shopify_shop):
    inbox = Inbox()
    deliver(container, shopify_shop, order("7003", at=START, buyer=customer(ref="7003", email="jürgen@example.de")))
    deliver(container, shopify_shop, order("7004", at=START, buyer=customer(ref="7004", email="anna@example.de")))

    with smtp_server(inbox, enable_SMTPUTF8=False) as port:
        dispatch(container, SmtpMailer.from_url(f"smtp://127.0.0.1:{port}?timeout=5"))

    assert [mail["To"] for mail in inbox.received] == ["anna@example.de"]
    failed = [message for message in messages(container, shopify_shop) if message.to_email == "jürgen@example.de"]
    assert [(message.status, "SMTPUTF8" in (message.last_error or "")) for message in failed] == [("failed", True)]


def test_smtp_down_says_so_in_one_warning_per_batch_at_the_first_failed_attempt(container, shopify_shop, caplog):
    container.ports["mailer"] = SmtpMailer.from_url(f"smtp://127.0.0.1:{free_port()}?timeout=2")  # nobody there
    for n in range(3):
        deliver(container, shopify_shop, order(f"71{n}", at=START, buyer=customer(ref=f"d{n}", email=f"d{n}@x.de")))
    caplog.set_level(logging.WARNING, logger="app")

    dispatch(container)

    [warning] = [record for record in caplog.records if record.getMessage() == "messages not sent, retried later"]
    assert warning.retried == 3  # type: ignore[attr-defined]
    assert "Connection refused" in warning.error  # type: ignore[attr-defined]
