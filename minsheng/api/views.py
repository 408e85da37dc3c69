"""The API's own views: its root, tokens, the schema and docs, and a JSON 404 under /api/."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from .conditional import ConditionalReadMixin
from .errors import error_response
from .serializers import StrictFieldsMixin
from .throttles import TokenThrottle
from .tokens import token_expires_at, token_issue, token_revoke

API_TAG = "接口说明 / About the API"

# Name in the root's answer → URL name of the list it points to.
ENTRY_POINTS = {
    "plans": "projects-api:plan-list",
    "categories": "projects-api:category-list",
    "beneficiary_groups": "projects-api:beneficiary-group-list",
    "departments": "departments-api:department-list",
    "areas": "departments-api:area-list",
    "projects": "projects-api:project-list",
    "reports": "projects-api:report-list",
    "milestones": "projects-api:milestone-list",
    "indicators": "projects-api:indicator-list",
    "comments": "feedback-api:comment-list",
    "satisfaction": "feedback-api:satisfaction-list",
    "token": "api-token",
    "schema": "api-schema",
    "docs": "api-docs",
}


class ApiRootSerializer(serializers.Serializer):
    plans = serializers.URLField(help_text="年度方案 / Annual plans.")
    categories = serializers.URLField(help_text="领域 / Categories.")
    beneficiary_groups = serializers.URLField(help_text="受益群体 / Beneficiary groups.")
    departments = serializers.URLField(help_text="责任单位 / Departments.")
    areas = serializers.URLField(help_text="区域 / Areas.")
    projects = serializers.URLField(help_text="民生实事项目 / Livelihood projects.")
    reports = serializers.URLField(help_text="进度报告 / Progress reports.")
    milestones = serializers.URLField(help_text="节点 / Milestones.")
    indicators = serializers.URLField(help_text="指标 / Indicators.")
    comments = serializers.URLField(help_text="群众留言及回复 / Comments and replies.")
    satisfaction = serializers.URLField(help_text="满意度 / Satisfaction.")
    token = serializers.URLField(help_text="获取令牌 / Obtain a token.")
    schema = serializers.URLField(help_text="OpenAPI 3 描述 / The OpenAPI 3 schema.")
    docs = serializers.URLField(help_text="接口文档页面 / The documentation page.")


class ApiRootView(ConditionalReadMixin, APIView):
    @extend_schema(
        tags=[API_TAG],
        summary="接口目录 / API root",
        description="列出各数据集的地址 / Lists the address of each data set.",
        responses=ApiRootSerializer,
    )
    def get(self, request):
        return Response(
            {name: reverse(url_name, request=request) for name, url_name in ENTRY_POINTS.items()}
        )


class TokenRequestSerializer(StrictFieldsMixin, serializers.Serializer):
    username = serializers.CharField(max_length=150, help_text="用户名 / User name.")
    password = serializers.CharField(
        max_length=128,
        trim_whitespace=False,
        style={"input_type": "password"},
        help_text="密码 / Password.",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text="令牌：请求头写作 Authorization: Token <令牌> / "
        "The token: send it as the header Authorization: Token <token>."
    )
    expires = serializers.DateTimeField(
        help_text="失效时间；此后须重新获取 / When the token expires; after that, obtain a new one."
    )


class TokenView(APIView):
    """A staff user's API token: obtained with their user name and password, or revoked."""

    def get_permissions(self):
        if self.request.method == "DELETE":
            return [IsAuthenticated()]
        return [AllowAny()]

    def finalize_response(self, request, response, *args, **kwargs):
        # A token is a password: no browser, proxy or cache may keep an answer that holds one.
        response = super().finalize_response(request, response, *args, **kwargs)
        add_never_cache_headers(response)
        response["Pragma"] = "no-cache"
        return response

    def get_throttles(self):
        # Password guessing is held back per client, whoever is signed in.
        if self.request.method == "POST":
            return [TokenThrottle()]
        return super().get_throttles()

    @extend_schema(
        tags=[API_TAG],
        summary="获取令牌 / Obtain a token",
        description=(
            "用后台账号的用户名和密码换取令牌（仅限在职的工作人员账号），之后的写操作在请求头中带上 "
            "Authorization: Token <令牌>。令牌自签发起在 expires 所示时间失效（默认 30 天），"
            "失效前再次获取得到同一令牌，失效后得到新令牌。连续多次密码错误后，该账号在本地址的"
            "登录被暂时锁定（429，code 为 locked_out，Retry-After 为需等待的秒数）。 / "
            "Exchange the user name and password of an admin account (active staff only) for "
            "a token, then send Authorization: Token <token> with each write. The token "
            "expires at the time given in expires (30 days after issue by default); asking "
            "again before then gives the same token, afterwards a new one. After repeated "
            "wrong passwords, signing in to the account from the client's address is locked "
            "for a while (429 with code locked_out; Retry-After says how many seconds)."
        ),
        request=TokenRequestSerializer,
        responses={200: TokenSerializer},
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        # One answer for a wrong password, an unknown name and a resident's account alike.
        if user is None or not (user.is_active and user.is_staff):
            raise exceptions.ValidationError(
                _("Unable to sign in with this user name and password.")
            )
        token = token_issue(user=user)
        return Response(
            TokenSerializer({"token": token.key, "expires": token_expires_at(token)}).data
        )

    @extend_schema(
        tags=[API_TAG],
        summary="作废令牌 / Revoke the token",
        description="作废当前账号的令牌；之后可重新获取新令牌 / "
        "Revoke the signed-in account's token; a new one can be obtained afterwards.",
        request=None,
        responses={204: OpenApiResponse(description="已作废 / Revoked.")},
    )
    def delete(self, request):
        token_revoke(user=request.user, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 schema (YAML; ``?format=json`` for JSON).

    The schema follows from the code, the settings and the language alone (it is served
    public, the same to everyone), yet drf-spectacular builds it anew on each request, which
    takes the best part of a second. Each process builds it once per language and version;
    a change to a setting that shapes it (a test's override) drops what was built.
    """

    _built: dict[tuple[str | None, str | None], dict] = {}

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (translation.get_language(), version)
        schema = self._built.get(key)
        if schema is None:
            generator = self.generator_class(
                urlconf=self.urlconf, api_version=version, patterns=self.patterns
            )
            schema = generator.get_schema(request=request, public=self.serve_public)
            self._built[key] = schema
        filename = self._get_filename(request, version)
        return Response(
            data=schema, headers={"Content-Disposition": f'inline; filename="{filename}"'}
        )


# Settings the schema is built from: the API's own, its documentation's, the addresses and
# the languages (descriptions name token lifetimes and rates).
_SCHEMA_SETTINGS = ("REST_FRAMEWORK", "SPECTACULAR_SETTINGS", "API_", "ROOT_URLCONF", "LANGUAGE")


@receiver(setting_changed)
def _forget_built_schemas(*, setting, **_kwargs):
    if setting.startswith(_SCHEMA_SETTINGS):
        SchemaView._built.clear()


class DocsView(SpectacularSwaggerSplitView):
    """The schema as a documentation page (Swagger UI served from the portal's static files)."""


@csrf_exempt  # a 404 whatever the method; a CSRF refusal would answer an HTML page instead
def not_found(request, path=""):
    """Any other address under /api/: a JSON 404, or the address with its missing slash."""
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not not_found:
            target = request.path + "/"
            if request.META.get("QUERY_STRING"):
                target += "?" + request.META["QUERY_STRING"]
            if request.method in ("GET", "HEAD"):
                return HttpResponsePermanentRedirect(target)
    return error_response(404, "not_found", exceptions.NotFound.default_detail)
