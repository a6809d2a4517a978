"""SIGKILL of a real `loyalty worker` in the middle of a batch: no message lost, none sent twice after restart."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from email import message_from_bytes
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from app.models import OutboxMessage
from tests.conftest import START
from tests.support.deliveries import deliver
from tests.support.net import free_port
from tests.support.snapshots import customer, order

MESSAGES = 8
SLOW_RCPT_SECONDS = 0.4


class SlowSink:
    """An SMTP server that takes its time before accepting each recipient, and records what it accepted."""

    def __init__(self) -> None:
        self.message_ids: list[str] = []
        self.recipients_started = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        import asyncio

        with self.lock:
            self.recipients_started += 1
        await asyncio.sleep(SLOW_RCPT_SECONDS)  # the worker is killed while it waits here
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message_id = message_from_bytes(envelope.content)["Message-ID"]
        with self.lock:
            self.message_ids.append(message_id)
        return "250 Message accepted"


@pytest.fixture
def sink():  # type: ignore[no-untyped-def]
    handler = SlowSink()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def _worker(database_url: str, smtp_port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "LOYALTY_DATABASE_URL": database_url, "LOYALTY_EMAIL_BACKEND": "smtp",
           "LOYALTY_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}?timeout=10", "LOYALTY_OUTBOX_LEASE_SECONDS": "2"}
    command = [sys.executable, "-c", "from app.cli import main; main()", "worker", "--once", "--job", "dispatch_outbox"]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def test_sigkill_mid_batch_loses_nothing_and_sends_nothing_twice_after_restart(
    container, shopify_shop, sink, migrated
):
    handler, port = sink
    for n in range(MESSAGES):
        buyer = customer(ref=f"k{n}", email=f"kill{n}@example.de", first_name=f"Kunde{n}")
        deliver(container, shopify_shop, order(f"{7100 + n}", at=START, buyer=buyer))

    first = _worker(migrated, port)
    deadline = time.monotonic() + 60
    # The worker starts a message only after it has recorded the previous one as sent, so while the 4th
    # recipient waits, three messages are accepted and recorded: the kill lands in the middle of the batch.
    while handler.recipients_started < 4 and time.monotonic() < deadline:
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    first_output = first.stdout.read().decode() if first.stdout else ""
    accepted_before_kill = list(handler.message_ids)
    time.sleep(2.5)  # the dead worker's lease runs out

    second = _worker(migrated, port)
    output = second.communicate(timeout=120)[0].decode()

    assert second.returncode == 0, output
    assert 3 <= len(accepted_before_kill) < MESSAGES, first_output
    assert len(handler.message_ids) == MESSAGES
    assert len(set(handler.message_ids)) == MESSAGES  # nothing accepted before the kill went out again
    with container.uow() as uow:
        statuses = uow.session.scalars(select(OutboxMessage.status).where(OutboxMessage.shop_id == shopify_shop.id))
        assert set(statuses) == {"sent"}
