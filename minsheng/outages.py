"""Carrying on through an outage of the cache or the broker.

Redis is a cache and a broker, never something a request cannot do without. Two pieces serve
every user of it:

- :class:`Breaker`: after a failure a service is taken to be down for a few seconds, during
  which callers give up at once instead of each waiting for its timeout again;
- :func:`served_without_cache`: a request that went on without the cache (a page not cached,
  a rate not counted) is counted per process, for ``/healthz``, and logged.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter

logger = logging.getLogger(__name__)


class Breaker:
    """Whether a service is taken to be down, shared by the threads of a process.

    ``trip`` after a failure; ``is_open`` until ``retry_after`` seconds have passed, then the
    next call tries the service again (and trips the breaker again if it still fails).
    """

    def __init__(self, retry_after: float):
        self.retry_after = retry_after
        self._down_until = 0.0

    @property
    def is_open(self) -> bool:
        return time.monotonic() < self._down_until

    def trip(self) -> bool:
        """Take the service as down; True when it was up until now (a new outage)."""
        was_open = self.is_open
        # A plain store: threads racing here all write "now + retry_after", any of which is right.
        self._down_until = time.monotonic() + self.retry_after
        return not was_open

    def reset(self) -> None:
        self._down_until = 0.0


_served_without_cache: Counter[str] = Counter()
_counter_lock = threading.Lock()


def served_without_cache(what: str, error: Exception) -> None:
    """Note that ``what`` (e.g. "page", "throttle") went on without the cache after ``error``.

    The cache backend logs each outage once, when it begins (``minsheng.redis_cache``); an
    error of a call the breaker refused is therefore only counted, not logged again, so an
    outage does not write a line per request.
    """
    from .redis_cache import CacheUnavailable

    with _counter_lock:
        _served_without_cache[what] += 1
    if not isinstance(error, CacheUnavailable):
        logger.warning("cache unavailable for %s, served without it: %r", what, error)


def served_without_cache_counts() -> dict[str, int]:
    """How many times each part went on without the cache since the process started."""
    with _counter_lock:
        return dict(sorted(_served_without_cache.items()))
