"""The framework ceiling: a minimal Flask app returning small JSON under the product's gunicorn settings."""

from __future__ import annotations

import harness
from loadgen import LoadResult, build_request, run_load


def ceiling(seconds: float, conditional: bool = False) -> LoadResult:
    """Requests per second of bench/minimal_app.py's GET /json (with If-None-Match: 304s) at 16 senders."""
    headers = {"If-None-Match": '"v1"'} if conditional else {}
    raw = build_request("GET", "/json", headers)
    with harness.minimal_server() as port:
        run_load(port, [[raw] * 200] * harness.SENDERS)  # warm-up
        return run_load(port, [[raw] * 10_000_000] * harness.SENDERS, duration=seconds)


def run(quick: bool) -> list[harness.Row]:
    """The ceiling the storefront widget is measured against, plain and conditional."""
    seconds = 3.0 if quick else 15.0
    rows = []
    for conditional in (False, True):
        result = ceiling(seconds, conditional)
        name = "framework ceiling (minimal Flask" + (", 304)" if conditional else ", 200)")
        note = f"p50 {result.p(50):.1f} ms p99 {result.p(99):.1f} ms non-2xx/3xx {result.errors}"
        rows.append(harness.Row(name, f"{result.rate:.0f} req/s", "", None, "", None, note))
    return rows
