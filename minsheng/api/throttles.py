"""Request rates per client (``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``).

DRF reads the rates once, when its throttle classes are imported; these read them on each
request, so a changed setting (or a test's override) applies at once. Anonymous clients are
told apart by the salted hash of their address (``minsheng.clienthash``), read as everywhere
else (``minsheng.clientip``: the proxy's header only from ``TRUSTED_PROXIES``), which keeps
raw addresses out of the cache.

The counts are kept in the cache; when it is down, requests are let through uncounted (fail
open, counted in ``/healthz``): a cache outage must not take the API down, and the limits
are a brake on abuse, not a guard of data.
"""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from minsheng.clienthash import client_hash
from minsheng.outages import served_without_cache


class _RatesFromSettings:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        return client_hash(request)

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception as error:
            served_without_cache("throttle", error)
            return True


class AnonThrottle(_RatesFromSettings, AnonRateThrottle):
    """Anonymous clients: ``anon`` requests per period."""


class UserThrottle(_RatesFromSettings, UserRateThrottle):
    """Signed-in users: ``user`` requests per period.

    DRF's ``UserRateThrottle`` also counts anonymous clients, by address, at the ``user``
    rate: next to ``AnonThrottle`` that would cap them at the lower of the two rates, and a
    raised ``anon`` rate would not take effect. Anonymous clients are ``AnonThrottle``'s.
    """

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)


class TokenThrottle(_RatesFromSettings, SimpleRateThrottle):
    """Attempts to obtain a token, per client, signed in or not: ``token`` per period."""

    scope = "token"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
