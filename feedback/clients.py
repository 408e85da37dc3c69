"""Who is asking, without keeping who they are: salted hashes of the address and the visitor.

The client's address is hashed by ``minsheng.clienthash`` (shared with the API's throttles).
A visitor is a random token in a signed cookie, so that a household behind one address (a
mobile carrier's shared address, a school's network) can still rate once per person.
"""

from __future__ import annotations

import secrets

from django.conf import settings

from minsheng.clienthash import client_hash, salted_digest

__all__ = ["client_hash", "remember_visitor", "visitor_hash", "visitor_token"]

VISITOR_COOKIE = "minsheng_visitor"
VISITOR_COOKIE_SALT = "minsheng.feedback.visitor"
VISITOR_COOKIE_MAX_AGE = 3 * 365 * 24 * 3600


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
    return salted_digest("visitor", token)
