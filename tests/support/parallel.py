"""Tests on several cores (pytest-xdist, ``make test``): what each worker must have to itself.

pytest-django gives each worker its own test database (``test_<name>_gw0``, …; SQLite's is in
memory, one per process). Redis has no such thing: every test empties the cache before and
after it (``cache.clear()``, which is ``FLUSHDB``), so two workers on one Redis database would
wipe each other's cached pages and queued tasks mid-test. Each worker therefore takes the
database after the one ``REDIS_URL`` names by its number: with ``redis://…/0``, ``gw0`` uses 0,
``gw1`` uses 1, and so on.

Django's settings are read before any conftest runs (pytest-django sets Django up first), so the
worker's address is put into the settings with ``override_settings`` (which also drops the cache
connections made so far) and into the environment, for the tests and subprocesses that read
``REDIS_URL`` from there.
"""

from __future__ import annotations

import copy
import os
from urllib.parse import urlsplit, urlunsplit

import pytest

#: Redis's default number of databases (``databases 16`` in redis.conf).
REDIS_DATABASES = 16


def worker_number() -> int | None:
    """0 for ``gw0``, 1 for ``gw1``…; None outside pytest-xdist's workers."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return int(worker.removeprefix("gw")) if worker.startswith("gw") else None


def worker_redis_url(url: str, number: int) -> str:
    """``url`` with its database moved ``number`` places on (the first worker keeps it)."""
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    database = base + number
    if database >= REDIS_DATABASES:
        raise pytest.UsageError(
            f"Test worker {number} would need Redis database {database}, past the last one "
            f"({REDIS_DATABASES - 1}): start from a lower database in REDIS_URL ({url}) or run "
            f"fewer workers (-n)."
        )
    return urlunsplit(parts._replace(path=f"/{database}"))


def redis_settings_for_worker(settings, number: int) -> dict:
    """The settings to change so that worker ``number`` uses its own Redis database."""
    shared = settings.REDIS_URL
    if not shared:
        return {}
    own = worker_redis_url(shared, number)
    caches = copy.deepcopy(settings.CACHES)
    for cache in caches.values():
        if cache.get("LOCATION") == shared:
            cache["LOCATION"] = own
    changes = {"REDIS_URL": own, "CACHES": caches}
    broker = settings.CELERY_BROKER_URL
    if broker == shared:
        changes["CELERY_BROKER_URL"] = own
    return changes


#: ``REDIS_URL`` as the run was given it, before this worker took its own database.
shared_redis_url = ""


def give_this_worker_its_own_redis_database() -> None:
    """Point the cache, the broker and ``REDIS_URL`` at this worker's Redis database."""
    global shared_redis_url
    from django.conf import settings
    from django.test import override_settings

    number = worker_number()
    shared = settings.REDIS_URL
    if number is None or not shared:
        return
    changes = redis_settings_for_worker(settings, number)
    # For the whole session: never disabled, the worker ends with it.
    override_settings(**changes).enable()
    shared_redis_url = shared
    own = changes["REDIS_URL"]
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        if os.environ.get(name) == shared:
            os.environ[name] = own

    from minsheng.celery import app

    if app.conf.broker_url == shared:  # read before the override, if Celery was set up already
        app.conf.broker_url = own
