"""The framework ceiling: a minimal Flask app returning small JSON under the product's gunicorn settings."""

from __future__ import annotations

import harness
import wrk_load
from loadgen import LoadResult, build_request, run_load

PLAIN = build_request("GET", "/json")
CONDITIONAL = build_request("GET", "/json", {"If-None-Match": '"v1"'})


def warm_up(port: int) -> None:
    """A few requests per sender, so the measured rounds see running workers."""
    run_load(port, [[PLAIN] * 200] * harness.SENDERS)


def ceiling(port: int, *, conditional: bool, per_sender: list[int]) -> LoadResult:
    """bench/minimal_app.py's GET /json: plain (200) or with If-None-Match (304), as many per sender as given.

    The same number of requests per sender as the product's round it is compared with, so both runs have the
    same shape (all senders busy, then the last ones finishing)."""
    raw = CONDITIONAL if conditional else PLAIN
    return wrk_load.send_reads(port, [[raw] * count for count in per_sender])
