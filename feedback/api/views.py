"""Published comments with replies, and satisfaction, of public projects."""

import django_filters
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions

from feedback.choices import RatingLevel
from feedback.models import Comment
from minsheng.api.schema import YEARS
from minsheng.api.viewsets import ReadViewSet
from projects.api.filters import IdFilter
from projects.models import Project
from projects.selectors import public_plans

from .serializers import CommentSerializer, SatisfactionSerializer

COMMENT_TAG = "群众留言 / Comments"
SATISFACTION_TAG = "满意度 / Satisfaction"

# What a comment shows; contact details and the client's hash are never loaded.
COMMENT_FIELDS = (
    "project_id",
    "nickname",
    "body",
    "created_at",
    "reply__body",
    "reply__created_at",
    "reply__department__name",
    "reply__department__short_name",
)


class CommentFilter(django_filters.FilterSet):
    project = IdFilter(field_name="project_id", help_text="项目编号 / Id of the project.")

    class Meta:
        model = Comment
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(
        tags=[COMMENT_TAG],
        summary="留言列表 / Comments",
        description="公开项目经审核公开的留言及牵头单位的答复，最新在前；不含联系方式 / "
        "Published comments on public projects with the lead department's answers, newest "
        "first; never contact details.",
    ),
    retrieve=extend_schema(
        tags=[COMMENT_TAG],
        summary="留言 / One comment",
        parameters=[
            OpenApiParameter("id", int, OpenApiParameter.PATH, description="留言编号 / Comment id.")
        ],
    ),
)
class CommentViewSet(ReadViewSet):
    serializer_class = CommentSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = CommentFilter

    def get_queryset(self):
        return (
            Comment.objects.for_public()
            .select_related("reply", "reply__department")
            .only(*COMMENT_FIELDS)
            .order_by("-created_at", "-pk")
        )


YEAR_PARAMETER = OpenApiParameter(
    "year",
    YEARS,
    description="年度方案，默认最新发布的方案；未发布的年度返回 400 / "
    "Year of the plan, the newest published one unless given; 400 for a year not published.",
)


def _counted(queryset):
    def level(value):
        return Count("ratings", filter=Q(ratings__level=value))

    return queryset.annotate(
        total=Count("ratings"),
        satisfied=level(RatingLevel.SATISFIED),
        fairly_satisfied=level(RatingLevel.FAIRLY_SATISFIED),
        dissatisfied=level(RatingLevel.DISSATISFIED),
    )


@extend_schema_view(
    list=extend_schema(
        tags=[SATISFACTION_TAG],
        summary="各项目满意度 / Satisfaction by project",
        description="一个年度方案中每个公开项目的群众评价：满意、基本满意、不满意的数量和满意率 / "
        "Residents' ratings of each public project of a plan: how many satisfied, fairly "
        "satisfied and dissatisfied, and the satisfaction rate.",
        parameters=[YEAR_PARAMETER],
    ),
    retrieve=extend_schema(
        tags=[SATISFACTION_TAG],
        summary="项目满意度 / One project's satisfaction",
        parameters=[
            OpenApiParameter("id", int, OpenApiParameter.PATH, description="项目编号 / Project id.")
        ],
    ),
)
class SatisfactionViewSet(ReadViewSet):
    serializer_class = SatisfactionSerializer

    def get_queryset(self):
        projects = Project.objects.published().only("pk", "number", "title").order_by("number")
        return _counted(projects)

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        plans = public_plans()
        year = self.request.query_params.get("year", "").strip()
        plan = (
            plans[0]
            if plans and not year
            else next((p for p in plans if str(p.year) == year), None)
        )
        if plan is None:
            if year:
                raise exceptions.ValidationError(
                    {"year": [_("No plan of this year is published.")]}
                )
            return queryset.none()
        return queryset.filter(plan=plan)
