"""Every write that matters to projects: atomic, recorded in history, side effects on commit."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from minsheng import clock
from minsheng.cache import invalidate_public_pages
from minsheng.services import ServiceError

from .choices import ProjectStatus, ReportState
from .light import ReportPeriod, Thresholds, compute_light
from .models import HistorySource, Indicator, Milestone, ProgressReport, Project

LIGHT_BATCH_SIZE = 500


def _check_can_report(*, project: Project, by) -> None:
    if not by.has_perm("projects.report_on_project", project):
        raise PermissionDenied(_("Only the lead department can report on this project."))


@transaction.atomic
def report_create(
    *,
    project: Project,
    by,
    period: datetime.date,
    reported_progress: Decimal,
    funds_disbursed_to_date: Decimal,
    work_done: str,
    problems: str = "",
    next_steps: str = "",
) -> ProgressReport:
    """Create a draft report for a month of one of the author's department's projects."""
    _check_can_report(project=project, by=by)
    report = ProgressReport(
        project=project,
        period=period.replace(day=1),
        reported_progress=reported_progress,
        funds_disbursed_to_date=funds_disbursed_to_date,
        work_done=work_done,
        problems=problems,
        next_steps=next_steps,
        author=by,
    )
    if report.period > clock.today().replace(day=1):
        raise ServiceError({"period": _("A report cannot be for a month in the future.")})
    report.full_clean()
    report._history_user = by
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        # Two people saving the same month at once: full_clean passed for both, the unique
        # constraint stops the second, who gets the reason rather than a server error.
        if ProgressReport.objects.filter(project=project, period=report.period).exists():
            raise ServiceError(_("This project already has a report for this month.")) from None
        raise
    return report


@transaction.atomic
def report_submit(*, report: ProgressReport, by) -> ProgressReport:
    """Send a draft or returned report to the coordinating office for review."""
    report = ProgressReport.objects.select_for_update().select_related("project").get(pk=report.pk)
    _check_can_report(project=report.project, by=by)
    if not report.is_editable:
        raise ServiceError(
            _("Only a draft or returned report can be submitted; this one is “%(state)s”.")
            % {"state": report.get_state_display()}
        )
    report.state = ReportState.SUBMITTED
    report.submitted_at = timezone.now()
    report.return_reason = ""
    report._history_user = by
    report.save(update_fields=["state", "submitted_at", "return_reason"])
    return report


def _check_reviewer(by) -> None:
    if not by.has_perm("projects.review_report"):
        raise PermissionDenied(_("Only the coordinating office reviews progress reports."))


@transaction.atomic
def report_approve(*, report: ProgressReport, by) -> ProgressReport:
    """Approve a submitted report and carry its progress and funds into the project.

    One transaction: the report row is locked so two approvals cannot both pass, and the
    project's new progress and funds are saved with history naming the approver.
    """
    _check_reviewer(by)
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if report.state != ReportState.SUBMITTED:
        raise ServiceError(
            _("Only a submitted report can be approved; this one is “%(state)s”.")
            % {"state": report.get_state_display()}
        )
    report.state = ReportState.APPROVED
    report.reviewed_by = by
    report.reviewed_at = timezone.now()
    report._history_user = by
    report.save(update_fields=["state", "reviewed_by", "reviewed_at"])

    project = Project.objects.select_for_update().get(pk=report.project_id)
    newest_approved = (
        ProgressReport.objects.approved()
        .filter(project=project)
        .order_by("-period")
        .values("pk")
        .first()
    )
    # An approved report for an earlier month does not roll the project back.
    if newest_approved and newest_approved["pk"] == report.pk:
        update_fields = ["progress_percent", "funds_disbursed", "updated_at"]
        project.progress_percent = report.reported_progress
        project.funds_disbursed = report.funds_disbursed_to_date
        if project.status == ProjectStatus.NOT_STARTED and report.reported_progress > 0:
            project.status = ProjectStatus.IN_PROGRESS
            update_fields.append("status")
        project._history_user = by
        project._history_source = HistorySource.REPORT
        project._change_reason = _("Progress report for %(period)s approved") % {
            "period": f"{report.period:%Y-%m}"
        }
        project.save(update_fields=update_fields)
    project_refresh_light(project=project)
    return report


@transaction.atomic
def report_return(*, report: ProgressReport, by, reason: str) -> ProgressReport:
    """Send a submitted report back to the department with the reason it must fix."""
    _check_reviewer(by)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({"return_reason": _("Say why the report is returned.")})
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if report.state != ReportState.SUBMITTED:
        raise ServiceError(
            _("Only a submitted report can be returned; this one is “%(state)s”.")
            % {"state": report.get_state_display()}
        )
    report.state = ReportState.RETURNED
    report.return_reason = reason[:500]
    report.reviewed_by = by
    report.reviewed_at = timezone.now()
    report._history_user = by
    report.save(update_fields=["state", "return_reason", "reviewed_by", "reviewed_at"])
    return report


def _check_can_change(*, project: Project, by, permission: str) -> None:
    # The model permission of the user's group, and the lead department (or the office):
    # projects/permissions.py.
    if not by.has_perm(permission, project):
        raise PermissionDenied(_("Only the lead department can change this project."))


def milestone_update(*, milestone: Milestone, by, completed_on: datetime.date | None) -> Milestone:
    """Record the day a milestone was completed (or clear it): the one write path's."""
    from .commitments import milestone_save

    return milestone_save(
        milestone=Milestone.objects.get(pk=milestone.pk), by=by, data={"completed_on": completed_on}
    )


def indicator_update(*, indicator: Indicator, by, actual_value: Decimal) -> Indicator:
    """Record how far an indicator has got (its actual value): the one write path's."""
    from .commitments import indicator_save

    return indicator_save(
        indicator=Indicator.objects.get(pk=indicator.pk), by=by, data={"actual_value": actual_value}
    )


def _light_queryset():
    latest_approved = (
        ProgressReport.objects.approved()
        .filter(project=OuterRef("pk"))
        .order_by("-period")
        .values("period")[:1]
    )
    return (
        Project.objects.only(
            "pk",
            "status",
            "progress_percent",
            "planned_start",
            "planned_end",
            "light",
            "light_reason",
            "expected_progress",
            "light_as_of",
        )
        .annotate(latest_report_period=Subquery(latest_approved))
        .prefetch_related(
            Prefetch(
                "milestones",
                queryset=Milestone.objects.only(
                    "project_id", "title", "planned_date", "completed_on", "weight"
                ),
            )
        )
    )


LIGHT_FIELDS = ["light", "light_reason", "expected_progress", "light_as_of"]


def _light_values(project, milestones, report, on_date, thresholds) -> dict:
    """The stored light columns of ``project`` (call in the portal's language: the reason)."""
    result = compute_light(project, milestones, report, on_date, thresholds)
    return {
        "light": result.light,
        "light_reason": result.reason[:500],
        "expected_progress": result.expected_progress,
        "light_as_of": on_date,
    }


def lights_set_new(projects, *, on_date: datetime.date | None = None) -> None:
    """Give projects about to be created (no milestones, no reports yet) their light.

    For bulk creation, which saves no light afterwards: the import writes them with it.
    """
    on_date = on_date or clock.today()
    thresholds = Thresholds.from_settings()
    with translation.override(settings.LANGUAGE_CODE):
        for project in projects:
            for key, value in _light_values(project, [], None, on_date, thresholds).items():
                setattr(project, key, value)


def _refresh(projects, on_date: datetime.date, thresholds: Thresholds) -> int:
    changed = []
    with translation.override(settings.LANGUAGE_CODE):
        for project in projects:
            report = (
                ReportPeriod(project.latest_report_period) if project.latest_report_period else None
            )
            values = _light_values(project, project.milestones.all(), report, on_date, thresholds)
            if any(getattr(project, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(project, key, value)
                changed.append(project)
    if changed:
        # Derived columns only, in one UPDATE per batch: no history row, no updated_at bump.
        Project.objects.bulk_update(changed, LIGHT_FIELDS)
        invalidate_public_pages()
    return len(changed)


def project_refresh_light(*, project: Project, on_date: datetime.date | None = None) -> Project:
    """Recompute and store one project's light (after its data changed)."""
    fresh = _light_queryset().get(pk=project.pk)
    _refresh([fresh], on_date or clock.today(), Thresholds.from_settings())
    for key in LIGHT_FIELDS:
        setattr(project, key, getattr(fresh, key))
    return project


def lights_refresh(
    *, on_date: datetime.date | None = None, queryset=None, stale_only: bool = False
) -> int:
    """Recompute the stored light of many projects in batches; returns how many changed."""
    on_date = on_date or clock.today()
    thresholds = Thresholds.from_settings()
    projects = _light_queryset()
    if queryset is not None:
        projects = projects.filter(pk__in=queryset.values("pk"))
    if stale_only:
        projects = projects.filter(Q(light_as_of__isnull=True) | ~Q(light_as_of=on_date))
    changed = 0
    ids = list(projects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), LIGHT_BATCH_SIZE):
        batch = _light_queryset().filter(pk__in=ids[start : start + LIGHT_BATCH_SIZE])
        changed += _refresh(batch, on_date, thresholds)
    return changed


def lights_ensure_current() -> None:
    """Bring stored lights up to today's date if the day has turned since they were computed.

    One cheap query when they are current; pages call it so a light never lags a day even
    when no scheduler runs (the ``make run`` set-up).
    """
    on_date = clock.today()
    if Project.objects.filter(Q(light_as_of__isnull=True) | ~Q(light_as_of=on_date)).exists():
        lights_refresh(on_date=on_date, stale_only=True)
