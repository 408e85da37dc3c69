"""The Redis cache backend: Django's, with one Redis client per connection pool, giving up fast.

The first tests need no server (building a client does not connect); the last runs the page
cache's operations against the Redis of ``REDIS_URL`` and is skipped without it.
"""

import os

import pytest

from minsheng.redis_cache import CacheUnavailable, RedisCache, reset_breakers

REDIS_URL = os.environ.get("REDIS_URL", "")


def backend(location="redis://127.0.0.1:6379/0"):
    return RedisCache(location, {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}})


def test_every_call_gets_the_same_client_over_the_same_pool():
    client = backend()._cache

    first, second = client.get_client("a"), client.get_client("b", write=True)

    assert first is second
    assert first.connection_pool is client._get_connection_pool(write=False)
    assert first.connection_pool.connection_kwargs["socket_timeout"] == 1


def test_replicas_each_get_their_client():
    client = backend("redis://127.0.0.1:6379/0,redis://127.0.0.1:6380/0")._cache

    writer = client.get_client(write=True)
    reader = client.get_client(write=False)  # the only other server

    assert writer is not reader
    assert writer.connection_pool.connection_kwargs["port"] == 6379
    assert reader.connection_pool.connection_kwargs["port"] == 6380
    assert client.get_client(write=False) is reader


def test_with_two_replicas_every_client_talks_to_the_server_it_is_kept_for(monkeypatch):
    import random

    client = backend(
        "redis://127.0.0.1:6379/0,redis://127.0.0.1:6380/0,redis://127.0.0.1:6381/0"
    )._cache
    # Replicas are chosen at random for each read: alternate them so that a choice made twice
    # (once for the client, once for its pool) would disagree.
    choices = iter([1, 2] * 20)
    monkeypatch.setattr(random, "randint", lambda low, high: next(choices))

    ports = [client.get_client(write=False).connection_pool.connection_kwargs["port"]]
    ports += [client.get_client(write=False).connection_pool.connection_kwargs["port"]]
    ports += [client.get_client(write=False).connection_pool.connection_kwargs["port"]]

    assert ports == [6380, 6381, 6380]
    assert client.get_client(write=True).connection_pool.connection_kwargs["port"] == 6379
    assert client._get_connection_pool(write=False).connection_kwargs["port"] in (6380, 6381)


def test_an_unreachable_server_raises_as_django_s_backend_does():
    import redis

    reset_breakers()
    cache = backend("redis://127.0.0.1:1/0")

    with pytest.raises(redis.ConnectionError):
        cache.get("anything")


def test_after_a_failure_the_cache_is_not_tried_again_until_retry_after_has_passed():
    import socket
    import time

    import redis

    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    reset_breakers()
    cache = RedisCache(f"redis://127.0.0.1:{port}/0", {"OPTIONS": {"retry_after": 0.3}})

    with pytest.raises(redis.ConnectionError) as first:
        cache.get("anything")
    with pytest.raises(CacheUnavailable):  # at once, without connecting
        cache.set("anything", 1)
    time.sleep(0.35)
    with pytest.raises(redis.ConnectionError) as later:
        cache.get("anything")

    assert not isinstance(first.value, CacheUnavailable)
    assert not isinstance(later.value, CacheUnavailable)  # Redis itself was asked again
    reset_breakers()


@pytest.mark.skipif(not REDIS_URL, reason="needs Redis: set REDIS_URL=redis://…")
def test_the_page_cache_operations_against_redis():
    cache = backend(REDIS_URL)
    page = ("generation", "<html>页面</html>".encode(), "text/html; charset=utf-8")
    try:
        assert cache.add("test-redis-cache:generation", "g1", timeout=None)
        assert not cache.add("test-redis-cache:generation", "g2", timeout=None)
        cache.set("test-redis-cache:page", page, 60)

        found = cache.get_many(["test-redis-cache:generation", "test-redis-cache:page"])

        assert found == {"test-redis-cache:generation": "g1", "test-redis-cache:page": page}
        assert cache.add("test-redis-cache:counter", 0)
        assert cache.incr("test-redis-cache:counter") == 1
        cache.delete("test-redis-cache:generation")
        assert cache.get("test-redis-cache:generation") is None
    finally:
        cache.delete_many(
            ["test-redis-cache:generation", "test-redis-cache:page", "test-redis-cache:counter"]
        )
