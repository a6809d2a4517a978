"""A small HTTP/1.1 keep-alive load generator: prebuilt requests, raw sockets, threads in separate processes.

It stays out of the measurement's way: requests are serialised once up front, each sender thread sends its
own list over one kept-alive socket and only reads the status line, the Content-Length and (optionally) a
short body. Senders are spread over a few processes so the GIL of one process is never the limit.
"""

from __future__ import annotations

import math
import multiprocessing
import socket
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field


def build_request(method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b"") -> bytes:
    """The raw bytes of one HTTP/1.1 request to 127.0.0.1 (keep-alive)."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: keep-alive"]
    lines += [f"{key}: {value}" for key, value in (headers or {}).items()]
    if body or method in {"POST", "PUT", "PATCH"}:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of already sorted values; 0.0 for no values."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return float(sorted_values[min(rank, len(sorted_values)) - 1])


@dataclass
class LoadResult:
    """What one load run saw; latencies in milliseconds."""

    requests: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    bodies: Counter[str] = field(default_factory=Counter)
    errors: int = 0

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def non_2xx(self) -> int:
        return self.errors + sum(n for status, n in self.statuses.items() if not 200 <= status < 300)

    def p(self, q: float) -> float:
        return percentile(sorted(self.latencies_ms), q)


class _Connection:
    def __init__(self, port: int) -> None:
        self.port = port
        self.sock: socket.socket | None = None
        self.buffer = b""

    def exchange(self, raw: bytes) -> tuple[int, bytes]:
        for attempt in (1, 2):
            if self.sock is None:
                self.sock = socket.create_connection(("127.0.0.1", self.port))
                self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self.buffer = b""
            try:
                self.sock.sendall(raw)
                return self._read()
            except (ConnectionError, _Closed):
                # The server closed an idle keep-alive connection before this request: reconnect once.
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _read(self) -> tuple[int, bytes]:
        assert self.sock is not None
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head, _, rest = self.buffer.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        length, close = 0, False
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection" and value.strip().lower() == b"close":
                close = True
        while len(rest) < length:
            self.buffer = rest
            self._fill()
            rest = self.buffer
        body, self.buffer = rest[:length], rest[length:]
        if close:
            self.close()
        return status, body

    def _fill(self) -> None:
        assert self.sock is not None
        chunk = self.sock.recv(65536)
        if not chunk:
            raise _Closed
        self.buffer += chunk

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock = None


class _Closed(Exception):
    pass


def _sender(port: int, requests: Sequence[bytes], until: float | None, keep_bodies: bool, out: LoadResult,
            lock: threading.Lock, start: threading.Barrier) -> None:
    conn = _Connection(port)
    local = LoadResult()
    start.wait()
    index = 0
    while True:
        if index >= len(requests) or (until is not None and time.perf_counter() >= until):
            break
        raw = requests[index]
        index += 1
        began = time.perf_counter()
        try:
            status, body = conn.exchange(raw)
        except OSError:
            local.errors += 1
            conn.close()
            continue
        local.latencies_ms.append((time.perf_counter() - began) * 1000)
        local.statuses[status] += 1
        if keep_bodies and len(body) <= 200:
            local.bodies[body.decode("utf-8", "replace").strip()] += 1
    conn.close()
    with lock:
        out.requests += len(local.latencies_ms) + local.errors
        out.latencies_ms += local.latencies_ms
        out.statuses.update(local.statuses)
        out.bodies.update(local.bodies)
        out.errors += local.errors


def _process(port: int, senders: list[Sequence[bytes]], duration: float | None, keep_bodies: bool,
             go: multiprocessing.synchronize.Event, queue: multiprocessing.Queue) -> None:  # type: ignore[name-defined]
    out, lock = LoadResult(), threading.Lock()
    start = threading.Barrier(len(senders) + 1)
    threads = []
    go.wait()
    began = time.perf_counter()
    until = began + duration if duration else None
    for requests in senders:
        thread = threading.Thread(target=_sender, args=(port, requests, until, keep_bodies, out, lock, start))
        thread.start()
        threads.append(thread)
    start.wait()
    for thread in threads:
        thread.join()
    out.seconds = time.perf_counter() - began
    queue.put(out)


def run_load(port: int, senders: list[Sequence[bytes]], *, duration: float | None = None,
             processes: int = 2, keep_bodies: bool = False) -> LoadResult:
    """Run one sender thread per request list, spread over `processes` processes.

    Every sender sends its list once, in order (unique webhook deliveries stay unique); with `duration`
    it stops early when the time is up. The result's `seconds` is the longest process's
    wall time, so `rate` is the overall throughput.
    """
    context = multiprocessing.get_context("fork")
    go, queue = context.Event(), context.Queue()
    groups = [senders[i::processes] for i in range(processes) if senders[i::processes]]
    workers = [context.Process(target=_process, args=(port, group, duration, keep_bodies, go, queue))
               for group in groups]
    for worker in workers:
        worker.start()
    go.set()
    parts = [queue.get() for _ in workers]
    for worker in workers:
        worker.join()
    total = LoadResult()
    for part in parts:
        total.requests += part.requests
        total.latencies_ms += part.latencies_ms
        total.statuses.update(part.statuses)
        total.bodies.update(part.bodies)
        total.errors += part.errors
        total.seconds = max(total.seconds, part.seconds)
    return total


def combined(rounds: Sequence[LoadResult]) -> LoadResult:
    """Several runs as one: requests, latencies and statuses added up, over the sum of their times."""
    total = LoadResult()
    for part in rounds:
        total.requests += part.requests
        total.seconds += part.seconds
        total.latencies_ms += part.latencies_ms
        total.statuses.update(part.statuses)
        total.bodies.update(part.bodies)
        total.errors += part.errors
    return total
