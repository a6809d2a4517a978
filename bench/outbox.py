"""The outbox drained by the worker's dispatch job into an aiosmtpd sink, against a raw smtplib loop into it.

Both senders run in their own process; the sink runs here. The worker's memory (peak RSS) is measured with
a small and a large backlog of due messages: the dispatcher claims batches, so it should not grow.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from dataclasses import dataclass
from typing import Any

import harness
import psycopg
import workload
from aiosmtpd.controller import Controller

GOAL_RATIO, GOAL_MEMORY = 0.5, 1.25  # memory: the large backlog's peak RSS at most 1.25 × the small one's
ROUNDS = 3
BATCH = 25  # DispatchSettings.batch_size: the worker's first batch, timed apart (process start-up)

WORKER = """
import json, sys, time
from app.config import Settings
from app.container import Container
from app.services.dispatch import DispatchSettings, dispatch_due
from app.services.email_content import LinkBase
settings = Settings.from_env()
container = Container(settings)
limit = int(sys.argv[1])
# As the worker's dispatch_outbox job does, with the run capped at `limit` messages (default batch size).
dispatch = DispatchSettings(sender=settings.mail_from, links=LinkBase(settings.public_url, settings.secret_key))
# A fresh process's first batch pays its start-up once (mapper configuration, first compilation of each
# statement, templates, locale data, connections); `loyalty worker` runs the job every 10 s in one process.
# Timed on its own, so that the drain below is the steady state the raw loop is compared with.
began = time.perf_counter()
first = dispatch_due(container.uow, container.mailer, DispatchSettings(
    sender=dispatch.sender, links=dispatch.links, max_batches=1), container.clock.now()).sent
first_seconds, began = time.perf_counter() - began, time.perf_counter()
dispatch = DispatchSettings(sender=dispatch.sender, links=dispatch.links,
                            max_batches=max(1, limit // dispatch.batch_size))
sent = dispatch_due(container.uow, container.mailer, dispatch, container.clock.now()).sent
elapsed = time.perf_counter() - began
# The peak RSS of this process's own memory: VmHWM. (getrusage's ru_maxrss also counts the parent's RSS at
# fork time, which Linux carries over exec, so it grew with whatever the benchmark process had done before.)
peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"sent": sent, "seconds": elapsed, "rss_kb": peak_kb,
                  "first_sent": first, "first_seconds": first_seconds}))
"""

RAW = """
import json, smtplib, sys, time
data, count = open(sys.argv[1], "rb").read(), int(sys.argv[2])
began = time.perf_counter()
with smtplib.SMTP("127.0.0.1", int(sys.argv[3])) as smtp:
    for n in range(count):
        smtp.sendmail("loyalty@localhost", [f"raw{n}@example.de"], data)
print(json.dumps({"sent": count, "seconds": time.perf_counter() - began}))
"""


class _Sink:
    """Counts what arrives; keeps one message to replay in the raw loop."""

    def __init__(self) -> None:
        self.count = 0
        self.sample: bytes = b""
        self.lock = threading.Lock()

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd hook
        with self.lock:
            self.count += 1
            if not self.sample:
                self.sample = bytes(envelope.original_content or envelope.content)
        return "250 OK"


@dataclass(frozen=True)
class Drain:
    sent: int
    seconds: float
    rss_kb: int
    first_sent: int = 0  # the worker's first batch after its process started (start-up), timed apart
    first_seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.sent / self.seconds if self.seconds else 0.0

    @property
    def first_rate(self) -> float:
        return self.first_sent / self.first_seconds if self.first_seconds else 0.0


def seed_messages(count: int = 50, url: str = harness.DATABASE_URL) -> None:
    """Thank-you messages for real members and their orders, written by the product's own enqueue."""
    from datetime import UTC, datetime

    from sqlalchemy import select

    from app.config import Settings
    from app.container import Container
    from app.models import Member, Order, Shop
    from app.services.messages import enqueue

    container = Container(Settings.from_env({"database_url": url, "secret_key": harness.SECRET_KEY}))
    now = datetime.now(UTC)
    try:
        with container.uow() as uow:
            rows = uow.session.execute(
                select(Shop, Member, Order)
                .join(Member, Member.shop_id == Shop.id)
                .join(Order, Order.member_id == Member.id)
                .where(Order.is_paid)
                .limit(count)
            ).all()
            for shop, member, order in rows:
                context = {"points_earned": order.points_earned, "balance": member.balance, "pending": 0}
                enqueue(
                    uow.session,
                    shop,
                    member,
                    "thank_you",
                    order=order,
                    context=context,
                    now=now,
                    due_at=now,
                    dedupe_key=f"bench-seed:{order.id}",
                )
            uow.commit()
    finally:
        container.dispose()


def due_messages(total: int, tag: str, url: str = harness.DATABASE_URL) -> None:
    """Make `total` due thank-you messages: copies of the ones the webhooks wrote, each with its own key
    (`tag` keeps the keys of successive calls apart)."""
    with psycopg.connect(url) as conn:
        conn.execute("UPDATE outbox_messages SET status = 'sent' WHERE status <> 'sent'")
        columns = [
            r[0]
            for r in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'outbox_messages' "
                "AND column_name NOT IN ('id', 'dedupe_key', 'status', 'due_at', 'attempts', 'claimed_by', "
                "'lease_until', 'sent_at', 'last_error', 'subject')"
            )
        ]
        listed = ", ".join(columns)
        seeds = conn.execute("SELECT count(*) FROM outbox_messages WHERE dedupe_key LIKE 'bench-seed:%'").fetchone()[0]
        conn.execute(
            f"""INSERT INTO outbox_messages ({listed}, dedupe_key, status, due_at, attempts)
                SELECT {listed}, 'bench:' || %s || ':' || g, 'pending', now() - interval '1 minute', 0
                FROM generate_series(1, %s) g
                JOIN LATERAL (SELECT * FROM outbox_messages WHERE dedupe_key LIKE 'bench-seed:%%'
                              ORDER BY id OFFSET g %% %s LIMIT 1) o ON true""",
            (tag, total, max(seeds, 1)),
        )


def drain(port: int, limit: int) -> Drain:
    """Run the worker's dispatch job in its own process: one batch (start-up), then until `limit` messages are
    sent or none is due."""
    env = harness.app_env() | {"LOYALTY_EMAIL_BACKEND": "smtp", "LOYALTY_SMTP_URL": f"smtp://127.0.0.1:{port}"}
    out = subprocess.run(
        [sys.executable, "-c", WORKER, str(limit)], env=env, capture_output=True, check=True, cwd=harness.ROOT
    ).stdout
    return Drain(**json.loads(out.decode().strip().splitlines()[-1]))


def raw_loop(port: int, sample: bytes, count: int) -> Drain:
    """smtplib sending the product's own rendered message `count` times over one connection."""
    path = harness.ROOT / "instance" / "bench-sample.eml"
    path.write_bytes(sample)
    out = subprocess.run(
        [sys.executable, "-c", RAW, str(path), str(count), str(port)], capture_output=True, check=True
    ).stdout
    return Drain(rss_kb=0, **json.loads(out.decode().strip()))


def _spread(drains: list[Drain], raws: list[Drain]) -> str:
    ratios = sorted(d.rate / r.rate for d, r in zip(drains, raws, strict=True))
    return f"{ratios[0]:.2f}-{ratios[-1]:.2f}"


def _combined(rounds: list[Drain]) -> Drain:
    """Several drains as one: messages and seconds added up; the highest peak RSS; the first round's start-up."""
    return Drain(
        sent=sum(d.sent for d in rounds),
        seconds=sum(d.seconds for d in rounds),
        rss_kb=max(d.rss_kb for d in rounds),
        first_sent=rounds[0].first_sent,
        first_seconds=rounds[0].first_seconds,
    )


def run(quick: bool) -> list[harness.Row]:
    """Small backlog drained fully, raw loop for the same count, then a large backlog (memory)."""
    small, large, drained = (60, 600, 50) if quick else (1000, 100_000, 3000)
    harness.reset_schema()
    workload.register_shops(2)
    with harness.product_server() as web:
        from loadgen import run_load

        run_load(web, workload.build(2, 80, tag=6).senders)
    seed_messages()
    sink = _Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=harness.free_port())
    controller.start()
    try:
        # Alternating rounds (worker, then the raw loop for as many messages), so a change in the shared
        # machine's speed falls on both alike; the rates are over all rounds.
        drains, raws = [], []
        for round_ in range(1 if quick else ROUNDS):
            due_messages(small + BATCH, tag=f"small-{round_}")  # the first batch warms the worker process up
            drains.append(drain(controller.port, small))
            raws.append(raw_loop(controller.port, sink.sample, drains[-1].sent))
        product, raw = _combined(drains), _combined(raws)
        due_messages(large + BATCH, tag="large")
        big = drain(controller.port, drained)
    finally:
        controller.stop()
    ratio = product.rate / raw.rate
    growth = big.rss_kb / product.rss_kb
    return [
        harness.Row(
            "outbox → SMTP sink (worker)",
            f"{product.rate:.0f} msg/s",
            f"{raw.rate:.0f} msg/s (smtplib)",
            ratio,
            f">= {GOAL_RATIO}",
            ratio >= GOAL_RATIO,
            f"{len(drains)} rounds {_spread(drains, raws)}; "
            f"sent {product.sent} of {len(drains) * small} due after each process's first batch "
            f"({product.first_sent} at {product.first_rate:.0f} msg/s, start-up); sink received {sink.count}; "
            f"~{len(sink.sample)} B each",
        ),
        harness.Row(
            f"worker peak RSS, {small:,} vs {large:,} due",
            f"{big.rss_kb / 1024:.0f} MB",
            f"{product.rss_kb / 1024:.0f} MB",
            growth,
            f"flat (<= {GOAL_MEMORY}x)",
            growth <= GOAL_MEMORY,
            f"large backlog: sent {big.sent} at {big.rate:.0f} msg/s before stopping",
        ),
    ]
