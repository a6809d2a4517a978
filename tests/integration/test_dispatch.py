"""Dispatching the outbox: batches, leases after a crash, backoff and failure, several workers at once."""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta

import pytest

from app.mail.base import MailError, OutgoingMessage, RecordingMailer
from app.services.dispatch import claim_batch, dispatch_due
from tests.conftest import START
from tests.support.deliveries import deliver
from tests.support.outbox import dispatch, dispatch_settings, mailer_fixture, messages  # noqa: F401
from tests.support.rewards import set_program_settings
from tests.support.snapshots import customer, order


def _orders(container, shop, count):  # type: ignore[no-untyped-def]
    for n in range(count):
        buyer = customer(ref=f"c{n}", email=f"kunde{n}@example.de", first_name=f"Kunde{n}")
        deliver(container, shop, order(f"{6000 + n}", at=START, buyer=buyer))


def test_due_messages_are_sent_in_batches_and_marked_sent(container, shopify_shop, mailer):
    _orders(container, shopify_shop, 5)

    result = dispatch(container, batch_size=2)

    assert result.sent == 5
    assert len(mailer.sent) == 5
    assert {m.status for m in messages(container, shopify_shop)} == {"sent"}
    assert len({m["Message-ID"] for m in mailer.sent}) == 5


class WorkLoggingMailer(RecordingMailer):
    """Logs each send and each call of the dispatcher's work-while-waiting, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.log: list[str] = []

    def send_batch(self, messages, on_sent=None, while_waiting=None):  # type: ignore[no-untyped-def]
        self.log.append(f"batch of {len(messages)}" + (" (next batch renders meanwhile)" if while_waiting else ""))
        return super().send_batch(messages, on_sent, while_waiting)


def test_the_next_full_batch_is_claimed_and_rendered_while_this_one_is_sent(container, shopify_shop):
    _orders(container, shopify_shop, 5)
    logging_mailer = WorkLoggingMailer()

    result = dispatch(container, logging_mailer, batch_size=2)

    assert logging_mailer.log == [
        "batch of 2 (next batch renders meanwhile)", "batch of 2 (next batch renders meanwhile)", "batch of 1",
    ]
    assert (result.sent, len(logging_mailer.sent)) == (5, 5)
    assert len({m["Message-ID"] for m in logging_mailer.sent}) == 5
    assert {m.status for m in messages(container, shopify_shop)} == {"sent"}


def test_a_stop_after_a_batch_gives_back_the_batch_claimed_ahead(container, shopify_shop, mailer):
    _orders(container, shopify_shop, 4)
    calls = iter([False, False, True])

    result = dispatch_due(container.uow, mailer, dispatch_settings(container, batch_size=2),
                          container.clock.now(), should_stop=lambda: next(calls, True))

    assert (result.sent, result.released, len(mailer.sent)) == (2, 2, 2)
    assert Counter((m.status, m.claimed_by) for m in messages(container, shopify_shop)) == {
        ("sent", None): 2, ("pending", None): 2}


def test_the_run_claims_no_batch_beyond_its_cap(container, shopify_shop, mailer):
    _orders(container, shopify_shop, 5)

    result = dispatch(container, batch_size=2, max_batches=2)

    assert result.sent == 4
    assert Counter(m.status for m in messages(container, shopify_shop)) == {"sent": 4, "pending": 1}


def test_messages_not_yet_due_wait(container, shopify_shop, mailer):
    from tests.support.outbox import configure

    configure(container, shopify_shop, thank_you_delay_minutes=30)
    _orders(container, shopify_shop, 1)

    dispatch(container)
    assert mailer.sent == []
    container.clock.advance(minutes=31)
    dispatch(container)
    assert len(mailer.sent) == 1


def test_a_worker_killed_after_claiming_loses_nothing_the_lease_returns_the_rows(container, shopify_shop, mailer):
    _orders(container, shopify_shop, 3)
    settings = dispatch_settings(container)
    claim_batch(container.uow(), "dead-worker:1", settings, container.clock.now())  # then the process died

    dispatch(container)
    assert mailer.sent == []  # still leased to the dead worker
    container.clock.advance(minutes=6)
    dispatch(container)

    assert len(mailer.sent) == 3
    assert {m.status for m in messages(container, shopify_shop)} == {"sent"}


class CrashingMailer(RecordingMailer):
    """Sends the first message of a batch, then the process dies (an exception out of the worker)."""

    def send_batch(  # type: ignore[no-untyped-def]
        self, messages: Sequence[OutgoingMessage], on_sent=None, while_waiting=None
    ) -> list[MailError | None]:
        self.send(messages[0])
        if on_sent is not None:
            on_sent(0)
        raise KeyboardInterrupt("killed mid-batch")


def test_a_crash_in_the_middle_of_a_batch_loses_nothing_and_resends_nothing_already_accepted(
        container, shopify_shop, mailer):
    _orders(container, shopify_shop, 3)
    crashing = CrashingMailer()
    with pytest.raises(KeyboardInterrupt):
        dispatch(container, crashing)

    container.clock.advance(minutes=6)
    dispatch(container, mailer)

    assert len(mailer.sent) == 2
    assert crashing.sent[0]["Message-ID"] not in {m["Message-ID"] for m in mailer.sent}
    assert {m.status for m in messages(container, shopify_shop)} == {"sent"}


def test_a_stop_request_releases_the_claim_instead_of_sending(container, shopify_shop, mailer):
    _orders(container, shopify_shop, 2)
    calls = iter([False, True])

    result = dispatch_due(container.uow, mailer, dispatch_settings(container), container.clock.now(),
                          should_stop=lambda: next(calls, True))

    assert result.released == 2
    assert mailer.sent == []
    assert {(m.status, m.claimed_by) for m in messages(container, shopify_shop)} == {("pending", None)}


def test_failures_back_off_exponentially_then_show_as_failed(container, shopify_shop, mailer):
    _orders(container, shopify_shop, 1)
    mailer.fail_with = MailError("451 try again later")
    delays = []
    for _ in range(4):
        before = container.clock.now()
        dispatch(container, max_attempts=4)
        row = messages(container, shopify_shop)[0]
        if row.status == "pending":
            delays.append(row.due_at - before)
            container.clock.set(row.due_at)

    row = messages(container, shopify_shop)[0]
    assert delays == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert (row.status, row.attempts, row.last_error) == ("failed", 4, "451 try again later")


def test_a_permanent_refusal_fails_at_once(container, shopify_shop, mailer):
    _orders(container, shopify_shop, 1)
    mailer.fail_with = MailError("550 no such user", permanent=True)

    dispatch(container)

    assert [(m.status, m.attempts) for m in messages(container, shopify_shop)] == [("failed", 1)]


def test_a_message_that_cannot_be_rendered_fails_at_once_and_the_rest_of_the_batch_goes_out(
    container, shopify_shop, mailer
):
    from sqlalchemy import update

    from app.models import OutboxMessage

    _orders(container, shopify_shop, 2)
    broken = messages(container, shopify_shop)[0]
    with container.uow() as uow:  # an address with a line break could inject headers: it must never be sent
        uow.session.execute(
            update(OutboxMessage).where(OutboxMessage.id == broken.id).values(to_email="a@example.de\r\nBcc: x@y.z")
        )
        uow.commit()

    dispatch(container)

    rows = {m.id: m for m in messages(container, shopify_shop)}
    assert (rows[broken.id].status, rows[broken.id].attempts) == ("failed", 1)
    assert rows[broken.id].last_error.startswith("render failed")
    assert [m.status for i, m in rows.items() if i != broken.id] == ["sent"]
    assert len(mailer.sent) == 1
    assert "Bcc" not in mailer.sent[0]


def test_the_admin_can_retry_a_failed_message(client, container, shopify_shop, mailer):
    from tests.support.admin import admin_headers

    _orders(container, shopify_shop, 1)
    mailer.fail_with = MailError("550 no such user", permanent=True)
    dispatch(container)
    failed = client.get("/admin/api/outbox?status=failed", headers=admin_headers(shopify_shop)).get_json()

    mailer.fail_with = None
    retried = client.post(f"/admin/api/outbox/{failed['items'][0]['id']}/retry", headers=admin_headers(shopify_shop))
    dispatch(container)

    assert retried.status_code == 200
    assert len(mailer.sent) == 1


class SlowRecordingMailer(RecordingMailer):
    """Thread-safe, and slow enough that two workers overlap."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()

    def send(self, message: OutgoingMessage) -> None:
        threading.Event().wait(0.01)
        with self._lock:
            super().send(message)


@pytest.mark.postgres
def test_two_workers_at_once_never_send_a_message_twice(container, shopify_shop, is_postgres):
    if not is_postgres:
        pytest.skip("SKIP LOCKED needs PostgreSQL")
    _orders(container, shopify_shop, 20)
    shared = SlowRecordingMailer()
    start = threading.Barrier(3)

    def worker() -> None:
        start.wait()
        dispatch_due(container.uow, shared, dispatch_settings(container, batch_size=5), container.clock.now())

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    counts = Counter(m["Message-ID"] for m in shared.sent)
    assert len(counts) == 20
    assert max(counts.values()) == 1
    assert {m.status for m in messages(container, shopify_shop)} == {"sent"}


class BrokenMailer(RecordingMailer):
    """Its connection breaks in a way the dispatcher does not handle (a bug, a lost database connection)."""

    def send_batch(self, messages, on_sent=None, while_waiting=None):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")


def test_an_error_while_sending_frees_the_batch_claimed_ahead_at_once(container, shopify_shop):
    _orders(container, shopify_shop, 4)

    with pytest.raises(RuntimeError):
        dispatch(container, BrokenMailer(), batch_size=2)

    assert Counter(m.status for m in messages(container, shopify_shop)) == {"sending": 2, "pending": 2}


def test_the_thank_you_says_how_much_of_the_balance_is_still_pending(container, shopify_shop, mailer):
    set_program_settings(container, shopify_shop, pending_days=14)
    _orders(container, shopify_shop, 1)

    dispatch(container)

    text = " ".join(mailer.sent[0].get_body(("plain",)).get_content().split())
    assert re.search(r"bekommst du (\d+) Punkte \(gutgeschrieben nach Ablauf der Rückgabefrist\)\. "
                     r"Dein Punktestand: \1 Punkte, davon \1 noch ausstehend\.", text), text
