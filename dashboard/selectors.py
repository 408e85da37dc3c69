"""The dashboard's and the briefing's figures, computed by aggregate queries in the database.

Every function here runs a fixed number of queries whatever the number of projects: the
projects are grouped by lead department and category (one query, and one more for the
reports submitted on time), and the headline, the department ranking and the categories
are summed from those groups in Python (a few hundred groups at most). Nothing loops over
projects issuing queries.

The projects' state (progress, funds, status, light) is read from one of two sources:

- the live projects (the dashboard, and the briefing of the current month);
- the snapshots of a month (``ProjectSnapshot``: the briefing of an earlier month). Milestones,
  reports and comments are then read as they stood at the end of that month, from their dates.

Definitions (also on the pages, under the ranking):

- *on-time milestone rate*: of the milestones already due (planned date passed) or done, the
  share done on or before their planned date;
- *average lag*: the mean of ``expected − actual`` progress over the projects that have a
  light (in progress), a project ahead of schedule counting as 0;
- *reports on time*: of the monthly reports due so far (from the month the project starts
  reporting, as the light counts it, to the last month whose due day has passed; up to its
  completion; none for projects not started or suspended), the share submitted by the due day
  (``MINSHENG_REPORT_DUE_DAY``);
- *reply rate*: of the comments not rejected, the share with an official reply;
- *score*: the mean of the available of on-time milestone rate, reports on time, reply rate
  and ``100 − average lag``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Greatest

from departments.models import Area, Department
from feedback.choices import CommentState
from feedback.models import Comment, Rating
from feedback.selectors import Satisfaction, satisfaction_of
from minsheng.months import last_report_period, month_end, month_start, report_due_date
from minsheng.numbers import HUNDRED, percent, round_percent
from projects.choices import ChangeKind, Light, ProjectStatus, ReportState
from projects.models import (
    TO_DELIVER,
    Category,
    ChangeRequest,
    Indicator,
    Milestone,
    Plan,
    ProgressReport,
    Project,
)
from projects.selectors import change_lines, change_text

from .models import ProjectSnapshot
from .report_sql import REPORTING_STATUSES, on_time_conditions, reports_required_sql

# Lights of projects in progress: they have an expected progress and a lag.
TRACKED_LIGHTS = (Light.GREEN, Light.YELLOW, Light.RED)
BEHIND_LIGHTS = (Light.RED, Light.YELLOW)
# Projects whose open milestones count as overdue or due (not completed, not suspended).
OPEN_STATUSES = (ProjectStatus.IN_PROGRESS, ProjectStatus.NOT_STARTED)
# A report counts once it reached the coordinating office (a returned one is due again).
COUNTED_REPORT_STATES = (ReportState.SUBMITTED, ReportState.APPROVED)
DUE_SOON_DAYS = 30
# Rows of the dashboard's lists; the full lists are one link away.
TABLE_LIMIT = 100
BEHIND_CHART_LIMIT = 15
RANKINGS = ("score", "milestones", "lag", "reports", "replies")

ZERO = Decimal("0")
MONEY = DecimalField(max_digits=16, decimal_places=2)
PERCENT = DecimalField(max_digits=6, decimal_places=1)
WEIGHTED = DecimalField(max_digits=20, decimal_places=3)


def _decimal(value) -> Decimal:
    return ZERO if value is None else Decimal(str(value))


# --------------------------------------------------------------------------------------
# What is looked at
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """A plan, optionally narrowed to a category, lead department and area, on a date.

    ``month`` set: the projects' state comes from that month's snapshots and ``as_of`` is
    the month's last day. ``month`` None: the live projects, ``as_of`` being today.
    """

    plan: Plan | None
    as_of: datetime.date
    month: datetime.date | None = None
    category_id: int | None = None
    department_id: int | None = None
    area_id: int | None = None

    @property
    def live(self) -> bool:
        return self.month is None

    @property
    def period(self) -> datetime.date:
        """The month whose progress report the figures ask about."""
        return month_start(self.as_of)

    def projects_q(self, path: str = "", *, area_path: str | None = None) -> Q:
        """The scope's projects, seen from a model whose path to the project is ``path``."""
        q = Q(**{f"{path}plan": self.plan})
        if self.category_id:
            q &= Q(**{f"{path}category_id": self.category_id})
        if self.department_id:
            q &= Q(**{f"{path}lead_department_id": self.department_id})
        if self.area_id:
            q &= Q(**{area_path or f"{path}areas": self.area_id})
        return q


@dataclass(frozen=True)
class Choices:
    """What the filters offer, loaded once (four queries) and reused for names in tables."""

    plans: list[Plan]
    categories: list[Category]
    departments: list[Department]
    areas: list[Area]

    @property
    def category_by_id(self) -> dict[int, Category]:
        return {category.pk: category for category in self.categories}

    @property
    def department_by_id(self) -> dict[int, Department]:
        return {department.pk: department for department in self.departments}

    @property
    def area_by_id(self) -> dict[int, Area]:
        return {area.pk: area for area in self.areas}


def filter_choices() -> Choices:
    return Choices(
        plans=list(Plan.objects.only("pk", "year", "title", "published").order_by("-year")),
        categories=list(Category.objects.only("pk", "name", "code", "order", "colour")),
        departments=list(
            Department.objects.only("pk", "name", "short_name", "kind", "active").order_by("name")
        ),
        areas=list(Area.objects.only("pk", "name", "kind", "order")),
    )


# --------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------


@dataclass
class Totals:
    """Sums over a group of projects; the rates and averages are derived from them."""

    projects: int = 0
    lights: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Light.values, 0))
    statuses: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ProjectStatus.values, 0))
    progress_sum: Decimal = ZERO
    weighted_sum: Decimal = ZERO
    planned_investment: Decimal = ZERO
    funds_disbursed: Decimal = ZERO
    tracked: int = 0
    lag_sum: Decimal = ZERO
    reports_required: int = 0
    reports_on_time: int = 0
    reports_due: int = 0
    reports_missing: int = 0

    def add(self, row: dict) -> None:
        self.projects += row["projects"]
        for light in Light.values:
            self.lights[light] += row[f"light_{light}"]
        for status in ProjectStatus.values:
            self.statuses[status] += row[f"status_{status}"]
        self.progress_sum += _decimal(row["progress_sum"])
        self.weighted_sum += _decimal(row["weighted_sum"])
        self.planned_investment += _decimal(row["planned_investment"])
        self.funds_disbursed += _decimal(row["funds_disbursed"])
        self.tracked += row["tracked"]
        self.lag_sum += _decimal(row["lag_sum"])
        self.reports_required += row["reports_required"] or 0
        self.reports_on_time += row["reports_on_time"]
        self.reports_due += row["reports_due"]
        self.reports_missing += row["reports_missing"]

    @property
    def average_progress(self) -> Decimal | None:
        """Plain mean of every project's progress, not started ones included (as the home page)."""
        return round_percent(self.progress_sum / self.projects) if self.projects else None

    @property
    def weighted_progress(self) -> Decimal | None:
        """Progress weighted by planned investment; projects without a budget weigh nothing."""
        if not self.planned_investment:
            return None
        return round_percent(self.weighted_sum / self.planned_investment)

    @property
    def execution_rate(self) -> Decimal | None:
        """Funds disbursed as a share of planned investment (资金执行率)."""
        return percent(self.funds_disbursed, self.planned_investment)

    @property
    def average_lag(self) -> Decimal | None:
        return round_percent(self.lag_sum / self.tracked) if self.tracked else None

    @property
    def reports_on_time_rate(self) -> Decimal | None:
        return percent(min(self.reports_on_time, self.reports_required), self.reports_required)

    @property
    def behind(self) -> int:
        return self.lights[Light.RED] + self.lights[Light.YELLOW]


@dataclass
class MilestoneTotals:
    decided: int = 0
    on_time: int = 0
    overdue: int = 0
    due_soon: int = 0

    def add(self, row: dict) -> None:
        self.decided += row["decided"]
        self.on_time += row["on_time"]
        self.overdue += row["overdue"]
        self.due_soon += row["due_soon"]

    @property
    def on_time_rate(self) -> Decimal | None:
        return percent(self.on_time, self.decided)


@dataclass
class CommentTotals:
    total: int = 0
    replied: int = 0
    awaiting: int = 0
    overdue: int = 0

    def add(self, row: dict) -> None:
        self.total += row["total"]
        self.replied += row["replied"]
        self.awaiting += row["awaiting"]
        self.overdue += row["overdue"]

    @property
    def reply_rate(self) -> Decimal | None:
        return percent(self.replied, self.total)


@dataclass
class DepartmentRow:
    """One lead department in the ranking."""

    department: Department
    totals: Totals
    milestones: MilestoneTotals
    comments: CommentTotals
    rank: int = 0

    @property
    def score(self) -> Decimal | None:
        parts = [
            self.milestones.on_time_rate,
            self.totals.reports_on_time_rate,
            self.comments.reply_rate,
        ]
        lag = self.totals.average_lag
        if lag is not None:
            parts.append(max(ZERO, min(HUNDRED, HUNDRED - lag)))
        present = [part for part in parts if part is not None]
        return round_percent(sum(present) / len(present)) if present else None


@dataclass
class GroupRow:
    """A category or an area with its projects' figures."""

    key: int
    name: str
    totals: Totals


@dataclass
class TrendPoint:
    month: datetime.date
    totals: Totals
    current: bool = False  # the live figures of the month in progress


@dataclass
class Headline:
    totals: Totals
    milestones: MilestoneTotals
    comments: CommentTotals
    satisfaction: Satisfaction
    report_period: datetime.date
    report_due_on: datetime.date


@dataclass
class Figures:
    """Everything the dashboard (or a briefing) shows for one scope."""

    scope: Scope
    headline: Headline
    departments: list[DepartmentRow]
    categories: list[GroupRow]
    areas: list[GroupRow] = field(default_factory=list)
    trend: list[TrendPoint] = field(default_factory=list)
    furthest_behind: list[dict] = field(default_factory=list)
    behind_projects: list[dict] = field(default_factory=list)
    overdue_milestones: list[dict] = field(default_factory=list)
    late_comments: list[dict] = field(default_factory=list)
    decisions: list[dict] = field(default_factory=list)

    @property
    def has_projects(self) -> bool:
        return self.headline.totals.projects > 0


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


# --------------------------------------------------------------------------------------
# Putting it together
# --------------------------------------------------------------------------------------


def _sort_key(rank: str):
    def missing_last(value, descending=True):
        if value is None:
            return (1, ZERO)
        return (0, -value if descending else value)

    def key(row: DepartmentRow):
        if rank == "milestones":
            first = missing_last(row.milestones.on_time_rate)
        elif rank == "lag":
            first = missing_last(row.totals.average_lag, descending=False)
        elif rank == "reports":
            first = missing_last(row.totals.reports_on_time_rate)
        elif rank == "replies":
            first = missing_last(row.comments.reply_rate)
        else:
            first = missing_last(row.score)
        return (*first, *missing_last(row.score), row.department.name)

    return key


def _departments(
    groups: list[dict],
    milestones: list[dict],
    comments: list[dict],
    departments: dict[int, Department],
    rank: str,
) -> list[DepartmentRow]:
    rows: dict[int, DepartmentRow] = {}
    for group in groups:
        department_id = group["department_id"]
        if department_id not in rows:
            rows[department_id] = DepartmentRow(
                departments[department_id], Totals(), MilestoneTotals(), CommentTotals()
            )
        rows[department_id].totals.add(group)
    # Departments without a project in the scope are not ranked: there is nothing to rank.
    for row in milestones:
        if row["department_id"] in rows:
            rows[row["department_id"]].milestones.add(row)
    for row in comments:
        if row["department_id"] in rows:
            rows[row["department_id"]].comments.add(row)
    ranked = sorted(rows.values(), key=_sort_key(rank))
    for number, row in enumerate(ranked, start=1):
        row.rank = number
    return ranked


def _categories(groups: list[dict], categories: dict[int, Category]) -> list[GroupRow]:
    totals: dict[int, Totals] = defaultdict(Totals)
    for group in groups:
        totals[group["category_id"]].add(group)
    ordered = sorted(totals, key=lambda pk: (categories[pk].order, categories[pk].code))
    return [GroupRow(pk, categories[pk].name, totals[pk]) for pk in ordered]


def _areas(groups: list[dict], areas: dict[int, Area]) -> list[GroupRow]:
    rows = []
    for group in groups:
        totals = Totals(projects=group["projects"], progress_sum=_decimal(group["progress_sum"]))
        for light in Light.values:
            totals.lights[light] = group[f"light_{light}"]
        rows.append(GroupRow(group["area_id"], areas[group["area_id"]].name, totals))
    rows.sort(key=lambda row: (areas[row.key].order, row.name))
    return rows


def _trend_points(rows: list[dict]) -> list[TrendPoint]:
    points = []
    for row in rows:
        totals = Totals(
            projects=row["projects"],
            progress_sum=_decimal(row["progress_sum"]),
            weighted_sum=_decimal(row["weighted_sum"]),
            planned_investment=_decimal(row["planned_investment"]),
            funds_disbursed=_decimal(row["funds_disbursed"]),
        )
        for light in Light.values:
            totals.lights[light] = row[f"light_{light}"]
        points.append(TrendPoint(row["month"], totals))
    return points


def _headline(scope, groups, milestones, comments) -> Headline:
    totals, milestone_totals, comment_totals = Totals(), MilestoneTotals(), CommentTotals()
    for group in groups:
        totals.add(group)
    for row in milestones:
        milestone_totals.add(row)
    for row in comments:
        comment_totals.add(row)
    due_day = settings.MINSHENG_REPORT_DUE_DAY
    return Headline(
        totals=totals,
        milestones=milestone_totals,
        comments=comment_totals,
        satisfaction=_satisfaction(scope),
        report_period=scope.period,
        report_due_on=report_due_date(scope.period, due_day),
    )


def _empty_headline(scope: Scope) -> Headline:
    return Headline(
        Totals(),
        MilestoneTotals(),
        CommentTotals(),
        Satisfaction(0, 0, 0, 0),
        scope.period,
        report_due_date(scope.period, settings.MINSHENG_REPORT_DUE_DAY),
    )


def dashboard_figures(scope: Scope, choices: Choices, rank: str = "score") -> Figures:
    """Everything the dashboard shows, live: ten queries besides the four of ``choices``."""
    if scope.plan is None:
        return Figures(scope, _empty_headline(scope), [], [])
    groups = _project_groups(scope)
    milestones = _milestone_groups(scope)
    comments = _comment_groups(scope)
    headline = _headline(scope, groups, milestones, comments)
    trend = _trend_points(_trend(scope, before=scope.period))
    trend.append(TrendPoint(scope.period, headline.totals, current=True))
    return Figures(
        scope=scope,
        headline=headline,
        departments=_departments(groups, milestones, comments, choices.department_by_id, rank),
        categories=_categories(groups, choices.category_by_id),
        areas=_areas(_area_groups(scope), choices.area_by_id),
        trend=trend,
        furthest_behind=_furthest_behind(scope),
        behind_projects=_behind_projects(scope, TABLE_LIMIT),
        overdue_milestones=_overdue_milestones(scope, TABLE_LIMIT),
    )


@dataclass
class Briefing:
    """The monthly briefing (月度通报) of one month."""

    month: datetime.date
    as_of: datetime.date
    plan: Plan | None
    figures: Figures
    live: bool
    snapshot_missing: bool = False

    @property
    def has_data(self) -> bool:
        return self.plan is not None and self.figures.has_projects


def briefing_figures(month: datetime.date, today: datetime.date) -> Briefing:
    """The briefing of ``month``: live figures for the current month, snapshots for earlier ones.

    The plan is the one of the month's year. A month without a plan, or an earlier month
    without snapshots, gives a briefing that says so (and every table empty).
    """
    live = month >= month_start(today)
    as_of = today if live else month_end(month)
    plan = Plan.objects.filter(year=month.year).first()
    scope = Scope(plan=plan, as_of=as_of, month=None if live else month)
    if plan is None:
        return Briefing(month, as_of, None, Figures(scope, _empty_headline(scope), [], []), live)
    departments = {
        department.pk: department
        for department in Department.objects.only("pk", "name", "short_name").order_by("name")
    }
    groups = _project_groups(scope)
    milestones = _milestone_groups(scope)
    comments = _comment_groups(scope)
    figures = Figures(
        scope=scope,
        headline=_headline(scope, groups, milestones, comments),
        departments=_departments(groups, milestones, comments, departments, "score"),
        categories=[],
        behind_projects=_behind_projects(scope, None),
        overdue_milestones=_overdue_milestones(scope, None),
        late_comments=_late_comments(scope),
        decisions=month_decisions(plan, month),
    )
    snapshot_missing = not live and not figures.has_projects and plan.projects.exists()
    return Briefing(month, as_of, plan, figures, live, snapshot_missing)


def month_decisions(plan: Plan, month: datetime.date) -> list[dict]:
    """The plan's approved changes (计划调整), closings (销号), suspensions (暂缓),
    terminations (终止) and resumptions decided in ``month``, in date order: one query.

    Pending, rejected and withdrawn requests are left out: the briefing reports decisions.
    """
    start = month_start(month)
    end = month_end(month)
    rows = (
        ChangeRequest.objects.approved()
        .filter(project__plan=plan, decided_at__date__gte=start, decided_at__date__lte=end)
        .order_by("decided_at", "pk")
        .values(
            "pk",
            "kind",
            "source",
            "reason",
            "changes",
            "decision_number",
            "decided_at",
            **_project_fields("project__", "project_id"),
        )
    )
    rows = list(rows)
    # Milestones and indicators are named in words: their titles, two queries at most.
    wanted = defaultdict(set)
    for row in rows:
        for entry in row["changes"] or []:
            if entry.get("model") in ("milestone", "indicator") and entry.get("id"):
                wanted[entry["model"]].add(entry["id"])
    milestones = (
        dict(Milestone.objects.filter(pk__in=wanted["milestone"]).values_list("pk", "title"))
        if wanted["milestone"]
        else {}
    )
    indicators = (
        {
            pk: (name, unit)
            for pk, name, unit in Indicator.objects.filter(pk__in=wanted["indicator"]).values_list(
                "pk", "name", "unit"
            )
        }
        if wanted["indicator"]
        else {}
    )
    for row in rows:
        row["kind_label"] = str(ChangeKind(row["kind"]).label)
        row["what"] = change_text(
            change_lines(row["changes"], milestones=milestones, indicators=indicators)
        )
    return rows


# --------------------------------------------------------------------------------------
# The projects behind a number (the dashboard's drill-down list)
# --------------------------------------------------------------------------------------

HAVING = (
    "overdue_milestones",
    "due_milestones",
    "missing_report",
    "awaiting_reply",
    "overdue_reply",
)


def projects_behind(
    scope: Scope,
    *,
    light: str | None = None,
    status: str | None = None,
    having: str | None = None,
    changed: bool = False,
):
    """The live projects a dashboard number counts (a queryset, for a paginated list);
    ``changed``: only those whose plan was changed (Project.objects.plan_changed)."""
    projects = Project.objects.filter(scope.projects_q(""))
    if changed:
        projects = projects.plan_changed()
    if light:
        projects = projects.filter(light=light)
    if status:
        projects = projects.filter(status=status)
    as_of = scope.as_of
    if having == "overdue_milestones":
        projects = projects.filter(status__in=OPEN_STATUSES).filter(
            Exists(Milestone.objects.filter(project=OuterRef("pk")).overdue(as_of))
        )
    elif having == "due_milestones":
        soon = as_of + datetime.timedelta(days=DUE_SOON_DAYS)
        projects = projects.filter(status__in=OPEN_STATUSES).filter(
            Exists(
                Milestone.objects.filter(
                    project=OuterRef("pk"),
                    completed_on__isnull=True,
                    planned_date__gte=as_of,
                    planned_date__lte=soon,
                )
            )
        )
    elif having == "missing_report":
        due_day = settings.MINSHENG_REPORT_DUE_DAY
        projects = projects.filter(
            status=ProjectStatus.IN_PROGRESS,
            planned_start__lte=report_due_date(scope.period, due_day),
        ).exclude(
            Exists(
                ProgressReport.objects.filter(
                    project=OuterRef("pk"), period=scope.period, state__in=COUNTED_REPORT_STATES
                )
            )
        )
    elif having in ("awaiting_reply", "overdue_reply"):
        comments = Comment.objects.filter(project=OuterRef("pk")).awaiting_reply()
        if having == "overdue_reply":
            comments = comments.filter(reply_due_on__lt=as_of)
        projects = projects.filter(Exists(comments))
    return projects.select_related("category", "lead_department").order_by("number")
