"""A/B in one process: the dispatcher rendering its next batch while the SMTP server answers, or not.

    python bench/outbox_overlap.py [--rounds 8] [--messages 1000]

Needs the bench database with the seed messages of a `bench/run.py --only outbox` run. Alternating rounds
drain the same number of fresh due messages into one aiosmtpd sink (its own process) with the worker's
`dispatch_due`; "off" wraps the mailer so it never gets the work-while-waiting hook, so each batch renders
whole before it is sent, as before 2026-12-04. Prints msg/s per round and the ratio of the medians.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH), str(BENCH.parent)]

import harness  # noqa: E402
import outbox  # noqa: E402
import psycopg  # noqa: E402
from profile_outbox import SINK  # noqa: E402

from app.mail.base import Mailer, MailError, OnSent, OutgoingMessage, WhileWaiting  # noqa: E402


class WithoutOverlap:
    """The same mailer, never handed the dispatcher's work-while-waiting."""

    def __init__(self, inner: Mailer) -> None:
        self.inner = inner

    def send(self, message: OutgoingMessage) -> None:
        self.inner.send(message)

    def send_batch(
        self, messages: Sequence[OutgoingMessage], on_sent: OnSent | None = None,
        while_waiting: WhileWaiting | None = None,
    ) -> list[MailError | None]:
        return self.inner.send_batch(messages, on_sent)


def main() -> None:
    """Alternate overlapped and plain rounds; print each round and the ratio of the medians."""
    from app.config import Settings
    from app.container import Container
    from app.services.dispatch import DispatchSettings, dispatch_due
    from app.services.email_content import LinkBase

    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--messages", type=int, default=1000)
    args = parser.parse_args()
    port = harness.free_port()
    sink = subprocess.Popen([sys.executable, "-c", SINK, str(port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert sink.stdout is not None
    assert sink.stdout.readline().startswith(b"ready")
    container = Container(Settings.from_env({
        "database_url": harness.DATABASE_URL, "secret_key": harness.SECRET_KEY, "email_backend": "smtp",
        "smtp_url": f"smtp://127.0.0.1:{port}",
    }))
    settings = DispatchSettings(sender=container.settings.mail_from,
                                links=LinkBase(container.settings.public_url, container.settings.secret_key))
    rates: dict[str, list[float]] = {"overlapped": [], "plain": []}
    try:
        for n in range(args.rounds):
            mode = "overlapped" if n % 2 == 0 else "plain"
            with psycopg.connect(harness.DATABASE_URL) as conn:
                conn.execute("DELETE FROM outbox_messages WHERE dedupe_key LIKE 'bench:%'")
            outbox.due_messages(args.messages, tag=f"overlap{n}")
            mailer = container.mailer if mode == "overlapped" else WithoutOverlap(container.mailer)
            started = time.perf_counter()
            result = dispatch_due(container.uow, mailer, settings, container.clock.now())
            rates[mode].append(result.sent / (time.perf_counter() - started))
            print(f"round {n + 1} {mode:10}  {rates[mode][-1]:5.0f} msg/s ({result})", flush=True)
    finally:
        container.dispose()
        sink.communicate(b"", timeout=30)
    ratio = statistics.median(rates["overlapped"]) / statistics.median(rates["plain"])
    print(f"overlapped / plain, medians: {ratio:.2f}")


if __name__ == "__main__":
    main()
