"""Requests per second of the public pages against a bare view, served by gunicorn on PostgreSQL.

    .venv/bin/python bench/run_pages.py [--seconds 12] [--concurrency 4] [--projects 500]

What it does, in one run (about two and a half minutes):

1. creates a fresh PostgreSQL database (``minsheng_bench``), migrates it, loads the demo
   plan and grows it to ``--projects`` projects (``bench/populate.py``);
2. starts gunicorn (``bench.wsgi``, 2 sync workers, DEBUG off) with the page cache on and
   measures ``/bench/bare/``, ``/projects/`` and ``/projects/<id>/``;
3. starts a second gunicorn whose page cache is Django's ``DummyCache`` (``BENCH_CACHE=off``)
   and measures the same three addresses: every page request renders in full, with its
   queries; nothing is cached, so these are the honest "uncached" figures. On the same
   server it measures each page's two parts alone (``bench/urls.py``): its SQL statements
   replayed over a plain cursor (``/bench/sql/?path=…``) and its template rendered with the
   context its view built once (``/bench/template/?path=…``), which bound what the whole
   page can reach;
4. when Redis answers, a third gunicorn with the page cache on Redis, as in production;
5. prints each address's requests per second, its ratio to the bare view measured on the
   same server, the target and pass/fail; stops the servers and drops the database, always.

The bare view is a plain ``HttpResponse`` behind the same middleware (sessions, language,
CSRF, auth, history …), so the ratio says what the page itself costs on top of the
framework. The load generator runs on the same machine (loopback only): ``--concurrency``
processes, each sending one request after another, so it competes with gunicorn for the
CPU just as it does for the bare view. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import multiprocessing
import os
import platform
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    AS_OF_DATE,
    add_server_argument,
    create_database,
    drop_database,
    postgres_version,
)

PYTHON = sys.executable
DATABASE_NAME = "minsheng_bench"
TARGETS = {"cached": 0.7, "uncached": 0.25, "redis": 0.7}
API_LIST = "/api/v1/projects/"  # the first page of the list, as JSON: measured, no target
# Each page's parts measured alone (bench/urls.py): its SQL replayed over a plain cursor, and
# its template rendered with the context its view built once.
PARTS = {"sql": "/bench/sql/?path=", "template": "/bench/template/?path="}
INFO_LABELS = {"api"} | {f"{part}-{page}" for part in PARTS for page in ("list", "detail")}


@dataclass
class Result:
    server: str
    path: str
    label: str
    requests: int
    seconds: float
    errors: int
    cache_header: dict

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


# --------------------------------------------------------------------------------------
# The servers
# --------------------------------------------------------------------------------------


def server_environment(database_url: str, cache: str, redis_url: str = "") -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "DJANGO_DEBUG", "MINSHENG_AS_OF_DATE"}
    }
    if redis_url:  # the page cache (and the broker, unused here) on Redis, as in production
        env["REDIS_URL"] = redis_url
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_SECRET_KEY="bench-only-secret-key-not-for-production-0123456789",
        DJANGO_DEBUG="false",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url,
        DJANGO_STATIC_MANIFEST="false",
        MINSHENG_AS_OF_DATE=AS_OF_DATE,
        BENCH_CACHE=cache,
        LOG_LEVEL="WARNING",
        # The clients all come from 127.0.0.1: the API's per-client limit would answer 429.
        # The throttle still runs (a cache read and write per request), as in production.
        API_ANON_RATE="100000000/minute",
        PYTHONPATH=str(ROOT),
    )
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "bench.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )


def stop_server(server: subprocess.Popen | None) -> None:
    if server is None or server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)  # the group of the server this script started
        server.wait(timeout=5)


def get(port: int, path: str) -> tuple[int, bytes, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        connection.close()


def wait_until_up(port: int, server: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited while starting")
        try:
            if get(port, "/bench/bare/")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer in time")


# --------------------------------------------------------------------------------------
# The load generator
# --------------------------------------------------------------------------------------


def _hammer(args) -> tuple[int, int, dict]:
    """One client: requests one after another until the deadline, reconnecting as needed.

    gunicorn's sync workers close the connection after each response; ``http.client``
    opens a new one for the next request, as a browser would.
    """
    port, path, deadline = args
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    done = errors = 0
    cache_header: dict[str, int] = {}
    while time.monotonic() < deadline:
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            errors += 1
            connection.close()
            continue
        if response.status == 200:
            done += 1
            state = response.getheader("X-Page-Cache", "-")
            cache_header[state] = cache_header.get(state, 0) + 1
        else:
            errors += 1
        if response.will_close:
            connection.close()
    connection.close()
    return done, errors, cache_header


def measure(pool, port: int, path: str, seconds: float, concurrency: int) -> tuple:
    start = time.monotonic()
    deadline = start + seconds
    outcomes = pool.map(_hammer, [(port, path, deadline)] * concurrency)
    elapsed = time.monotonic() - start
    cache_header: dict[str, int] = {}
    for _done, _errors, states in outcomes:
        for state, count in states.items():
            cache_header[state] = cache_header.get(state, 0) + count
    return (
        sum(done for done, _e, _s in outcomes),
        elapsed,
        sum(errors for _d, errors, _s in outcomes),
        cache_header,
    )


def run_server(*, label: str, env: dict, pages: list[tuple[str, str]], args, pool) -> list[Result]:
    port = free_port()
    server = start_server(env, port, args.workers)
    results = []
    try:
        wait_until_up(port, server)
        for path, _name in pages:
            status, body, _headers = get(port, path)
            if status != 200:
                raise RuntimeError(f"{path} answered {status}")
        for path, name in pages:
            measure(pool, port, path, args.warmup, args.concurrency)
            requests, elapsed, errors, cache_header = measure(
                pool, port, path, args.seconds, args.concurrency
            )
            results.append(Result(label, path, name, requests, elapsed, errors, cache_header))
            print(
                f"  {label:8} {path:36} {requests / elapsed:8.1f} req/s  "
                f"errors {errors}  X-Page-Cache {cache_header}",
                flush=True,
            )
    finally:
        stop_server(server)
    return results


# --------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------


def table(results: list[Result], meta: dict) -> tuple[str, bool]:
    bare = {r.server: r.rate for r in results if r.label == "bare"}
    lines = [
        f"Page benchmark, {meta['date']} — {meta['machine']}",
        f"gunicorn {meta['workers']} sync workers, PostgreSQL {meta['postgres']}, "
        f"{meta['projects']} projects, {meta['concurrency']} client processes, "
        f"{meta['seconds']:g} s per address after {meta['warmup']:g} s warm-up; "
        f"load average before {meta['load_before']}, after {meta['load']}",
        "",
        f"| {'address':36} | {'server':8} | {'req/s':>8} | {'ratio to bare':>13} "
        f"| {'target':>6} | {'result':6} |",
        f"|{'-' * 38}|{'-' * 10}|{'-' * 10}|{'-' * 15}|{'-' * 8}|{'-' * 8}|",
    ]
    passed = True
    for result in results:
        ratio = result.rate / bare[result.server] if bare.get(result.server) else 0.0
        if result.label == "bare":
            target, verdict = "", ""
        elif result.label in INFO_LABELS:
            target, verdict = "—", "info"
        else:
            goal = TARGETS[result.server]
            ok = ratio >= goal and result.errors == 0
            passed &= ok
            target, verdict = f"≥{goal:.2f}", "pass" if ok else "FAIL"
        lines.append(
            f"| {result.path:36} | {result.server:8} | {result.rate:8.1f} | {ratio:13.2f} "
            f"| {target:>6} | {verdict:6} |"
        )
    for name, label in (("list", "/projects/"), ("detail", "project page")):
        if (limit := ceiling(results, name)) is not None:
            verdict = "below" if limit < TARGETS["uncached"] else "within reach of"
            lines.append(
                f"\n{label}: its SQL and its template, each measured alone, together leave at "
                f"most {limit:.2f} of the bare view however little the rest of the page costs: "
                f"{verdict} the uncached target of {TARGETS['uncached']:.2f}."
            )
    return "\n".join(lines), passed


def ceiling(results: list[Result], name: str) -> float | None:
    """The best ratio a page that runs this SQL and renders this template could reach.

    With ``b`` the bare view's cost per request, a part measured alone at ratio ``r`` costs
    ``b (1/r - 1)`` on top of it; a page that does both costs at least the sum.
    """
    bare = next((r.rate for r in results if r.server == "uncached" and r.label == "bare"), 0)
    rates = {r.label: r.rate for r in results if r.server == "uncached"}
    parts = [rates.get(f"{part}-{name}") for part in PARTS]
    if not bare or not all(parts):
        return None
    return 1 / (1 + sum(bare / rate - 1 for rate in parts))


def redis_ready(url: str) -> bool:
    """Whether Redis answers at ``url``; its database is emptied (the benchmark's own)."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
        client.flushdb()
        client.close()
    except (redis.RedisError, OSError, ValueError):
        return False
    return True


def summary(results: list[Result], meta: dict) -> str:
    """One line: each address's ratio to the bare view of its server."""
    bare = {r.server: r.rate for r in results if r.label == "bare"}
    ratios = {
        (r.server, r.label): r.rate / bare[r.server]
        for r in results
        if r.label != "bare" and bare.get(r.server)
    }
    parts = []
    for server in ("cached", "uncached", "redis"):
        if (server, "list") in ratios:
            parts.append(
                f"{server}: list {ratios[server, 'list']:.2f}, project {ratios[server, 'detail']:.2f}"
            )
    for part in PARTS:
        if ("uncached", f"{part}-list") in ratios:
            parts.append(
                f"{part} alone: list {ratios['uncached', f'{part}-list']:.2f}, "
                f"project {ratios['uncached', f'{part}-detail']:.2f}"
            )
    limits = [ceiling(results, name) for name in ("list", "detail")]
    if all(limit is not None for limit in limits):
        parts.append(f"uncached ceiling: list {limits[0]:.2f}, project {limits[1]:.2f}")
    if ("cached", "api") in ratios:
        parts.append(f"API list {ratios['cached', 'api']:.2f}")
    bare_rate = bare.get("cached", 0.0)
    return f"{meta.get('projects', '?')} projects, bare view {bare_rate:.0f} req/s; " + "; ".join(
        parts
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_server_argument(parser)
    parser.add_argument("--seconds", type=float, default=12, help="measuring time per address")
    parser.add_argument("--warmup", type=float, default=3, help="warm-up time per address")
    parser.add_argument("--concurrency", type=int, default=4, help="client processes")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--projects", type=int, default=500, help="projects in the plan")
    parser.add_argument(
        "--redis",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"),
        help="Redis database for the third server's page cache, emptied before and after "
        "(env BENCH_REDIS_URL); skipped when Redis does not answer",
    )
    args = parser.parse_args()

    started = time.monotonic()
    meta = {
        "date": datetime.date.today().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "workers": args.workers,
        "concurrency": args.concurrency,
        "seconds": args.seconds,
        "warmup": args.warmup,
        "load_before": "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg()),
    }
    results: list[Result] = []
    database_created = False
    # fork: the clients need nothing from Django and start at once.
    pool = multiprocessing.get_context("fork").Pool(args.concurrency)
    try:
        meta["postgres"] = postgres_version(args.server)
        database_url = create_database(args.server, DATABASE_NAME)
        database_created = True
        env = server_environment(database_url, "on")
        print(f"database {DATABASE_NAME}: migrating and loading data …", flush=True)
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
        data = json.loads(populated.stdout.strip().splitlines()[-1])
        meta["projects"] = data["projects"]
        pages = [
            ("/bench/bare/", "bare"),
            ("/projects/", "list"),
            (f"/projects/{data['detail_id']}/", "detail"),
        ]
        print(f"{data['projects']} projects; measuring …", flush=True)
        # The API has no page cache (clients revalidate with ETags): it is measured once, on
        # the server configured as in production.
        results += run_server(
            label="cached", env=env, pages=[*pages, (API_LIST, "api")], args=args, pool=pool
        )
        # The same server also runs each page's parts alone: its SQL statements without the
        # ORM or a template, and its template without a query. What each leaves of the bare
        # view's rate bounds what the whole page can reach.
        part_pages = [
            (f"{prefix}{path}", f"{part}-{name}")
            for part, prefix in PARTS.items()
            for path, name in pages[1:]
        ]
        results += run_server(
            label="uncached",
            env=server_environment(database_url, "off"),
            pages=[*pages, *part_pages],
            args=args,
            pool=pool,
        )
        if redis_ready(args.redis):
            results += run_server(
                label="redis",
                env=server_environment(database_url, "on", args.redis),
                pages=pages,
                args=args,
                pool=pool,
            )
            redis_ready(args.redis)  # emptied again
        else:
            print(f"Redis does not answer at {args.redis}: no figures with the cache on Redis")
    finally:
        pool.terminate()
        pool.join()
        if database_created:
            drop_database(args.server, DATABASE_NAME)
    meta["load"] = "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    report, passed = table(results, meta)
    print()
    print(report)
    print(f"\n(total time {time.monotonic() - started:.0f} s)")
    print("summary: " + summary(results, meta))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
