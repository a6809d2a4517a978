"""The benchmark load generators: percentile math, loadgen.py's keep-alive exchange, wrk_load.py's report and run."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from loadgen import LoadResult, build_request, combined, percentile, run_load  # noqa: E402
from wrk_load import available, parse, run_wrk  # noqa: E402


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        status = 200 if body == b"ok" else 401
        reply = b'{"outcome":"processed"}' if status == 200 else b""
        self.send_response(status)
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        status = 304 if self.headers.get("If-None-Match") else 200
        body = b"" if status == 304 else b'{"points": 1}'
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        return


@pytest.fixture
def server_port() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_percentile_is_nearest_rank_over_sorted_values() -> None:
    values = [float(v) for v in range(1, 101)]

    assert (percentile(values, 50), percentile(values, 99), percentile(values, 100)) == (50.0, 99.0, 100.0)
    assert percentile([7.0], 99) == 7.0
    assert percentile([], 50) == 0.0


def test_a_small_p99_sample_takes_the_slowest_request_rather_than_averaging_it_away() -> None:
    values = sorted([1.0] * 98 + [40.0, 45.0])

    assert percentile(values, 99) == 40.0


def test_every_request_of_every_sender_is_sent_once_and_its_status_and_body_counted(server_port: int) -> None:
    good = build_request("POST", "/", {"Content-Type": "text/plain"}, b"ok")
    bad = build_request("POST", "/", {"Content-Type": "text/plain"}, b"forged")

    result = run_load(server_port, [[good, good, bad], [good] * 4], processes=1, keep_bodies=True)

    assert result.requests == 7
    assert dict(result.statuses) == {200: 6, 401: 1}
    assert result.non_2xx == 1
    assert result.bodies['{"outcome":"processed"}'] == 6


def test_rounds_combine_into_one_rate_over_their_summed_time_and_all_their_latencies() -> None:
    fast = LoadResult(requests=300, seconds=1.0, latencies_ms=[1.0] * 300)
    slow = LoadResult(requests=100, seconds=1.0, latencies_ms=[9.0] * 100, errors=1)

    total = combined([fast, slow])

    assert (total.requests, total.seconds, total.rate, total.errors) == (400, 2.0, 200.0, 1)
    assert total.p(99) == 9.0


def test_the_scripts_report_becomes_statuses_latencies_and_the_measured_time() -> None:
    out = "Running 10m test\nSTATUS 200 3\nSTATUS 304 1\nSTATUS 200 1\nRESULT 5 2000000 0\nLAT 900 2\nLAT 1500 3\n"

    result = parse(out)

    assert (result.requests, result.seconds, result.errors) == (5, 2.0, 0)
    assert result.statuses == {200: 4, 304: 1}
    assert result.latencies_ms == [0.9, 0.9, 1.5, 1.5, 1.5]
    assert result.rate == 2.5


@pytest.mark.skipif(not available(), reason="wrk is not installed (apt-get install wrk; .ci/run does)")
def test_wrk_sends_each_senders_requests_once_and_counts_what_came_back(server_port: int) -> None:
    plain, conditional = build_request("GET", "/w"), build_request("GET", "/w", {"If-None-Match": '"1"'})
    senders = [[plain] * 30, [conditional] * 30, [plain] * 30, [conditional] * 30]

    result = run_wrk(server_port, senders, timeout=60)

    # A wrk thread stops when its requests are used up; what its connections had in flight then is not counted.
    assert 120 - len(senders) <= result.requests <= 120
    assert result.errors == 0
    assert set(result.statuses) == {200, 304}
    assert len(result.latencies_ms) == result.requests
    assert result.seconds < 30
