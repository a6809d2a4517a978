"""A real SMTP server for tests: aiosmtpd on 127.0.0.1 keeping what arrives, and the app's SMTP mailer pointed at it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from app.container import Container
from app.mail.smtp import SmtpMailer
from tests.support.net import free_port


class Inbox:
    """An aiosmtpd handler that keeps what arrived, or answers every RCPT with `refuse`."""

    def __init__(self) -> None:
        self.received: list[EmailMessage] = []
        self.raw: list[bytes] = []
        self.senders: list[str] = []  # each message's envelope sender (MAIL FROM)
        self.connections = 0
        self.refuse: str | None = None

    async def handle_EHLO(  # noqa: N802
            self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]) -> list[str]:
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:  # noqa: N802
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.raw.append(envelope.original_content)
        self.senders.append(envelope.mail_from)
        self.received.append(message_from_bytes(envelope.original_content, policy=policy.default))  # type: ignore[arg-type]
        return "250 Message accepted"


@contextmanager
def smtp_server(handler: object, **options: Any) -> Iterator[int]:
    """A real aiosmtpd server on 127.0.0.1 with this handler (and aiosmtpd's SMTP `options`); yields its port."""
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **options)
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()


@pytest.fixture(name="smtp_inbox")
def smtp_inbox_fixture() -> Iterator[tuple[Inbox, int]]:
    """The running server's inbox and port."""
    inbox = Inbox()
    with smtp_server(inbox) as port:
        yield inbox, port


@pytest.fixture(name="smtp_mailer")
def smtp_mailer_fixture(container: Container, smtp_inbox: tuple[Inbox, int]) -> SmtpMailer:
    """The container's mailer: the real SMTP backend, talking to `smtp_inbox`."""
    _, port = smtp_inbox
    mailer = SmtpMailer.from_url(f"smtp://127.0.0.1:{port}?timeout=5")
    container.ports["mailer"] = mailer
    return mailer
