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

Where it lives: ``scope`` (what is looked at, the filters' choices), ``queries`` (the
aggregate queries), ``report_sql`` (the report rule in SQL), ``totals`` (sums and rates),
``figures`` (the dashboard put together), ``briefing_data`` (a month's briefing); this module
keeps the drill-down list and names what the views use.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import (
    Exists,
    OuterRef,
)

from feedback.models import Comment
from minsheng.months import report_due_date
from projects.choices import ProjectStatus
from projects.models import (
    Milestone,
    ProgressReport,
    Project,
)

from .briefing_data import Briefing, briefing_figures, month_decisions
from .figures import dashboard_figures
from .scope import (
    BEHIND_CHART_LIMIT,
    BEHIND_LIGHTS,
    COUNTED_REPORT_STATES,
    DUE_SOON_DAYS,
    OPEN_STATUSES,
    RANKINGS,
    TABLE_LIMIT,
    TRACKED_LIGHTS,
    Choices,
    Scope,
    filter_choices,
)
from .totals import (
    CommentTotals,
    DepartmentRow,
    Figures,
    GroupRow,
    Headline,
    MilestoneTotals,
    Totals,
    TrendPoint,
)

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


__all__ = [
    "BEHIND_CHART_LIMIT",
    "BEHIND_LIGHTS",
    "HAVING",
    "RANKINGS",
    "TABLE_LIMIT",
    "TRACKED_LIGHTS",
    "Briefing",
    "Choices",
    "CommentTotals",
    "DepartmentRow",
    "Figures",
    "GroupRow",
    "Headline",
    "MilestoneTotals",
    "Scope",
    "Totals",
    "TrendPoint",
    "briefing_figures",
    "dashboard_figures",
    "filter_choices",
    "month_decisions",
    "projects_behind",
]
