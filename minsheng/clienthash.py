"""Who is asking, without keeping who they are: a salted hash of the client's address.

The client's address is needed for rate limits (the API's throttles, the limits on
comments, ratings and proposals) and abuse review, and is personal data: only an HMAC of
it, keyed with a server-side salt (``MINSHENG_CLIENT_HASH_SALT``), is ever stored. It lives
here, beside ``minsheng.clientip``, because every app that counts clients reads it the same
way; the visitor's cookie token is ``feedback.clients``'.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

from minsheng.clientip import client_ip


def salted_digest(kind: str, value: str) -> str:
    """An HMAC of ``value`` under the portal's salt; ``kind`` keeps hashes of kinds apart."""
    key = settings.MINSHENG_CLIENT_HASH_SALT.encode()
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def client_hash(request) -> str:
    # The address as the sign-in lockout reads it too: a proxy's header only from a trusted proxy.
    return salted_digest("client", client_ip(request))
