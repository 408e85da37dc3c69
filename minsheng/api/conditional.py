"""ETag on every successful read, and ``304 Not Modified`` when the client already has it.

The tag is a hash of the body as sent (or a tag the view set itself, for downloads whose
bytes differ from one build to the next): it changes exactly when what the client would
receive changes, whoever is asking and in whichever language, so it never needs invalidating.
The public page cache (``minsheng.cache``) is not used here: it serves anonymous HTML pages.
"""

from __future__ import annotations

import hashlib

from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import quote_etag


def body_etag(content: bytes) -> str:
    return quote_etag(hashlib.sha256(content).hexdigest()[:40])


class ConditionalReadMixin:
    """For API views: tag successful GET/HEAD answers and answer 304 to a matching If-None-Match."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if response.streaming:
            return response
        # What a reader sees may depend on who they are and what they accept.
        patch_vary_headers(response, ("Accept", "Authorization", "Cookie"))
        if request.user.is_authenticated:
            patch_cache_control(response, private=True, no_cache=True)
        else:
            patch_cache_control(response, no_cache=True)
        if not response.has_header("ETag"):
            if callable(getattr(response, "render", None)):
                response.render()
            response["ETag"] = body_etag(response.content)
        return get_conditional_response(request, etag=response["ETag"], response=response)
