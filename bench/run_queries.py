"""SQL queries per page with 50 and with 10,000 projects: a page's count must not grow with the data.

    .venv/bin/python bench/run_queries.py [--projects-large 10000] [--verbose]
    .venv/bin/python bench/run_queries.py --projects-large 500      # a quick run, about a minute

What it does, in one run (three to four minutes with the default 10,000 projects):

1. creates a fresh PostgreSQL database (``minsheng_bench_queries`` on ``--server``, or
   ``BENCH_POSTGRES_URL``, default ``postgres://postgres@127.0.0.1:5432/``), migrates it and
   loads the demo plan: ``manage.py bench_data --projects 50``;
2. requests each address below with Django's test client, in this process, through the full
   middleware with the page cache off (``bench.settings`` with ``BENCH_CACHE=off``: every
   page runs its view, queries and templates), once to warm up and once counted
   (``CaptureQueriesContext``) and timed;
3. grows the plan with ``bench_data --projects 10000 --milestones-per-project 10
   --comments-per-project 10`` (``--projects-large``) and measures the same addresses again;
4. prints a table: address, queries at 50, queries at the large size, whether they are the
   same, and milliseconds of the counted request at each size (for information; no target).

Target: every address runs the same number of queries at both sizes, a fixed count that
does not grow with the data. Exit status 1 when an address differs or answers anything but
200. ``--verbose`` prints the SQL of an address whose count differs, as a diff of the two
sizes (numbers in the SQL replaced by ``N``). The database is dropped in a ``finally``.

Addresses: the home page, the project list (plain, and filtered by category and sorted by
progress), the richest demo project's page and its comments, a sample project's page and
comments (those exist only after the growth: "–" at 50), the department list and the
richest project's lead department, the plan's and the project's feeds, the API's project
list, project and comments of the project; signed in as the demo ``leader``: the dashboard
and its project table; as ``coordinator``: the admin's project and comment changelists.
"""

from __future__ import annotations

import argparse
import datetime
import difflib
import io
import json
import os
import platform
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    add_server_argument,
    create_database,
    drop_database,
    postgres_version,
    setup_django,
)

DATABASE_NAME = "minsheng_bench_queries"
SMALL = 50


# --------------------------------------------------------------------------------------
# The database
# --------------------------------------------------------------------------------------


def bench_data(**options) -> tuple[dict, float]:
    from django.core.management import call_command

    out = io.StringIO()
    started = time.monotonic()
    call_command("bench_data", json=True, stdout=out, stderr=io.StringIO(), **options)
    return json.loads(out.getvalue().strip().splitlines()[-1]), time.monotonic() - started


# --------------------------------------------------------------------------------------
# The addresses and their measurement
# --------------------------------------------------------------------------------------


@dataclass
class Address:
    label: str
    path: str | None  # None: does not exist at this size
    user: str | None = None  # demo account signed in, None for a visitor


@dataclass
class Measure:
    status: int | None = None
    queries: list[str] = field(default_factory=list)
    ms: float = 0.0
    error: str = ""

    @property
    def count(self) -> int:
        return len(self.queries)


def addresses(detail_id: int, sample_id: int | None) -> list[Address]:
    """What to request, with the ids of this database (the demo's ids do not change)."""
    from django.urls import reverse

    from projects.models import Category, Plan, Project

    plan = Plan.objects.get(year=2024)
    category = Category.objects.get(code="education")
    department_id = Project.objects.get(pk=detail_id).lead_department_id

    def sample(path: str) -> str | None:
        return path.format(sample_id) if sample_id else None

    return [
        Address("/", "/"),
        Address("/projects/", "/projects/"),
        Address(
            "/projects/?category=<education>&sort=-progress",
            f"/projects/?category={category.pk}&sort=-progress",
        ),
        Address("/projects/<richest demo>/", f"/projects/{detail_id}/"),
        Address("/projects/<richest demo>/comments/", f"/projects/{detail_id}/comments/"),
        Address("/projects/<sample No. 51>/", sample("/projects/{}/")),
        Address("/projects/<sample No. 51>/comments/", sample("/projects/{}/comments/")),
        Address("/departments/", "/departments/"),
        Address("/departments/<its lead department>/", f"/departments/{department_id}/"),
        Address(f"/feeds/plans/{plan.year}/", f"/feeds/plans/{plan.year}/"),
        Address("/feeds/projects/<richest demo>/", f"/feeds/projects/{detail_id}/"),
        Address("/api/v1/projects/", "/api/v1/projects/"),
        Address("/api/v1/projects/<richest demo>/", f"/api/v1/projects/{detail_id}/"),
        Address(
            "/api/v1/comments/?project=<richest demo>", f"/api/v1/comments/?project={detail_id}"
        ),
        Address("/dashboard/ (leader)", "/dashboard/", "leader"),
        Address("/dashboard/projects/ (leader)", "/dashboard/projects/", "leader"),
        Address(
            "admin project changelist (coordinator)",
            reverse("admin:projects_project_changelist"),
            "coordinator",
        ),
        Address(
            "admin comment changelist (coordinator)",
            reverse("admin:feedback_comment_changelist"),
            "coordinator",
        ),
    ]


def measure_all(targets: list[Address]) -> dict[str, Measure]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    users = {user.username: user for user in get_user_model().objects.all()}
    clients: dict[str | None, Client] = {}
    results = {}
    for target in targets:
        if target.path is None:
            continue
        if target.user not in clients:
            clients[target.user] = client = Client()
            if target.user:
                client.force_login(users[target.user])
        client = clients[target.user]
        result = Measure()
        try:
            client.get(target.path)  # warm-up: lazy light refresh, first-use caches
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(target.path)
                result.ms = (time.perf_counter() - started) * 1000
            result.status = response.status_code
            result.queries = [query["sql"] for query in captured.captured_queries]
            if response.status_code != 200:
                result.error = f"status {response.status_code}"
        except Exception as error:  # reported, then the run fails
            result.error = f"{type(error).__name__}: {error}"
        results[target.label] = result
        mark = f"  ERROR {result.error}" if result.error else ""
        print(f"  {target.label:<50} {result.count:>4} queries {result.ms:8.1f} ms{mark}")
    return results


# --------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------


def normalised(sql: str) -> str:
    """SQL with its numbers as N, so ids and dates that differ between the sizes compare equal."""
    return re.sub(r"\b\d+\b", "N", sql)


def table(
    labels: list[str], small: dict[str, Measure], large: dict[str, Measure], large_size: int
) -> tuple[str, list[str], list[str]]:
    size = f"{large_size:,}"
    headers = ["address", f"queries at {SMALL}", f"queries at {size}", "same?"]
    headers += [f"ms at {SMALL}", f"ms at {size}"]
    rows, differing, errors = [], [], []
    for label in labels:
        a, b = small.get(label), large.get(label)
        for size_name, result in ((str(SMALL), a), (size, b)):
            if result and result.error:
                errors.append(f"{label} at {size_name}: {result.error}")
        if a and b:
            same = "yes" if a.count == b.count else "NO"
            if a.count != b.count:
                differing.append(label)
        else:
            same = "–"
        rows.append(
            [
                label,
                str(a.count) if a else "–",
                str(b.count) if b else "–",
                same,
                f"{a.ms:.1f}" if a else "–",
                f"{b.ms:.1f}" if b else "–",
            ]
        )
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells):
        return (
            "| "
            + " | ".join(
                cell.ljust(width) if i == 0 else cell.rjust(width)
                for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
            )
            + " |"
        )

    separator = "|" + "|".join("-" * (width + 2) for width in widths) + "|"
    return "\n".join([line(headers), separator, *(line(row) for row in rows)]), differing, errors


def sql_diff(label: str, small: Measure, large: Measure, large_size: int) -> str:
    diff = difflib.unified_diff(
        [normalised(sql) for sql in small.queries],
        [normalised(sql) for sql in large.queries],
        fromfile=f"{label} at {SMALL}",
        tofile=f"{label} at {large_size:,}",
        lineterm="",
        n=1,
    )
    return "\n".join(diff)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_server_argument(parser)
    parser.add_argument(
        "--projects-large",
        type=int,
        default=10_000,
        help="projects of the second measurement (default 10,000; 500 for a quick run)",
    )
    parser.add_argument(
        "--verbose", action="store_true", help="print the SQL of the addresses whose count differs"
    )
    args = parser.parse_args()
    if not SMALL < args.projects_large <= 100_000:
        parser.error(f"--projects-large must be between {SMALL + 1} and 100,000")

    started = time.monotonic()
    database_created = False
    try:
        version = postgres_version(args.server)
        database_url = create_database(args.server, DATABASE_NAME)
        database_created = True
        setup_django(
            database_url,
            "bench.settings",
            BENCH_CACHE="off",  # every page renders in full: its queries are what is counted
            DJANGO_ALLOWED_HOSTS="testserver,127.0.0.1",
        )
        from django.core.management import call_command
        from django.db import connection

        from projects.models import Project

        print(f"database {DATABASE_NAME}: migrating …", flush=True)
        call_command("migrate", interactive=False, verbosity=0)
        data, seconds = bench_data(projects=SMALL)
        detail_id = data["detail_id"]
        print(f"{data['projects']} projects (bench_data: {seconds:.1f} s); measuring …", flush=True)
        labels = [a.label for a in addresses(detail_id, None)]
        small = measure_all(addresses(detail_id, None))

        print(f"growing to {args.projects_large:,} projects …", flush=True)
        data, seconds = bench_data(
            projects=args.projects_large, milestones_per_project=10, comments_per_project=10
        )
        print(
            f"{data['projects']:,} projects, {data['milestones']:,} milestones, "
            f"{data['comments']:,} comments (bench_data: {seconds:.1f} s); measuring …",
            flush=True,
        )
        sample_id = Project.objects.get(plan__year=2024, number=SMALL + 1).pk
        large = measure_all(addresses(detail_id, sample_id))
        connection.close()
    finally:
        if database_created:
            drop_database(args.server, DATABASE_NAME)

    report, differing, errors = table(labels, small, large, args.projects_large)
    print()
    print(
        f"Queries per page, {datetime.date.today().isoformat()} — {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, PostgreSQL {version}; "
        f"page cache off, in-process test client, second request of each address counted"
    )
    print()
    print(report)
    print()
    if args.verbose:
        for label in differing:
            print(sql_diff(label, small[label], large[label], args.projects_large))
            print()
    for error in errors:
        print(f"error: {error}")
    passed = not differing and not errors
    if differing:
        print(f"differ between the sizes: {', '.join(differing)}")
        if not args.verbose:
            print("(--verbose prints their SQL)")
    print(
        f"target: the same number of queries at {SMALL} and at {args.projects_large:,} projects "
        f"at every address: {'pass' if not differing else 'MISSED'}"
        + ("" if not errors else f"; {len(errors)} address(es) failed")
    )
    print(f"(total time {time.monotonic() - started:.0f} s)")
    compared = [label for label in labels if label in small and label in large]
    counts = [large[label].count for label in compared] or [0]
    print(
        f"summary: {len(compared) - len(differing)} of {len(compared)} addresses run the same "
        f"number of queries at {SMALL} and at {args.projects_large:,} projects "
        f"({min(counts)} to {max(counts)} each)"
        + (f"; differ: {', '.join(differing)}" if differing else "")
        + (f"; {len(errors)} failed" if errors else "")
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
