"""SMTP down for an hour of simulated time: every message is retried with backoff and sent once it is back."""

from __future__ import annotations

from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import select

from app.mail.smtp import SmtpMailer
from app.models import OutboxMessage
from tests.conftest import START
from tests.support.deliveries import deliver
from tests.support.net import free_port
from tests.support.outbox import dispatch
from tests.support.snapshots import customer, order


class Inbox:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.count += 1
        return "250 Message accepted"


def _statuses(container, shop) -> list[str]:  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        return list(uow.session.scalars(select(OutboxMessage.status).where(OutboxMessage.shop_id == shop.id)))


def test_an_hour_without_smtp_delays_every_message_and_loses_none(container, shopify_shop):
    port = free_port()
    mailer = SmtpMailer.from_url(f"smtp://127.0.0.1:{port}?timeout=2")  # nobody listens yet
    for n in range(4):
        buyer = customer(ref=f"o{n}", email=f"ausfall{n}@example.de")
        deliver(container, shopify_shop, order(f"{7300 + n}", at=START, buyer=buyer))

    for _ in range(12):  # the worker keeps running every five minutes for an hour
        dispatch(container, mailer)
        container.clock.advance(minutes=5)
    assert set(_statuses(container, shopify_shop)) == {"pending"}

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        container.clock.advance(minutes=70)  # past the longest backoff reached so far
        dispatch(container, mailer)
    finally:
        controller.stop()

    assert inbox.count == 4
    assert set(_statuses(container, shopify_shop)) == {"sent"}
