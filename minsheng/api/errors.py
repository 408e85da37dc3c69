"""Errors in one JSON shape: ``{"code": "...", "message": "...", "fields": {"name": ["..."]}}``.

``code`` is stable and meant for programs (``invalid``, ``not_authenticated``,
``permission_denied``, ``not_found``, ``throttled`` …); ``message`` is for people, in the
request's language; ``fields`` names each field that was refused with its reasons (empty when
the error is not about fields). A service's refusal (``ServiceError``, Django's
``ValidationError`` or ``PermissionDenied``) answers the same way as the API's own.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

INVALID_MESSAGE = _("Some of the data sent is not valid; see the fields named.")
SERVER_ERROR_MESSAGE = _(
    "Something went wrong on our side. The error has been recorded; please try again later."
)
SERVICE_UNAVAILABLE_MESSAGE = _(
    "The service is briefly unavailable (its database does not answer). Please try again later."
)
# Seconds a client is asked to wait when the database does not answer: long enough for a
# restart or a fail-over, short enough that a script retrying it does not give up.
DATABASE_RETRY_AFTER = 30

# Where the API lives (minsheng/urls.py mounts minsheng.api.urls here): errors raised outside
# DRF's views (Django's 500 handling, the sign-in lockout) answer JSON under this prefix.
API_PATH_PREFIX = "/api/"


def is_api_request(request) -> bool:
    return request.path_info.startswith(API_PATH_PREFIX)


def error_response(status: int, code: str, message, *, headers=None) -> JsonResponse:
    """An error in the portal's shape for answers made outside DRF (no field errors)."""
    return JsonResponse(
        {"code": code, "message": force_str(message), "fields": {}},
        status=status,
        headers=headers,
        json_dumps_params={"ensure_ascii": False},
    )


def server_error_response(request) -> JsonResponse:
    """Django's 500 handling under /api/: JSON, and 503 when the database cannot be reached.

    Called while the exception is being handled (``handler500``), so it is still in
    ``sys.exc_info()``; Django has already logged it (and mailed the admins).
    """
    exception = sys.exc_info()[1]
    if isinstance(exception, (OperationalError, InterfaceError)):
        return error_response(
            503,
            "service_unavailable",
            SERVICE_UNAVAILABLE_MESSAGE,
            headers={"Retry-After": str(DATABASE_RETRY_AFTER)},
        )
    return error_response(500, "server_error", SERVER_ERROR_MESSAGE)


def validation_error(error: DjangoValidationError) -> exceptions.ValidationError:
    """A Django (or service) validation error as the API's: field names kept, messages joined."""
    if hasattr(error, "error_dict"):
        detail = {
            api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name: messages
            for name, messages in error.message_dict.items()
        }
    else:
        detail = {api_settings.NON_FIELD_ERRORS_KEY: error.messages}
    return exceptions.ValidationError(detail)


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """Nested serializer errors as ``{"a.b": ["…"]}``; a bare list goes under non_field_errors."""
    fields: dict[str, list[str]] = {}
    if isinstance(detail, Mapping):
        for name, value in detail.items():
            key = f"{prefix}.{name}" if prefix else str(name)
            for inner, messages in _flatten(value, key).items():
                fields.setdefault(inner, []).extend(messages)
    elif isinstance(detail, list) and any(isinstance(item, (Mapping, list)) for item in detail):
        for index, value in enumerate(detail):
            if value:
                key = f"{prefix}.{index}" if prefix else str(index)
                for inner, messages in _flatten(value, key).items():
                    fields.setdefault(inner, []).extend(messages)
    else:
        items = detail if isinstance(detail, list) else [detail]
        fields[prefix or api_settings.NON_FIELD_ERRORS_KEY] = [force_str(item) for item in items]
    return fields


def exception_handler(exc, context):
    """DRF's handler (status, headers, rollback), with the body in the portal's error shape."""
    if isinstance(exc, DjangoValidationError):
        exc = validation_error(exc)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*(exc.args[:1] or ()))
    elif isinstance(exc, Http404):
        # The reason a view gives itself ("No such project") is for logs; clients read one text.
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: Django's 500 handling (logged, mailed to admins)
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        code = "invalid"
        message = force_str(INVALID_MESSAGE)
        if set(fields) == {api_settings.NON_FIELD_ERRORS_KEY}:
            message = fields[api_settings.NON_FIELD_ERRORS_KEY][0]
    else:
        fields = {}
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
        code = codes if isinstance(codes, str) else getattr(exc, "default_code", "error")
        message = force_str(exc.detail) if hasattr(exc, "detail") else force_str(exc)
    response.data = {"code": code, "message": message, "fields": fields}
    return response


class ErrorSerializer(serializers.Serializer):
    """The body of every error answer (documentation only)."""

    schema_description = "错误（所有错误同一格式）/ An error (every error has this shape)."

    code = serializers.CharField(
        help_text=(
            "错误代码，供程序判断：invalid、parse_error、not_authenticated、authentication_failed、"
            "permission_denied、not_found、method_not_allowed、not_acceptable、"
            "unsupported_media_type、throttled、locked_out、server_error、service_unavailable / "
            "Error code for programs: invalid, parse_error, not_authenticated, "
            "authentication_failed, permission_denied, not_found, method_not_allowed, "
            "not_acceptable, unsupported_media_type, throttled, locked_out, server_error, "
            "service_unavailable."
        )
    )
    message = serializers.CharField(
        help_text="给人看的说明，使用请求的语言 / What went wrong, for people, in the request's language."
    )
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=(
            "被拒绝的字段及原因；与字段无关的错误为空对象 / "
            "Each refused field with its reasons; empty when the error is not about fields."
        ),
    )


# Status → what it means, in both languages, for the OpenAPI description of each operation.
ERROR_DESCRIPTIONS = {
    "400": "请求数据无效：不是 JSON 或嵌套过深（parse_error），未知字段、类型错误、取值超出范围或违反"
    "业务规则（invalid，fields 指明字段）/ "
    "Invalid request: not JSON or nested too deep (parse_error); an unknown field, a wrong "
    "type, a value out of range or a broken rule (invalid; fields names each field).",
    "401": "未登录，或令牌无效、已作废或已过期（过期须重新获取）/ "
    "Not signed in, or the token is not valid, revoked or expired (obtain a new one).",
    "403": "无权执行此操作（例如不是本单位的项目，或缺少相应角色）/ "
    "Not allowed (e.g. another department's project, or a role without this right).",
    "404": "对象不存在或无权查看，或页码超出范围 / "
    "No such object (or not yours to see), or a page number past the end.",
    "405": "不支持此 HTTP 方法 / HTTP method not allowed here.",
    "406": "无法提供 Accept 请求头要求的格式 / Cannot answer in the format the Accept header asks for.",
    "415": "请求体须为 JSON（Content-Type: application/json）/ "
    "The request body must be JSON (Content-Type: application/json).",
    "429": "请求过于频繁（throttled），或多次密码错误后登录被暂时锁定（locked_out），"
    "请在 Retry-After 秒后重试 / "
    "Too many requests (throttled), or signing in locked after repeated wrong passwords "
    "(locked_out); try again after Retry-After seconds.",
    "500": "服务器内部错误，已记录，请稍后重试（server_error）/ "
    "An error on the server's side, recorded; try again later (server_error).",
    "503": "服务暂时不可用（数据库无响应），请在 Retry-After 秒后重试（service_unavailable）/ "
    "Briefly unavailable (the database does not answer); try again after Retry-After "
    "seconds (service_unavailable).",
}
