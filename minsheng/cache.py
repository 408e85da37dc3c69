"""Whole-page cache for anonymous visitors, dropped as soon as the data it shows changes.

The key holds the language, the elder-friendly mode, the portal's date (a new day recomputes
lights) and the full address with its query string. A stored page carries the generation (a
random token) current when it was rendered; every change to the portal's data replaces the
generation (signals in ``minsheng.apps``), and a page of another generation is a miss. The
generation and the page are read together (one round trip to Redis). Staff and anything but
GET/HEAD bypass it. Works with the in-process cache (default) and Redis (``REDIS_URL``).

A cache outage never takes a page down: the page is rendered and not stored. A change whose
invalidation could not be stored is remembered, and the generation is replaced at the next
lookup that reaches the cache, before any page is served from it: otherwise pages cached
before the change would be served again once Redis is back.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
import threading

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation
from django.utils.cache import patch_vary_headers

from . import clock
from .outages import served_without_cache
from .views import CARE_COOKIE

GENERATION_KEY = "public-pages:generation"
# Forms on cached pages carry this instead of the visitor's CSRF token; CsrfTokenFillMiddleware
# puts the visitor's own token in its place on every response, whether served from the cache
# or just rendered, so one cached page serves everyone and every form still has its token.
CSRF_PLACEHOLDER = "__minsheng-csrf-token__"
TIMEOUT = 600
# Set when a change could not replace the generation (cache down); cleared by the retry.
_invalidation_missed = threading.Event()


def _new_generation() -> str:
    # Random rather than a counter: if the key is evicted or the cache restarts, a counter
    # would start again at a number that older (stale) pages may still be stored under.
    return secrets.token_hex(8)


def _lookup(key: str) -> tuple[str | None, tuple | None]:
    """The current generation and the page stored under ``key`` if it is of that generation.

    The generation is None when the cache is down: the page is then neither read nor stored.
    """
    if _invalidation_missed.is_set():
        # Cleared before the retry, so that a failure meanwhile (another thread's) sets it again.
        _invalidation_missed.clear()
        if not _bump_generation():
            return None, None
    try:
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY)
        if generation is None:  # first use, or evicted: whatever is stored is of no generation
            cache.add(GENERATION_KEY, _new_generation(), timeout=None)
            return cache.get(GENERATION_KEY), None
    except Exception as error:  # a cache outage must not take the pages down
        served_without_cache("page", error)
        return None, None
    stored = found.get(key)
    if stored is not None and stored[0] == generation:
        return generation, stored
    return generation, None


def invalidate_public_pages(**_signal_kwargs) -> None:
    """Make every cached public page stale once the current transaction commits.

    After the commit, not before: a page rendered between the change and the commit would
    otherwise be cached with the old data under the new generation.
    """
    transaction.on_commit(_bump_generation)


def _bump_generation() -> bool:
    """Replace the generation; False when the cache is down (the next lookup tries again)."""
    # A plain set of a new random value: nothing to go wrong when the key is missing, and two
    # writers bumping at once both leave a generation no stored page was rendered under.
    try:
        cache.set(GENERATION_KEY, _new_generation(), timeout=None)
    except Exception as error:  # the change is committed: a failed invalidation must not undo it
        _invalidation_missed.set()
        served_without_cache("invalidation", error)
        return False
    return True


def _key(request) -> str:
    # Scheme and host too: a page may carry absolute links built from the request. The raw
    # Host header: CommonMiddleware has already validated it, and get_host() would again.
    address = f"{request.scheme}://{request.META.get('HTTP_HOST', '')}{request.get_full_path()}"
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    care = "care" if request.COOKIES.get(CARE_COOKIE) == "1" else "std"
    return f"public-page:{translation.get_language()}:{care}:{clock.today():%Y%m%d}:{digest}"


def _signed_in(request) -> bool:
    # Users sign in through the session only: without a session cookie nobody is signed in,
    # and the lazy user and its session need not be built (a good part of a hit's cost).
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    return request.user.is_authenticated


def _cacheable(request, response) -> bool:
    """Only a plain 200 page that is the same for every anonymous visitor may be shared."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    # A page that used the CSRF token or changed the session is personal, even though the
    # cookies that go with it are only added by middleware after the view returns.
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    session = getattr(request, "session", None)
    return not (session is not None and session.modified)


class CsrfTokenFillMiddleware:
    """Replace the CSRF placeholder of a page's forms with the visitor's token.

    Listed after ``CsrfViewMiddleware``: asking for the token here marks the CSRF cookie to
    be sent, which that middleware does on the way out.
    """

    placeholder = CSRF_PLACEHOLDER.encode()

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and self.placeholder in response.content
        ):
            token = get_token(request).encode()
            response.content = response.content.replace(self.placeholder, token)
            patch_vary_headers(response, ["Cookie"])
        return response


def public_page(view):
    """Cache a public view's successful responses for anonymous GET requests."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or _signed_in(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        generation, cached = _lookup(key)
        if cached is not None:
            _generation, content, content_type = cached
            response = HttpResponse(content, content_type=content_type)
            response["X-Page-Cache"] = "hit"
            return response
        # Stored with the generation read before rendering: a change committed meanwhile has
        # replaced it, so this page is a miss from the next request on.
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if generation is not None and _cacheable(request, response):
            try:
                cache.set(key, (generation, response.content, response["Content-Type"]), TIMEOUT)
            except Exception as error:
                served_without_cache("page", error)
            response["X-Page-Cache"] = "miss"
        return response

    return wrapper
