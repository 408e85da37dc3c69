"""Every benchmark in one run, one after another, and a summary of which met its target.

    .venv/bin/python bench/run_all.py            # about 15 minutes
    .venv/bin/python bench/run_all.py --quick    # small data and short timings: a smoke run (1–2 min)
    .venv/bin/python bench/run_all.py --only pages import

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
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import DEFAULT_SERVER, postgres_version  # noqa: E402

# name, script, what it compares, target, arguments of a quick run
BENCHMARKS = [
    (
        "pages",
        "run_pages.py",
        "public list and project page (cached, uncached), API list: against a bare view",
        "pages ≥ 0.70 cached, ≥ 0.25 uncached; API: none set",
        ["--seconds", "1", "--warmup", "0.5", "--projects", "60"],
    ),
    (
        "queries",
        "run_queries.py",
        "queries per page, API and admin list at 50 and at 10,000 projects",
        "the same at both sizes",
        ["--projects-large", "150"],
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
        ["--projects", "200", "--milestones", "20", "--rounds", "2"],
    ),
    (
        "import",
        "run_import.py",
        "10,000 spreadsheet rows through django-import-export against bulk_create",
        "≤ 5×",
        ["--rows", "500", "--rounds", "1"],
    ),
]
NAMES = [name for name, *_rest in BENCHMARKS]
# Each benchmark ends with a line starting with this: its figures in one line.
SUMMARY_PREFIX = "summary: "


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
        status, figures = run(command)
        minutes = (time.monotonic() - started) / 60
        result = {0: "pass", 1: "target missed"}.get(status, f"failed (exit {status})")
        results.append((name, what, target, figures or "—", result, minutes))

    print(
        "\n===== summary"
        + (" (quick run: small data, figures not comparable)" if args.quick else "")
    )
    print(f"{time.strftime('%Y-%m-%d %H:%M %Z')}; {machine(args.server or DEFAULT_SERVER)}\n")
    print("| benchmark | compares | figures | target | result | minutes |")
    print("|---|---|---|---|---|---|")
    for name, what, target, figures, result, minutes in results:
        print(f"| {name} | {what} | {figures} | {target} | {result} | {minutes:.1f} |")
    return 0 if all(result == "pass" for *_rest, result, _minutes in results) else 1


def run(command: list[str]) -> tuple[int, str]:
    """Run one benchmark, showing its output as it comes; its status and its summary line."""
    figures = ""
    with subprocess.Popen(
        command,
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    ) as process:
        for line in process.stdout:
            print(line, end="", flush=True)
            if line.startswith(SUMMARY_PREFIX):
                figures = line.removeprefix(SUMMARY_PREFIX).strip()
    return process.returncode, figures


def machine(server: str) -> str:
    """The machine the figures were measured on."""
    try:
        postgres = f"PostgreSQL {postgres_version(server)}"
    except Exception:  # the benchmarks' output says what failed; this is only a label
        postgres = "PostgreSQL unreachable"
    load = "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{postgres}, load average at the end {load}"
    )


if __name__ == "__main__":
    sys.exit(main())
