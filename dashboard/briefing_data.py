"""The monthly briefing's figures (月度通报): the dashboard's, for one month, with the
month's decisions."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from departments.models import Department
from minsheng.months import month_end, month_start
from projects.choices import ChangeKind
from projects.models import (
    ChangeRequest,
    Indicator,
    Milestone,
    Plan,
)
from projects.selectors import change_lines, change_text

from .figures import _departments, _empty_headline, _headline
from .queries import (
    _behind_projects,
    _comment_groups,
    _late_comments,
    _milestone_groups,
    _overdue_milestones,
    _project_fields,
    _project_groups,
)
from .scope import Scope
from .totals import Figures


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
