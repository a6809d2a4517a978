"""POST /webhooks/shopify under 16 concurrent senders against the raw database limit of the same work."""

from __future__ import annotations

import json
from dataclasses import dataclass

import cpu
import db_limit
import harness
import psycopg
import workload
from loadgen import LoadResult, run_load

SHOPS = 20
GOAL_RATIO, GOAL_P99_MS = 0.45, 30.0


@dataclass(frozen=True)
class Sizes:
    """How much work a run does (quick: CI smoke run; full: the numbers in the README)."""

    requests: int
    warmup: int
    db_seconds: float
    shops: int

    @classmethod
    def of(cls, quick: bool) -> Sizes:
        return cls(300, 60, 1.5, 5) if quick else cls(16000, 1500, 15.0, SHOPS)


def send(port: int, load: workload.Workload) -> LoadResult:
    """Send a workload with 16 senders; bodies are counted (processed / duplicate / ...)."""
    return run_load(port, load.senders, keep_bodies=True)


def check_rows(url: str, expected: int) -> tuple[int, int, bool]:
    """(inbox rows of the bench shops, failed deliveries, every cached balance equals its ledger sum)."""
    with psycopg.connect(url) as conn:
        rows, failed = conn.execute(
            """SELECT count(*), count(*) FILTER (WHERE d.status = 'failed') FROM webhook_deliveries d
               JOIN shops s ON s.id = d.shop_id WHERE s.domain LIKE 'bench-shop-%'"""
        ).fetchone()
        drift = conn.execute(
            """SELECT count(*) FROM members m LEFT JOIN (SELECT member_id, sum(delta) AS total
               FROM ledger_entries GROUP BY member_id) l ON l.member_id = m.id
               WHERE m.balance <> coalesce(l.total, 0)"""
        ).fetchone()[0]
    return int(rows), int(failed), drift == 0


def outcomes(result: LoadResult) -> str:
    counts: dict[str, int] = {}
    for body, n in result.bodies.items():
        try:
            key = json.loads(body).get("outcome", body)
        except ValueError:
            key = body[:40]
        counts[key] = counts.get(key, 0) + n
    return ", ".join(f"{k}={v}" for k, v in sorted(counts.items()))


def run(quick: bool) -> list[harness.Row]:
    """Measure the raw limit, then the product, in the same run on the same database."""
    sizes = Sizes.of(quick)
    harness.reset_schema()
    workload.register_shops(sizes.shops)
    warm = workload.build(sizes.shops, sizes.warmup, tag=99)
    load = workload.build(sizes.shops, sizes.requests, tag=1)
    body = load.senders[0][0].partition(b"\r\n\r\n")[2]
    limit, limit_cpu = db_limit.measure(sizes.db_seconds, body)
    with harness.product_server() as port:
        send(port, warm)
        with cpu.measure(harness.SERVERS[port]) as split:
            result = send(port, load)
    rows, failed, balanced = check_rows(harness.DATABASE_URL, warm.unique + load.unique)
    row = webhook_row("webhook POST /webhooks/shopify", result, limit, load, rows - warm.unique, failed, balanced)
    row.note += f"; {split.describe(result.requests, 'request')}"
    return [harness.Row("db limit (raw psycopg, 4 conns)", f"{limit:.0f} tx/s", "", None, "", None, limit_cpu), row]


def webhook_row(
    name: str, result: LoadResult, limit: float, load: workload.Workload, rows: int, failed: int, balanced: bool
) -> harness.Row:
    """The table row for a webhook run, with latency, errors and the rows-written check in the note."""
    ratio = result.rate / limit
    p50, p99 = result.p(50), result.p(99)
    met = ratio >= GOAL_RATIO and p99 <= GOAL_P99_MS and result.non_2xx == 0 and rows == load.unique
    note = (
        f"{result.requests} req ({load.duplicates} duplicates, ~{load.body_bytes} B bodies) p50 {p50:.1f} ms "
        f"p99 {p99:.1f} ms non-2xx {result.non_2xx}; inbox rows {rows} = unique deliveries {load.unique}: "
        f"{rows == load.unique}; failed {failed}; ledger balanced: {balanced}; {outcomes(result)}"
    )
    return harness.Row(
        name,
        f"{result.rate:.0f} req/s",
        f"{limit:.0f} tx/s",
        ratio,
        f">= {GOAL_RATIO}, p99 <= {GOAL_P99_MS:.0f} ms, 0 non-2xx",
        met,
        note,
    )
