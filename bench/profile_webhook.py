"""Profile the webhook path in-process: pyinstrument over N signed deliveries, and SQL statements per request.

    python bench/profile_webhook.py [--requests 400] [--html out.html]

Runs against the bench database (reset first); needs the `bench` extra (pyinstrument).
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
import workload  # noqa: E402


def main() -> None:
    """Reset the bench database, warm up, then profile the next deliveries."""
    from pyinstrument import Profiler
    from sqlalchemy import event

    from app import create_app

    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--html", default="")
    parser.add_argument("--cpu", action="store_true", help="no profiler: CPU time per request, best of 3 runs")
    args = parser.parse_args()
    harness.ensure_database()
    harness.reset_schema()
    workload.register_shops(4)
    app = create_app({"database_url": harness.DATABASE_URL, "secret_key": harness.SECRET_KEY,
                      "shopify_api_secret": harness.SHOPIFY_SECRET})
    client = app.test_client()
    statements: Counter[str] = Counter()

    @event.listens_for(app.extensions["container"].engine, "before_cursor_execute")
    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements[" ".join(statement.split())[:110]] += 1

    _send_all(client, workload.build(4, 100, tag=98, senders=1))
    statements.clear()
    if args.cpu:
        _cpu_per_request(client, args.requests, statements)
        return
    load = workload.build(4, args.requests, tag=97, senders=1)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    sent = _send_all(client, load)
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    total = sum(statements.values())
    print(f"{total} statements for {sent} requests: {total / sent:.1f} per request")
    for statement, n in statements.most_common(30):
        print(f"{n / sent:6.2f}  {statement}")
    if args.html:
        Path(args.html).write_text(profiler.output_html())


def _cpu_per_request(client, requests: int, statements: Counter[str]) -> None:  # type: ignore[no-untyped-def]
    # Process time (both threads of this process: app and test client) per delivery, best of three fresh loads.
    best = float("inf")
    for tag in (96, 95, 94):
        load = workload.build(4, requests, tag=tag, senders=1)
        statements.clear()
        started = time.process_time()
        sent = _send_all(client, load)
        best = min(best, (time.process_time() - started) / sent)
        print(f"{best * 1000:.2f} ms CPU per request (best so far), {sum(statements.values()) / sent:.1f} statements")


def _send_all(client, load: workload.Workload) -> int:  # type: ignore[no-untyped-def]
    sent = 0
    for raw in load.senders[0]:
        head, _, body = raw.partition(b"\r\n\r\n")
        headers = dict(line.split(": ", 1) for line in head.decode("latin-1").split("\r\n")[1:])
        headers.pop("Content-Length", None)
        response = client.post("/webhooks/shopify", data=body, headers=headers)
        assert response.status_code == 200, response.get_data()
        sent += 1
    return sent


if __name__ == "__main__":
    main()
