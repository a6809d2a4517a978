"""The benchmark load generators: percentile math, loadgen.py's keep-alive exchange in closed and open loop,
wrk_load.py's report and run."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from loadgen import LoadResult, Pace, build_request, combined, paces, percentile, run_load  # noqa: E402
from wrk_load import available, parse, run_wrk  # noqa: E402


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # head and body are two writes: Nagle would hold the body for the client's ACK

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


class _SlowHandler(_Handler):
    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        time.sleep(0.02)
        super().do_POST()


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # wrk hangs up on what it has in flight at its end
            super().handle_error(request, client_address)


def _serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[int]:
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture
def server_port() -> Iterator[int]:
    yield from _serve(_Handler)


@pytest.fixture
def slow_server_port() -> Iterator[int]:
    yield from _serve(_SlowHandler)


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


def test_equal_senders_are_paced_so_sender_i_sends_its_kth_request_at_k_times_senders_plus_i_over_the_rate() -> None:
    senders = [[b"r"] * 3 for _ in range(4)]

    plan = paces(senders, rate=100.0)

    due = sorted((pace.due(0.0, k), i) for i, pace in enumerate(plan) for k in range(3))
    assert [round(at, 9) for at, _ in due] == [round(slot / 100.0, 9) for slot in range(12)]
    assert [i for _, i in due] == [0, 1, 2, 3] * 3


def test_a_longer_sender_list_is_spread_over_the_same_span_rather_than_sent_alone_at_the_end() -> None:
    plan = paces([[b"r"] * 10, [b"r"] * 30], rate=40.0)

    assert plan[0] == Pace(offset=0.0, interval=0.1)
    assert plan[1].interval == pytest.approx(1 / 30)
    assert plan[0].due(0.0, 9) < 1.0
    assert plan[1].due(0.0, 29) < 1.0


def test_the_open_loop_sends_at_the_requested_rate_rather_than_as_fast_as_the_server_answers(server_port: int) -> None:
    good = build_request("POST", "/", {"Content-Type": "text/plain"}, b"ok")
    senders = [[good] * 25 for _ in range(4)]

    result = run_load(server_port, senders, processes=2, keep_bodies=True, rate=400.0)

    # The last is due 0.2475 s after the start, so 100 requests cannot come faster than 404 req/s; a noisy
    # machine may only make them later.
    assert result.requests == 100
    assert result.non_2xx == 0
    assert result.offered == 400.0
    assert 100.0 <= result.rate <= 405.0
    assert result.wake_ms  # senders waited for their send times


def test_open_loop_latency_runs_from_the_scheduled_send_time_when_the_server_is_slower_than_the_schedule(
    slow_server_port: int,
) -> None:
    good = build_request("POST", "/", {"Content-Type": "text/plain"}, b"ok")

    result = run_load(slow_server_port, [[good] * 15], processes=1, rate=100.0)

    # Due every 10 ms, answered every 20 ms (the server's sleep) or later: request k ends (k + 1) * 20 ms after
    # the start at the earliest, so its latency from its send time, k * 10 ms, is at least 20 + 10 k ms. A
    # closed loop would see ~20 ms for each.
    assert result.requests == 15
    assert result.non_2xx == 0
    assert result.latencies_ms[-1] >= 150.0
    assert result.p(50) >= 80.0
    assert result.rate <= 55.0


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
