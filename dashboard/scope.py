"""What the dashboard looks at (a plan, filters, a date), what its filters offer, and the
statuses and lights its figures count."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    DecimalField,
    Q,
)

from departments.models import Area, Department
from minsheng.months import month_start
from projects.choices import Light, ProjectStatus, ReportState
from projects.models import (
    Category,
    Plan,
)

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
