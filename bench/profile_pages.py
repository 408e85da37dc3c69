"""Where a page's time goes: cProfile over uncached renders, on the benchmark's data.

    .venv/bin/python bench/profile_pages.py [/projects/ /projects/<id>/ …] [--top 25]

Creates the same database as ``run_pages.py`` (demo plan grown to 500 projects, on
PostgreSQL), renders each page in-process through the full middleware stack with the page
cache off, and prints for each: milliseconds per request, queries and their time, the share
spent rendering templates and form widgets, and the functions with the most own time.
Drops the database at the end. Without paths it profiles the bare view, the list, the
richest project page, the home page and the department list.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import add_server_argument, create_database, drop_database  # noqa: E402
from bench.run_pages import DATABASE_NAME, PYTHON, ROOT, server_environment  # noqa: E402

ROUNDS = 20
# Functions whose cumulative time tells the story, by what a reader would call them.
STAGES = {
    "templates": ("django/template/backends/django.py", "render"),
    "form widgets": ("django/forms/widgets.py", "render"),
    "SQL": ("django/db/backends/utils.py", "_execute"),
    "lights_ensure_current": ("projects/services.py", "lights_ensure_current"),
}


def profile_in_process(paths: list[str], top: int) -> None:
    import cProfile
    import pstats
    import time

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    for path in paths:
        for _ in range(3):
            assert client.get(path).status_code == 200, path
        started = time.perf_counter()
        for _ in range(ROUNDS):
            client.get(path)
        per_request = (time.perf_counter() - started) / ROUNDS * 1000
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        # Read them now: the next request's request_started signal resets the log.
        queries = list(captured.captured_queries)
        sql_ms = sum(float(query["time"]) for query in queries) * 1000

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(ROUNDS):
            client.get(path)
        profiler.disable()
        stats = pstats.Stats(profiler)
        total = max(stats.total_tt, 1e-9)
        shares = []
        for label, (file_end, function) in STAGES.items():
            cumulative = sum(
                entry[3]
                for (filename, _line, name), entry in stats.stats.items()
                if filename.endswith(file_end) and name == function
            )
            shares.append(f"{label} {cumulative / total:.0%}")

        print(f"\n== {path}")
        print(
            f"   {per_request:.1f} ms per request (no profiler); {len(queries)} queries, "
            f"{sql_ms:.1f} ms in the database"
        )
        print(f"   under the profiler, share of time: {', '.join(shares)}")
        print("   most own time:")
        for (filename, line, name), entry in sorted(
            stats.stats.items(), key=lambda item: item[1][2], reverse=True
        )[:top]:
            short = filename.split("site-packages/")[-1].replace(str(ROOT) + "/", "")
            print(f"     {entry[2] / total:6.1%}  {short}:{line} {name}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--top", type=int, default=15)
    add_server_argument(parser)
    parser.add_argument("--projects", type=int, default=500)
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.inner:
        profile_in_process(args.paths, args.top)
        return 0

    database_url = create_database(args.server, DATABASE_NAME)
    try:
        env = server_environment(database_url, "off")
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
        )
        populated = subprocess.run(
            [PYTHON, "bench/populate.py", "--projects", str(args.projects)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        detail_id = json.loads(populated.stdout.strip().splitlines()[-1])["detail_id"]
        paths = args.paths or [
            "/bench/bare/",
            "/projects/",
            f"/projects/{detail_id}/",
            "/",
            "/departments/",
        ]
        subprocess.run(
            [PYTHON, "bench/profile_pages.py", "--inner", "--top", str(args.top), *paths],
            cwd=ROOT,
            env=env,
            check=True,
        )
    finally:
        drop_database(args.server, DATABASE_NAME)
    return 0


if __name__ == "__main__":
    sys.exit(main())
