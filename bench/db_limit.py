"""The database limit of the webhook's work: a raw psycopg loop doing its transaction, 4 connections.

Each transaction writes what a paid-order webhook must write at the least, on the product's own tables and
indexes: the inbox row (with a ~3 KB body), the order upsert, the ledger entry and the member's balance.
synchronous_commit stays on, so every commit waits for its WAL flush, as the product's do.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime
from decimal import Decimal

import cpu
import harness
import psycopg

CONNECTIONS = 4
MEMBERS_PER_CONNECTION = 500

INBOX = """INSERT INTO webhook_deliveries (shop_id, platform, delivery_id, topic, headers, body, status, attempts,
    received_at, processed_at) VALUES (%s, 'shopify', %s, 'orders/paid', %s, %s, 'processed', 1, %s, %s)
    ON CONFLICT (shop_id, delivery_id) DO NOTHING RETURNING id"""
ORDER = """INSERT INTO orders (shop_id, order_ref, member_id, email, name, currency, financial_status, is_paid,
    is_cancelled, is_test, taxes_included, placed_at, paid_at, first_paid_at, snapshot_at, merchandise, shipping,
    tax, total, refunded_merchandise, refunded_shipping, refunded_tax, refunded_total, discount_codes,
    line_items, points_earned, created_at, updated_at)
    VALUES (%s, %s, %s, %s, %s, 'EUR', 'paid', true, false, false, true, %s, %s, %s, %s, %s, %s, %s, %s,
    0, 0, 0, 0, '[]', %s, %s, %s, %s)
    ON CONFLICT (shop_id, order_ref) DO UPDATE SET financial_status = excluded.financial_status,
    snapshot_at = excluded.snapshot_at, updated_at = excluded.updated_at RETURNING id"""
LEDGER = """INSERT INTO ledger_entries (shop_id, member_id, delta, kind, reason, source_type, source_ref, order_id,
    actor, balance_after, occurred_at) VALUES (%s, %s, %s, 'earn', 'order_paid', 'order', %s, %s, 'system', %s, %s)"""
BALANCE = (
    "UPDATE members SET balance = balance + %s, lifetime_points = lifetime_points + %s, updated_at = %s "
    "WHERE shop_id = %s AND id = %s RETURNING balance"
)


def seed_members(url: str, shop_id: int) -> list[int]:
    """Members the raw loop credits (one slice per connection, so they never wait on each other's locks)."""
    now = datetime.now(UTC)
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            """INSERT INTO members (shop_id, customer_ref, email, accepts_marketing, balance, pending,
               lifetime_points, joined_at, updated_at)
               SELECT %s, 'raw-' || g, 'raw' || g || '@example.de', false, 0, 0, 0, %s, %s
               FROM generate_series(1, %s) g RETURNING id""",
            (shop_id, now, now, CONNECTIONS * MEMBERS_PER_CONNECTION),
        ).fetchall()
    return [row[0] for row in rows]


def run(url: str, shop_id: int, body: bytes, seconds: float) -> tuple[int, float, cpu.Split]:
    """Transactions committed in `seconds` by CONNECTIONS loops; returns (count, elapsed, where the CPU went)."""
    member_ids = seed_members(url, shop_id)
    counts = [0] * CONNECTIONS
    barrier = threading.Barrier(CONNECTIONS + 1)
    stop = time.perf_counter() + seconds + 1e9  # replaced once every loop is connected

    def loop(index: int) -> None:
        mine = member_ids[index::CONNECTIONS]
        headers = json.dumps({"x-shopify-topic": "orders/paid", "x-shopify-shop-domain": "raw.myshopify.com"})
        line_items = json.dumps([{"ref": "1", "title": "Espresso", "quantity": 1, "amount": "24.90"}])
        with psycopg.connect(url) as conn:
            barrier.wait()
            n = 0
            while time.perf_counter() < stop:
                now = datetime.now(UTC)
                member = mine[n % len(mine)]
                ref = f"raw-{index}-{n}"
                with conn.transaction():
                    conn.execute(INBOX, (shop_id, ref, headers, body, now, now)).fetchone()
                    order_id = conn.execute(
                        ORDER,
                        (
                            shop_id,
                            ref,
                            member,
                            "raw@example.de",
                            f"#{n}",
                            now,
                            now,
                            now,
                            now,
                            Decimal("24.90"),
                            Decimal("0"),
                            Decimal("1.63"),
                            Decimal("24.90"),
                            line_items,
                            23,
                            now,
                            now,
                        ),
                    ).fetchone()[0]
                    balance = conn.execute(BALANCE, (23, 23, now, shop_id, member)).fetchone()[0]
                    conn.execute(LEDGER, (shop_id, member, 23, ref, order_id, balance, now))
                n += 1
            counts[index] = n

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    with cpu.measure(include_self=True) as split:
        barrier.wait()
        began = time.perf_counter()
        stop = began + seconds
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
    return sum(counts), elapsed, split


def bench_shop_id(url: str) -> int:
    """A shop of its own for the raw loop, so its rows never mix with the product's."""
    now = datetime.now(UTC)
    with psycopg.connect(url) as conn:
        row = conn.execute(
            """INSERT INTO shops (platform, domain, name, currency, locale, status, scopes, installed_at)
               VALUES ('shopify', 'raw-limit.myshopify.com', 'raw', 'EUR', 'de', 'active', '', %s)
               ON CONFLICT (platform, domain) DO UPDATE SET name = excluded.name RETURNING id""",
            (now,),
        ).fetchone()
    assert row is not None
    return int(row[0])


def measure(seconds: float, body: bytes, url: str = harness.DATABASE_URL) -> tuple[float, str]:
    """Transactions per second of the raw loop, and its CPU per transaction (psycopg side and PostgreSQL)."""
    count, elapsed, split = run(url, bench_shop_id(url), body, seconds)
    return count / elapsed, split.describe(count, "transaction")
