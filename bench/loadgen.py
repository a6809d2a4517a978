"""A small HTTP/1.1 keep-alive load generator: prebuilt requests, raw sockets, threads in separate processes.

It stays out of the measurement's way: requests are serialised once up front, each sender thread sends its
own list over one kept-alive socket and only reads the status line, the Content-Length and (optionally) a
short body. Senders are spread over a few processes so the GIL of one process is never the limit.

Closed loop (the default): each sender sends its next request as soon as the previous answer is in, so the
server's speed sets the rate and the latency is that of a saturated server. Open loop (`rate=`): every request
has a scheduled send time, the senders together keep `rate` req/s, and a request's latency runs from its
scheduled time to the end of its answer, so time spent queued behind a slow answer counts (wrk2's way, no
coordinated omission).
"""

from __future__ import annotations

import ctypes
import math
import multiprocessing
import multiprocessing.queues
import multiprocessing.synchronize
import socket
import threading
import time
from collections import Counter
from collections.abc import Sequence
from contextlib import suppress
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
    offered: float = 0.0  # open loop: the scheduled rate in req/s (0.0: closed loop)
    wake_ms: list[float] = field(default_factory=list)  # open loop: how late senders woke for their send time

    @property
    def rate(self) -> float:
        """Requests per second over the run (open loop: from the first scheduled send to the last answer)."""
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def non_2xx(self) -> int:
        return self.errors + sum(n for status, n in self.statuses.items() if not 200 <= status < 300)

    def p(self, q: float) -> float:
        """Nearest-rank latency percentile in ms (p(100) is the slowest answer)."""
        return percentile(sorted(self.latencies_ms), q)

    def add(self, part: LoadResult) -> None:
        """Add another run's requests, latencies, statuses, bodies, errors and wake-ups (not its time)."""
        self.requests += part.requests
        self.latencies_ms += part.latencies_ms
        self.statuses.update(part.statuses)
        self.bodies.update(part.bodies)
        self.errors += part.errors
        self.wake_ms += part.wake_ms


@dataclass(frozen=True)
class Pace:
    """Open loop: a sender's k-th request is due `offset + k * interval` seconds after the common start."""

    offset: float
    interval: float

    def due(self, start: float, k: int) -> float:
        return start + self.offset + k * self.interval


def paces(senders: Sequence[Sequence[bytes]], rate: float) -> list[Pace]:
    """Send times for `rate` req/s in all: each sender spreads its list evenly over the same span, staggered.

    With lists of equal length this is sender i's k-th request at (k * len(senders) + i) / rate. Lists of
    different lengths (a workload's senders carry whole shoppers) each get their own interval, so every sender
    finishes with the others instead of running on alone at the end, one connection at the whole rate.
    """
    span = sum(len(requests) for requests in senders) / rate
    intervals = [span / max(len(requests), 1) for requests in senders]
    return [Pace(interval * i / len(senders), interval) for i, interval in enumerate(intervals)]


class _Connection:
    def __init__(self, port: int) -> None:
        self.port = port
        self.sock: socket.socket | None = None
        self.buffer = b""

    def open(self) -> socket.socket:
        self.sock = socket.create_connection(("127.0.0.1", self.port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""
        return self.sock

    def exchange(self, raw: bytes) -> tuple[int, bytes]:
        for attempt in (1, 2):
            sock = self.sock if self.sock is not None else self.open()
            try:
                sock.sendall(raw)
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


OPEN_LOOP_LEAD = 0.05  # s from the parent's go to the first scheduled send, so every sender thread is awake by then


@dataclass
class _Sync:
    """What the parent and its sender processes share (fork: inherited, never pickled)."""

    ready: multiprocessing.synchronize.Barrier  # every process's senders connected and waiting, and the parent
    go: multiprocessing.synchronize.Event
    start: ctypes.c_double  # the common start on the monotonic clock (CLOCK_MONOTONIC: system-wide on Linux)
    queue: multiprocessing.queues.Queue[LoadResult]


@dataclass
class _Senders:
    """What the sender threads of one process share."""

    port: int
    keep_bodies: bool
    duration: float | None
    threads: int
    start: float = 0.0
    out: LoadResult = field(default_factory=LoadResult)
    lock: threading.Lock = field(default_factory=threading.Lock)
    begin: threading.Event = field(default_factory=threading.Event)
    ready: threading.Barrier = field(init=False)

    def __post_init__(self) -> None:
        self.ready = threading.Barrier(self.threads + 1)


def _sender(group: _Senders, requests: Sequence[bytes], pace: Pace | None) -> None:
    conn, local = _Connection(group.port), LoadResult()
    if pace is not None:
        with suppress(OSError):  # open loop: connect before the clock starts (a failure shows at the first send)
            conn.open()
    group.ready.wait()
    group.begin.wait()
    until = group.start + group.duration if group.duration else None
    for index, raw in enumerate(requests):
        now = time.monotonic()
        began = now if pace is None else pace.due(group.start, index)
        if until is not None and max(now, began) >= until:
            break
        if now < began:
            time.sleep(began - now)
            local.wake_ms.append((time.monotonic() - began) * 1000)
        # A late sender (its previous answer came after this send time) sends at once; its latency still runs
        # from the scheduled time, so the wait behind the slow answer is counted.
        try:
            status, body = conn.exchange(raw)
        except OSError:
            local.errors += 1
            conn.close()
            continue
        local.latencies_ms.append((time.monotonic() - began) * 1000)
        local.statuses[status] += 1
        if group.keep_bodies and len(body) <= 200:
            local.bodies[body.decode("utf-8", "replace").strip()] += 1
    conn.close()
    local.requests = len(local.latencies_ms) + local.errors
    with group.lock:
        group.out.add(local)


def _process(group: _Senders, senders: Sequence[Sequence[bytes]], plan: Sequence[Pace | None], sync: _Sync) -> None:
    threads = [threading.Thread(target=_sender, args=(group, requests, pace))
               for requests, pace in zip(senders, plan, strict=True)]
    for thread in threads:
        thread.start()
    group.ready.wait()
    sync.ready.wait()
    sync.go.wait()
    group.start = sync.start.value
    group.begin.set()
    for thread in threads:
        thread.join()
    group.out.seconds = time.monotonic() - group.start
    sync.queue.put(group.out)


def run_load(port: int, senders: Sequence[Sequence[bytes]], *, duration: float | None = None,
             processes: int = 2, keep_bodies: bool = False, rate: float | None = None) -> LoadResult:
    """Run one sender thread per request list, spread over `processes` processes.

    Every sender sends its list once, in order (unique webhook deliveries stay unique); with `duration`
    it stops early when the time is up. Closed loop by default; with `rate` open loop: the requests go out on
    the schedule of `paces` and latencies run from the scheduled send time. The result's `seconds` runs from
    the common start to the last process's end, so `rate` is the overall throughput.
    """
    context = multiprocessing.get_context("fork")
    plan: list[Pace | None] = list(paces(senders, rate)) if rate else [None] * len(senders)
    indices = [i for i in range(processes) if senders[i::processes]]
    start = context.RawValue(ctypes.c_double, 0.0)
    sync = _Sync(context.Barrier(len(indices) + 1), context.Event(), start, context.Queue())
    workers = [
        context.Process(target=_process, args=(
            _Senders(port, keep_bodies, duration, len(senders[i::processes])), senders[i::processes],
            plan[i::processes], sync))
        for i in indices
    ]
    for worker in workers:
        worker.start()
    try:
        sync.ready.wait(timeout=60)
    except threading.BrokenBarrierError:
        for worker in workers:
            worker.terminate()
        raise
    sync.start.value = time.monotonic() + (OPEN_LOOP_LEAD if rate else 0.0)
    sync.go.set()
    parts = [sync.queue.get() for _ in workers]
    for worker in workers:
        worker.join()
    total = LoadResult(offered=rate or 0.0)
    for part in parts:
        total.add(part)
        total.seconds = max(total.seconds, part.seconds)
    return total


def combined(rounds: Sequence[LoadResult]) -> LoadResult:
    """Several runs as one: requests, latencies and statuses added up, over the sum of their times."""
    total = LoadResult()
    for part in rounds:
        total.add(part)
        total.seconds += part.seconds
    return total
