"""Profile the outbox dispatcher in-process: CPU and SQL statements per message sent into an aiosmtpd sink.

    python bench/profile_outbox.py [--messages 500] [--profile cprofile|none]

Reads the seed messages the last `bench/run.py --only outbox` left in the bench database (run that first),
makes `--messages` due copies of them and drains them with `dispatch_due`, as the worker's job does. The
sink runs in its own process, so only the dispatcher's CPU is counted (process time). Then, for reference,
the benchmark's raw smtplib loop sends its sample message as often into the same sink.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH), str(BENCH.parent)]

import harness  # noqa: E402
import outbox  # noqa: E402
import psycopg  # noqa: E402

SINK = """
import sys, time
from aiosmtpd.controller import Controller
class Sink:
    async def handle_DATA(self, server, session, envelope):
        return "250 OK"
controller = Controller(Sink(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
sys.stdin.read()
controller.stop()
"""


def main() -> None:
    """Warm up with one batch (templates, locales, connections) unless --cold, then profile draining the rest."""
    from sqlalchemy import event

    from app.config import Settings
    from app.container import Container
    from app.services.dispatch import DispatchSettings, dispatch_due
    from app.services.email_content import LinkBase

    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--profile", choices=("cprofile", "pyinstrument", "none"), default="cprofile")
    parser.add_argument("--cold", action="store_true", help="no warm-up batch: what a fresh worker process pays")
    parser.add_argument("--stats-file", help="also write the cProfile statistics here (for pstats or snakeviz)")
    args = parser.parse_args()
    port = harness.free_port()
    sink = subprocess.Popen([sys.executable, "-c", SINK, str(port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert sink.stdout is not None
        assert sink.stdout.readline().startswith(b"ready")
        with psycopg.connect(harness.DATABASE_URL) as conn:  # the copies of an earlier run
            conn.execute("DELETE FROM outbox_messages WHERE dedupe_key LIKE 'bench:%'")
        outbox.due_messages(args.messages + 25, tag="profile")
        with psycopg.connect(harness.DATABASE_URL, autocommit=True) as conn:  # as autovacuum would have by now
            conn.execute("VACUUM ANALYZE outbox_messages")
        container = Container(
            Settings.from_env(
                {
                    "database_url": harness.DATABASE_URL,
                    "secret_key": harness.SECRET_KEY,
                    "email_backend": "smtp",
                    "smtp_url": f"smtp://127.0.0.1:{port}",
                }
            )
        )
        statements: Counter[str] = Counter()

        @event.listens_for(container.engine, "before_cursor_execute")
        def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
            statements[" ".join(statement.split())[:100]] += 1

        dispatch = DispatchSettings(
            sender=container.settings.mail_from,
            links=LinkBase(container.settings.public_url, container.settings.secret_key),
        )
        warm = DispatchSettings(sender=dispatch.sender, links=dispatch.links, max_batches=1)
        if not args.cold:
            dispatch_due(container.uow, container.mailer, warm, container.clock.now())
        statements.clear()
        # Timed by process time: what the profile shows is CPU, not the waits for the sink or PostgreSQL.
        profiler = cProfile.Profile(time.process_time) if args.profile == "cprofile" else None
        # pyinstrument samples the wall clock: it shows the waits (SMTP replies, PostgreSQL) beside the CPU.
        sampler = _sampler() if args.profile == "pyinstrument" else None
        cpu, wall = time.process_time(), time.perf_counter()
        if profiler is not None:
            profiler.enable()
        if sampler is not None:
            sampler.start()
        result = dispatch_due(container.uow, container.mailer, dispatch, container.clock.now())
        if profiler is not None:
            profiler.disable()
        if sampler is not None:
            sampler.stop()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        container.dispose()
        raw = _raw_loop(port, max(result.sent, 1))
    finally:
        sink.communicate(b"", timeout=30)
    if profiler is not None:
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text)
        if args.stats_file:
            stats.dump_stats(args.stats_file)
        stats.sort_stats("cumulative").print_stats(30)
        stats.sort_stats("tottime").print_stats(25)
        print(text.getvalue())
    if sampler is not None:
        print(sampler.output_text(show_all=False))
    n = max(result.sent, 1)
    print(
        f"{result}; CPU {cpu / n * 1000:.2f} ms per message, wall {wall / n * 1000:.2f} ms "
        f"({n / wall:.0f} msg/s){f' with {args.profile}' if args.profile != 'none' else ''}; "
        f"{sum(statements.values()) / n:.2f} statements per message"
    )
    if raw is not None:
        print(
            f"raw smtplib loop into the same sink, same count: {raw * 1000 / n:.2f} ms per message "
            f"({n / raw:.0f} msg/s); wall ratio {raw / wall:.2f}"
        )
    for statement, times in statements.most_common(12):
        print(f"{times / n:6.2f}  {statement}")


def _sampler() -> Any:
    from pyinstrument import Profiler

    return Profiler(interval=0.0002)


def _raw_loop(port: int, count: int) -> float | None:
    """Seconds for bench/outbox.py's raw loop (its last sample message) into the same sink, if a sample exists."""
    import smtplib

    sample = harness.ROOT / "instance" / "bench-sample.eml"
    if not sample.exists():
        return None
    data = sample.read_bytes()
    began = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for n in range(count):
            smtp.sendmail("loyalty@localhost", [f"raw{n}@example.de"], data)
    return time.perf_counter() - began


if __name__ == "__main__":
    main()
