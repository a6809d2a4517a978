"""wrk (Debian's package) as the load generator for reads: C and epoll, so the senders take little of the CPU.

Used where only statuses and latencies matter (the widget and its ceiling); the webhook keeps loadgen.py,
which counts the answers' bodies. Each sender list is sent once: the requests of a wrk thread's senders go into
one file, the thread's connections take them in turn, and the thread stops when its file is used up (at most
one request per connection, in flight then, is not counted). Every latency wrk recorded comes back, so
percentiles over several runs are exact.
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from loadgen import LoadResult, run_load

THREADS = 2  # one per core, as loadgen.py's processes

SCRIPT = r"""
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_usec; } bench_timeval;
int gettimeofday(bench_timeval *tv, void *tz);
]]
local tv = ffi.new("bench_timeval")
local function now_us()
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) * 1000000 + tonumber(tv.tv_usec)
end

-- Globals where setup() and done() reach them through thread:set/get: the thread's number, its statuses,
-- when it sent its first request and received its last answer.
id, counts, first, last = -1, {}, 0, 0
local requests, index, prefix, finished = {}, 0, "", false
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  prefix = args[1]
  local f = assert(io.open(prefix .. "." .. id, "rb"))
  local data = f:read("*a")
  f:close()
  for raw in string.gmatch(data, "([^%z]+)%z") do
    table.insert(requests, raw)
  end
end

function request()
  if first == 0 then first = now_us() end
  index = index + 1
  if index > #requests then
    if not finished then
      finished = true
      assert(io.open(prefix .. ".done." .. id, "w")):close()  -- tells the harness this thread is through
    end
    wrk.thread:stop()
    return requests[#requests]
  end
  return requests[index]
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
  last = now_us()
end

function done(summary, latency, requests)
  local began, ended = math.huge, 0
  for _, thread in ipairs(threads) do
    began = math.min(began, thread:get("first"))
    ended = math.max(ended, thread:get("last"))
    for status, n in pairs(thread:get("counts")) do
      io.write(string.format("STATUS %d %d\n", status, n))
    end
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %d %d %d\n", summary.requests, ended - began, errors))
  local i, seen = 1, 0
  while seen < summary.requests do
    local value, n = latency(i)
    if value == 0 and i > 1 then break end
    io.write(string.format("LAT %d %d\n", value, n))
    seen, i = seen + n, i + 1
  end
end
"""


def available() -> bool:
    """Whether wrk is installed (.ci/run installs it; `apt-get install wrk` elsewhere)."""
    return shutil.which("wrk") is not None


def send_reads(port: int, senders: Sequence[Sequence[bytes]]) -> LoadResult:
    """Each sender's requests once: through wrk when it is installed, else through loadgen.py."""
    return run_wrk(port, senders) if available() else run_load(port, [list(s) for s in senders])


def generator() -> str:
    """Which load generator `send_reads` uses here (printed with the results)."""
    return "wrk" if available() else "loadgen.py (wrk not installed)"


def run_wrk(port: int, senders: Sequence[Sequence[bytes]], timeout: float = 600.0) -> LoadResult:
    """Send every sender's requests once over len(senders) kept-alive connections; statuses and latencies."""
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as folder:
        prefix = Path(folder) / "requests"
        for thread in range(THREADS):
            mine = [raw for sender in senders[thread::THREADS] for raw in sender]
            if b"\0" in b"".join(mine):
                raise ValueError("a request holds a NUL byte")
            (prefix.parent / f"requests.{thread}").write_bytes(b"".join(raw + b"\0" for raw in mine))
        script = Path(folder) / "once.lua"
        script.write_text(SCRIPT)
        command = [
            "wrk",
            "-t",
            str(THREADS),
            "-c",
            str(max(THREADS, len(senders))),
            "-d",
            f"{int(timeout)}s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}",
            "--",
            str(prefix),
        ]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # wrk runs for its whole -d unless interrupted: once every thread has used up its requests, SIGINT
        # makes it stop at once and report (its done() measures from the first request to the last answer).
        deadline = time.monotonic() + timeout
        markers = [prefix.parent / f"requests.done.{thread}" for thread in range(THREADS)]
        while not all(m.exists() for m in markers) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
        if "RESULT" not in out:
            raise RuntimeError(f"wrk failed: {err.strip() or out.strip()}")
    return parse(out)


def parse(out: str) -> LoadResult:
    """The lines the script's done() wrote, as a LoadResult (latencies in milliseconds)."""
    result = LoadResult()
    for kind, *numbers in (line.split() for line in out.splitlines() if re.match(r"^(RESULT|STATUS|LAT) ", line)):
        values = [int(n) for n in numbers]
        if kind == "RESULT":
            result.requests, result.seconds, result.errors = values[0] + values[2], values[1] / 1e6, values[2]
        elif kind == "STATUS":
            result.statuses[values[0]] += values[1]
        else:
            result.latencies_ms += [values[0] / 1000] * values[1]
    return result
