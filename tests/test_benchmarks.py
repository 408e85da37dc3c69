"""The benchmark command runs every benchmark to the end, on PostgreSQL for real.

``bench/run_all.py --quick --only NAME`` (small data, short timings) for each benchmark, one
test each, against the PostgreSQL server of the test database, and Redis when ``REDIS_URL``
names one (this worker's own database, tests/support/parallel.py) or when 127.0.0.1 answers.
One test per benchmark, so that on several cores they run side by side rather than making one
two-minute test the last to finish; each benchmark has a database of its own name. Timings are
not judged here (a quick run's ratios mean little): every benchmark must finish and report its
figures, and the query counts, which do not depend on the machine, must hold.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ["pages", "queries", "dashboard", "reminders", "import"]

pytestmark = pytest.mark.services


def server_url() -> str:
    params = connection.settings_dict
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    port = params.get("PORT") or 5432
    return f"postgres://{params['USER']}{password}@{params['HOST'] or '127.0.0.1'}:{port}/"


def summary_rows(output: str) -> dict[str, list[str]]:
    """The final table's rows by benchmark: compares, figures, target, result, minutes."""
    table = output.rsplit("===== summary", 1)[-1]
    rows = {}
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if cells and cells[0] in BENCHMARKS:
            rows[cells[0]] = cells[1:]
    return rows


@pytest.mark.parametrize("name", BENCHMARKS)
def test_each_benchmark_runs_to_the_end_and_reports_its_figures(name, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the benchmarks run on PostgreSQL: run with DATABASE_URL=postgres://…")
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    if settings.REDIS_URL:
        # The pages benchmark empties the Redis database it is given: this worker's own.
        env["BENCH_REDIS_URL"] = settings.REDIS_URL

    finished = subprocess.run(
        [
            sys.executable,
            "bench/run_all.py",
            "--quick",
            "--only",
            name,
            "--server",
            server_url(),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )

    output = finished.stdout + finished.stderr
    assert finished.returncode in (0, 1), output[-3000:]  # 1: a target missed, not a failure
    rows = summary_rows(finished.stdout)
    assert list(rows) == [name], output[-3000:]
    _compares, figures, _target, result, _minutes = rows[name]
    assert result in ("pass", "target missed"), (name, result, output[-3000:])
    assert figures != "—" and re.search(r"\d", figures), (name, figures)
    if name == "queries":
        # Not a timing: the same number of queries at both sizes holds on any machine.
        assert result == "pass", output[-3000:]
    if name == "pages":
        assert re.search(r"bare view \d+ req/s", figures)
        assert "API list" in figures
        # Each page's SQL alone and template alone, and what they allow the whole page.
        assert re.search(r"sql alone: list [\d.]+, project [\d.]+", figures)
        assert re.search(r"template alone: list [\d.]+, project [\d.]+", figures)
        assert re.search(r"uncached ceiling: list [\d.]+, project [\d.]+", figures)
