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
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response

from departments.roles import sees_everything
from feedback.models import Rating
from feedback.selectors import satisfaction_of
from minsheng.api.conditional import body_etag
from minsheng.api.errors import validation_error
from minsheng.api.serializers import EmptySerializer
from minsheng.api.viewsets import ReadListViewSet, ReadViewSet
from minsheng.services import ServiceError
from projects import commitments, selectors, services
from projects.choices import ReportState
from projects.filters import ProjectFilter
from projects.models import (
    BeneficiaryGroup,
    Category,
    Indicator,
    Milestone,
    Plan,
    ProgressReport,
    Project,
)

from . import docs, downloads
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

LEAD_DEPARTMENT_ONLY = _("Only the lead department can change this project.")


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


@docs.PLAN_VIEWS
class PlanViewSet(ReadViewSet):
    queryset = Plan.objects.published().order_by("-year")
    serializer_class = PlanSerializer
    lookup_field = "year"
    pagination_class = None

    @docs.PLAN_STATISTICS
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


@docs.CATEGORY_VIEWS
class CategoryViewSet(ReadViewSet):
    queryset = Category.objects.order_by("order", "code")
    serializer_class = CategorySerializer
    pagination_class = None


@docs.BENEFICIARY_GROUP_VIEWS
class BeneficiaryGroupViewSet(ReadViewSet):
    queryset = BeneficiaryGroup.objects.order_by("order", "name")
    serializer_class = BeneficiaryGroupSerializer
    pagination_class = None


# --- projects ---------------------------------------------------------------------------


@docs.PROJECT_VIEWS
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

    @docs.PROJECT_PARTIAL_UPDATE
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

    @docs.PROJECT_DOWNLOAD_CSV
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

    @docs.PROJECT_DOWNLOAD_XLSX
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


@docs.REPORT_VIEWS
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

    @docs.REPORT_CREATE
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

    @docs.REPORT_SUBMIT
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        EmptySerializer(data=request.data).is_valid(raise_exception=True)
        return self._transition(services.report_submit)

    @docs.REPORT_APPROVE
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        EmptySerializer(data=request.data).is_valid(raise_exception=True)
        return self._transition(services.report_approve)

    @docs.REPORT_RETURN_REPORT
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_report(self, request, pk=None):
        serializer = ReportReturnSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._transition(services.report_return, reason=serializer.validated_data["reason"])


# --- milestones and indicators ----------------------------------------------------------


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


@docs.MILESTONE_VIEWS
class MilestoneViewSet(ProjectPartViewSet):
    serializer_class = MilestoneSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = MilestoneFilter
    write_permissions = {"partial_update": "projects.change_milestone"}

    def get_queryset(self):
        return readable_rows(Milestone.objects.all(), self.request.user).order_by(
            "project_id", "planned_date", "pk"
        )

    @docs.MILESTONE_PARTIAL_UPDATE
    def partial_update(self, request, pk=None):
        return self.update_through(request, MilestoneUpdateSerializer, commitments.milestone_save)


@docs.INDICATOR_VIEWS
class IndicatorViewSet(ProjectPartViewSet):
    serializer_class = IndicatorSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = IndicatorFilter
    write_permissions = {"partial_update": "projects.change_indicator"}

    def get_queryset(self):
        return readable_rows(Indicator.objects.all(), self.request.user).order_by(
            "project_id", "order", "pk"
        )

    @docs.INDICATOR_PARTIAL_UPDATE
    def partial_update(self, request, pk=None):
        return self.update_through(request, IndicatorUpdateSerializer, commitments.indicator_save)
