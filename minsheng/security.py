"""What a locked-out staff member sees (django-axes calls ``lockout_response``)."""

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.contrib import admin
from django.template.response import TemplateResponse


def lockout_response(request, original_response=None, credentials=None):
    """The admin's page saying that signing in is blocked, for how long and what to do, 429."""
    cool_off = get_cool_off(request)
    context = {
        **admin.site.each_context(request),
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_timedelta": cool_off,
        "cooloff_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    return TemplateResponse(
        request, "admin/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    ).render()
