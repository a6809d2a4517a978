"""Profile GET /proxy/customer in-process: CPU per request, pyinstrument, and SQL statements per request.

    python bench/profile_widget.py [--mode 200|304] [--shoppers 300] [--cache on|off]

Reads the shoppers the last `bench/run.py --only widget` left in the bench database (run that first);
needs the `bench` extra (pyinstrument). CPU is measured without the profiler over three passes (best one),
next to bench/minimal_app.py under the same test client: the in-process form of the benchmark's ratio.
`--cache off` measures the database path (what a changed shopper, or every read without the cache, costs).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH), str(BENCH.parent)]

import harness  # noqa: E402
import widget  # noqa: E402


def main() -> None:
    """Warm up (first visits fill the per-process caches), then profile one read per shopper."""
    import minimal_app
    from pyinstrument import Profiler
    from sqlalchemy import event

    from app import create_app
    from app.db_reads import Reader

    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=("200", "304"), default="200")
    parser.add_argument("--shoppers", type=int, default=300)
    parser.add_argument("--cache", choices=("on", "off"), default="on", help="the per-process widget cache")
    args = parser.parse_args()
    app = create_app(
        {
            "database_url": harness.DATABASE_URL,
            "secret_key": harness.SECRET_KEY,
            "shopify_api_secret": harness.SHOPIFY_SECRET,
            "storefront_cache": args.cache == "on",
        }
    )
    client = app.test_client()
    people = widget.shoppers()[: args.shoppers]
    statements: Counter[str] = Counter()

    @event.listens_for(app.extensions["container"].engine, "before_cursor_execute")
    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements[" ".join(statement.split())[:110]] += 1

    fetch = Reader._fetch

    def counted_fetch(self: Reader, sql: str, args: object) -> object:  # the storefront's kept-connection reads
        statements[" ".join(sql.split())[:110]] += 1
        return fetch(self, sql, args)

    Reader._fetch = counted_fetch  # type: ignore[assignment,method-assign]

    def read_all(etags: list[str] | None) -> list[str]:
        tags = []
        for index, (domain, customer) in enumerate(people):
            headers = {"X-Forwarded-For": widget._ip(index)}
            if etags:
                headers["If-None-Match"] = etags[index]
            tags.append(client.get(widget.signed_path(domain, customer), headers=headers).headers["ETag"])
        return tags

    etags = read_all(None)
    views = app.extensions["container"].shopper_views
    if views is not None:  # LISTEN is up and each shopper's answer is cached (a first visit's own writes refuse it)
        deadline = time.monotonic() + 10
        while (not views.enabled or len(views) < len(people)) and time.monotonic() < deadline:
            etags = read_all(None)
    wanted = etags if args.mode == "304" else None
    n = len(people)
    cpu_product = min(_cpu(lambda: read_all(wanted)) for _ in range(3)) / n
    minimal = minimal_app.app.test_client()
    headers = {"If-None-Match": '"v1"'} if args.mode == "304" else {}
    cpu_minimal = min(_cpu(lambda: [minimal.get("/json", headers=headers) for _ in people]) for _ in range(3)) / n
    statements.clear()
    profiler = Profiler(interval=0.0005)
    started = time.process_time()
    profiler.start()
    read_all(wanted)
    profiler.stop()
    cpu = time.process_time() - started
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    print(f"CPU {cpu / n * 1000:.2f} ms per request (with the profiler); {sum(statements.values()) / n:.1f} statements")
    print(f"widget cache: {'off' if views is None else f'{len(views)} answers for {n} shoppers'}")
    print(
        f"CPU {cpu_product * 1000:.3f} ms per request without the profiler; minimal Flask app "
        f"{cpu_minimal * 1000:.3f} ms (same test client): in-process ratio {cpu_minimal / cpu_product:.2f}"
    )
    for statement, times in statements.most_common(20):
        print(f"{times / n:6.2f}  {statement}")


def _cpu(work: object) -> float:
    started = time.process_time()
    work()  # type: ignore[operator]
    return time.process_time() - started


if __name__ == "__main__":
    main()
