"""The dashboard's aggregate queries: each runs once whatever the number of projects
(definitions in ``dashboard.selectors``)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Greatest

from feedback.choices import CommentState
from feedback.models import Comment, Rating
from feedback.selectors import Satisfaction, satisfaction_of
from minsheng.months import last_report_period, report_due_date
from projects.choices import Light, ProjectStatus
from projects.models import (
    TO_DELIVER,
    Milestone,
    ProgressReport,
    Project,
)

from .models import ProjectSnapshot
from .report_sql import REPORTING_STATUSES, on_time_conditions, reports_required_sql
from .scope import (
    BEHIND_CHART_LIMIT,
    BEHIND_LIGHTS,
    COUNTED_REPORT_STATES,
    DUE_SOON_DAYS,
    MONEY,
    OPEN_STATUSES,
    PERCENT,
    TRACKED_LIGHTS,
    WEIGHTED,
    ZERO,
    Scope,
)

# --------------------------------------------------------------------------------------
# The queries
# --------------------------------------------------------------------------------------


def _source(scope: Scope):
    """The rows holding the projects' state, the path from them to the project, its id."""
    if scope.live:
        return Project.objects.filter(scope.projects_q("")), "", "pk"
    rows = ProjectSnapshot.objects.filter(month=scope.month).filter(scope.projects_q("project__"))
    return rows, "project__", "project_id"


def _related(scope: Scope, queryset):
    """Rows tied to a project (``project`` foreign key) in the scope, and the path to its state."""
    queryset = queryset.filter(scope.projects_q("project__"))
    if scope.live:
        return queryset, "project__"
    return queryset.filter(project__snapshots__month=scope.month), "project__snapshots__"


def _on_time_reports(scope: Scope) -> dict[tuple[int, int], int]:
    """Reports submitted by their due day, for months the project owed one, summed by
    (lead department, category): one query.

    Counting only owed months keeps the count within ``reports_required``, project by project.
    """
    due_day = settings.MINSHENG_REPORT_DUE_DAY
    last_period = last_report_period(scope.as_of, due_day)
    reports, state = _related(
        scope,
        ProgressReport.objects.filter(
            state__in=COUNTED_REPORT_STATES, period__lte=last_period, submitted_at__isnull=False
        ),
    )
    rows = (
        reports.filter(**{f"{state}status__in": REPORTING_STATUSES})
        .filter(on_time_conditions(state, due_day))
        .order_by()
        .values_list("project__lead_department_id", "project__category_id")
        .annotate(on_time=Count("pk"))
    )
    return {(department, category): count for department, category, count in rows}


def _project_groups(scope: Scope) -> list[dict]:
    """The scope's projects summed by (lead department, category): two queries."""
    rows, project, project_id = _source(scope)
    due_day = settings.MINSHENG_REPORT_DUE_DAY
    last_period = last_report_period(scope.as_of, due_day)
    period = scope.period
    submitted = ProgressReport.objects.filter(
        project_id=OuterRef(project_id), period=period, state__in=COUNTED_REPORT_STATES
    )
    if not scope.live:
        submitted = submitted.filter(submitted_at__date__lte=scope.as_of)
    due_now = Q(status=ProjectStatus.IN_PROGRESS) & Q(
        **{f"{project}planned_start__lte": report_due_date(period, due_day)}
    )
    tracked = Q(light__in=TRACKED_LIGHTS)
    # A terminated project (终止) is no longer one the plan delivers: it is counted among
    # the statuses and lights (apart), never in the number of projects, progress or money.
    deliver = TO_DELIVER
    aggregates = {
        "projects": Count(project_id, filter=deliver),
        **{f"light_{light}": Count(project_id, filter=Q(light=light)) for light in Light.values},
        **{
            f"status_{status}": Count(project_id, filter=Q(status=status))
            for status in ProjectStatus.values
        },
        "progress_sum": Sum("progress_percent", filter=deliver, output_field=PERCENT),
        "weighted_sum": Sum(
            F("progress_percent") * F("planned_investment"),
            filter=deliver,
            output_field=WEIGHTED,
        ),
        "planned_investment": Sum("planned_investment", filter=deliver, output_field=MONEY),
        "funds_disbursed": Sum("funds_disbursed", filter=deliver, output_field=MONEY),
        "tracked": Count(project_id, filter=tracked),
        "lag_sum": Sum(
            Greatest(F("expected_progress") - F("progress_percent"), Value(ZERO)),
            filter=tracked,
            output_field=PERCENT,
        ),
        "reports_required": Sum(reports_required_sql(project, last_period, due_day)),
        "reports_due": Count(project_id, filter=due_now),
        "reports_missing": Count(project_id, filter=due_now & Q(has_report=False)),
    }
    groups = list(
        rows.alias(has_report=Exists(submitted))
        .order_by()
        .values(f"{project}lead_department_id", f"{project}category_id")
        .annotate(**aggregates)
    )
    on_time = _on_time_reports(scope)
    for group in groups:
        group["department_id"] = group.pop(f"{project}lead_department_id")
        group["category_id"] = group.pop(f"{project}category_id")
        group["reports_on_time"] = on_time.get((group["department_id"], group["category_id"]), 0)
    return groups


def _by_department(queryset) -> list[dict]:
    rows = list(queryset)
    for row in rows:
        row["department_id"] = row.pop("project__lead_department_id")
    return rows


def _milestone_groups(scope: Scope) -> list[dict]:
    """Milestones of the scope's projects summed by lead department: one query."""
    milestones, state = _related(scope, Milestone.objects.all())
    as_of = scope.as_of
    if scope.live:
        done, pending = Q(completed_on__isnull=False), Q(completed_on__isnull=True)
    else:
        done = Q(completed_on__lte=as_of)
        pending = Q(completed_on__isnull=True) | Q(completed_on__gt=as_of)
    open_project = Q(**{f"{state}status__in": OPEN_STATUSES})
    soon = as_of + datetime.timedelta(days=DUE_SOON_DAYS)
    return _by_department(
        milestones.order_by()
        .values("project__lead_department_id")
        .annotate(
            decided=Count("pk", filter=done | Q(planned_date__lt=as_of)),
            on_time=Count("pk", filter=done & Q(completed_on__lte=F("planned_date"))),
            overdue=Count("pk", filter=pending & Q(planned_date__lt=as_of) & open_project),
            due_soon=Count(
                "pk",
                filter=pending & Q(planned_date__gte=as_of, planned_date__lte=soon) & open_project,
            ),
        )
    )


def _comment_conditions(scope: Scope):
    """(comments counted, replied, awaiting a reply) as of the scope's date."""
    comments = Comment.objects.filter(scope.projects_q("project__")).exclude(
        state=CommentState.REJECTED
    )
    if scope.live:
        return comments, Q(reply__isnull=False), Q(reply__isnull=True)
    comments = comments.filter(created_at__date__lte=scope.as_of)
    replied = Q(reply__created_at__date__lte=scope.as_of)
    awaiting = Q(reply__isnull=True) | Q(reply__created_at__date__gt=scope.as_of)
    return comments, replied, awaiting


def _comment_groups(scope: Scope) -> list[dict]:
    """Comments on the scope's projects summed by lead department: one query."""
    comments, replied, awaiting = _comment_conditions(scope)
    return _by_department(
        comments.order_by()
        .values("project__lead_department_id")
        .annotate(
            total=Count("pk"),
            replied=Count("pk", filter=replied),
            awaiting=Count("pk", filter=awaiting),
            overdue=Count("pk", filter=awaiting & Q(reply_due_on__lt=scope.as_of)),
        )
    )


def _satisfaction(scope: Scope) -> Satisfaction:
    ratings = Rating.objects.filter(scope.projects_q("project__"))
    if not scope.live:
        ratings = ratings.filter(updated_at__date__lte=scope.as_of)
    return satisfaction_of(ratings)


def _light_counts(state: str, key: str) -> dict:
    return {
        f"light_{light}": Count(key, filter=Q(**{f"{state}light": light})) for light in Light.values
    }


def _area_groups(scope: Scope) -> list[dict]:
    """Projects by area covered (a project may cover several): one query."""
    through = Project.areas.through
    links, state = _related(
        scope, through.objects.filter(scope.projects_q("project__", area_path="area_id"))
    )
    deliver = ~Q(**{f"{state}status": ProjectStatus.TERMINATED})
    return list(
        links.order_by()
        .values("area_id")
        .annotate(
            projects=Count("project_id", filter=deliver),
            progress_sum=Sum(f"{state}progress_percent", filter=deliver, output_field=PERCENT),
            **_light_counts(state, "project_id"),
        )
    )


def _trend(scope: Scope, before: datetime.date) -> list[dict]:
    """The snapshots of the scope's projects summed by month, months before ``before``."""
    return list(
        ProjectSnapshot.objects.filter(scope.projects_q("project__"), month__lt=before)
        .order_by()
        .values("month")
        .annotate(
            projects=Count("pk", filter=TO_DELIVER),
            progress_sum=Sum("progress_percent", filter=TO_DELIVER, output_field=PERCENT),
            weighted_sum=Sum(
                F("progress_percent") * F("planned_investment"),
                filter=TO_DELIVER,
                output_field=WEIGHTED,
            ),
            planned_investment=Sum("planned_investment", filter=TO_DELIVER, output_field=MONEY),
            funds_disbursed=Sum("funds_disbursed", filter=TO_DELIVER, output_field=MONEY),
            **_light_counts("", "pk"),
        )
        .order_by("month")
    )


def _project_fields(project: str, project_id: str) -> dict:
    """The project's columns a list row shows, under names no model field has."""
    return {
        "project_pk": F(project_id),
        "project_number": F(f"{project}number"),
        "project_title": F(f"{project}title"),
        "department_pk": F(f"{project}lead_department_id"),
        "department_name": F(f"{project}lead_department__name"),
        "department_short": F(f"{project}lead_department__short_name"),
        "category_name": F(f"{project}category__name"),
    }


def _lag():
    return F("expected_progress") - F("progress_percent")


def _furthest_behind(scope: Scope, limit: int = BEHIND_CHART_LIMIT) -> list[dict]:
    """Projects in progress furthest behind their expected progress, most behind first."""
    rows, project, project_id = _source(scope)
    return list(
        rows.filter(light__in=TRACKED_LIGHTS)
        .annotate(lag=_lag())
        .filter(lag__gt=0)
        .order_by("-lag", f"{project}number")
        .values(
            "light",
            "progress_percent",
            "expected_progress",
            "lag",
            **_project_fields(project, project_id),
        )[:limit]
    )


def _behind_projects(scope: Scope, limit: int | None) -> list[dict]:
    """Red then yellow projects with their reasons, the most behind first."""
    rows, project, project_id = _source(scope)
    rows = (
        rows.filter(light__in=BEHIND_LIGHTS)
        .annotate(
            lag=_lag(),
            light_order=Case(When(light=Light.RED, then=Value(0)), default=Value(1)),
        )
        .order_by("light_order", F("lag").desc(nulls_last=True), f"{project}number")
        .values(
            "light",
            "light_reason",
            "progress_percent",
            "expected_progress",
            "lag",
            **_project_fields(project, project_id),
        )
    )
    return list(rows if limit is None else rows[:limit])


def _overdue_milestones(scope: Scope, limit: int | None) -> list[dict]:
    """Open milestones past their planned date, the longest overdue first."""
    milestones, state = _related(scope, Milestone.objects.all())
    pending = (
        Q(completed_on__isnull=True)
        if scope.live
        else Q(completed_on__isnull=True) | Q(completed_on__gt=scope.as_of)
    )
    rows = (
        milestones.filter(pending, planned_date__lt=scope.as_of)
        .filter(**{f"{state}status__in": OPEN_STATUSES})
        .order_by("planned_date", "project__number", "pk")
        .values(
            "pk",
            "planned_date",
            milestone=F("title"),
            **_project_fields("project__", "project_id"),
        )
    )
    rows = list(rows if limit is None else rows[:limit])
    for row in rows:
        row["days_overdue"] = (scope.as_of - row["planned_date"]).days
    return rows


def _late_comments(scope: Scope) -> list[dict]:
    """Comments not answered in time: past due and still unanswered on the scope's date, or
    due in its month and answered after the due date."""
    comments, _replied, awaiting = _comment_conditions(scope)
    answered_late = Q(reply__created_at__date__gt=F("reply_due_on"), reply_due_on__gte=scope.period)
    return list(
        comments.filter(reply_due_on__lt=scope.as_of)
        .filter(awaiting | answered_late)
        .order_by("reply_due_on", "pk")
        .values(
            "pk",
            "body",
            "created_at",
            "reply_due_on",
            replied_at=F("reply__created_at"),
            **_project_fields("project__", "project_id"),
        )
    )
