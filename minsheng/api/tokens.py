"""API tokens: issued for a staff member's password, valid for ``API_TOKEN_TTL_DAYS``, revocable.

DRF's ``Token`` (one per user) is kept; its ``created`` is the moment of issue, so a token
expires ``API_TOKEN_TTL_DAYS`` after it. Asking again with the password while the token is
valid gives the same token (a script may ask at each run); after it expired, a new key. The
holder revokes it (``DELETE /api/v1/auth/token/``), the coordinating office revokes anyone's
in the admin.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

logger = logging.getLogger(__name__)

EXPIRED_MESSAGE = _(
    "The token has expired. Obtain a new one with your user name and password "
    "(POST /api/v1/auth/token/)."
)


def token_expires_at(token: Token) -> datetime:
    return token.created + timedelta(days=settings.API_TOKEN_TTL_DAYS)


def token_is_expired(token: Token) -> bool:
    return timezone.now() >= token_expires_at(token)


@transaction.atomic
def token_issue(*, user) -> Token:
    """The user's valid token, or a new one if they have none or theirs has expired."""
    token = Token.objects.select_for_update().filter(user=user).first()
    if token is not None and not token_is_expired(token):
        return token
    if token is not None:
        token.delete()
    token, _created = Token.objects.get_or_create(user=user)
    logger.info("API token issued to %s", user.get_username())
    return token


def token_revoke(*, user, by) -> bool:
    """Revoke the user's token, if any; ``by`` is who asked (the holder or the office)."""
    deleted, _counts = Token.objects.filter(user=user).delete()
    if deleted:
        logger.info("API token of %s revoked by %s", user.get_username(), by.get_username())
    return bool(deleted)


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing a token past its time (401, and what to do)."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_is_expired(token):
            raise exceptions.AuthenticationFailed(EXPIRED_MESSAGE)
        return user, token
