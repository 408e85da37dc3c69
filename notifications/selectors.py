"""Reads the reminders need: which projects count, who receives what, the weekly digest's figures."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)
from django.utils import timezone

from departments.choices import MembershipRole
from departments.models import Membership
from departments.roles import COORDINATOR_GROUP, LEADERSHIP_GROUP
from feedback.models import Comment
from projects.choices import LIGHT_ICONS, Light, ProjectStatus, ReportState
from projects.models import ChangeRequest, Milestone, Plan, ProgressReport, Project

from .choices import DeliveryStatus, ReminderKind
from .models import ReminderLog, ReminderOccurrence

# Projects that are being delivered: their deadlines are reminded. Completed and suspended
# projects have none left; unpublished projects and plans are drafts nobody works against yet.
ACTIVE_STATUSES = (ProjectStatus.NOT_STARTED, ProjectStatus.IN_PROGRESS)
# A month's report counts as handed in once submitted, whether or not it is reviewed yet.
HANDED_IN_STATES = (ReportState.SUBMITTED, ReportState.APPROVED)

PROJECT_FIELDS = (
    "number",
    "title",
    "light",
    "light_reason",
    "lead_department_id",
    "planned_start",
)


# --- date arithmetic in SQL (PostgreSQL and SQLite) --------------------------------------------


class DaysBetween(Func):
    """Whole days from the date ``start`` to the date ``end`` (negative when end is earlier)."""

    output_field = IntegerField()
    # PostgreSQL: date - date is a number of days.
    template = "(%(expressions)s)"
    arg_joiner = " - "

    def __init__(self, start, end):
        super().__init__(end, start)

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


class AddDays(Func):
    """The date ``days`` (an integer expression) after the date ``date``."""

    output_field = DateField()
    # PostgreSQL: date + integer is a date.
    template = "(%(expressions)s)"
    arg_joiner = " + "

    def __init__(self, date, days):
        super().__init__(date, days)

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="date(%(expressions)s || ' days')",
            arg_joiner=", ",
            **extra_context,
        )


# --- what is still to be sent ---------------------------------------------------------------------


def _retryable_ids(model, kinds, stale_before):
    """Ids of ``model`` objects with a delivery to try again: failed, or claimed by a scan that
    died. Uncorrelated, so the database reads it once per query (from a partial index)."""
    return (
        ReminderLog.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            kind__in=kinds,
            status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED],
        )
        .filter(
            Q(status=DeliveryStatus.FAILED)
            | Q(status=DeliveryStatus.PENDING, claimed_at__lt=stale_before)
        )
        .values("object_id")
    )


def _handled(model, kind, due_on, *, since: datetime.date | None = None) -> Exists:
    """Whether the reminder of ``kind`` that fell due on ``due_on`` (both may be expressions
    over the outer row) was claimed for the outer row's object.

    ``since``, when the caller knows no current reminder fell due earlier, keeps the
    database from reading the older part of the table.
    """
    rows = ReminderOccurrence.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        kind=kind,
        object_id=OuterRef("pk"),
        due_on=due_on,
    )
    if since is not None:
        rows = rows.filter(due_on__gte=since)
    return Exists(rows)


def active_projects():
    return Project.objects.published().filter(status__in=ACTIVE_STATUSES)


def milestones_to_remind(
    on_date: datetime.date,
    *,
    due_days: tuple[int, ...],
    repeat: int,
    escalate: int,
    stale_before: datetime.datetime,
):
    """Open milestones of active projects with a reminder due on ``on_date`` not yet handled.

    Each row carries what the reminder is: ``days_late`` (negative: days left),
    ``notice_kind`` and ``notice_on`` (the day the current reminder fell due: 7, 3 or 1 day
    before the planned date, or day 1, 8, 15 … after it) and ``office_on`` (from ``escalate``
    days late, the coordinating office's reminder: that day, then with the weekly ones).
    Computed by the database, so that a scan finding everything sent reads nothing but this
    one query's (empty) result.
    """
    stages = sorted(set(due_days))
    day = Value(on_date, output_field=DateField())
    staff_day = Value(1) + Value(repeat) * ((F("days_late") - Value(1)) / Value(repeat))
    queryset = (
        Milestone.objects.filter(
            completed_on__isnull=True,
            planned_date__lte=on_date + datetime.timedelta(days=stages[-1]),
            project__published=True,
            project__plan__published=True,
            project__status__in=ACTIVE_STATUSES,
        )
        .annotate(days_late=DaysBetween(F("planned_date"), day))
        .annotate(
            # The smallest reminder stage at least as far away as the planned date.
            stage=Case(
                *(When(days_late__gte=-days, then=Value(days)) for days in stages[:-1]),
                default=Value(stages[-1]),
                output_field=IntegerField(),
            ),
            staff_day=Case(
                When(days_late__gte=1, then=staff_day), default=None, output_field=IntegerField()
            ),
        )
        .annotate(
            notice_kind=Case(
                When(days_late__lte=0, then=Value(ReminderKind.MILESTONE_DUE.value)),
                default=Value(ReminderKind.MILESTONE_OVERDUE.value),
                output_field=CharField(),
            ),
            notice_on=Case(
                When(days_late__lte=0, then=AddDays(F("planned_date"), Value(0) - F("stage"))),
                default=AddDays(F("planned_date"), F("staff_day")),
                output_field=DateField(),
            ),
            office_on=Case(
                When(staff_day__gte=escalate, then=AddDays(F("planned_date"), F("staff_day"))),
                When(
                    days_late__gte=escalate,
                    then=AddDays(F("planned_date"), Value(escalate)),
                ),
                default=None,
                output_field=DateField(),
            ),
        )
    )
    kinds = [ReminderKind.MILESTONE_DUE, ReminderKind.MILESTONE_OVERDUE]
    # Every current reminder fell due within the last week (or the last stage's gap).
    since = on_date - datetime.timedelta(days=max(repeat, stages[-1]))
    return (
        queryset.filter(
            ~_handled(Milestone, OuterRef("notice_kind"), OuterRef("notice_on"), since=since)
            | (
                Q(office_on__isnull=False)
                & ~_handled(
                    Milestone,
                    ReminderKind.MILESTONE_OVERDUE,
                    OuterRef("office_on"),
                    since=since,
                )
            )
            | Q(pk__in=_retryable_ids(Milestone, kinds, stale_before))
        )
        .select_related("project")
        .only("title", "planned_date", "project_id", *(f"project__{f}" for f in PROJECT_FIELDS))
        .order_by("pk")
    )


def projects_without_report(
    period: datetime.date,
    deadline: datetime.date,
    *,
    kind: str,
    due_on: datetime.date,
    stale_before: datetime.datetime,
):
    """Active projects that owe a report for ``period`` (started by its deadline, none handed
    in) and whose reminder of ``kind`` due on ``due_on`` is not yet handled."""
    handed_in = ProgressReport.objects.filter(
        project=OuterRef("pk"), period=period, state__in=HANDED_IN_STATES
    )
    return (
        active_projects()
        .filter(planned_start__lte=deadline)
        .exclude(Exists(handed_in))
        .filter(
            ~_handled(Project, kind, due_on)
            | Q(pk__in=_retryable_ids(Project, [kind], stale_before))
        )
        .only(*PROJECT_FIELDS)
        .order_by("pk")
    )


def comments_reply_overdue(on_date: datetime.date, *, stale_before: datetime.datetime):
    """Comments still without an official reply after their reply date, with ``notice_on`` (the
    day after that date), whose reminder is not yet handled."""
    kind = ReminderKind.COMMENT_REPLY_OVERDUE
    return (
        Comment.objects.reply_overdue(on_date)
        .annotate(notice_on=AddDays(F("reply_due_on"), Value(1)))
        .filter(
            ~_handled(Comment, kind, OuterRef("notice_on"))
            | Q(pk__in=_retryable_ids(Comment, [kind], stale_before))
        )
        .select_related("project")
        .only(
            "nickname",
            "body",
            "created_at",
            "reply_due_on",
            "project_id",
            *(f"project__{f}" for f in PROJECT_FIELDS),
        )
        .order_by("pk")
    )


def change_requests_review_overdue(on_date: datetime.date, *, working_days: int) -> list:
    """Pending change requests (调整申请) still undecided after ``working_days`` working days,
    each with ``review_due_on`` (the last of those days) and ``notice_on`` (the working day
    after it, when the coordinating office is reminded, once).

    Few requests wait at any time, so the working days are counted in Python with the Chinese
    calendar (feedback.workdays) rather than in SQL.
    """
    from feedback.workdays import add_working_days

    # A working day is at least a calendar day: nothing filed since this could be overdue.
    filed_before = on_date - datetime.timedelta(days=working_days)
    overdue = []
    requests = (
        ChangeRequest.objects.pending()
        .filter(requested_at__date__lt=filed_before)
        .select_related("project", "requested_by")
        .order_by("pk")
    )
    for request in requests:
        filed_on = timezone.localdate(request.requested_at)
        request.review_due_on = add_working_days(filed_on, working_days)
        request.notice_on = add_working_days(request.review_due_on, 1)
        if request.notice_on <= on_date:
            overdue.append(request)
    return overdue


class Recipients:
    """The people messages go to, by role and department, read once per run (with their
    reminder settings). ``departments`` limits the staff read to those departments."""

    def __init__(self, departments: Iterable[int] | None = None):
        self._departments = None if departments is None else list(departments)

    def _users(self):
        return (
            get_user_model()
            .objects.filter(is_active=True)
            .select_related("notification_profile")
            .order_by("username")
        )

    @cached_property
    def _staff(self) -> dict[int, dict[str, list]]:
        staff: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        memberships = (
            Membership.objects.filter(user__is_active=True)
            .filter(
                **({} if self._departments is None else {"department_id__in": self._departments})
            )
            .select_related("user", "user__notification_profile")
            .order_by("department_id", "user__username")
        )
        for membership in memberships:
            staff[membership.department_id][membership.role].append(membership.user)
        return staff

    def reporters(self, department_id: int) -> list:
        return list(self._staff[department_id][MembershipRole.REPORTER])

    def heads(self, department_id: int) -> list:
        return list(self._staff[department_id][MembershipRole.HEAD])

    def department_staff(self, department_id: int) -> list:
        return self.reporters(department_id) + self.heads(department_id)

    @cached_property
    def coordinators(self) -> list:
        return list(self._users().filter(groups__name=COORDINATOR_GROUP).distinct())

    @cached_property
    def leaders(self) -> list:
        return list(self._users().filter(groups__name=LEADERSHIP_GROUP).distinct())


@dataclass
class Digest:
    """What the leadership's weekly summary shows about one plan."""

    plan: Plan
    on_date: datetime.date
    light_counts: list[dict] = field(default_factory=list)
    flagged_projects: list[Project] = field(default_factory=list)
    overdue_milestones: list[Milestone] = field(default_factory=list)
    comments_awaiting: int = 0
    comments_overdue: list[Comment] = field(default_factory=list)

    @property
    def red_count(self) -> int:
        return sum(1 for p in self.flagged_projects if p.light == Light.RED)

    @property
    def yellow_count(self) -> int:
        return sum(1 for p in self.flagged_projects if p.light == Light.YELLOW)


LIGHT_ORDER = [
    Light.RED,
    Light.YELLOW,
    Light.GREEN,
    Light.NOT_STARTED,
    Light.SUSPENDED,
    Light.COMPLETED,
]


def current_plan() -> Plan | None:
    return Plan.objects.published().order_by("-year").first()


def digest_for(plan: Plan, on_date: datetime.date) -> Digest:
    """Counts by light, the red and yellow projects with their reasons, overdue milestones and
    comments awaiting replies, for the published projects of ``plan``."""
    projects = Project.objects.published().filter(plan=plan)
    counts = dict(projects.values_list("light").annotate(n=Count("pk")).order_by())
    light_counts = [
        {
            "light": light,
            "label": light.label,
            "icon": LIGHT_ICONS[light],
            "count": counts.get(light, 0),
        }
        for light in LIGHT_ORDER
    ]
    flagged = sorted(
        projects.filter(light__in=[Light.RED, Light.YELLOW])
        .select_related("lead_department")
        .only("number", "title", "light", "light_reason", "lead_department__name"),
        key=lambda p: (p.light != Light.RED, p.number),
    )
    overdue = list(
        Milestone.objects.overdue(on_date)
        .filter(project__in=projects.filter(status__in=ACTIVE_STATUSES))
        .select_related("project", "project__lead_department")
        .only(
            "title",
            "planned_date",
            "project__number",
            "project__title",
            "project__lead_department__name",
        )
        .order_by("planned_date", "project__number", "pk")
    )
    for milestone in overdue:
        milestone.days_late = (on_date - milestone.planned_date).days
    comments = Comment.objects.filter(project__in=projects)
    comments_overdue = list(
        comments.reply_overdue(on_date)
        .select_related("project", "project__lead_department")
        .only(
            "reply_due_on",
            "created_at",
            "project__number",
            "project__title",
            "project__lead_department__name",
        )
        .order_by("reply_due_on", "pk")
    )
    for comment in comments_overdue:
        comment.days_late = (on_date - comment.reply_due_on).days
    return Digest(
        plan=plan,
        on_date=on_date,
        light_counts=light_counts,
        flagged_projects=flagged,
        overdue_milestones=overdue,
        comments_awaiting=comments.awaiting_reply().count(),
        comments_overdue=comments_overdue,
    )
