"""The widget benchmark's wrk driver (bench/wrk_load.py): what its script reports, and a real run when wrk is here."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from loadgen import build_request  # noqa: E402
from wrk_load import available, parse, run_wrk  # noqa: E402


def test_the_scripts_report_becomes_statuses_latencies_and_the_measured_time() -> None:
    out = "Running 10m test\nSTATUS 200 3\nSTATUS 304 1\nSTATUS 200 1\nRESULT 5 2000000 0\nLAT 900 2\nLAT 1500 3\n"

    result = parse(out)

    assert (result.requests, result.seconds, result.errors) == (5, 2.0, 0)
    assert result.statuses == {200: 4, 304: 1}
    assert result.latencies_ms == [0.9, 0.9, 1.5, 1.5, 1.5]
    assert result.rate == 2.5


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

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
