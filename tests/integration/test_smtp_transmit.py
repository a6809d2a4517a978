"""The SMTP backend's own envelope and DATA commands answer every server reply exactly as smtplib's sendmail does.

`app.mail.smtp.transmit` skips sendmail's re-parsing of the (already validated) addresses and its regex
dot-stuffing; each case below sends the same message once with sendmail and once with `transmit` to a real
aiosmtpd server scripted to give the same replies, and compares what was raised, what arrived and the
commands the server saw.
"""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from typing import Any

import pytest

from app.mail.base import OutgoingMessage
from app.mail.smtp import SmtpConfig, SmtpMailer, transmit
from tests.support.smtp import smtp_server

DATA = (
    b"Subject: hi\r\nTo: kunde@example.de\r\n\r\n.starts with a dot\r\n..two dots\r\nend\r\n.\r\nafter a lone dot\r\n"
)


class ScriptedServer:
    """An aiosmtpd handler answering MAIL, RCPT and DATA as told; it records the commands and what arrived."""

    def __init__(self) -> None:
        self.replies: dict[str, str] = {}
        self.commands: list[str] = []
        self.received: list[tuple[str, list[str], bytes]] = []

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:  # noqa: N802
        self.commands.append(f"MAIL {address} {sorted(options)}")
        envelope.mail_from = address
        return self.replies.get("MAIL", "250 OK")

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:  # noqa: N802
        self.commands.append(f"RCPT {address}")
        reply = self.replies.get(f"RCPT {address}", self.replies.get("RCPT", "250 OK"))
        if reply.startswith("25"):
            envelope.rcpt_tos.append(address)
        return reply

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.commands.append("DATA")
        reply = self.replies.get("DATA", "250 accepted")
        if reply.startswith("250"):
            self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return reply

    async def handle_RSET(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.commands.append("RSET")
        return "250 OK"


@pytest.fixture
def server() -> Iterator[tuple[ScriptedServer, int]]:
    handler = ScriptedServer()
    with smtp_server(handler) as port:
        yield handler, port


def _outcome(port: int, send: Any) -> tuple[Any, ...]:
    connection = smtplib.SMTP("127.0.0.1", port, timeout=5)
    try:
        connection.ehlo()
        send(connection)
        outcome: tuple[Any, ...] = ("accepted",)
    except smtplib.SMTPException as exc:
        outcome = (type(exc).__name__, exc.args)
    finally:
        connection.close()
    return outcome


def _both(port: int, handler: ScriptedServer, message: OutgoingMessage) -> list[tuple[Any, ...]]:
    """sendmail's and transmit's outcome, each with the commands and messages the server saw."""
    seen = []
    for send in (
        lambda c: c.sendmail(message.sender, list(message.recipients), message.data),
        lambda c: transmit(c, message),
    ):
        handler.commands.clear()
        handler.received.clear()
        seen.append((_outcome(port, send), list(handler.commands), list(handler.received)))
    return seen


def _message(*recipients: str, sender: str = "loyalty@shop.example") -> OutgoingMessage:
    return OutgoingMessage(sender=sender, recipients=recipients, message_id="<m@shop.example>", data=DATA)


@pytest.mark.parametrize(
    "replies",
    [
        {},
        {"MAIL": "550 5.7.1 sender rejected"},
        {"MAIL": "451 4.3.0 try later"},
        {"RCPT": "550 5.1.1 no such user"},
        {"RCPT": "450 4.2.1 mailbox busy"},
        {"DATA": "554 5.6.0 content rejected"},
        {"DATA": "452 4.3.1 out of storage"},
    ],
    ids=["accepted", "sender-5xx", "sender-4xx", "recipient-5xx", "recipient-4xx", "data-5xx", "data-4xx"],
)
def test_every_reply_raises_what_sendmail_raises_and_the_server_sees_the_same_commands(server, replies):
    handler, port = server
    handler.replies = replies

    via_sendmail, via_transmit = _both(port, handler, _message("kunde@example.de"))

    assert via_transmit == via_sendmail


def test_one_refused_recipient_of_two_still_gets_the_message_to_the_other(server):
    handler, port = server
    handler.replies = {"RCPT nobody@example.de": "550 5.1.1 no such user"}

    via_sendmail, via_transmit = _both(port, handler, _message("nobody@example.de", "kunde@example.de"))

    assert via_transmit == via_sendmail
    assert via_transmit[2] == [("loyalty@shop.example", ["kunde@example.de"], DATA)]


def test_lines_starting_with_a_dot_arrive_unchanged(server):
    handler, port = server

    _outcome(port, lambda c: transmit(c, _message("kunde@example.de")))

    assert handler.received == [("loyalty@shop.example", ["kunde@example.de"], DATA)]


def test_an_address_that_is_no_plain_dot_atom_is_quoted_as_smtplib_quotes_it(server):
    handler, port = server
    message = _message('"kunde mit leerzeichen"@example.de', sender="Shop <loyalty@shop.example>")

    via_sendmail, via_transmit = _both(port, handler, message)

    assert via_transmit == via_sendmail
    assert via_transmit[0] == ("accepted",)


def test_a_refused_recipient_leaves_the_connection_usable_for_the_rest_of_the_batch(server):
    handler, port = server
    handler.replies = {"RCPT nobody@example.de": "550 5.1.1 no such user"}
    mailer = SmtpMailer(SmtpConfig("127.0.0.1", port, timeout=5))
    sent: list[int] = []

    outcomes = mailer.send_batch([_message("nobody@example.de"), _message("kunde@example.de")], sent.append)

    assert [None if o is None else o.permanent for o in outcomes] == [True, None]
    assert sent == [1]
    assert [to for _, to, _ in handler.received] == [["kunde@example.de"]]


def test_the_callers_work_runs_before_each_message_is_accepted_never_between_acceptance_and_its_mark(server):
    handler, port = server
    handler.replies = {"RCPT nobody@example.de": "550 5.1.1 no such user"}
    mailer = SmtpMailer(SmtpConfig("127.0.0.1", port, timeout=5))
    events: list[str] = []

    mailer.send_batch(
        [_message("kunde@example.de"), _message("nobody@example.de"), _message("anna@example.de")],
        on_sent=lambda index: events.append(f"accepted {index}"),
        while_waiting=lambda: events.append(f"work ({len(handler.received)} received)"),
    )

    assert events == ["work (0 received)", "accepted 0", "work (1 received)", "work (1 received)", "accepted 2"]
