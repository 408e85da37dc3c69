"""What a locked-out staff member sees (django-axes calls ``lockout_response``)."""

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext, ngettext

from minsheng.api.errors import error_response, is_api_request


def lockout_response(request, original_response=None, credentials=None):
    """The admin's page saying that signing in is blocked, for how long and what to do, 429.

    A program asking for a token under /api/ reads the API's JSON error instead, with the
    wait in ``Retry-After``.
    """
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
        # Every attempt while locked starts the cool-off again: the whole of it is the wait.
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
