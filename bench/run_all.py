"""Every benchmark in one run, one after another, and a summary of which met its target.

    .venv/bin/python bench/run_all.py            # about 10 minutes: pages, dashboard, reminders
    .venv/bin/python bench/run_all.py --quick    # small data and short timings: a smoke run
    .venv/bin/python bench/run_all.py --only pages dashboard

Each benchmark is its own script (see bench/README.md): it creates its PostgreSQL database
(``--server`` or ``BENCH_POSTGRES_URL``, default ``postgres://postgres@127.0.0.1:5432/``), prints
its table of ratios, drops the database and exits with status 1 when it misses its target.
They run in sequence, never together, so that one does not take the CPU from another. Their
output is shown as it comes; the summary at the end lists each one's result and duration.
Exit status 1 when any benchmark missed its target or failed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# name, script, what it compares, target, arguments of a quick run
BENCHMARKS = [
    (
        "pages",
        "run_pages.py",
        "public list and project page against a bare view, cached and uncached",
        "≥ 0.70 cached, ≥ 0.25 uncached",
        ["--seconds", "2", "--warmup", "1", "--projects", "60"],
    ),
    (
        "dashboard",
        "run_dashboard.py",
        "leadership dashboard against raw SQL",
        "≤ 1.5×",
        ["--projects", "300", "--milestones", "3000", "--repeat", "3"],
    ),
    (
        "reminders",
        "run_reminders.py",
        "daily reminder scan against a raw query",
        "≤ 2×",
        ["--projects", "60", "--milestones", "10", "--rounds", "2"],
    ),
]
NAMES = [name for name, *_rest in BENCHMARKS]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small data, short timings")
    parser.add_argument("--only", nargs="+", choices=NAMES, default=NAMES, metavar="NAME")
    parser.add_argument("--server", help="PostgreSQL server URL, passed to every benchmark")
    args = parser.parse_args()

    results = []
    for name, script, what, target, quick_arguments in BENCHMARKS:
        if name not in args.only:
            continue
        command = [sys.executable, str(ROOT / "bench" / script)]
        if args.quick:
            command += quick_arguments
        if args.server:
            command += ["--server", args.server]
        print(f"\n===== {name}: {' '.join(command[1:])}", flush=True)
        started = time.monotonic()
        status = subprocess.call(command, cwd=ROOT, env=os.environ.copy())
        minutes = (time.monotonic() - started) / 60
        result = {0: "pass", 1: "target missed"}.get(status, f"failed (exit {status})")
        results.append((name, what, target, result, minutes))

    print(
        "\n===== summary"
        + (" (quick run: small data, figures not comparable)" if args.quick else "")
    )
    print(f"{'benchmark':<10} | {'compares':<70} | {'target':<31} | {'result':<17} | minutes")
    print(f"{'-' * 10}-+-{'-' * 70}-+-{'-' * 31}-+-{'-' * 17}-+--------")
    for name, what, target, result, minutes in results:
        print(f"{name:<10} | {what:<70} | {target:<31} | {result:<17} | {minutes:7.1f}")
    return 0 if all(result == "pass" for *_rest, result, _minutes in results) else 1


if __name__ == "__main__":
    sys.exit(main())
