import re
import uuid

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

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
