"""Tests on several cores (``make test``): each pytest-xdist worker has a Redis database of its own.

Every test empties the cache (``FLUSHDB``) before and after it; two workers sharing a database
would wipe each other's cached pages and queued tasks in the middle of a test.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import redis
from django.core.cache import cache

from minsheng.celery import app
from tests.support import parallel
from tests.support.parallel import redis_settings_for_worker, worker_number, worker_redis_url


def test_workers_take_the_redis_databases_after_the_one_redis_url_names():
    assert worker_redis_url("redis://127.0.0.1:6379/0", 0) == "redis://127.0.0.1:6379/0"
    assert worker_redis_url("redis://127.0.0.1:6379/0", 3) == "redis://127.0.0.1:6379/3"
    assert worker_redis_url("redis://127.0.0.1:6379", 2) == "redis://127.0.0.1:6379/2"
    assert (
        worker_redis_url("redis://:secret@cache.internal:6380/4?socket_timeout=2", 1)
        == "redis://:secret@cache.internal:6380/5?socket_timeout=2"
    )


def test_a_worker_past_redis_s_last_database_stops_the_run_with_the_way_out():
    with pytest.raises(pytest.UsageError) as refused:
        worker_redis_url("redis://127.0.0.1:6379/14", 2)

    assert "Redis database 16" in str(refused.value)
    assert "fewer workers (-n)" in str(refused.value)


def test_the_cache_and_the_broker_follow_the_worker_but_another_broker_does_not():
    shared = "redis://127.0.0.1:6379/2"
    settings = SimpleNamespace(
        REDIS_URL=shared,
        CELERY_BROKER_URL=shared,
        CACHES={"default": {"BACKEND": "any", "LOCATION": shared, "OPTIONS": {"x": 1}}},
    )

    changes = redis_settings_for_worker(settings, 3)

    assert changes["REDIS_URL"] == "redis://127.0.0.1:6379/5"
    assert changes["CELERY_BROKER_URL"] == "redis://127.0.0.1:6379/5"
    assert changes["CACHES"]["default"] == {
        "BACKEND": "any",
        "LOCATION": "redis://127.0.0.1:6379/5",
        "OPTIONS": {"x": 1},
    }
    assert settings.CACHES["default"]["LOCATION"] == shared  # the original is left alone

    settings.CELERY_BROKER_URL = "redis://broker.internal:6379/0"
    assert "CELERY_BROKER_URL" not in redis_settings_for_worker(settings, 3)
    assert redis_settings_for_worker(SimpleNamespace(REDIS_URL=""), 3) == {}


@pytest.mark.services
def test_this_worker_caches_in_its_own_redis_database(settings):
    number = worker_number()
    if number is None or not settings.REDIS_URL:
        pytest.skip("needs pytest-xdist workers and Redis: make test with REDIS_URL=redis://…")
    expected = worker_redis_url(parallel.shared_redis_url, number)

    cache.set("parallel-runs-probe", "this worker's")

    assert expected == settings.REDIS_URL
    assert app.conf.broker_url == expected
    own = redis.Redis.from_url(expected)
    assert own.keys("*parallel-runs-probe*")
    if number:
        shared = redis.Redis.from_url(parallel.shared_redis_url)
        assert not shared.keys("*parallel-runs-probe*")
