"""Plans, categories, projects, progress reports, milestones and indicators through the API.

What a reader sees: anonymous clients (and everyone) the public data only, i.e. published
projects of published plans and their approved reports; signed-in staff also the rows of the
projects their department leads or helps on (all rows for the coordinating office and
leadership), as in the admin. Anything else answers 404, as if it did not exist.

Writes go through the same services as the admin (``projects.commitments``, the one write
path), so the history names the same person and the same rules refuse the same changes: a
department's change of a baseline field answers 400 naming the field and telling it to file
a change request, as the admin's form does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict

from django.conf import settings
from django.db.models import Q
from django.http import HttpResponse
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django_filters import utils as filter_utils
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response

from departments.roles import sees_everything
from feedback.models import Rating
from feedback.selectors import satisfaction_of
from minsheng.api.conditional import body_etag
from minsheng.api.errors import validation_error
from minsheng.api.schema import ID, YEARS
from minsheng.api.serializers import EmptySerializer
from minsheng.api.viewsets import ReadListViewSet, ReadViewSet
from minsheng.services import ServiceError
from projects import commitments, selectors, services
from projects.choices import Light, ProjectStatus, ReportState
from projects.filters import BEHIND, CHANGED, SORT_ORDER, ProjectFilter
from projects.models import (
    BeneficiaryGroup,
    Category,
    Indicator,
    Milestone,
    Plan,
    ProgressReport,
    Project,
)

from . import downloads
from .filters import MAX_ID, IndicatorFilter, MilestoneFilter, ReportFilter
from .serializers import (
    BeneficiaryGroupSerializer,
    CategorySerializer,
    IndicatorSerializer,
    IndicatorUpdateSerializer,
    MilestoneSerializer,
    MilestoneUpdateSerializer,
    PlanSerializer,
    PlanStatisticsSerializer,
    ProjectDetailSerializer,
    ProjectSerializer,
    ProjectUpdateSerializer,
    ReportCreateSerializer,
    ReportReturnSerializer,
    ReportSerializer,
)

PLAN_TAG = "年度方案 / Plans"
CATEGORY_TAG = "领域与受益群体 / Categories and beneficiary groups"
PROJECT_TAG = "民生实事项目 / Projects"
REPORT_TAG = "进度报告 / Progress reports"
MILESTONE_TAG = "节点与指标 / Milestones and indicators"

LEAD_DEPARTMENT_ONLY = _("Only the lead department can change this project.")

# ProjectFilter's parameters, described for the API (the page's labels are for the form).
PROJECT_FILTER_PARAMETERS = [
    OpenApiParameter(
        "q",
        str,
        description="搜索（最多 100 字）：序号（如 12、第12项）或标题、简介中的词 / "
        "Search (100 characters at most): a number (12, 第12项) or words of the title or summary.",
    ),
    OpenApiParameter(
        "year",
        YEARS,
        description="年度方案，默认最新发布的方案；未发布的年度返回 400 / "
        "Year of the plan, the newest published one unless given; 400 for a year not published.",
    ),
    OpenApiParameter("category", ID, description="领域编号 / Category id."),
    OpenApiParameter(
        "status",
        str,
        enum=ProjectStatus.values,
        description="状态：not_started 未开工、in_progress 推进中、completed 已完成（销号）、suspended 暂缓、"
        "terminated 终止 / Status: not started, in progress, completed (closed), suspended, "
        "terminated.",
    ),
    OpenApiParameter(
        "light",
        str,
        enum=[BEHIND, *Light.values],
        description="灯号：behind 为滞后和严重滞后；green 正常、yellow 滞后、red 严重滞后、completed 已完成、"
        "not_started 未开工、suspended 暂缓、terminated 终止 / Light: behind means yellow or red.",
    ),
    OpenApiParameter(
        "changed",
        str,
        enum=[CHANGED],
        description="1：只列计划经批准调整过的项目（原计划有变更）/ 1: only projects whose plan "
        "(baseline) was changed by an approved change.",
    ),
    OpenApiParameter(
        "department",
        ID,
        description="牵头单位编号（须牵头已公开的项目）/ Lead department id (one leading a public project).",
    ),
    OpenApiParameter("area", ID, description="覆盖区域编号 / Area id."),
    OpenApiParameter("group", ID, description="受益群体编号 / Beneficiary group id."),
    OpenApiParameter(
        "sort",
        str,
        enum=list(SORT_ORDER),
        description="排序：number 序号；-progress / progress 进度由高到低 / 由低到高；planned_end / "
        "-planned_end 计划完成日期由早到晚 / 由晚到早 / Sort order: number, progress (- for "
        "highest first), planned end (- for latest first).",
    ),
]


def readable_projects(user):
    """Projects ``user`` may read: the public ones, and for staff those of their department."""
    public = Q(published=True, plan__published=True)
    if not user.is_authenticated:
        return Project.objects.filter(public)
    if sees_everything(user):
        return Project.objects.all()
    return Project.objects.filter(public | Q(pk__in=Project.objects.visible_to(user).values("pk")))


def readable_rows(queryset, user, public=None):
    """Rows of a project's child model that ``user`` may read (public ones and their own)."""
    public = Q(project__published=True, project__plan__published=True) & (public or Q())
    if not user.is_authenticated:
        return queryset.filter(public)
    if sees_everything(user):
        return queryset
    return queryset.filter(public | Q(project__in=Project.objects.visible_to(user).values("pk")))


def _is_id(value) -> bool:
    return str(value).isdigit() and 0 < int(value) <= MAX_ID


def check_can_change(user, project) -> None:
    """The services' rule, asked before a body is read, so that a refusal says nothing more."""
    if not user.has_perm("projects.report_on_project", project):
        raise exceptions.PermissionDenied(LEAD_DEPARTMENT_ONLY)


class FirstRendererNegotiation(BaseContentNegotiation):
    """Downloads answer their file whatever Accept says; errors are JSON, the first renderer."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


# --- reference data ---------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        tags=[PLAN_TAG],
        summary="年度方案列表 / Annual plans",
        description="已发布的年度方案，最新在前 / Published plans, newest first.",
    ),
    retrieve=extend_schema(
        tags=[PLAN_TAG],
        summary="年度方案 / One plan",
        parameters=[
            OpenApiParameter("year", int, OpenApiParameter.PATH, description="年度 / Year.")
        ],
    ),
)
class PlanViewSet(ReadViewSet):
    queryset = Plan.objects.published().order_by("-year")
    serializer_class = PlanSerializer
    lookup_field = "year"
    pagination_class = None

    @extend_schema(
        tags=[PLAN_TAG],
        summary="方案核心指标 / A plan's headline figures",
        description="首页的核心指标：项目数、各状态和灯号的数量、总体进度、投资与拨付、各领域情况、满意度 / "
        "The home page's figures: projects by status and light, overall progress, investment "
        "and funds, each category, residents' satisfaction.",
        parameters=[
            OpenApiParameter("year", int, OpenApiParameter.PATH, description="年度 / Year.")
        ],
        responses=PlanStatisticsSerializer,
    )
    @action(detail=True, pagination_class=None)
    def statistics(self, request, year=None):
        services.lights_ensure_current()
        plan = self.get_object()
        headline = selectors.plan_headline(plan)
        satisfaction = satisfaction_of(
            Rating.objects.filter(project__plan=plan, project__published=True)
        )
        data = {
            "year": plan.year,
            **asdict(headline),
            "execution_rate": headline.execution_rate,
            "categories": selectors.category_cards(plan),
            "satisfaction": satisfaction,
        }
        return Response(PlanStatisticsSerializer(data).data)


@extend_schema_view(
    list=extend_schema(
        tags=[CATEGORY_TAG],
        summary="领域列表 / Categories",
        description="方案的工作领域，如教育、医疗 / The plans' areas of work, such as education.",
    ),
    retrieve=extend_schema(tags=[CATEGORY_TAG], summary="领域 / One category"),
)
class CategoryViewSet(ReadViewSet):
    queryset = Category.objects.order_by("order", "code")
    serializer_class = CategorySerializer
    pagination_class = None


@extend_schema_view(
    list=extend_schema(
        tags=[CATEGORY_TAG],
        summary="受益群体列表 / Beneficiary groups",
        description="项目服务的人群，如老年人、儿童 / Groups of residents projects serve.",
    ),
    retrieve=extend_schema(tags=[CATEGORY_TAG], summary="受益群体 / One beneficiary group"),
)
class BeneficiaryGroupViewSet(ReadViewSet):
    queryset = BeneficiaryGroup.objects.order_by("order", "name")
    serializer_class = BeneficiaryGroupSerializer
    pagination_class = None


# --- projects ---------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        tags=[PROJECT_TAG],
        summary="项目列表 / Project list",
        description="已发布方案中公开的项目，含灯号、进度和资金；筛选条件与公开的项目列表页相同，分页返回 / "
        "Public projects of a published plan with their light, progress and funds; the same "
        "filters as the public list page; paginated.",
        parameters=PROJECT_FILTER_PARAMETERS,
    ),
    retrieve=extend_schema(
        tags=[PROJECT_TAG],
        summary="项目详情 / One project",
        description="一个公开项目：承诺内容、灯号及原因、节点、指标、已审核通过的进度报告、照片和文件 / "
        "A public project: what was promised, its light and why, milestones, indicators, "
        "approved progress reports, photos and documents.",
        parameters=[
            OpenApiParameter("id", int, OpenApiParameter.PATH, description="项目编号 / Project id.")
        ],
        responses=ProjectDetailSerializer,
    ),
)
class ProjectViewSet(ReadListViewSet):
    serializer_class = ProjectSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ProjectFilter
    write_permissions = {"partial_update": "projects.change_project"}

    def get_queryset(self):
        return (
            Project.objects.published()
            .select_related("plan", "category", "lead_department")
            .order_by("number")
        )

    def _filtered(self):
        """The list's filter set, applied: a value that does not fit is a 400 naming it."""
        filterset = DjangoFilterBackend().get_filterset(self.request, self.get_queryset(), self)
        if not filterset.is_valid():
            raise filter_utils.translate_validation(filterset.errors)
        return filterset

    def list(self, request, *args, **kwargs):
        services.lights_ensure_current()
        page = self.paginate_queryset(self._filtered().qs)
        projects = list(page)
        if translation.get_language() != settings.LANGUAGE_CODE:
            selectors.relabel_lights(projects)
        return self.get_paginated_response(self.get_serializer(projects, many=True).data)

    def retrieve(self, request, pk=None):
        # Any published project of any published plan: the list's filters do not apply here.
        services.lights_ensure_current()
        project = selectors.project_for_public(pk)
        light = selectors.live_light(project)
        project.light, project.light_reason = light.light, light.reason
        project.expected_progress = light.expected_progress
        serializer = ProjectDetailSerializer(project, context=self.get_serializer_context())
        return Response(serializer.data)

    @extend_schema(
        tags=[PROJECT_TAG],
        summary="修改项目 / Change a project",
        description="责任单位可改本单位牵头项目的简介，以及把状态由未开工改为推进中；原计划字段"
        "（计划日期、计划投资、资金来源）须提交调整申请，销号、暂缓、终止须申请并经民生工程股审核，"
        "直接修改返回 400 并指明字段。民生工程股可直接修改，原计划字段和状态须填写调整理由（reason），"
        "暂缓、终止须填文号 / A department changes the summary of a project it leads and moves "
        "it from not started to in progress; baseline fields (planned dates, investment, "
        "funding source) need a change request and closing, suspending, terminating a request "
        "the office approves: sent here they answer 400 naming the field. The coordinating "
        "office changes them directly, giving a reason (and the decision number to suspend or "
        "terminate).",
        parameters=[
            OpenApiParameter("id", int, OpenApiParameter.PATH, description="项目编号 / Project id.")
        ],
        request=ProjectUpdateSerializer,
        responses=ProjectSerializer,
    )
    def partial_update(self, request, pk=None):
        project = readable_projects(request.user).filter(pk=pk).first() if _is_id(pk) else None
        if project is None:
            raise exceptions.NotFound()
        if not request.user.has_perm("projects.change_project", project):
            raise exceptions.PermissionDenied(LEAD_DEPARTMENT_ONLY)
        serializer = ProjectUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        reason = data.pop("reason", "")
        decision_number = data.pop("decision_number", "")
        project = commitments.project_update(
            project=project,
            by=request.user,
            data=data,
            reason=reason,
            decision_number=decision_number,
        )
        project = Project.objects.select_related("plan", "category", "lead_department").get(
            pk=project.pk
        )
        return Response(self.get_serializer(project).data)

    def _download(self, kind: str):
        services.lights_ensure_current()
        filterset = self._filtered()
        projects = filterset.qs.prefetch_related(
            "cooperating_departments", "areas", "beneficiary_groups"
        )
        dataset = downloads.project_dataset(projects, self.request.build_absolute_uri)
        csv = downloads.as_csv(dataset)
        if kind == "csv":
            response = HttpResponse(csv, content_type=f"{downloads.CSV_TYPE}; charset=utf-8")
        else:
            response = HttpResponse(downloads.as_xlsx(dataset), content_type=downloads.XLSX_TYPE)
        # An Excel file's bytes carry the time it was built; its rows are what the tag follows.
        response["ETag"] = body_etag(csv + kind.encode())
        plan = filterset.plan
        name = f"禹会区民生实事项目-{plan.year}.{kind}" if plan else f"禹会区民生实事项目.{kind}"
        response["Content-Disposition"] = content_disposition_header(True, name)
        return response

    @extend_schema(
        tags=[PROJECT_TAG],
        summary="下载项目清单（CSV）/ Download the project list (CSV)",
        description="与项目列表相同的筛选，全部结果不分页；中文列名，UTF-8 带 BOM，可直接用 Excel 打开 / "
        "The same filters as the list, every row at once; Chinese column titles, UTF-8 with "
        "a byte-order mark so that Excel opens it.",
        parameters=PROJECT_FILTER_PARAMETERS,
        responses={
            (200, downloads.CSV_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY, description="CSV 文件 / The CSV file."
            )
        },
    )
    @action(
        detail=False,
        url_path="csv",
        url_name="csv",
        pagination_class=None,
        content_negotiation_class=FirstRendererNegotiation,
        filters_reads=True,
    )
    def download_csv(self, request):
        return self._download("csv")

    @extend_schema(
        tags=[PROJECT_TAG],
        summary="下载项目清单（Excel）/ Download the project list (Excel)",
        description="与项目列表相同的筛选，全部结果不分页；中文列名的 .xlsx 文件 / "
        "The same filters as the list, every row at once; an .xlsx file with Chinese "
        "column titles.",
        parameters=PROJECT_FILTER_PARAMETERS,
        responses={
            (200, downloads.XLSX_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY, description="Excel 文件 / The Excel file."
            )
        },
    )
    @action(
        detail=False,
        url_path="xlsx",
        url_name="xlsx",
        pagination_class=None,
        content_negotiation_class=FirstRendererNegotiation,
        filters_reads=True,
    )
    def download_xlsx(self, request):
        return self._download("xlsx")


# --- progress reports -------------------------------------------------------------------

REPORT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="报告编号 / Report id.")


@extend_schema_view(
    list=extend_schema(
        tags=[REPORT_TAG],
        summary="进度报告列表 / Progress reports",
        description="匿名访问只返回公开项目已审核通过的报告；工作人员还能看到本单位牵头或配合项目的全部报告 / "
        "Anonymous clients get the approved reports of public projects; staff also every "
        "report of the projects their department leads or helps on.",
    ),
    retrieve=extend_schema(
        tags=[REPORT_TAG], summary="进度报告 / One progress report", parameters=[REPORT_ID]
    ),
)
class ReportViewSet(mixins.RetrieveModelMixin, ReadListViewSet):
    serializer_class = ReportSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ReportFilter
    write_permissions = {
        "create": "projects.add_progressreport",
        "submit": "projects.change_progressreport",
        "approve": "projects.review_progressreport",
        "return_report": "projects.review_progressreport",
    }
    write_may_not_find = True  # creating names a project, which may be out of sight

    def get_queryset(self):
        return readable_rows(
            ProgressReport.objects.all(), self.request.user, Q(state=ReportState.APPROVED)
        ).order_by("-period", "project_id", "-pk")

    def _answer(self, report, status_code=status.HTTP_200_OK):
        data = ReportSerializer(report, context=self.get_serializer_context()).data
        # str(): the field gives a Hyperlink (a str subclass), which WSGI servers refuse.
        headers = {"Location": str(data["url"])} if status_code == status.HTTP_201_CREATED else None
        return Response(data, status=status_code, headers=headers)

    def _project_to_report_on(self, data):
        raw = data.get("project") if isinstance(data, Mapping) else None
        try:
            project_id = serializers.IntegerField(min_value=1, max_value=MAX_ID).run_validation(raw)
        except serializers.ValidationError:
            return None  # the serializer names the field
        project = readable_projects(self.request.user).filter(pk=project_id).first()
        if project is None:
            raise exceptions.NotFound()
        check_can_change(self.request.user, project)
        return project

    @extend_schema(
        tags=[REPORT_TAG],
        summary="新建进度报告（草稿）/ Create a progress report (draft)",
        description="本单位牵头项目的月度报告，保存为草稿；每个项目每月一份，不能填报未来月份。"
        "项目不可见时返回 404，可见但非本单位牵头时返回 403 / "
        "A month's report on a project your department leads, saved as a draft; one per "
        "project and month, never a month still to come. 404 when the project is not yours "
        "to see, 403 when you see it but another department leads it.",
        request=ReportCreateSerializer,
        responses={201: ReportSerializer},
    )
    def create(self, request):
        project = self._project_to_report_on(request.data)
        serializer = ReportCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if project is None:  # the field checks above are the same; kept in step by this
            raise exceptions.NotFound()
        values = dict(serializer.validated_data)
        values.pop("project")
        report = services.report_create(project=project, by=request.user, **values)
        return self._answer(report, status.HTTP_201_CREATED)

    def _transition(self, service, **kwargs):
        report = self.get_object()
        try:
            report = service(report=report, by=self.request.user, **kwargs)
        except ServiceError as error:
            if hasattr(error, "error_dict"):
                error = ServiceError(
                    {
                        "reason" if name == "return_reason" else name: messages
                        for name, messages in error.error_dict.items()
                    }
                )
                raise validation_error(error) from None
            # A refusal of the workflow (e.g. approving a draft) is about the report's state.
            raise exceptions.ValidationError({"state": error.messages}) from None
        return self._answer(report)

    @extend_schema(
        tags=[REPORT_TAG],
        summary="提交报告 / Submit a report",
        description="把草稿或退回的报告提交民生工程股审核（本单位牵头项目）；请求体为空 / "
        "Send a draft or returned report to the coordinating office for review (projects "
        "your department leads); no body.",
        parameters=[REPORT_ID],
        request=EmptySerializer,
        responses=ReportSerializer,
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        EmptySerializer(data=request.data).is_valid(raise_exception=True)
        return self._transition(services.report_submit)

    @extend_schema(
        tags=[REPORT_TAG],
        summary="审核通过 / Approve a report",
        description="民生工程股审核通过已提交的报告，项目进度和资金随之更新；请求体为空 / "
        "The coordinating office approves a submitted report, which updates the project's "
        "progress and funds; no body.",
        parameters=[REPORT_ID],
        request=EmptySerializer,
        responses=ReportSerializer,
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        EmptySerializer(data=request.data).is_valid(raise_exception=True)
        return self._transition(services.report_approve)

    @extend_schema(
        tags=[REPORT_TAG],
        summary="退回报告 / Return a report",
        description="民生工程股把已提交的报告退回责任单位，须说明原因 / "
        "The coordinating office sends a submitted report back, saying why.",
        parameters=[REPORT_ID],
        request=ReportReturnSerializer,
        responses=ReportSerializer,
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_report(self, request, pk=None):
        serializer = ReportReturnSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._transition(services.report_return, reason=serializer.validated_data["reason"])


# --- milestones and indicators ----------------------------------------------------------

MILESTONE_ID = OpenApiParameter(
    "id", int, OpenApiParameter.PATH, description="节点编号 / Milestone id."
)
INDICATOR_ID = OpenApiParameter(
    "id", int, OpenApiParameter.PATH, description="指标编号 / Indicator id."
)


class ProjectPartViewSet(ReadViewSet):
    """Milestones and indicators: read like the rest, changed through their service by the
    lead department (the service's keyword is the model's name: ``milestone=``)."""

    def update_through(self, request, update_serializer_class, service):
        part = self.get_object()
        check_can_change(request.user, part.project)
        serializer = update_serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        reason = data.pop("reason", "")
        part = service(**{part._meta.model_name: part}, by=request.user, data=data, reason=reason)
        return Response(self.get_serializer(part).data)


@extend_schema_view(
    list=extend_schema(
        tags=[MILESTONE_TAG],
        summary="节点列表 / Milestones",
        description="公开项目的节点；工作人员还能看到本单位项目的节点 / "
        "Milestones of public projects; staff also those of their department's projects.",
    ),
    retrieve=extend_schema(
        tags=[MILESTONE_TAG], summary="节点 / One milestone", parameters=[MILESTONE_ID]
    ),
)
class MilestoneViewSet(ProjectPartViewSet):
    serializer_class = MilestoneSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = MilestoneFilter
    write_permissions = {"partial_update": "projects.change_milestone"}

    def get_queryset(self):
        return readable_rows(Milestone.objects.all(), self.request.user).order_by(
            "project_id", "planned_date", "pk"
        )

    @extend_schema(
        tags=[MILESTONE_TAG],
        summary="修改节点 / Change a milestone",
        description="本单位牵头项目的节点：填写实际完成日期（不晚于今天），或以 null 清除；灯号随之重算。"
        "方案印发后，节点名称、计划日期和权重属原计划，责任单位须提交调整申请（返回 400 并指明字段）/ "
        "A milestone of a project your department leads: the day it was completed (not "
        "after today), or null to clear it; the project's light is worked out again. Once the "
        "plan is published its title, planned date and weight are the baseline: a department "
        "files a change request (400 naming the field).",
        parameters=[MILESTONE_ID],
        request=MilestoneUpdateSerializer,
        responses=MilestoneSerializer,
    )
    def partial_update(self, request, pk=None):
        return self.update_through(request, MilestoneUpdateSerializer, commitments.milestone_save)


@extend_schema_view(
    list=extend_schema(
        tags=[MILESTONE_TAG],
        summary="指标列表 / Indicators",
        description="公开项目的指标；工作人员还能看到本单位项目的指标 / "
        "Indicators of public projects; staff also those of their department's projects.",
    ),
    retrieve=extend_schema(
        tags=[MILESTONE_TAG], summary="指标 / One indicator", parameters=[INDICATOR_ID]
    ),
)
class IndicatorViewSet(ProjectPartViewSet):
    serializer_class = IndicatorSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = IndicatorFilter
    write_permissions = {"partial_update": "projects.change_indicator"}

    def get_queryset(self):
        return readable_rows(Indicator.objects.all(), self.request.user).order_by(
            "project_id", "order", "pk"
        )

    @extend_schema(
        tags=[MILESTONE_TAG],
        summary="修改指标 / Change an indicator",
        description="本单位牵头项目的指标：填写实际值。方案印发后，目标值和单位属原计划，责任单位须提交"
        "调整申请（返回 400 并指明字段）/ An indicator of a project your department leads: its "
        "actual value. Once the plan is published its target and unit are the baseline: a "
        "department files a change request (400 naming the field).",
        parameters=[INDICATOR_ID],
        request=IndicatorUpdateSerializer,
        responses=IndicatorSerializer,
    )
    def partial_update(self, request, pk=None):
        return self.update_through(request, IndicatorUpdateSerializer, commitments.indicator_save)
