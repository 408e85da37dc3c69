"""Reads of public projects: the lists, the project page, its light, milestones and photos,
and the attachment a stored file name belongs to."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from itertools import zip_longest

from django.db.models import OuterRef, Q, Subquery
from django.http import Http404

from departments.models import Area, Department
from minsheng import clock

from ..choices import AttachmentKind
from ..light import LightResult, ReportPeriod, Thresholds, compute_light
from ..models import (
    Attachment,
    BeneficiaryGroup,
    ChangeRequest,
    Indicator,
    Milestone,
    ProgressReport,
    Project,
)

# --------------------------------------------------------------------------------------
# Attachment files
# --------------------------------------------------------------------------------------


def attachment_by_stored_name(name: str, user) -> tuple[Attachment, bool]:
    """The attachment whose file or thumbnail is stored as ``name``, and whether it is public.

    Public files are found without looking at who asks (their answer is the same for all and
    may be cached anywhere); the others only for staff who may see the project. Otherwise 404,
    which does not tell a hidden file from a missing one.
    """
    stored_as = Q(file=name) | Q(thumbnail=name)
    attachment = Attachment.objects.public().filter(stored_as).first()
    if attachment is not None:
        return attachment, True
    attachment = Attachment.objects.visible_to(user).filter(stored_as).first()
    if attachment is None:
        raise Http404("No such file")
    return attachment, False


# --------------------------------------------------------------------------------------
# Projects
# --------------------------------------------------------------------------------------


def public_projects():
    """Published projects of published plans, with what a list shows."""
    return (
        Project.objects.published()
        .select_related("plan", "category", "lead_department")
        .order_by("plan__year", "number")
    )


# What a row of the project list shows, and what working out its light needs.
LISTED_FIELDS = (
    "plan_id",
    "number",
    "title",
    "category__name",
    "lead_department__name",
    "lead_department__short_name",
    "status",
    "planned_start",
    "planned_end",
    "completed_on",
    "progress_percent",
    "light",
    "light_reason",
)


def listed_projects():
    """Published projects of published plans with the columns a list row needs only.

    Ordered by number: lists filter on one plan, so the plan's year adds nothing but a sort.
    """
    return (
        Project.objects.published()
        .select_related("category", "lead_department")
        .only(*LISTED_FIELDS)
        .order_by("number")
    )


def _id_or_404(pk) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise Http404("No such project") from None


def public_project(pk) -> Project:
    """One published project of a published plan (no prefetching), or 404."""
    project = public_projects().filter(pk=_id_or_404(pk)).first()
    if project is None:
        raise Http404("No such project")
    return project


def project_for_public(pk) -> Project:
    """One published project with everything its page shows, or 404 (nine queries).

    Plain queries rather than prefetch chains: building a queryset with eight prefetches
    cost more than the rest of the page. The project gets, as lists:

    - ``cooperating``, ``area_list``, ``group_list``: dicts with ``pk`` and ``name``;
    - ``milestone_list`` (date order) and ``indicator_list``;
    - ``approved_reports``: the approved ones only, newest month first, each with
      ``public_attachments``;
    - ``project_attachments``: those not tied to a report or a request, since a report's
      photos appear only once it is approved;
    - ``approved_changes``: the approved change requests and decisions, oldest first, each
      with ``public_documents`` (a request's documents are public once it is approved).
    """
    pk = _id_or_404(pk)
    project = (
        Project.objects.published()
        .select_related("plan", "category", "lead_department")
        .filter(pk=pk)
        .first()
    )
    if project is None:
        raise Http404("No such project")
    project.cooperating = list(
        Department.objects.filter(cooperating_projects=pk).values("pk", "name", "short_name")
    )
    project.area_list = list(Area.objects.filter(projects=pk).values("pk", "name"))
    project.group_list = list(BeneficiaryGroup.objects.filter(projects=pk).values("pk", "name"))
    project.milestone_list = list(
        Milestone.objects.filter(project_id=pk).order_by("planned_date", "pk")
    )
    project.indicator_list = list(Indicator.objects.filter(project_id=pk).order_by("order", "pk"))
    reports = list(
        ProgressReport.objects.approved().filter(project_id=pk).order_by("-period", "-pk")
    )
    by_report = {report.pk: report for report in reports}
    # Approved changes and decisions (计划调整、销号、暂缓、终止), in the order they were
    # decided. Pending, rejected and withdrawn requests are the office's and the
    # department's business.
    changes = list(
        ChangeRequest.objects.approved()
        .filter(project_id=pk)
        .only(
            "project_id",
            "kind",
            "state",
            "source",
            "reason",
            "changes",
            "decision_number",
            "decided_at",
        )
        .order_by("decided_at", "pk")
    )
    by_change = {change.pk: change for change in changes}
    # The project's own attachments and those of its approved reports, oldest first.
    attachments = (
        Attachment.objects.outside_unapproved_reports()
        .filter(project_id=pk)
        .order_by("uploaded_at", "pk")
    )
    project.project_attachments = []
    for row in (*reports, *changes):
        row.public_attachments = []
    for attachment in attachments:
        if attachment.change_request_id is not None:
            if attachment.change_request_id in by_change:
                by_change[attachment.change_request_id].public_attachments.append(attachment)
        elif attachment.report_id is None:
            project.project_attachments.append(attachment)
        elif attachment.report_id in by_report:
            by_report[attachment.report_id].public_attachments.append(attachment)
    project.approved_reports = reports
    project.approved_changes = changes
    return project


def live_light(project: Project, on_date: datetime.date | None = None) -> LightResult:
    """The project's light worked out now, its reason in the active language.

    Needs what ``project_for_public`` loads (milestones, approved reports): no query.
    """
    reports = getattr(project, "approved_reports", None)
    latest = reports[0] if reports else None
    return compute_light(
        project,
        _milestones(project),
        latest,
        on_date or clock.today(),
        Thresholds.from_settings(),
    )


def _milestones(project: Project):
    milestones = getattr(project, "milestone_list", None)
    return project.milestones.all() if milestones is None else milestones


def relabel_lights(projects: list[Project], on_date: datetime.date | None = None) -> None:
    """Give listed projects ``light_reason`` in the active language (two queries).

    Stored reasons are written in the site's language; a visitor who chose another one
    gets them worked out again for the few projects on the page.
    """
    if not projects:
        return
    ids = [project.pk for project in projects]
    milestones: dict[int, list[Milestone]] = {pk: [] for pk in ids}
    for milestone in Milestone.objects.filter(project_id__in=ids).only(
        "project_id", "title", "planned_date", "completed_on", "weight"
    ):
        milestones[milestone.project_id].append(milestone)
    latest_period = (
        ProgressReport.objects.approved()
        .filter(project=OuterRef("pk"))
        .order_by("-period")
        .values("period")[:1]
    )
    periods = dict(
        Project.objects.filter(pk__in=ids)
        .annotate(latest=Subquery(latest_period))
        .values_list("pk", "latest")
    )
    on_date = on_date or clock.today()
    thresholds = Thresholds.from_settings()
    for project in projects:
        period = periods.get(project.pk)
        report = ReportPeriod(period) if period else None
        result = compute_light(project, milestones[project.pk], report, on_date, thresholds)
        project.light = result.light
        project.light_reason = result.reason


@dataclass(frozen=True)
class MilestoneView:
    milestone: Milestone
    state: str  # "done", "overdue" or "upcoming"
    days_overdue: int = 0


def milestone_timeline(project: Project, on_date: datetime.date | None = None):
    """The project's milestones in date order with their state on ``on_date``."""
    on_date = on_date or clock.today()
    timeline = []
    for milestone in _milestones(project):
        if milestone.completed_on:
            timeline.append(MilestoneView(milestone, "done"))
        elif milestone.planned_date < on_date:
            timeline.append(MilestoneView(milestone, "overdue", milestone.days_overdue(on_date)))
        else:
            timeline.append(MilestoneView(milestone, "upcoming"))
    return timeline


@dataclass(frozen=True)
class Photos:
    """A project's own attachments sorted for the page."""

    pairs: list  # (before, after) tuples, either may be None
    photos: list
    documents: list


def project_photos(project: Project) -> Photos:
    before, after, photos, documents = [], [], [], []
    for attachment in project.project_attachments:
        if not attachment.is_image:
            documents.append(attachment)
        elif attachment.kind == AttachmentKind.BEFORE:
            before.append(attachment)
        elif attachment.kind == AttachmentKind.AFTER:
            after.append(attachment)
        else:
            photos.append(attachment)
    return Photos(list(zip_longest(before, after)), photos, documents)
