"""The framework ceiling: a minimal Flask app returning small JSON under the product's gunicorn settings."""

from __future__ import annotations

import harness
from loadgen import LoadResult, build_request, run_load


def ceilings(seconds: float) -> tuple[LoadResult, LoadResult]:
    """Requests per second of bench/minimal_app.py's GET /json at 16 senders: plain (200) and conditional (304)."""
    plain = build_request("GET", "/json")
    conditional = build_request("GET", "/json", {"If-None-Match": '"v1"'})
    with harness.minimal_server() as port:
        run_load(port, [[plain] * 200] * harness.SENDERS)  # warm-up
        return tuple(  # type: ignore[return-value]
            run_load(port, [[raw] * 10_000_000] * harness.SENDERS, duration=seconds) for raw in (plain, conditional)
        )


def run(quick: bool) -> list[harness.Row]:
    """The ceiling the storefront widget is measured against, plain and conditional."""
    rows = []
    for name, result in zip(("200", "304"), ceilings(3.0 if quick else 15.0), strict=True):
        note = f"p50 {result.p(50):.1f} ms p99 {result.p(99):.1f} ms"
        rows.append(harness.Row(f"framework ceiling (minimal Flask, {name})", f"{result.rate:.0f} req/s", "", None,
                                "", None, note))
    return rows
