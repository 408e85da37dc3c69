"""The traffic light (红黄绿灯): how a project stands on a given date, and why.

``compute_light`` is a pure function: it reads only what it is given (a project's status,
progress and planned dates, its milestones, its latest approved report, a date and the
thresholds) and touches neither the database nor the clock. Rules (DESIGN.md):

- completed, not started, suspended and terminated projects show their status;
- expected progress on a date is the share of milestone weight planned by that date, or,
  without milestones, the straight line from planned start to planned end;
- red: behind by more than 25 points, a milestone overdue more than 30 days, or past the
  planned end and not completed;
- yellow: behind by 10–25 points, a milestone overdue 8–30 days, or no approved report for
  the last period;
- green otherwise (behind by less than 10 points, no milestone overdue more than 7 days).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from minsheng.months import last_report_period, report_due_date
from minsheng.numbers import HUNDRED, percent
from minsheng.numbers import format_percent as _fmt

from .choices import Light, ProjectStatus

__all__ = [
    "LightResult",
    "ReportPeriod",
    "Thresholds",
    "compute_light",
    "expected_progress",
    "last_report_period",
    "report_due_date",
]


class ProjectLike(Protocol):
    status: str
    progress_percent: Decimal
    planned_start: datetime.date
    planned_end: datetime.date


class MilestoneLike(Protocol):
    title: str
    planned_date: datetime.date
    completed_on: datetime.date | None
    weight: int


class ReportLike(Protocol):
    period: datetime.date


@dataclass(frozen=True, slots=True)
class ReportPeriod:
    """A report reduced to what the light reads: its period (a list loads only that)."""

    period: datetime.date


@dataclass(frozen=True)
class Thresholds:
    green_lag_below: Decimal = Decimal("10")
    red_lag_above: Decimal = Decimal("25")
    green_overdue_days_max: int = 7
    yellow_overdue_days_max: int = 30
    report_due_day: int = 25

    @classmethod
    def from_settings(cls) -> Thresholds:
        from django.conf import settings

        light: Mapping = settings.MINSHENG_LIGHT
        # Through str: a float such as 9.9 given in a settings override stays exactly 9.9.
        return cls(
            green_lag_below=Decimal(str(light["GREEN_LAG_BELOW"])),
            red_lag_above=Decimal(str(light["RED_LAG_ABOVE"])),
            green_overdue_days_max=int(light["GREEN_OVERDUE_DAYS_MAX"]),
            yellow_overdue_days_max=int(light["YELLOW_OVERDUE_DAYS_MAX"]),
            report_due_day=int(settings.MINSHENG_REPORT_DUE_DAY),
        )


@dataclass(frozen=True)
class LightResult:
    light: str
    reason: str
    expected_progress: Decimal | None = None


def expected_progress(
    project: ProjectLike, milestones: Iterable[MilestoneLike], on_date: datetime.date
) -> Decimal:
    """Share of the work that should be done by ``on_date``, in percent (one decimal)."""
    milestones = list(milestones)
    total_weight = sum(m.weight for m in milestones)
    if total_weight > 0:
        due_weight = sum(m.weight for m in milestones if m.planned_date <= on_date)
        return percent(due_weight, total_weight)
    start, end = project.planned_start, project.planned_end
    if on_date >= end:
        return HUNDRED
    if on_date <= start:
        return Decimal("0")
    elapsed = (on_date - start).days
    duration = (end - start).days
    return percent(elapsed, duration)


def compute_light(
    project: ProjectLike,
    milestones: Iterable[MilestoneLike],
    latest_report: ReportLike | None,
    on_date: datetime.date,
    thresholds: Thresholds | None = None,
) -> LightResult:
    """Return the project's light on ``on_date`` with its reason in words."""
    t = thresholds or Thresholds()
    if project.status == ProjectStatus.COMPLETED:
        return LightResult(Light.COMPLETED, _("Completed"))
    if project.status == ProjectStatus.SUSPENDED:
        return LightResult(Light.SUSPENDED, _("Suspended"))
    if project.status == ProjectStatus.TERMINATED:
        return LightResult(Light.TERMINATED, _("Terminated"))
    if project.status == ProjectStatus.NOT_STARTED:
        return LightResult(Light.NOT_STARTED, _("Not started"))

    milestones = list(milestones)
    expected = expected_progress(project, milestones, on_date)
    actual = Decimal(project.progress_percent)
    lag = expected - actual
    red: list[str] = []
    yellow: list[str] = []

    if on_date > project.planned_end:
        red.append(
            _("%(days)s days past the planned end date (%(date)s) and not completed")
            % {
                "days": (on_date - project.planned_end).days,
                "date": date_format(project.planned_end, "DATE_FORMAT"),
            }
        )

    lag_words = _("progress %(actual)s%% is %(lag)s points behind the expected %(expected)s%%") % {
        "actual": _fmt(actual),
        "lag": _fmt(lag),
        "expected": _fmt(expected),
    }
    if lag > t.red_lag_above:
        red.append(lag_words)
    elif lag >= t.green_lag_below:
        yellow.append(lag_words)

    overdue = sorted(
        (m for m in milestones if m.completed_on is None and m.planned_date < on_date),
        key=lambda m: m.planned_date,
    )
    for milestone in overdue:
        days = (on_date - milestone.planned_date).days
        words = _("milestone “%(title)s” is %(days)s days overdue") % {
            "title": milestone.title,
            "days": days,
        }
        if days > t.yellow_overdue_days_max:
            red.append(words)
        elif days > t.green_overdue_days_max:
            yellow.append(words)

    period = last_report_period(on_date, t.report_due_day)
    report_required = project.planned_start <= report_due_date(period, t.report_due_day)
    if report_required and (latest_report is None or latest_report.period < period):
        yellow.append(
            _("no approved progress report for %(period)s")
            % {"period": date_format(period, "YEAR_MONTH_FORMAT")}
        )

    separator = _("; ")
    if red:
        return LightResult(Light.RED, _capitalise(separator.join(red)), expected)
    if yellow:
        return LightResult(Light.YELLOW, _capitalise(separator.join(yellow)), expected)
    return LightResult(
        Light.GREEN,
        _("On track: progress %(actual)s%%, expected %(expected)s%%")
        % {"actual": _fmt(actual), "expected": _fmt(expected)},
        expected,
    )


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]
