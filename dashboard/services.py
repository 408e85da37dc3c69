"""Writes of the dashboard: the monthly snapshots of the projects, and the briefing e-mail.

Snapshots are derived data: a month's rows can be taken again at any time and the result
replaces what was there. The current month is read from the live projects (the nightly task
keeps it current, so that a month keeps the figures of its last day); an earlier month is
rebuilt as of its last day from the change history (django-simple-history) and, for a
project whose history does not reach back that far (imported or demo data), from its
approved progress reports.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Max, Min, OuterRef, Prefetch, Q, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from departments.roles import LEADERSHIP_GROUP, is_coordinator
from minsheng import clock
from minsheng.months import month_end, month_start, months_between
from minsheng.services import ServiceError
from minsheng.tasks import enqueue_on_commit
from projects.choices import ProjectStatus
from projects.light import Thresholds, compute_light
from projects.models import Milestone, ProgressReport, Project

from .models import BriefingDispatch, ProjectSnapshot
from .tasks import briefing_send_task

logger = logging.getLogger(__name__)

SNAPSHOT_BATCH_SIZE = 500
SNAPSHOT_FIELDS = [
    "as_of",
    "status",
    "progress_percent",
    "expected_progress",
    "planned_investment",
    "funds_disbursed",
    "light",
    "light_reason",
    "reconstructed",
    "taken_at",
]
PROJECT_FIELDS = (
    "pk",
    "status",
    "progress_percent",
    "planned_start",
    "planned_end",
    "planned_investment",
    "funds_disbursed",
    "completed_on",
)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --------------------------------------------------------------------------------------
# Monthly snapshots
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _State:
    """What the light needs of a project, as it stood on a date."""

    status: str
    progress_percent: Decimal
    planned_start: datetime.date
    planned_end: datetime.date
    planned_investment: Decimal
    funds_disbursed: Decimal


@dataclass(frozen=True)
class _MilestoneThen:
    title: str
    planned_date: datetime.date
    completed_on: datetime.date | None
    weight: int


@dataclass(frozen=True)
class _Report:
    period: datetime.date
    reported_progress: Decimal
    funds_disbursed_to_date: Decimal


def _projects(ids: list[int]):
    return (
        Project.objects.filter(pk__in=ids)
        .only(*PROJECT_FIELDS)
        .prefetch_related(
            Prefetch(
                "milestones",
                queryset=Milestone.objects.only(
                    "project_id", "title", "planned_date", "completed_on", "weight"
                ),
            )
        )
    )


def _snapshot(project_id, month, as_of, state, result, *, reconstructed, taken_at):
    return ProjectSnapshot(
        project_id=project_id,
        month=month,
        as_of=as_of,
        status=state.status,
        progress_percent=state.progress_percent,
        expected_progress=result.expected_progress,
        planned_investment=state.planned_investment,
        funds_disbursed=state.funds_disbursed,
        light=result.light,
        light_reason=result.reason[:500],
        reconstructed=reconstructed,
        taken_at=taken_at,
    )


def _live_snapshots(ids, month, as_of, thresholds, taken_at) -> list[ProjectSnapshot]:
    latest_period = (
        ProgressReport.objects.approved()
        .filter(project=OuterRef("pk"))
        .order_by("-period")
        .values("period")[:1]
    )
    snapshots = []
    for project in _projects(ids).annotate(latest_report_period=Subquery(latest_period)):
        period = project.latest_report_period
        report = _Report(period, Decimal(0), Decimal(0)) if period else None
        result = compute_light(project, project.milestones.all(), report, as_of, thresholds)
        snapshots.append(
            _snapshot(
                project.pk, month, as_of, project, result, reconstructed=False, taken_at=taken_at
            )
        )
    return snapshots


def _end_of(day: datetime.date) -> datetime.datetime:
    """The first moment after ``day`` in the district's time zone."""
    following = day + datetime.timedelta(days=1)
    return datetime.datetime.combine(
        following, datetime.time.min, tzinfo=timezone.get_default_timezone()
    )


def _history_as_of(ids: list[int], end: datetime.datetime) -> dict:
    """Each project's last recorded version before ``end`` (one query)."""
    history = Project.history.model.objects
    last_versions = (
        history.filter(id__in=ids, history_date__lt=end)
        .order_by()
        .values("id")
        .annotate(last=Max("history_id"))
        .values("last")
    )
    return {
        record.id: record
        for record in history.filter(history_id__in=Subquery(last_versions)).only(
            "id", "history_type", *PROJECT_FIELDS[1:]
        )
    }


def _reports_as_of(ids, month, end) -> dict[int, _Report]:
    """Each project's newest report for ``month`` or earlier approved before ``end``."""
    latest: dict[int, _Report] = {}
    for row in (
        ProgressReport.objects.approved()
        .filter(project_id__in=ids, period__lte=month)
        .filter(Q(reviewed_at__isnull=True) | Q(reviewed_at__lt=end))
        .order_by("project_id", "period")
        .values_list("project_id", "period", "reported_progress", "funds_disbursed_to_date")
    ):
        latest[row[0]] = _Report(*row[1:])
    return latest


def _state_from_reports(project: Project, report: _Report | None, as_of) -> _State:
    """A project's state on ``as_of`` from its approved reports, when no history reaches back.

    Progress and funds are those of the newest report approved by then; the status follows
    from the dates: completed once its completion date has passed, suspended (from its start)
    if it is suspended now, in progress once it has progress or has started, else not started.
    """
    progress = report.reported_progress if report else Decimal(0)
    funds = report.funds_disbursed_to_date if report else Decimal(0)
    started = project.planned_start <= as_of
    if (
        project.status == ProjectStatus.COMPLETED
        and project.completed_on
        and project.completed_on <= as_of
    ):
        status, progress = ProjectStatus.COMPLETED, project.progress_percent
        if report is None:
            funds = project.funds_disbursed
    elif project.status == ProjectStatus.SUSPENDED and started:
        status = ProjectStatus.SUSPENDED
    elif progress > 0 or (started and project.status != ProjectStatus.NOT_STARTED):
        status = ProjectStatus.IN_PROGRESS
    else:
        status = ProjectStatus.NOT_STARTED
    return _State(
        status=status,
        progress_percent=progress,
        planned_start=project.planned_start,
        planned_end=project.planned_end,
        planned_investment=project.planned_investment,
        funds_disbursed=funds,
    )


def _rebuilt_snapshots(ids, month, as_of, thresholds, taken_at) -> list[ProjectSnapshot]:
    end = _end_of(as_of)
    history = _history_as_of(ids, end)
    reports = _reports_as_of(ids, month, end)
    snapshots = []
    for project in _projects(ids):
        record = history.get(project.pk)
        report = reports.get(project.pk)
        if record is not None and record.history_type != "-":
            state = _State(
                status=record.status,
                progress_percent=record.progress_percent,
                planned_start=record.planned_start,
                planned_end=record.planned_end,
                planned_investment=record.planned_investment,
                funds_disbursed=record.funds_disbursed,
            )
        else:
            state = _state_from_reports(project, report, as_of)
        milestones = [
            _MilestoneThen(
                milestone.title,
                milestone.planned_date,
                milestone.completed_on
                if milestone.completed_on and milestone.completed_on <= as_of
                else None,
                milestone.weight,
            )
            for milestone in project.milestones.all()
        ]
        result = compute_light(state, milestones, report, as_of, thresholds)
        snapshots.append(
            _snapshot(
                project.pk, month, as_of, state, result, reconstructed=True, taken_at=taken_at
            )
        )
    return snapshots


def snapshot_take(
    *, month: datetime.date, only_missing: bool = False, today: datetime.date | None = None
) -> int:
    """Record every project's progress, funds, status and light in ``month``.

    The current month is read from the live data as of today (``today``: the portal's
    today unless given); an earlier month is rebuilt as of its last day. Existing rows of
    the month are replaced, or, with ``only_missing``, kept (only projects without a row
    are added). Returns how many rows were written.
    """
    month = month_start(month)
    today = today or clock.today()
    if month > month_start(today):
        raise ServiceError(_("A snapshot cannot be taken of a month that has not begun."))
    live = month == month_start(today)
    as_of = today if live else month_end(month)
    thresholds = Thresholds.from_settings()
    projects = Project.objects.order_by("pk")
    if only_missing:
        projects = projects.exclude(snapshots__month=month)
    ids = list(projects.values_list("pk", flat=True))
    taken_at = timezone.now()
    build = _live_snapshots if live else _rebuilt_snapshots
    written = 0
    # Reasons are stored in the site's language, as the projects' own light reasons are.
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        for start in range(0, len(ids), SNAPSHOT_BATCH_SIZE):
            snapshots = build(
                ids[start : start + SNAPSHOT_BATCH_SIZE], month, as_of, thresholds, taken_at
            )
            ProjectSnapshot.objects.bulk_create(
                snapshots,
                update_conflicts=True,
                unique_fields=["project", "month"],
                update_fields=SNAPSHOT_FIELDS,
            )
            written += len(snapshots)
    return written


def snapshots_backfill(
    *,
    until: datetime.date | None = None,
    replace: bool = False,
    today: datetime.date | None = None,
) -> dict[datetime.date, int]:
    """Fill every month from the earliest planned start up to ``until`` (default: this month).

    Months and projects that already have a snapshot keep it unless ``replace``. Returns the
    rows written per month.
    """
    today = today or clock.today()
    current = month_start(today)
    last = min(month_start(until), current) if until else current
    first = Project.objects.aggregate(first=Min("planned_start"))["first"]
    if first is None:
        return {}
    return {
        month: snapshot_take(month=month, only_missing=not replace, today=today)
        for month in months_between(first, last)
    }


# --------------------------------------------------------------------------------------
# The briefing sent to leadership
# --------------------------------------------------------------------------------------


def leadership_addresses() -> list[str]:
    """E-mail addresses of the active leadership accounts (一次发送给全部区领导)."""
    users = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=LEADERSHIP_GROUP)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    return sorted(set(users))


@transaction.atomic
def briefing_send(*, month: datetime.date, by) -> BriefingDispatch:
    """Send the briefing of ``month`` to every leadership account by e-mail (after the commit)."""
    if not is_coordinator(by):
        raise PermissionDenied(_("Only the coordinating office sends the briefing."))
    month = month_start(month)
    if month > month_start(clock.today()):
        raise ServiceError(_("There is no briefing for a month that has not begun."))
    recipients = leadership_addresses()
    if not recipients:
        raise ServiceError(
            _("No leadership account has an e-mail address: there is nobody to send it to.")
        )
    dispatch = BriefingDispatch.objects.create(
        month=month, requested_by=by, recipients="\n".join(recipients)
    )
    enqueue_on_commit(briefing_send_task, dispatch.pk)
    return dispatch


def briefing_deliver(*, dispatch: BriefingDispatch) -> int:
    """Build the briefing (Excel and PDF) and e-mail it to the dispatch's recipients.

    Returns the number of recipients. A mail server that refuses raises (the task retries);
    the error is kept on the dispatch for the coordinating office to see.
    """
    from . import briefing as documents
    from .selectors import briefing_figures

    with translation.override(settings.LANGUAGE_CODE):
        briefing = briefing_figures(dispatch.month, clock.today())
        month_words = date_format(dispatch.month, "YEAR_MONTH_FORMAT")
        subject = _("Monthly briefing on the livelihood projects: %(month)s") % {
            "month": month_words
        }
        path = reverse("dashboard:briefing", args=[f"{dispatch.month:%Y-%m}"])
        body = render_to_string(
            "dashboard/email/briefing.txt",
            {
                "briefing": briefing,
                "month_words": month_words,
                "url": settings.SITE_BASE_URL.rstrip("/") + path,
                "SITE_NAME": settings.SITE_NAME,
                "SITE_ORGANISER": settings.SITE_ORGANISER,
            },
        )
        message = EmailMessage(subject, body, to=dispatch.recipient_list)
        name = documents.file_name(dispatch.month)
        message.attach(f"{name}.xlsx", documents.workbook(briefing), XLSX_TYPE)
        try:
            message.attach(f"{name}.pdf", documents.pdf(briefing), "application/pdf")
        except documents.PdfUnavailable:
            logger.warning("briefing %s sent without its PDF", dispatch.pk, exc_info=True)
    try:
        message.send()
    except OSError as error:
        dispatch.error = str(error)[:500]
        dispatch.save(update_fields=["error"])
        raise
    dispatch.sent_at = timezone.now()
    dispatch.error = ""
    dispatch.save(update_fields=["sent_at", "error"])
    return len(dispatch.recipient_list)
