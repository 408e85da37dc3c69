"""Django's Redis cache, with one Redis client per connection pool, that gives up fast.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for every cache
operation, which copies its table of some 170 response callbacks: on a page-cache hit that
was about half the time spent talking to Redis. A ``redis.Redis`` holds no connection of its
own (its pool does, and is safe to share between threads and checks for forks), so one per
pool serves every call. Settings name :class:`RedisCache` as the backend when ``REDIS_URL``
is set; everything else is Django's.

Why extend Django's backend rather than replace it (with django-redis, say): what is ours is
small, the circuit breaker below and one client per pool (measured in bench/README.md: a
cache read from about 190 to 120 µs), and neither comes with the other backends. It leans on
``RedisCacheClient``'s attributes ``_servers``, ``_pools``, ``_pool_class``,
``_pool_options``, ``_client`` and ``_get_connection_pool_index`` (stable since Django 4.0;
tests/test_redis_cache.py builds clients without a server and fails if they change).

Redis is a cache, never a single point of failure. Its timeouts are short (settings'
``REDIS_CACHE_OPTIONS``), and when an operation fails for want of Redis (refused, timed out)
the cache is taken to be down for ``retry_after`` seconds (the ``OPTIONS`` key of that name):
meanwhile every operation raises :class:`CacheUnavailable` at once, without touching the
network, so a request that uses the cache several times (throttle, page, invalidation) waits
for the timeout once at most, and so do the requests after it. Operations raise rather than
pretend (a miss, a value not stored) because some callers must know: the page cache may not
believe a new generation was stored when it was not. Callers carry on without the cache
(``minsheng.outages.served_without_cache``).
"""

from __future__ import annotations

import functools
import logging
import threading

import redis
from django.core.cache.backends import redis as django_redis
from django.utils.functional import cached_property

from .outages import Breaker

logger = logging.getLogger(__name__)

# Seconds the cache is taken to be down after a failure, unless OPTIONS say otherwise.
DEFAULT_RETRY_AFTER = 5.0
# What Redis being away looks like; any other error (a bad command) is the caller's.
OUTAGE_ERRORS = (redis.ConnectionError, redis.TimeoutError)


class CacheUnavailable(redis.ConnectionError):
    """The cache failed a moment ago and is not tried again yet."""


# One breaker per set of servers, shared by the threads of a process: Django gives each
# thread its own cache object, and each of them should not have to find the outage anew.
_breakers: dict[tuple[str, ...], Breaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(servers, retry_after: float) -> Breaker:
    with _breakers_lock:
        breaker = _breakers.get(tuple(servers))
        if breaker is None:
            breaker = _breakers[tuple(servers)] = Breaker(retry_after)
        breaker.retry_after = retry_after
        return breaker


def reset_breakers() -> None:
    """Forget past outages (for tests that point the cache somewhere else)."""
    with _breakers_lock:
        _breakers.clear()


def _guarded(name):
    operation = getattr(django_redis.RedisCacheClient, name)

    @functools.wraps(operation)
    def guarded(self, *args, **kwargs):
        if self._breaker.is_open:
            raise CacheUnavailable(f"the cache failed less than {self._breaker.retry_after} s ago")
        try:
            return operation(self, *args, **kwargs)
        except OUTAGE_ERRORS as error:
            if self._breaker.trip():
                logger.warning(
                    "cache unavailable (%r): operations fail at once for the next %s s",
                    error,
                    self._breaker.retry_after,
                )
            raise

    return guarded


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, servers, *, breaker: Breaker, **options):
        super().__init__(servers, **options)
        self._clients: dict[int, object] = {}
        self._breaker = breaker

    def _get_connection_pool(self, write):
        # Django's picks a random replica each call: callers that need the pool of a given
        # index (get_client, which caches a client per index) pick it once and ask for that.
        return self._pool_at(self._get_connection_pool_index(write))

    def _pool_at(self, index: int):
        pool = self._pools.get(index)
        if pool is None:
            pool = self._pools[index] = self._pool_class.from_url(
                self._servers[index], **self._pool_options
            )
        return pool

    def get_client(self, key=None, *, write=False):
        # The replica is chosen once: the client cached under an index is bound to that
        # index's pool (choosing again for the pool would, with two or more replicas, file a
        # client of one replica under another's index).
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._pool_at(index))
        return client

    add = _guarded("add")
    get = _guarded("get")
    set = _guarded("set")
    touch = _guarded("touch")
    delete = _guarded("delete")
    get_many = _guarded("get_many")
    has_key = _guarded("has_key")
    incr = _guarded("incr")
    set_many = _guarded("set_many")
    delete_many = _guarded("delete_many")
    clear = _guarded("clear")


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        # Not a redis-py option: Django hands OPTIONS to the connection pool.
        self._retry_after = float(options.pop("retry_after", DEFAULT_RETRY_AFTER))
        super().__init__(server, {**params, "OPTIONS": options})

    @cached_property
    def _cache(self):
        return RedisCacheClient(
            self._servers,
            breaker=breaker_for(self._servers, self._retry_after),
            **self._options,
        )
