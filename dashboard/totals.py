"""The dashboard's figures as sums over groups of projects; the rates and averages derive
from them with the portal's one rounding rule (``minsheng.numbers``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from departments.models import Department
from feedback.selectors import Satisfaction
from minsheng.numbers import HUNDRED, percent, round_percent
from projects.choices import Light, ProjectStatus

from .scope import ZERO, Scope


def _decimal(value) -> Decimal:
    return ZERO if value is None else Decimal(str(value))


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
