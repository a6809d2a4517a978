"""Where the CPU went during a measurement: the server's processes, PostgreSQL's, this process's, the machine's.

Read from /proc (Linux): user + system time of each live process plus what its reaped children used, so a
process tree is counted once whichever of its processes have exited. The split tells which side of a
benchmark the two shared cores were spent on, per request, next to the throughput.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")
PROC = Path("/proc")


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds of the process and its reaped children), or None once it has gone."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()  # the command name may hold spaces and parentheses
    utime, stime, cutime, cstime = (int(v) for v in fields[11:15])
    return int(fields[1]), (utime + stime + cutime + cstime) / TICK


def _owner(pid: int) -> int:
    try:
        return (PROC / str(pid)).stat().st_uid
    except OSError:
        return -1


def _pids() -> list[int]:
    return [int(p.name) for p in PROC.iterdir() if p.name.isdigit()]


def tree_seconds(root: int) -> float:
    """CPU seconds of a process and all its descendants (threads included)."""
    stats = {pid: stat for pid in _pids() if (stat := _stat(pid)) is not None}
    children: dict[int, list[int]] = {}
    for pid, (parent, _) in stats.items():
        children.setdefault(parent, []).append(pid)
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            total += stats[pid][1]
        todo += children.get(pid, [])
    return total


def postgres_seconds() -> float:
    """CPU seconds of every PostgreSQL server process (the postmaster counts its exited backends)."""
    try:
        uid = Path("/var/lib/postgresql").stat().st_uid
    except OSError:
        return 0.0
    return sum(stat[1] for pid in _pids() if _owner(pid) == uid and (stat := _stat(pid)) is not None)


def machine_seconds() -> float:
    """CPU seconds all cores spent busy since boot: user, nice, system, irq, softirq (not idle, iowait, or the
    time the hypervisor gave to other machines)."""
    values = [int(v) for v in (PROC / "stat").read_text().split("\n", 1)[0].split()[1:]]
    return (values[0] + values[1] + values[2] + values[5] + values[6]) / TICK


def self_seconds() -> float:
    """CPU seconds of this process (all its threads), not counting children."""
    times = os.times()
    return times.user + times.system


@dataclass
class Split:
    """CPU seconds spent per side during one measurement."""

    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, other: Split) -> None:
        """Count another measurement's seconds into this one (several rounds as one)."""
        for side, seconds in other.seconds.items():
            self.seconds[side] = self.seconds.get(side, 0.0) + seconds

    def per(self, count: int) -> dict[str, float]:
        """Milliseconds per unit of work (request, transaction) for each side."""
        return {name: 1000 * value / max(count, 1) for name, value in self.seconds.items()}

    def describe(self, count: int, unit: str) -> str:
        """'CPU per request: server 4.1 ms, PostgreSQL 2.0 ms, ...'."""
        parts = ", ".join(f"{name} {ms:.2f} ms" for name, ms in self.per(count).items())
        return f"CPU per {unit}: {parts}"


@contextmanager
def measure(server_pid: int | None = None, include_self: bool = False) -> Iterator[Split]:
    """Measure the block: the server's tree (if given), PostgreSQL, this process (if asked), the machine.

    'rest' is what the machine spent besides the named sides (the load generator, the kernel's network work
    and anything else running).
    """

    def sample() -> dict[str, float]:
        values = {"PostgreSQL": postgres_seconds(), "machine": machine_seconds()}
        if server_pid is not None:
            values["server"] = tree_seconds(server_pid)
        if include_self:
            values["bench process"] = self_seconds()
        return values

    split = Split()
    before = sample()
    yield split
    after = sample()
    spent = {name: after[name] - before[name] for name in before}
    named = sum(value for name, value in spent.items() if name != "machine")
    ordered = [name for name in ("server", "bench process", "PostgreSQL") if name in spent]
    split.seconds.update({name: spent[name] for name in ordered})
    split.seconds["rest"] = max(0.0, spent["machine"] - named)
    split.seconds["machine"] = spent["machine"]
