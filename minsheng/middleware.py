import datetime
import re
import time
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import resolve_url
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from minsheng.logging import request_id_var

_REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._-]{8,128}")


class ChosenLanguageMiddleware:
    """Pages are in Chinese unless the visitor chose English with the language switch.

    Django's LocaleMiddleware follows the browser's Accept-Language, which would show an
    English page to a resident whose phone happens to be set to English; a district portal
    speaks Chinese first. The switch (Django's ``set_language`` view) sets the language cookie.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class RequestIdMiddleware:
    """Gives every request an id, answers it in ``X-Request-ID`` and puts it in the log lines.

    An id set by the reverse proxy in front (nginx ``$request_id``) is kept when it looks like
    one, so that the proxy's log and the portal's name the same request; anything else is
    replaced by a fresh one.
    """

    HEADER = "X-Request-ID"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.headers.get(self.HEADER, "")
        request_id = offered if _REQUEST_ID_PATTERN.fullmatch(offered) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response.headers[self.HEADER] = request_id
        return response


LAST_ACTIVITY_KEY = "_minsheng_last_activity"
# The stamp is rewritten at most this often: a session save on every click would add a write
# to every staff request for a precision nobody needs.
_ACTIVITY_STAMP_EVERY_SECONDS = 60


def stamp_activity(sender=None, request=None, **_kwargs) -> None:
    """Start the idle clock at sign-in and fix the session's end (``user_logged_in``).

    Django renews a session's lifetime whenever the session is saved, and the idle clock saves
    it every minute of activity: without a fixed end, a busy session would never expire.
    """
    if request is not None and hasattr(request, "session"):
        request.session[LAST_ACTIVITY_KEY] = int(time.time())
        request.session.set_expiry(datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE))


class StaffIdleTimeoutMiddleware:
    """Sign out a signed-in user who has done nothing for ``STAFF_SESSION_IDLE_MINUTES``.

    A staff session opens the admin of a department's projects; one left open on a shared
    office computer should not stay usable all day. Only people with an account sign in
    (residents never do), so every signed-in session is timed. The next request after the
    idle time is answered as for a visitor: a page sends to the sign-in page with a message
    saying why; the API answers with its own 401/403 (token requests carry no session and are
    not affected). Listed after the authentication and message middleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Without a session cookie nobody is signed in; the lazy user need not be built.
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_ACTIVITY_KEY)
            idle_limit = settings.STAFF_SESSION_IDLE_MINUTES * 60
            if last is not None and now - last > idle_limit:
                return self._signed_out(request)
            if last is None or now - last >= _ACTIVITY_STAMP_EVERY_SECONDS:
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)

    def _signed_out(self, request):
        logout(request)
        if request.path_info.startswith("/api/"):
            # Go on as a visitor: the API's permissions answer in its own JSON shape.
            return self.get_response(request)
        messages.warning(
            request,
            _("You were signed out after a long time without activity. Please sign in again."),
        )
        return redirect_to_login(request.get_full_path(), resolve_url(settings.LOGIN_URL))
