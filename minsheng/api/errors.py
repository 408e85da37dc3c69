"""Errors in one JSON shape: ``{"code": "...", "message": "...", "fields": {"name": ["..."]}}``.

``code`` is stable and meant for programs (``invalid``, ``not_authenticated``,
``permission_denied``, ``not_found``, ``throttled`` …); ``message`` is for people, in the
request's language; ``fields`` names each field that was refused with its reasons (empty when
the error is not about fields). A service's refusal (``ServiceError``, Django's
``ValidationError`` or ``PermissionDenied``) answers the same way as the API's own.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

INVALID_MESSAGE = _("Some of the data sent is not valid; see the fields named.")


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
            "unsupported_media_type、throttled / "
            "Error code for programs: invalid, parse_error, not_authenticated, "
            "authentication_failed, permission_denied, not_found, method_not_allowed, "
            "not_acceptable, unsupported_media_type, throttled."
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
    "400": "请求数据无效：未知字段、类型错误、取值超出范围或违反业务规则，fields 指明字段 / "
    "Invalid request: an unknown field, a wrong type, a value out of range or a broken rule; "
    "fields names each field.",
    "401": "未登录或令牌无效 / Not signed in, or the token is not valid.",
    "403": "无权执行此操作（例如不是本单位的项目，或缺少相应角色）/ "
    "Not allowed (e.g. another department's project, or a role without this right).",
    "404": "对象不存在或无权查看，或页码超出范围 / "
    "No such object (or not yours to see), or a page number past the end.",
    "405": "不支持此 HTTP 方法 / HTTP method not allowed here.",
    "406": "无法提供 Accept 请求头要求的格式 / Cannot answer in the format the Accept header asks for.",
    "415": "请求体须为 JSON（Content-Type: application/json）/ "
    "The request body must be JSON (Content-Type: application/json).",
    "429": "请求过于频繁，请在 Retry-After 秒后重试 / "
    "Too many requests; try again after Retry-After seconds.",
}
