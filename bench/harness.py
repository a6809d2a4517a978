"""Shared benchmark plumbing: the bench database, gunicorn servers on 127.0.0.1, and the results table."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
DATABASE_URL = os.environ.get("LOYALTY_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/bench")
SHOPIFY_SECRET = "bench-shopify-api-secret"
SECRET_KEY = "bench-secret-key-" + "x" * 32

# 2 cores: one gunicorn process per core runs Python in parallel; 8 threads each keep 16 requests in flight
# (one per sender), so while a thread waits on a PostgreSQL round trip or a commit's WAL flush, the others
# use the core. More processes than cores would only compete with PostgreSQL and the load generator for the
# same two cores. BENCH_WORKERS / BENCH_THREADS override both for experiments.
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("BENCH_THREADS", "8"))
# An experiment, not a configuration: BENCH_WITHOUT_NOTIFY=1 drops the storefront cache's NOTIFY triggers on the
# tables a delivery writes (migration 0002), for the product and the raw loop alike, to measure what PostgreSQL's
# lock for notifying commits costs. The widget's answers would then go stale: never run the product so.
WITHOUT_NOTIFY = os.environ.get("BENCH_WITHOUT_NOTIFY") == "1"
NOTIFYING_WRITES = ("members", "ledger_entries", "referral_codes", "member_tiers")
SENDERS = 16
SERVERS: dict[int, int] = {}  # port → pid of the gunicorn master serving it (bench/cpu.py measures its tree)


@dataclass
class Row:
    """One line of the results table."""

    name: str
    measured: str
    limit: str
    ratio: float | None
    goal: str
    met: bool | None
    note: str = ""


def ensure_database(url: str = DATABASE_URL) -> None:
    """Create the bench database if it is missing (never touches any other database)."""
    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')


def reset_schema(url: str = DATABASE_URL) -> None:
    """Drop everything in the bench database and migrate it to head."""
    from app.db import make_engine
    from app.migrate import upgrade

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    engine = make_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    if WITHOUT_NOTIFY:
        with psycopg.connect(url, autocommit=True) as conn:
            for table in NOTIFYING_WRITES:
                for event in ("insert", "update", "delete"):
                    conn.execute(f"DROP TRIGGER IF EXISTS loyalty_notify_{event} ON {table}")


def app_env(url: str = DATABASE_URL) -> dict[str, str]:
    """The environment the product runs with in the benchmarks."""
    env = dict(os.environ)
    env.update(
        LOYALTY_DATABASE_URL=url,
        LOYALTY_SECRET_KEY=SECRET_KEY,
        SHOPIFY_API_SECRET=SHOPIFY_SECRET,
        LOYALTY_INSTANCE_PATH=str(ROOT / "instance" / "bench"),
        LOYALTY_DB_POOL_SIZE=str(THREADS),
        PYTHONPATH=str(ROOT),
    )
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def product_server(env: dict[str, str] | None = None) -> Iterator[int]:
    """`loyalty serve` (gunicorn, gthread) on a free port; yields the port."""
    port = free_port()
    loyalty = Path(sys.executable).parent / "loyalty"
    command = [str(loyalty), "serve", *_gunicorn_shape(port)]
    with _server(command, port, env or app_env()):
        yield port


@contextmanager
def minimal_server() -> Iterator[int]:
    """The framework ceiling: bench/minimal_app.py under gunicorn with the product's settings."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--chdir", str(BENCH_DIR), *_gunicorn_shape(port)]
    command += ["--worker-class", "gthread", "minimal_app:app"]
    with _server(command, port, dict(os.environ)):
        yield port


def _gunicorn_shape(port: int) -> list[str]:
    # The one place both servers take their shape from, so the ceiling always runs like the product.
    return ["--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS), "--threads", str(THREADS)]


@contextmanager
def _server(command: list[str], port: int, env: dict[str, str]) -> Iterator[None]:
    log = open(ROOT / "instance" / f"bench-server-{port}.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    SERVERS[port] = process.pid
    try:
        _wait_ready(port, process)
        yield
    finally:
        SERVERS.pop(port, None)
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_ready(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}; see instance/bench-server-{port}.log")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not become ready within 30 s")


def print_table(rows: list[Row]) -> None:
    """The results table: what was measured, its limit, the ratio and the goal."""
    headers = ("benchmark", "measured", "limit", "ratio", "goal", "met")
    cells = [
        (
            r.name,
            r.measured,
            r.limit,
            "" if r.ratio is None else f"{r.ratio:.2f}",
            r.goal,
            "" if r.met is None else ("yes" if r.met else "NO"),
        )
        for r in rows
    ]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    print(line)
    print("-" * len(line))
    for cell, row in zip(cells, rows, strict=True):
        print("  ".join(c.ljust(w) for c, w in zip(cell, widths, strict=True)))
        if row.note:
            print(f"    {row.note}")
