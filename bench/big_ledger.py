"""The webhook at scale: the same run on an empty database and with millions of ledger rows already present."""

from __future__ import annotations

import os
import time

import harness
import psycopg
import webhook
import workload
from loadgen import LoadResult, combined

GOAL = 0.8
ROUNDS = 4  # alternating rounds of the full run (the --quick run: one of each)
# The loaded database: a second one beside the bench database, so both are measured in turns by two servers.
BIG_URL = os.environ.get("LOYALTY_BENCH_BIG_DATABASE_URL", harness.DATABASE_URL + "_big")
CHECKPOINT_FROM = 1_000_000  # --quick's 50 k rows leave little to write; a cluster-wide CHECKPOINT took seconds in CI


def load_ledger(rows: int, url: str = harness.DATABASE_URL) -> float:
    """Add `rows` ledger entries (with their members, 100 entries each) in PostgreSQL itself; seconds taken.

    generate_series inside INSERT ... SELECT writes them in one statement per table; the members' cached
    balances are then set to their ledger sums, so `ledger verify` still holds.
    """
    began = time.monotonic()
    members = max(1, rows // 100)
    with psycopg.connect(url) as conn:
        shop_ids = [r[0] for r in conn.execute("SELECT id FROM shops WHERE domain LIKE 'bench-shop-%' ORDER BY id")]
        conn.execute(
            """INSERT INTO members (shop_id, customer_ref, email, accepts_marketing, balance, pending,
               lifetime_points, joined_at, updated_at)
               SELECT (%(shops)s::int[])[1 + g %% cardinality(%(shops)s::int[])], 'hist-' || g,
                      'hist' || g || '@example.de', false, 0, 0, 0, now() - interval '2 years', now()
               FROM generate_series(1, %(members)s) g""",
            {"shops": shop_ids, "members": members},
        )
        conn.execute(
            """INSERT INTO ledger_entries (shop_id, member_id, delta, kind, reason, source_type, source_ref,
               actor, balance_after, occurred_at)
               SELECT m.shop_id, m.id, 10 + g %% 90, 'earn', 'order_paid', 'order', 'hist-' || g, 'system', 0,
                      now() - (g %% 700) * interval '1 day'
               FROM generate_series(1, %(rows)s) g
               JOIN members m ON m.customer_ref = 'hist-' || (1 + g %% %(members)s) AND m.shop_id =
                    (%(shops)s::int[])[1 + (1 + g %% %(members)s) %% cardinality(%(shops)s::int[])]""",
            {"rows": rows, "members": members, "shops": shop_ids},
        )
        conn.execute(
            """UPDATE members m SET balance = s.total, lifetime_points = s.total
               FROM (SELECT member_id, sum(delta) AS total FROM ledger_entries GROUP BY member_id) s
               WHERE s.member_id = m.id AND m.customer_ref LIKE 'hist-%%'"""
        )
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        if rows >= CHECKPOINT_FROM:
            # Write the bulk load's dirty pages out now: otherwise the checkpoint it triggers spreads its writes
            # over the measured run, and the run measures that checkpoint rather than the table's size.
            conn.execute("CHECKPOINT")
    return time.monotonic() - began


def run(quick: bool) -> list[harness.Row]:
    """Webhook throughput with millions of ledger rows present, against an empty database, in alternating rounds.

    Two databases, two servers, the same workload for each round on both: the empty one (the bench database)
    and one loaded with `load_ledger`. The rounds alternate (empty, loaded, loaded, empty, ...), so that the
    machine's changing speed over the minutes of the run falls on both alike; the ratio is over all rounds.
    """
    sizes = webhook.Sizes.of(quick)
    rows = 50_000 if quick else 5_000_000
    rounds = 1 if quick else ROUNDS
    for url in (harness.DATABASE_URL, BIG_URL):
        harness.ensure_database(url)
        harness.reset_schema(url)
        workload.register_shops(sizes.shops, url)
    seconds = load_ledger(rows, BIG_URL)
    results: dict[str, list[LoadResult]] = {"empty": [], "loaded": []}
    with harness.product_server(harness.app_env(harness.DATABASE_URL)) as empty_port, \
            harness.product_server(harness.app_env(BIG_URL)) as big_port:
        ports = {"empty": empty_port, "loaded": big_port}
        for port in ports.values():
            webhook.send(port, workload.build(sizes.shops, sizes.warmup, tag=99))
        for number in range(rounds):
            load = workload.build(sizes.shops, sizes.requests // rounds, tag=10 + number)
            for name in ("empty", "loaded") if number % 2 == 0 else ("loaded", "empty"):
                results[name].append(webhook.send(ports[name], load))
    with psycopg.connect(BIG_URL) as conn:
        present = conn.execute("SELECT count(*) FROM ledger_entries").fetchone()[0]
    _, _, balanced = webhook.check_rows(BIG_URL, 0)
    empty, big = combined(results["empty"]), combined(results["loaded"])
    ratio = big.rate / empty.rate
    per_round = sorted(b.rate / e.rate for b, e in zip(results["loaded"], results["empty"], strict=True))
    note = (f"{present:,} ledger rows after the run (loaded in {seconds:.0f} s); {rounds} alternating rounds, "
            f"ratios {per_round[0]:.2f}-{per_round[-1]:.2f}; empty: p99 {empty.p(99):.1f} ms; loaded: "
            f"p50 {big.p(50):.1f} ms p99 {big.p(99):.1f} ms; non-2xx {big.non_2xx + empty.non_2xx}; "
            f"ledger balanced: {balanced}")
    return [harness.Row(f"webhook at {rows / 1e6:g} M ledger rows", f"{big.rate:.0f} req/s",
                        f"{empty.rate:.0f} req/s (empty)", ratio, f">= {GOAL} of empty", ratio >= GOAL, note)]
