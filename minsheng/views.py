"""Site-wide views: the elder-friendly mode and language switches, and the error pages."""

import logging

from django.conf import settings
from django.http import HttpResponseRedirect, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from minsheng.api.errors import is_api_request, server_error_response

logger = logging.getLogger(__name__)

CARE_COOKIE = "ms_care"
ONE_YEAR = 365 * 24 * 3600


def _safe_next(request) -> str:
    target = request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _set_preference(response, name: str, value: str, max_age: int = ONE_YEAR) -> None:
    """Remember a visitor's choice (language, 关怀版) for a year; ``max_age=0`` forgets it.

    Secure whenever the session cookie is: a site served over HTTPS must not let a choice that
    shapes its pages travel, or be planted, over plain HTTP.
    """
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        samesite="Lax",
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
    )


@require_GET
def care_mode(request, state: str):
    """Switch the elder-friendly mode (关怀版) on or off and go back; remembered in a cookie.

    A plain link rather than a form, so public pages carry no per-visitor token and can be
    cached for everyone.
    """
    response = HttpResponseRedirect(_safe_next(request))
    if state == "on":
        _set_preference(response, CARE_COOKIE, "1")
    else:
        # Not delete_cookie(): it cannot mark the expiring cookie Secure, and browsers ignore
        # a non-Secure Set-Cookie that would overwrite a Secure one.
        _set_preference(response, CARE_COOKIE, "", max_age=0)
    return response


@require_GET
def switch_language(request, code: str):
    """Choose the page language (简体中文 / English) and go back; remembered in a cookie."""
    response = HttpResponseRedirect(_safe_next(request))
    if code in {language for language, _name in settings.LANGUAGES}:
        _set_preference(response, settings.LANGUAGE_COOKIE_NAME, code)
    return response


def csrf_failure(request, reason=""):
    """A form sent without a valid token: say what to do, in the portal's design."""
    logger.info("CSRF failure on %s: %s", request.path, reason)
    return render(request, "403_csrf.html", status=403)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


# Shown only if 500.html itself cannot be rendered.
PLAIN_SERVER_ERROR = (
    '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>500</title>'
    "<h1>服务器错误 Server error (500)</h1>"
    '<p><a href="/">返回首页 Home</a></p></html>'
)


def server_error(request):
    """The 500 page, rendered without context processors, URL lookups or the database.

    Something already failed; the page must not fail again for the same reason (a database
    that is down, a context processor that raises), so it gets only settings and a cookie.
    Under /api/ the answer is the API's JSON error instead (503 when the database is down).
    """
    if is_api_request(request):
        return server_error_response(request)
    context = {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_ORGANISER": settings.SITE_ORGANISER,
        "SITE_CONTACT_PHONE": settings.SITE_CONTACT_PHONE,
        "care_mode": request.COOKIES.get(CARE_COOKIE) == "1",
    }
    try:
        body = loader.get_template("500.html").render(context)
    except Exception:
        logger.exception("the 500 page could not be rendered")
        body = PLAIN_SERVER_ERROR
    return HttpResponseServerError(body)
