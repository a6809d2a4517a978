"""Profile the product as it runs in the benchmarks: py-spy on one gunicorn worker under the webhook load.

    python bench/profile_server.py [--seconds 12] [--requests 12000]

Only samples that hold the GIL are kept (`py-spy --gil`), so the shares are of the worker's Python CPU, not of
its waits on PostgreSQL. Prints the functions by inclusive share. Needs the `bench` extra (py-spy) and the
rights to trace a process (root, or ptrace allowed).
"""

from __future__ import annotations

import argparse
import collections
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH), str(BENCH.parent)]

import harness  # noqa: E402
import workload  # noqa: E402
from loadgen import run_load  # noqa: E402

SHOPS = 20  # as bench/webhook.py


def main() -> None:
    """Reset the bench database, load the product with webhooks, sample one worker, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=12)
    parser.add_argument("--requests", type=int, default=12000)
    parser.add_argument("--top", type=int, default=60)
    args = parser.parse_args()
    harness.ensure_database()
    harness.reset_schema()
    workload.register_shops(SHOPS)
    warm = workload.build(SHOPS, 1500, tag=99)
    load = workload.build(SHOPS, args.requests, tag=1)
    with tempfile.NamedTemporaryFile(suffix=".txt") as out, harness.product_server() as port:
        run_load(port, warm.senders, keep_bodies=True)
        workers = subprocess.run(["pgrep", "-P", str(harness.SERVERS[port])], capture_output=True, text=True)
        sender = threading.Thread(target=run_load, args=(port, load.senders), kwargs={"keep_bodies": True})
        sender.start()
        time.sleep(3)  # past the start of the load
        spy = Path(sys.executable).with_name("py-spy")
        subprocess.run([str(spy), "record", "-p", workers.stdout.split()[0], "-d", str(args.seconds), "-r", "250",
                        "--gil", "--nonblocking", "--format", "raw", "-o", out.name], capture_output=True, check=True)
        sender.join()
        print_shares(Path(out.name).read_text(), args.top)


def print_shares(raw: str, top: int) -> None:
    """Functions by the share of samples they are on the stack of (each counted once per sample)."""
    total, inclusive = 0, collections.Counter[str]()
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        total += int(count)
        inclusive.update({frame.split(" (")[0]: int(count) for frame in set(stack.split(";"))})
    print(f"{total} samples holding the GIL")
    for name, count in inclusive.most_common(top):
        print(f"{count / total * 100:5.1f} %  {name}")


if __name__ == "__main__":
    main()
