"""The dashboard's figures put together from the queries (``dashboard_figures``)."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings

from departments.models import Area, Department
from feedback.selectors import Satisfaction
from minsheng.months import report_due_date
from projects.choices import Light
from projects.models import (
    Category,
)

from .queries import (
    _area_groups,
    _behind_projects,
    _comment_groups,
    _furthest_behind,
    _milestone_groups,
    _overdue_milestones,
    _project_groups,
    _satisfaction,
    _trend,
)
from .scope import TABLE_LIMIT, ZERO, Choices, Scope
from .totals import (
    CommentTotals,
    DepartmentRow,
    Figures,
    GroupRow,
    Headline,
    MilestoneTotals,
    Totals,
    TrendPoint,
    _decimal,
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
