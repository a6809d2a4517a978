"""GET /proxy/customer (the storefront widget's JSON, signed App Proxy requests) against the framework ceiling."""

from __future__ import annotations

import http.client
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import framework
import harness
import psycopg
import workload
from loadgen import LoadResult, build_request, run_load

from app.platforms.app_proxy import signed_params

SHOPS = 20
GOAL_RATIO, GOAL_P99_MS, GOAL_304 = 0.48, 12.0, 0.8
# Each shopper's request at most this often per measurement: first visit + 2 × 25 stays inside the per-shopper
# read limit (a burst of 60), so the runs measure reads, not 429s. At today's speed the lists can run out
# before `seconds` (533 shoppers in the full run: ~5-7 s each); the rate is over the time actually taken.
REPEATS = 25


def shoppers(url: str = harness.DATABASE_URL) -> list[tuple[str, str]]:
    """(shop domain, customer id) of every member the webhooks created."""
    with psycopg.connect(url) as conn:
        return [(r[0], r[1]) for r in conn.execute(
            "SELECT s.domain, m.customer_ref FROM members m JOIN shops s ON s.id = m.shop_id "
            "WHERE m.customer_ref IS NOT NULL ORDER BY m.id")]


def signed_path(domain: str, customer: str) -> str:
    """The query Shopify's App Proxy appends, signed with the app secret, timestamped now (±90 s are valid)."""
    params = [("shop", domain), ("logged_in_customer_id", customer), ("path_prefix", "/apps/loyalty"),
              ("timestamp", str(int(time.time())))]
    return "/proxy/customer?" + urlencode(signed_params(params, harness.SHOPIFY_SECRET))


def _ip(index: int) -> str:
    # One address per shopper, as real shoppers come from their own: the per-IP limit is not what is measured.
    return f"10.{index // 65536 % 256}.{index // 256 % 256}.{index % 256}"


def first_visits(port: int, people: list[tuple[str, str]]) -> list[str]:
    """Each shopper's first widget load (creates the referral code once); returns their ETags."""
    def visit(item: tuple[int, tuple[str, str]]) -> str:
        index, (domain, customer) = item
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", signed_path(domain, customer), headers={"X-Forwarded-For": _ip(index)})
        response = conn.getresponse()
        response.read()
        conn.close()
        if response.status != 200:
            raise RuntimeError(f"widget answered {response.status} for {domain} {customer}")
        return response.headers["ETag"]

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(visit, enumerate(people)))


def requests(people: list[tuple[str, str]], etags: list[str] | None) -> list[list[bytes]]:
    """One list per sender, each shopper's request once, freshly signed (conditional when ETags are given)."""
    lists: list[list[bytes]] = [[] for _ in range(harness.SENDERS)]
    for index, (domain, customer) in enumerate(people):
        headers = {"X-Forwarded-For": _ip(index)}
        if etags is not None:
            headers["If-None-Match"] = etags[index]
        lists[index % harness.SENDERS].append(build_request("GET", signed_path(domain, customer), headers))
    return lists


def measure(port: int, people: list[tuple[str, str]], etags: list[str] | None, seconds: float) -> LoadResult:
    """Every shopper's widget, over and over (each shopper stays well inside the per-shopper limit)."""
    lists = requests(people, etags)
    return run_load(port, [each * REPEATS for each in lists], duration=seconds)


def run(quick: bool) -> list[harness.Row]:
    """Framework ceiling, then the widget uncached and with If-None-Match, in the same run."""
    seconds, shops = (1.0, 5) if quick else (15.0, SHOPS)
    ceiling_200, ceiling_304 = framework.ceilings(seconds)
    harness.reset_schema()
    workload.register_shops(shops)
    with harness.product_server() as port:
        # --quick: enough shoppers (~75 logged in) that the reads stay inside each one's rate limit.
        webhook_load = workload.build(shops, 600 if quick else 4000, tag=5)
        run_load(port, webhook_load.senders)
        people = shoppers()
        etags = first_visits(port, people)
        plain = measure(port, people, None, seconds)
        cached = measure(port, people, etags, seconds)
    return [
        harness.Row("framework ceiling (minimal Flask, 200)", f"{ceiling_200.rate:.0f} req/s", "", None, "", None,
                    f"p50 {ceiling_200.p(50):.1f} ms p99 {ceiling_200.p(99):.1f} ms"),
        harness.Row("framework ceiling (minimal Flask, 304)", f"{ceiling_304.rate:.0f} req/s", "", None, "", None,
                    f"p50 {ceiling_304.p(50):.1f} ms p99 {ceiling_304.p(99):.1f} ms"),
        _row("widget GET /proxy/customer (200)", plain, ceiling_200, len(people), 200),
        _row("widget GET /proxy/customer (304)", cached, ceiling_304, len(people), 304),
    ]


def _row(name: str, result: LoadResult, ceiling: LoadResult, people: int, expected: int) -> harness.Row:
    ratio = result.rate / ceiling.rate
    wrong = result.errors + sum(n for status, n in result.statuses.items() if status != expected)
    p99 = result.p(99)
    if expected == 200:
        goal, met = f">= {GOAL_RATIO}, p99 <= {GOAL_P99_MS:.0f} ms", ratio >= GOAL_RATIO and p99 <= GOAL_P99_MS
    else:
        goal, met = f">= {GOAL_304} of the 304 ceiling", ratio >= GOAL_304
    note = (f"{result.requests} req over {people} shoppers; p50 {result.p(50):.1f} ms p99 {p99:.1f} ms; "
            f"not {expected}: {wrong} {dict(result.statuses)}")
    return harness.Row(name, f"{result.rate:.0f} req/s", f"{ceiling.rate:.0f} req/s", ratio, goal,
                       met and wrong == 0, note)
