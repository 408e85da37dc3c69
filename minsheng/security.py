"""Staff sign-in protection: the lockout per (user name, address) and the slow-down per user name.

django-axes locks a (user name, client address) pair after ``AXES_FAILURE_LIMIT`` failures:
locking the user name alone would let anyone lock a colleague out with five wrong passwords.
A user name guessed at from many addresses is slowed down instead (``sign_in_wait``): past
``MINSHENG_LOGIN_USER_SLOWDOWN_AFTER`` failures within the cool-off, each further attempt for
it waits 1, 2, 4 … seconds after the last failure, never more than
``MINSHENG_LOGIN_USER_SLOWDOWN_MAX_SECONDS``, so the real user is delayed, never locked out.
Both refusals answer 429 (``lockout_response``), and neither counts as a failure.
"""

from __future__ import annotations

import math
from datetime import timedelta

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.helpers import get_cool_off, get_failure_limit, toggleable
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.db.models import Max, Sum
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext, ngettext

from minsheng.api.errors import error_response, is_api_request

# Beyond this the doubling has long reached any sensible maximum.
_LONGEST_DOUBLING = 30


def sign_in_wait(username: str | None, *, now=None) -> int:
    """Seconds before a sign-in attempt for ``username`` is judged again; 0 for at once."""
    after = settings.MINSHENG_LOGIN_USER_SLOWDOWN_AFTER
    if not username or after <= 0:
        return 0
    now = now or timezone.now()
    cool_off = get_cool_off() or timedelta(0)
    recent = AccessAttempt.objects.filter(username=username, attempt_time__gte=now - cool_off)
    totals = recent.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    failures = totals["failures"] or 0
    if failures < after:
        return 0
    delay = min(
        2 ** min(failures - after, _LONGEST_DOUBLING),
        settings.MINSHENG_LOGIN_USER_SLOWDOWN_MAX_SECONDS,
    )
    remaining = (totals["last"] + timedelta(seconds=delay) - now).total_seconds()
    return max(0, math.ceil(remaining))


class SignInBackend(AxesStandaloneBackend):
    """Refuses a locked (user name, address) pair, then a user name that must still wait.

    It checks and refuses only; ``ModelBackend`` after it checks the password. A refused
    attempt is flagged ``axes_locked_out`` so that axes neither counts it as a failure nor
    lets it restart a wait, and its middleware answers with ``lockout_response``.
    """

    @toggleable
    def authenticate(self, request, username=None, password=None, **kwargs):
        super().authenticate(request, username=username, password=password, **kwargs)
        wait = sign_in_wait(username)
        if wait:
            request.minsheng_sign_in_wait = wait
            request.axes_locked_out = True
            raise AxesBackendPermissionDenied("sign-ins for this user name are slowed down")


def _wait_response(request, seconds: int):
    message = ngettext(
        "This account has had many failed sign-ins recently. For its protection, please "
        "try again in %(seconds)d second.",
        "This account has had many failed sign-ins recently. For its protection, please "
        "try again in %(seconds)d seconds.",
        seconds,
    ) % {"seconds": seconds}
    if is_api_request(request):
        response = error_response(429, "throttled", message)
    else:
        context = {**admin.site.each_context(request), "message": message}
        response = TemplateResponse(
            request, "admin/sign_in_wait.html", context, status=429
        ).render()
    response["Retry-After"] = str(seconds)
    return response


def lockout_response(request, original_response=None, credentials=None):
    """What a refused sign-in sees, 429: how long to wait and what to do.

    A program asking for a token under /api/ reads the API's JSON error instead, with the
    wait in ``Retry-After``.
    """
    wait = getattr(request, "minsheng_sign_in_wait", 0)
    if wait:
        return _wait_response(request, wait)
    cool_off = get_cool_off(request)
    if is_api_request(request):
        return _api_lockout_response(cool_off)
    context = {
        **admin.site.each_context(request),
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_timedelta": cool_off,
        "cooloff_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    return TemplateResponse(
        request, "admin/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    ).render()


def _api_lockout_response(cool_off):
    headers = {}
    if cool_off:
        # At most the whole cool-off: attempts during a lockout do not start it again.
        seconds = int(cool_off.total_seconds())
        minutes = max(1, seconds // 60)
        headers["Retry-After"] = str(seconds)
        message = ngettext(
            "Too many failed sign-ins to this account: signing in from this address is "
            "blocked for %(minutes)d minute. Try again after that.",
            "Too many failed sign-ins to this account: signing in from this address is "
            "blocked for %(minutes)d minutes. Try again after that.",
            minutes,
        ) % {"minutes": minutes}
    else:
        message = gettext(
            "Too many failed sign-ins to this account: signing in is blocked. "
            "Ask the coordinating office to unlock it."
        )
    response = error_response(
        settings.AXES_HTTP_RESPONSE_CODE, "locked_out", message, headers=headers
    )
    add_never_cache_headers(response)
    return response
