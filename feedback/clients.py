"""Who is asking, without keeping who they are: salted hashes of the address and the visitor.

The client's address is needed for rate limits and abuse review, and is personal data: only
an HMAC of it, keyed with a server-side salt (``MINSHENG_CLIENT_HASH_SALT``), is ever stored.
A visitor is a random token in a signed cookie, so that a household behind one address (a
mobile carrier's shared address, a school's network) can still rate once per person.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings

from minsheng.clientip import client_ip

VISITOR_COOKIE = "minsheng_visitor"
VISITOR_COOKIE_SALT = "minsheng.feedback.visitor"
VISITOR_COOKIE_MAX_AGE = 3 * 365 * 24 * 3600


def _digest(kind: str, value: str) -> str:
    key = settings.MINSHENG_CLIENT_HASH_SALT.encode()
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def client_hash(request) -> str:
    # The address as the sign-in lockout reads it too: a proxy's header only from a trusted proxy.
    return _digest("client", client_ip(request))


def visitor_token(request) -> tuple[str, bool]:
    """The visitor's token from their signed cookie, or a new one; and whether it is new."""
    token = request.get_signed_cookie(
        VISITOR_COOKIE, default=None, salt=VISITOR_COOKIE_SALT, max_age=VISITOR_COOKIE_MAX_AGE
    )
    if token:
        return token, False
    return secrets.token_urlsafe(16), True


def remember_visitor(response, token: str) -> None:
    response.set_signed_cookie(
        VISITOR_COOKIE,
        token,
        salt=VISITOR_COOKIE_SALT,
        max_age=VISITOR_COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def visitor_hash(token: str) -> str:
    return _digest("visitor", token)
