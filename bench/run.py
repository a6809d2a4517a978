"""Run the benchmarks against the real product and print each one's ratio to its limit and its goal.

    python bench/run.py [--quick] [--only NAME]

Needs PostgreSQL on 127.0.0.1:5432 (user postgres); uses its own database `bench`
(LOYALTY_BENCH_DATABASE_URL to change it), created when missing and emptied by every benchmark.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH), str(BENCH.parent)]

import harness  # noqa: E402

BENCHMARKS = {  # name → module in bench/ with `run(quick) -> list[Row]`
    "webhook": "webhook",
    "widget": "widget",
    "outbox": "outbox",
    "big_ledger": "big_ledger",
}


def main() -> int:
    """Parse the options, run the chosen benchmarks, print the table; exit 1 if one of them broke."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for CI (well under a minute)")
    parser.add_argument("--only", choices=sorted(BENCHMARKS), action="append", help="run only this one")
    args = parser.parse_args()
    (harness.ROOT / "instance").mkdir(exist_ok=True)
    harness.ensure_database()
    rows: list[harness.Row] = []
    broken = 0
    for name in args.only or list(BENCHMARKS):
        began = time.monotonic()
        print(f"== {name}", flush=True)
        try:
            rows += importlib.import_module(BENCHMARKS[name]).run(args.quick)
        except Exception as exc:  # noqa: BLE001 - report the failure in the table, run the others
            broken += 1
            rows.append(harness.Row(name, "error", "", None, "", False, f"{type(exc).__name__}: {exc}"))
        print(f"   {time.monotonic() - began:.1f} s", flush=True)
    print()
    harness.print_table(rows)
    if args.quick:
        print("\n(--quick: small sizes for CI; the README's numbers come from a full run)")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
