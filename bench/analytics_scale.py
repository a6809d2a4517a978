"""Analytics at scale: the dashboard's queries on a shop with 1,000,000 orders and 200,000 customers (PostgreSQL).

    python bench/analytics_scale.py [--quick] [--database-url URL]

The data is generated inside PostgreSQL with generate_series (one INSERT ... SELECT per table), then each
dashboard query is timed (best of three) and printed with its ratio to a plain `SELECT count(*) FROM orders`
measured in the same run, so the numbers compare across machines. The database's public schema is dropped
and recreated: point it at a scratch database (default postgresql://postgres@127.0.0.1:5432/bench_analytics).
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app.analytics import program_queries as pq
from app.analytics import queries as q
from app.analytics.dialect import tune_for_analytics
from app.analytics.report import Period, build_report
from app.analytics.segments import parse_segment, segment_counts, segment_members, segment_size
from app.analytics.series import cohort_table, retention_by_month
from app.db import make_engine
from app.migrate import upgrade
from app.models import Order, Shop

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench_analytics"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SHARES = (Decimal("0.80"), Decimal("0.95"))
REPEATS = 3


def reset(engine: Engine) -> None:
    """An empty schema at the current migration head."""
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    upgrade(engine)


def generate(engine: Engine, orders: int, customers: int) -> tuple[int, float]:
    """One shop with `customers` members, `orders` orders over three years (10 % guests), their ledger and lots."""
    began = time.monotonic()
    with engine.begin() as conn:
        shop_id = conn.execute(text(
            "INSERT INTO shops (platform, domain, name, currency, locale, status, scopes, installed_at) "
            "VALUES ('shopify', 'bench-analytics.myshopify.com', 'Bench', 'EUR', 'de', 'active', '', :now) "
            "RETURNING id"), {"now": NOW}).scalar_one()
        conn.execute(text(
            "INSERT INTO program_settings (shop_id, points_per_unit, include_shipping, include_tax, rounding, "
            "point_value_points, point_value_amount, pending_days, expiry_policy, expiry_months, "
            "expiry_reminder_days, extra) VALUES (:shop, 1, false, false, 'down', 100, 1, 0, 'per_lot', 24, 14, "
            "'{}')"), {"shop": shop_id})
        conn.execute(text(
            "INSERT INTO members (shop_id, customer_ref, email, accepts_marketing, balance, pending, "
            "lifetime_points, joined_at, updated_at) "
            "SELECT :shop, 'c' || g, 'c' || g || '@example.de', g % 3 = 0, 0, 0, 0, "
            ":now - interval '3 years', :now FROM generate_series(1, :n) g"),
            {"shop": shop_id, "n": customers, "now": NOW})
        first = conn.execute(text("SELECT min(id) FROM members WHERE shop_id = :s"), {"s": shop_id}).scalar_one()
        steps = [
            ("orders", _ORDERS, {"n": orders, "members": customers, "first": first, "now": NOW,
                                 "span": 3 * 365 * 86400}),
            ("ledger (earn)", _LEDGER, {}), ("ledger (redeem, expire)", _REDEEM, {}), ("lots", _LOTS, {}),
            ("member balances", _BALANCES, {}),
        ]
        for name, sql, params in steps:
            step = time.monotonic()
            conn.execute(text(sql), {"shop": shop_id, **params})
            print(f"  {name}: {time.monotonic() - step:.1f} s", flush=True)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    return shop_id, time.monotonic() - began


_BALANCES = """
UPDATE members m SET balance = s.total, lifetime_points = s.total, last_order_at = s.last
FROM (SELECT member_id, sum(delta) AS total, max(occurred_at) AS last FROM ledger_entries
      WHERE shop_id = :shop GROUP BY member_id) s
WHERE s.member_id = m.id
"""

_ORDERS = """
INSERT INTO orders (shop_id, order_ref, member_id, email, name, currency, financial_status, is_paid, is_cancelled,
    is_test, taxes_included, placed_at, paid_at, snapshot_at, merchandise, shipping, tax, total,
    refunded_merchandise, refunded_shipping, refunded_tax, refunded_total, discount_codes, line_items,
    points_earned, created_at, updated_at)
SELECT :shop, 'o' || g,
    CASE WHEN g % 10 = 0 THEN NULL ELSE :first + (g::bigint * 7919) % :members END,
    CASE WHEN g % 10 = 0 THEN 'guest' || (g % 50000) || '@example.de' ELSE NULL END,
    '#' || g, 'EUR', 'paid', g % 50 <> 1, g % 97 = 0, false, false, t, t, t,
    a, 4.90, 0, a + 4.90, 0, 0, 0, CASE WHEN g % 40 = 0 THEN round(a / 2, 2) ELSE 0 END,
    '[]', '[]', floor(a)::int, t, t
FROM (SELECT g, :now - ((g::bigint * 104729) % :span) * interval '1 second' AS t,
             round((10 + (g::bigint * 31) % 19000 / 100.0)::numeric, 2) AS a
      FROM generate_series(1, :n) g) s
"""

_LEDGER = """
INSERT INTO ledger_entries (shop_id, member_id, delta, kind, reason, source_type, source_ref, order_id, actor,
    balance_after, occurred_at)
SELECT shop_id, member_id, points_earned, 'earn', 'order_paid', 'order', order_ref, id, 'system', 0, paid_at
FROM orders WHERE shop_id = :shop AND member_id IS NOT NULL AND is_paid AND NOT is_cancelled
"""

_REDEEM = """
INSERT INTO ledger_entries (shop_id, member_id, delta, kind, reason, source_type, source_ref, actor,
    balance_after, occurred_at)
SELECT shop_id, member_id, -least(delta, 50), CASE WHEN id % 3 = 0 THEN 'expire' ELSE 'redeem' END, 'bench',
    'bench', '', 'system', 0, occurred_at + interval '20 days'
FROM ledger_entries WHERE shop_id = :shop AND kind = 'earn' AND id % 5 = 0
"""

_LOTS = """
INSERT INTO point_lots (shop_id, member_id, entry_id, order_id, points, remaining, available_at, expires_at, matured)
SELECT shop_id, member_id, id, order_id, delta, CASE WHEN id % 5 = 0 THEN 0 ELSE delta END, occurred_at,
    occurred_at + interval '24 months', true
FROM ledger_entries WHERE shop_id = :shop AND kind = 'earn'
"""


def queries(shop: Shop) -> dict[str, Callable[[Session], Any]]:
    """Every query the dashboard runs (the report) and the segments and campaigns tabs, one by one."""
    year = Period(date(2025, 3, 1), date(2026, 2, 28))
    start, end = year.start, year.end
    window = timedelta(days=365)
    return {
        "retention (period)": lambda s: q.retention_counts(s, shop.id, [start, end], window),
        "retention per month (12)": lambda s: retention_by_month(s, shop.id, end, window),
        "orders, revenue, members vs guests": lambda s: q.period_orders(s, shop.id, start, end),
        "customer lifetime": lambda s: q.lifetime_days(s, shop.id, end),
        "cohort table": lambda s: cohort_table(s, shop.id, start, end),
        "points by kind": lambda s: pq.points_by_kind(s, shop.id, start, end),
        "points by month": lambda s: pq.points_by_month(s, shop.id, start, end),
        "active members": lambda s: pq.active_members(s, shop.id, start, end),
        "members": lambda s: pq.members_count(s, shop.id, end),
        "outstanding points": lambda s: pq.outstanding_points(s, shop.id),
        "expiry forecast": lambda s: pq.lots_expiring_by_month(s, shop.id, NOW, NOW + timedelta(days=183)),
        "coupons": lambda s: pq.coupon_figures(s, shop.id, start, end),
        "reviews": lambda s: pq.review_figures(s, shop.id, start, end),
        "segments: A/B/C, RFM, tiers counts": lambda s: segment_counts(s, shop.id, SHARES, "de"),
        "segment size (RFM at_risk)": lambda s: segment_size(s, shop.id, parse_segment(
            {"kind": "rfm", "value": "at_risk"}), SHARES),
        "segment page (A, 50 members)": lambda s: segment_members(s, shop.id, parse_segment(
            {"kind": "abc", "value": "A"}), SHARES, limit=50),
        "whole report (dashboard)": lambda s: build_report(s, shop, year, NOW, "de"),
    }


def best_of(engine: Engine, work: Callable[[Session], Any]) -> float:
    """The fastest of REPEATS runs, in seconds (each in a fresh session)."""
    times = []
    for _ in range(REPEATS):
        with Session(engine) as session:
            tune_for_analytics(session)  # what every analytics entry point of the app does first
            began = time.perf_counter()
            work(session)
            times.append(time.perf_counter() - began)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 orders and 4,000 customers")
    parser.add_argument("--reuse", action="store_true", help="time the queries on the data of the last run")
    parser.add_argument("--database-url", default=os.environ.get("LOYALTY_BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()
    orders, customers = (20_000, 4_000) if args.quick else (1_000_000, 200_000)
    engine = make_engine(args.database_url)
    if engine.dialect.name != "postgresql":
        raise SystemExit("the scale benchmark runs on PostgreSQL")
    if not args.reuse:
        reset(engine)
        _, seconds = generate(engine, orders, customers)
        print(f"generated {orders:,} orders, {customers:,} customers (+ ledger and lots) in {seconds:.1f} s")
    with Session(engine) as session:
        shop = session.scalars(select(Shop).where(Shop.domain == "bench-analytics.myshopify.com")).one()
        session.expunge(shop)
        print(f"{session.scalar(select(func.count()).select_from(Order)):,} orders in the database")
    baseline = best_of(engine, lambda s: s.execute(text("SELECT count(*) FROM orders")).scalar_one())
    print(f"{'query':<38} {'ms':>9} {'× count(*)':>11}")
    print(f"{'SELECT count(*) FROM orders':<38} {baseline * 1000:>9.1f} {1.0:>11.1f}")
    for name, work in queries(shop).items():
        took = best_of(engine, work)
        print(f"{name:<38} {took * 1000:>9.1f} {took / baseline:>11.1f}")
    engine.dispose()


if __name__ == "__main__":
    main()
