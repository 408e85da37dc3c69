"""Reads of published plans: which plan a page shows, its headline figures, its categories
and its latest approved reports."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, F, Q, Sum
from django.http import Http404

from minsheng.numbers import percent, round_percent

from ..choices import Light, ProjectStatus
from ..models import (
    TO_DELIVER,
    Category,
    Plan,
    ProgressReport,
    Project,
)

BEHIND_LIGHTS = (Light.YELLOW, Light.RED)
# The statuses of projects the plan delivers (TO_DELIVER as a list, for joins).
DELIVERED_STATUSES = [s for s in ProjectStatus.values if s != ProjectStatus.TERMINATED]
LATEST_UPDATES = 10


# --------------------------------------------------------------------------------------
# Plans
# --------------------------------------------------------------------------------------


def public_plans() -> list[Plan]:
    """Published plans, newest first (one query)."""
    return list(Plan.objects.published().order_by("-year"))


def current_plan() -> Plan | None:
    """The newest published plan, which the site shows by default."""
    return Plan.objects.published().order_by("-year").first()


class NoSuchPlan(LookupError):
    """A year was asked for that is malformed or has no plan among those offered."""


def plan_for(plans: list[Plan], year, *, strict: bool = True) -> Plan | None:
    """The plan a page, the API, a feed or the dashboard shows: the one of ``year`` (``?year=``,
    a path segment or a form value) among ``plans`` (newest first), else the default.

    The default is the newest published plan among ``plans``, or the newest when none is
    published (the dashboard offers unpublished plans too); None when there are no plans.
    A year given that is malformed or not among ``plans`` raises ``NoSuchPlan`` (each entry
    point answers it its own way: a 404 page, a 400 in the API); ``strict=False`` falls back
    to the default instead, as a filter form does.
    """
    text = "" if year is None else str(year).strip()
    if text:
        # Compared as written: "02024" or "2024.0" is no year of ours.
        plan = next((plan for plan in plans if str(plan.year) == text), None)
        if plan is not None:
            return plan
        if strict:
            raise NoSuchPlan(text)
    published = [plan for plan in plans if plan.published]
    return (published or plans or [None])[0]


def public_plan(year) -> Plan:
    """The published plan of ``year``; 404 for an unknown, unpublished or malformed year."""
    try:
        return plan_for(public_plans(), year if str(year or "").strip() else "-")
    except NoSuchPlan:
        raise Http404("No such plan") from None


@dataclass(frozen=True)
class PlanHeadline:
    """The plan's figures at a glance (首页核心指标)."""

    projects: int  # to deliver: terminated projects are counted apart
    completed: int
    in_progress: int
    not_started: int
    suspended: int
    terminated: int
    behind: int
    yellow: int
    red: int
    average_progress: Decimal | None
    planned_investment: Decimal
    funds_disbursed: Decimal

    @property
    def execution_rate(self) -> Decimal | None:
        """Funds disbursed as a share of planned investment, in percent (资金执行率)."""
        return percent(self.funds_disbursed, self.planned_investment)


def plan_headline(plan: Plan) -> PlanHeadline:
    """Counts and sums of a plan's published projects, in one query.

    Overall progress is the plain average of every published project's progress, not
    started ones included: a project that has not begun holds the plan back, and residents
    read "overall progress" as how much of the whole list is done. A terminated project
    (终止) is no longer one the plan delivers: it is counted apart (``terminated``) and left
    out of the other figures.
    """
    deliver = TO_DELIVER
    figures = (
        Project.objects.published()
        .filter(plan=plan)
        .aggregate(
            projects=Count("pk", filter=deliver),
            completed=Count("pk", filter=Q(status=ProjectStatus.COMPLETED)),
            in_progress=Count("pk", filter=Q(status=ProjectStatus.IN_PROGRESS)),
            not_started=Count("pk", filter=Q(status=ProjectStatus.NOT_STARTED)),
            suspended=Count("pk", filter=Q(status=ProjectStatus.SUSPENDED)),
            terminated=Count("pk", filter=~deliver),
            behind=Count("pk", filter=Q(light__in=BEHIND_LIGHTS)),
            yellow=Count("pk", filter=Q(light=Light.YELLOW)),
            red=Count("pk", filter=Q(light=Light.RED)),
            average_progress=Avg("progress_percent", filter=deliver),
            planned_investment=Sum("planned_investment", filter=deliver),
            funds_disbursed=Sum("funds_disbursed", filter=deliver),
        )
    )
    return PlanHeadline(
        projects=figures["projects"],
        completed=figures["completed"],
        in_progress=figures["in_progress"],
        not_started=figures["not_started"],
        suspended=figures["suspended"],
        terminated=figures["terminated"],
        behind=figures["behind"],
        yellow=figures["yellow"],
        red=figures["red"],
        average_progress=round_percent(figures["average_progress"]),
        planned_investment=Decimal(str(figures["planned_investment"] or 0)),
        funds_disbursed=Decimal(str(figures["funds_disbursed"] or 0)),
    )


def category_cards(plan: Plan) -> list[Category]:
    """The plan's categories with ``project_count``, ``average_progress`` and ``behind`` (one query)."""
    return list(
        Category.objects.filter(
            # In one filter() so the three conditions hold for the same project: an
            # exclude() would drop a category with any terminated project.
            projects__plan=plan,
            projects__published=True,
            projects__status__in=DELIVERED_STATUSES,
        )
        .annotate(
            project_count=Count("projects"),
            average_progress=Avg("projects__progress_percent"),
            completed=Count("projects", filter=Q(projects__status=ProjectStatus.COMPLETED)),
            behind=Count("projects", filter=Q(projects__light__in=BEHIND_LIGHTS)),
        )
        .order_by("order", "code")
    )


def _newest_first(queryset):
    return queryset.order_by(F("reviewed_at").desc(nulls_last=True), "-period", "-pk")


def approved_reports_of_plan(plan: Plan):
    """Approved reports of the plan's published projects, newest approval first."""
    return _newest_first(
        ProgressReport.objects.approved()
        .filter(project__plan=plan, project__published=True, project__plan__published=True)
        .select_related("project")
    )


def approved_reports_of_project(project: Project):
    """Approved reports of one project, newest approval first."""
    return _newest_first(ProgressReport.objects.approved().filter(project=project)).select_related(
        "project"
    )


def latest_updates(plan: Plan, limit: int = LATEST_UPDATES) -> list[ProgressReport]:
    return list(approved_reports_of_plan(plan)[:limit])
