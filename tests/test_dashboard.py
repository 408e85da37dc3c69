"""The leadership dashboard, its snapshots and the monthly briefing (dashboard/).

The figures are checked against values worked out by hand on a small plan (``world``), judged
on 2024-09-30 (tests/conftest.py) with reports due on the 25th:

| project | lead | category | areas | status | light | progress | expected | budget | funds |
|---|---|---|---|---|---|---|---|---|---|
| P1 | D1 | A | X | in progress | yellow (milestone 30 days overdue) | 50 | 50 | 100 | 40 |
| P2 | D1 | B | X, Y | in progress, no milestones | red (past its end) | 60 | 100 | 200 | 50 |
| P3 | D2 | A | Y | completed 2024-07-10 | completed | 100 | — | 0 | 0 |
| P4 | D2 | B | — | not started, no milestones | not started | 0 | — | 50 | 0 |
| P5 | D2 | B | X | in progress from 2024-09-20 | yellow (no approved report) | 5 | 0 | 100 | 10 |
| P6 | D1 | A | Y | in progress | green | 80 | 50 | 300 | 150 |

D3 leads nothing. The comments of the docstrings below show the sums.
"""

from __future__ import annotations

import datetime
import importlib
import json
import re
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps
from django.contrib.staticfiles import finders
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django_celery_beat.models import PeriodicTask
from openpyxl import load_workbook

from dashboard import report_sql, selectors
from dashboard.models import BriefingDispatch, ProjectSnapshot
from dashboard.services import snapshot_take, snapshots_backfill
from dashboard.tasks import snapshot_take_task
from departments.roles import LEADERSHIP_GROUP
from feedback.choices import CommentState, RatingLevel
from minsheng.celery import app as celery_app
from minsheng.services import ServiceError
from projects.choices import Light, ProjectStatus, ReportState
from projects.models import Milestone, ProgressReport, Project
from projects.services import lights_refresh
from tests.factories import (
    AreaFactory,
    CategoryFactory,
    CommentFactory,
    DepartmentFactory,
    MilestoneFactory,
    PlanFactory,
    ProgressReportFactory,
    ProjectFactory,
    RatingFactory,
    ReplyFactory,
    UserFactory,
    coordinator,
    head,
    leader,
    reporter,
)

D = datetime.date
LOCAL = ZoneInfo("Asia/Shanghai")
TODAY = D(2024, 9, 30)


def at(year, month, day, hour=10, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LOCAL)


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(message)


def report(project, period, submitted, state=ReportState.APPROVED, progress="10", funds="0"):
    return ProgressReportFactory(
        project=project,
        period=period,
        reported_progress=Decimal(progress),
        funds_disbursed_to_date=Decimal(funds),
        state=state,
        submitted_at=submitted,
        reviewed_at=submitted + datetime.timedelta(days=1)
        if state == ReportState.APPROVED
        else None,
    )


def project(number, department, category, areas, **values):
    values = {
        "number": number,
        "title": f"项目{number}",
        "lead_department": department,
        "category": category,
        "status": ProjectStatus.IN_PROGRESS,
        **values,
    }
    created = ProjectFactory(**values)
    created.areas.set(areas)
    return created


@pytest.fixture
def world(db):
    plan = PlanFactory(year=2024, title="2024年民生实事")
    a = CategoryFactory(code="a", name="教育", order=1)
    b = CategoryFactory(code="b", name="卫生", order=2)
    d1 = DepartmentFactory(name="第一局", short_name="一局")
    d2 = DepartmentFactory(name="第二局", short_name="二局")
    d3 = DepartmentFactory(name="第三局", short_name="三局")
    x = AreaFactory(name="甲社区")
    y = AreaFactory(name="乙社区")
    common = {"plan": plan}
    p1 = project(
        1, d1, a, [x], **common,
        planned_start=D(2024, 3, 1), planned_end=D(2024, 12, 31),
        planned_investment=Decimal("100"), funds_disbursed=Decimal("40"),
        progress_percent=Decimal("50"),
    )  # fmt: skip
    p2 = project(
        2, d1, b, [x, y], **common,
        planned_start=D(2024, 1, 1), planned_end=D(2024, 6, 30),
        planned_investment=Decimal("200"), funds_disbursed=Decimal("50"),
        progress_percent=Decimal("60"),
    )  # fmt: skip
    p3 = project(
        3, d2, a, [y], **common,
        planned_start=D(2024, 2, 15), planned_end=D(2024, 8, 31),
        planned_investment=Decimal("0"), funds_disbursed=Decimal("0"),
        progress_percent=Decimal("100"), status=ProjectStatus.COMPLETED,
        completed_on=D(2024, 7, 10),
    )  # fmt: skip
    p4 = project(
        4, d2, b, [], **common,
        planned_start=D(2024, 10, 1), planned_end=D(2024, 12, 31),
        planned_investment=Decimal("50"), funds_disbursed=Decimal("0"),
        progress_percent=Decimal("0"), status=ProjectStatus.NOT_STARTED,
    )  # fmt: skip
    p5 = project(
        5, d2, b, [x], **common,
        planned_start=D(2024, 9, 20), planned_end=D(2024, 12, 31),
        planned_investment=Decimal("100"), funds_disbursed=Decimal("10"),
        progress_percent=Decimal("5"),
    )  # fmt: skip
    p6 = project(
        6, d1, a, [y], **common,
        planned_start=D(2024, 1, 1), planned_end=D(2024, 12, 31),
        planned_investment=Decimal("300"), funds_disbursed=Decimal("150"),
        progress_percent=Decimal("80"),
    )  # fmt: skip

    # Milestones: decided 4 (P1 m1, m2; P3; P6 m1), on time 2, overdue 1 (P1 m2), due soon 1.
    m1 = MilestoneFactory(
        project=p1, title="开工", planned_date=D(2024, 4, 30), completed_on=D(2024, 4, 28)
    )
    m2 = MilestoneFactory(project=p1, title="主体完工", planned_date=D(2024, 8, 31))
    MilestoneFactory(project=p1, title="竣工", planned_date=D(2024, 10, 15), weight=2)
    MilestoneFactory(
        project=p3, title="交付", planned_date=D(2024, 6, 30), completed_on=D(2024, 7, 5)
    )
    MilestoneFactory(project=p5, title="完成", planned_date=D(2024, 11, 30))
    MilestoneFactory(
        project=p6, title="招标", planned_date=D(2024, 5, 31), completed_on=D(2024, 5, 20)
    )
    MilestoneFactory(project=p6, title="验收", planned_date=D(2024, 12, 15))

    # Reports: owed 31 (P1 7, P2 9, P3 5, P5 1, P6 9), on time 5; due in September 4, missing 1 (P2).
    report(p1, D(2024, 7, 1), at(2024, 7, 20), progress="30", funds="20")
    report(p1, D(2024, 8, 1), at(2024, 8, 28), progress="40", funds="30")  # late
    report(p1, D(2024, 9, 1), at(2024, 9, 20), progress="50", funds="40")
    report(p3, D(2024, 6, 1), at(2024, 6, 24), progress="90", funds="0")
    # 01:00 on the 26th in Yuhui is still the 25th in UTC: late all the same.
    report(p5, D(2024, 9, 1), at(2024, 9, 26, 1), state=ReportState.SUBMITTED, progress="5")
    report(p6, D(2024, 8, 1), at(2024, 8, 25, 23, 30), progress="70", funds="120")
    report(p6, D(2024, 9, 1), at(2024, 9, 25, 23, 30), progress="80", funds="150")

    # Comments: 4 counted (one rejected), 2 replied (one late), 2 awaiting, 1 overdue.
    c1 = CommentFactory(project=p1, state=CommentState.PUBLISHED, reply_due_on=D(2024, 9, 10))
    ReplyFactory(comment=c1, created_at=at(2024, 9, 8))
    c5 = CommentFactory(project=p6, state=CommentState.PUBLISHED, reply_due_on=D(2024, 9, 12))
    ReplyFactory(comment=c5, created_at=at(2024, 9, 15))
    c2 = CommentFactory(
        project=p2, state=CommentState.PUBLISHED, reply_due_on=D(2024, 9, 20), body="什么时候完工？"
    )
    CommentFactory(project=p5, state=CommentState.PENDING, reply_due_on=D(2024, 10, 8))
    CommentFactory(project=p5, state=CommentState.REJECTED, reply_due_on=D(2024, 9, 1))

    # Ratings: 3 of 4 satisfied or fairly satisfied.
    RatingFactory(project=p1, level=RatingLevel.SATISFIED)
    RatingFactory(project=p1, level=RatingLevel.FAIRLY_SATISFIED)
    RatingFactory(project=p2, level=RatingLevel.DISSATISFIED)
    RatingFactory(project=p6, level=RatingLevel.SATISFIED)

    # Another plan's project must never be counted.
    other = PlanFactory(year=2023, title="2023年民生实事")
    project(1, d3, a, [x], plan=other, planned_start=D(2023, 1, 1), planned_end=D(2023, 12, 31))

    lights_refresh()
    return {
        "plan": plan, "other_plan": other, "a": a, "b": b, "d1": d1, "d2": d2, "d3": d3,
        "x": x, "y": y, "p1": p1, "p2": p2, "p3": p3, "p4": p4, "p5": p5, "p6": p6,
        "m1": m1, "m2": m2, "c2": c2, "c5": c5,
    }  # fmt: skip


def figures(world, **filters) -> selectors.Figures:
    scope = selectors.Scope(plan=world["plan"], as_of=TODAY, **filters)
    return selectors.dashboard_figures(scope, selectors.filter_choices())


def test_the_small_plan_lights_as_the_table_says(world):
    lights = dict(Project.objects.filter(plan=world["plan"]).values_list("number", "light"))
    assert lights == {
        1: Light.YELLOW,
        2: Light.RED,
        3: Light.COMPLETED,
        4: Light.NOT_STARTED,
        5: Light.YELLOW,
        6: Light.GREEN,
    }


# --------------------------------------------------------------------------------------
# Figures against hand-computed values
# --------------------------------------------------------------------------------------


def test_headline_figures(world):
    headline = figures(world).headline
    totals = headline.totals
    assert totals.projects == 6
    assert totals.lights == {
        "green": 1, "yellow": 2, "red": 1, "completed": 1, "not_started": 1, "suspended": 0,
        "terminated": 0,
    }  # fmt: skip
    assert totals.statuses == {
        "in_progress": 4, "completed": 1, "not_started": 1, "suspended": 0, "terminated": 0,
    }  # fmt: skip
    # (50 + 60 + 100 + 0 + 5 + 80) / 6 = 49.17
    assert totals.average_progress == Decimal("49.2")
    # (50×100 + 60×200 + 100×0 + 0×50 + 5×100 + 80×300) / 750 = 41500 / 750 = 55.33
    assert totals.weighted_progress == Decimal("55.3")
    assert totals.planned_investment == Decimal("750")
    assert totals.funds_disbursed == Decimal("250")
    assert totals.execution_rate == Decimal("33.3")
    # Lag: P1 0, P2 40, P5 −5 → 0, P6 −30 → 0; over 4 projects in progress.
    assert totals.average_lag == Decimal("10.0")
    assert (totals.reports_required, totals.reports_on_time) == (31, 5)
    assert totals.reports_on_time_rate == Decimal("16.1")
    assert (totals.reports_due, totals.reports_missing) == (4, 1)
    assert headline.report_period == D(2024, 9, 1)
    assert headline.report_due_on == D(2024, 9, 25)
    milestones = headline.milestones
    assert (milestones.decided, milestones.on_time, milestones.overdue, milestones.due_soon) == (
        4,
        2,
        1,
        1,
    )
    assert milestones.on_time_rate == Decimal("50.0")
    comments = headline.comments
    assert (comments.total, comments.replied, comments.awaiting, comments.overdue) == (4, 2, 2, 1)
    assert comments.reply_rate == Decimal("50.0")
    assert headline.satisfaction.total == 4
    assert headline.satisfaction.rate == Decimal("75.0")


def test_department_ranking(world):
    rows = figures(world).departments
    # D3 leads nothing: it is not ranked, and nothing divides by its zero.
    assert [row.department.name for row in rows] == ["第一局", "第二局"]
    first, second = rows
    assert (first.rank, first.totals.projects) == (1, 3)
    assert (first.totals.lights["red"], first.totals.lights["yellow"]) == (1, 1)
    assert first.milestones.on_time_rate == Decimal("66.7")  # 2 of 3
    assert first.totals.average_lag == Decimal("13.3")  # (0 + 40 + 0) / 3
    assert first.totals.reports_on_time_rate == Decimal("16.0")  # 4 of 25
    assert first.comments.reply_rate == Decimal("66.7")  # 2 of 3
    assert first.score == Decimal("59.0")  # (66.7 + 16.0 + 66.7 + 86.7) / 4
    assert second.milestones.on_time_rate == Decimal("0.0")  # P3's came late
    assert second.totals.average_lag == Decimal("0.0")
    assert second.totals.reports_on_time_rate == Decimal("16.7")  # 1 of 6
    assert second.comments.reply_rate == Decimal("0.0")
    assert second.score == Decimal("29.2")  # (0 + 16.7 + 0 + 100) / 4


def test_reports_on_time_with_a_due_day_late_in_the_month(world, monkeypatch):
    # A due day after the 28th is counted by comparing months as numbers; for the 25th both
    # ways must agree.
    plain = figures(world).headline.totals
    monkeypatch.setattr(report_sql, "PLAIN_DUE_DATES_UP_TO", 0)
    by_months = figures(world).headline.totals
    assert (by_months.reports_required, by_months.reports_on_time) == (31, 5)
    assert by_months.reports_on_time == plain.reports_on_time


@pytest.mark.parametrize(
    "rank, expected",
    [
        ("score", ["第一局", "第二局"]),
        ("milestones", ["第一局", "第二局"]),
        ("lag", ["第二局", "第一局"]),
        ("reports", ["第二局", "第一局"]),
        ("replies", ["第一局", "第二局"]),
    ],
)
def test_ranking_by_each_figure(world, rank, expected):
    scope = selectors.Scope(plan=world["plan"], as_of=TODAY)
    rows = selectors.dashboard_figures(scope, selectors.filter_choices(), rank).departments
    assert [row.department.name for row in rows] == expected
    assert [row.rank for row in rows] == [1, 2]


def test_categories_and_areas(world):
    data = figures(world)
    categories = {row.name: row.totals for row in data.categories}
    assert list(categories) == ["教育", "卫生"]
    assert categories["教育"].projects == 3
    assert categories["教育"].average_progress == Decimal("76.7")  # (50 + 100 + 80) / 3
    assert categories["卫生"].average_progress == Decimal("21.7")  # (60 + 0 + 5) / 3
    assert categories["卫生"].lights["red"] == 1
    areas = {row.name: row.totals for row in data.areas}
    assert set(areas) == {"甲社区", "乙社区"}
    assert areas["甲社区"].projects == 3  # P1, P2, P5
    assert (areas["甲社区"].lights["yellow"], areas["甲社区"].lights["red"]) == (2, 1)
    assert areas["乙社区"].projects == 3  # P2, P3, P6
    assert areas["乙社区"].lights["green"] == 1


def test_lists_of_the_behind(world):
    data = figures(world)
    assert [row["project_number"] for row in data.furthest_behind] == [2]
    assert data.furthest_behind[0]["lag"] == Decimal("40")
    # Red first, then yellow by lag.
    assert [row["project_number"] for row in data.behind_projects] == [2, 1, 5]
    assert data.behind_projects[0]["department_name"] == "第一局"
    assert data.behind_projects[0]["light_reason"]
    assert [(row["milestone"], row["days_overdue"]) for row in data.overdue_milestones] == [
        ("主体完工", 30)
    ]


@pytest.mark.parametrize(
    "filters, projects, overdue, awaiting",
    [
        ({"department_key": "d1"}, 3, 1, 1),
        ({"category_key": "b"}, 3, 0, 2),
        ({"area_key": "x"}, 3, 1, 2),
        ({"area_key": "y"}, 3, 0, 1),
    ],
)
def test_filters_narrow_every_figure(world, filters, projects, overdue, awaiting):
    keys = {
        "department_key": "department_id",
        "category_key": "category_id",
        "area_key": "area_id",
    }
    scope_filters = {keys[key]: world[value].pk for key, value in filters.items()}
    headline = figures(world, **scope_filters).headline
    assert headline.totals.projects == projects
    assert headline.milestones.overdue == overdue
    assert headline.comments.awaiting == awaiting


def test_trend_from_the_snapshots_and_the_current_month_live(world):
    snapshot(world["p1"], D(2024, 8, 1), progress="40", funds="30", light=Light.YELLOW)
    snapshot(world["p2"], D(2024, 8, 1), progress="50", funds="40", light=Light.RED)
    # Another plan's snapshot is not counted.
    other = Project.objects.get(plan=world["other_plan"])
    snapshot(other, D(2024, 8, 1), progress="100", funds="999", light=Light.COMPLETED)
    trend = figures(world).trend
    assert [point.month for point in trend] == [D(2024, 8, 1), D(2024, 9, 1)]
    august, september = trend
    assert (august.totals.projects, august.totals.average_progress) == (2, Decimal("45.0"))
    assert august.totals.funds_disbursed == Decimal("70")
    assert august.totals.lights["red"] == 1
    assert september.current and september.totals.projects == 6


def snapshot(
    project, month, *, progress, funds, light, status=ProjectStatus.IN_PROGRESS, reason=""
):
    return ProjectSnapshot.objects.create(
        project=project,
        month=month,
        as_of=month.replace(day=28),
        status=status,
        progress_percent=Decimal(progress),
        expected_progress=Decimal("50") if light in ("green", "yellow", "red") else None,
        planned_investment=project.planned_investment,
        funds_disbursed=Decimal(funds),
        light=light,
        light_reason=reason,
    )


def test_no_plan_gives_empty_figures(db):
    choices = selectors.filter_choices()
    scope = selectors.Scope(plan=None, as_of=TODAY)
    data = selectors.dashboard_figures(scope, choices)
    assert data.headline.totals.projects == 0
    assert data.departments == [] and data.categories == []


# --------------------------------------------------------------------------------------
# Snapshots
# --------------------------------------------------------------------------------------


def test_snapshot_of_the_current_month_is_the_live_state(world):
    written = snapshot_take(month=D(2024, 9, 1))
    assert written == 7  # every project, the other plan's too
    rows = {
        row.project.number: row
        for row in ProjectSnapshot.objects.filter(project__plan=world["plan"]).select_related(
            "project"
        )
    }
    for project in Project.objects.filter(plan=world["plan"]):
        row = rows[project.number]
        assert (row.light, row.progress_percent, row.funds_disbursed, row.status) == (
            project.light,
            project.progress_percent,
            project.funds_disbursed,
            project.status,
        )
        assert row.as_of == TODAY and not row.reconstructed
    # Taking it again replaces the month's rows rather than adding to them.
    Project.objects.filter(pk=world["p1"].pk).update(progress_percent=Decimal("55"))
    assert snapshot_take(month=D(2024, 9, 1)) == 7
    assert ProjectSnapshot.objects.count() == 7
    assert ProjectSnapshot.objects.get(project=world["p1"]).progress_percent == Decimal("55")


def test_an_earlier_month_is_rebuilt_from_reports_and_history(world):
    # P6's history knew it at 35% in June (the rows written since are dated today, far later).
    history = Project.history.model.objects.filter(id=world["p6"].pk)
    history.update(history_date=at(2024, 6, 15), progress_percent=Decimal("35"))

    snapshot_take(month=D(2024, 7, 1))

    rows = {
        row.project.number: row
        for row in ProjectSnapshot.objects.filter(
            project__plan=world["plan"], month=D(2024, 7, 1)
        ).select_related("project")
    }
    assert all(row.reconstructed and row.as_of == D(2024, 7, 31) for row in rows.values())
    # P1: the July report (30%, 20); milestone 1 of weight 4 due → expected 25: on track.
    assert (rows[1].progress_percent, rows[1].funds_disbursed) == (Decimal("30"), Decimal("20"))
    assert (rows[1].light, rows[1].expected_progress) == (Light.GREEN, Decimal("25.0"))
    # P2: no report yet, started, past its end on 2024-06-30.
    assert (rows[2].status, rows[2].progress_percent, rows[2].light) == (
        ProjectStatus.IN_PROGRESS,
        Decimal("0"),
        Light.RED,
    )
    # P3 was completed on 2024-07-10.
    assert (rows[3].status, rows[3].light) == (ProjectStatus.COMPLETED, Light.COMPLETED)
    # P4 starts in October.
    assert rows[4].status == ProjectStatus.NOT_STARTED
    # P6: from its history, not from reports (its first is August's).
    assert rows[6].progress_percent == Decimal("35")


def test_a_milestone_done_after_the_month_counts_as_open_in_it(world):
    # P6's first milestone was done on 2024-05-20: in April's snapshot it is still open.
    snapshot_take(month=D(2024, 4, 1))
    row = ProjectSnapshot.objects.get(project=world["p6"], month=D(2024, 4, 1))
    assert row.expected_progress == Decimal("0.0")  # nothing due before May 31


def test_backfill_fills_missing_months_once(world):
    written = snapshots_backfill()
    # From January 2023 (the other plan's first start) to September 2024: 21 months × 7.
    assert len(written) == 21 and sum(written.values()) == 21 * 7
    assert snapshots_backfill() == dict.fromkeys(written, 0)
    replaced = snapshots_backfill(replace=True, until=D(2024, 2, 1))
    assert list(replaced)[-1] == D(2024, 2, 1) and set(replaced.values()) == {7}
    assert ProjectSnapshot.objects.count() == 21 * 7


def test_a_future_month_is_refused(world):
    with pytest.raises(ServiceError):
        snapshot_take(month=D(2024, 10, 1))
    assert not ProjectSnapshot.objects.exists()


def test_snapshot_command(world):
    from io import StringIO

    out = StringIO()
    with translation.override("en"):
        call_command("snapshot_projects", "--month", "2024-08", stdout=out)
    assert "2024-08: 7 snapshots written" in out.getvalue()
    with translation.override("en"):
        call_command("snapshot_projects", "--backfill", "--month", "2024-03", stdout=out)
    assert ProjectSnapshot.objects.filter(month=D(2024, 3, 1)).count() == 7
    with pytest.raises(CommandError):
        call_command("snapshot_projects", "--month", "2024-13")
    with pytest.raises(CommandError):
        call_command("snapshot_projects", "--replace")
    with pytest.raises(CommandError):
        call_command("snapshot_projects", "--month", "2025-01")


def test_snapshot_task_and_its_schedule(world):
    assert snapshot_take_task.delay().get() == 7
    assert ProjectSnapshot.objects.filter(month=D(2024, 9, 1)).count() == 7
    assert snapshot_take_task.delay("2024-07").get() == 7
    assert snapshot_take_task.delay("July").get() == 0

    entry = PeriodicTask.objects.select_related("crontab").get(name="每月项目快照")
    assert entry.task == "dashboard.snapshot_take" and entry.task in celery_app.tasks
    assert (entry.crontab.hour, entry.crontab.minute, entry.crontab.day_of_week) == (
        "23",
        "45",
        "*",
    )
    assert str(entry.crontab.timezone) == "Asia/Shanghai"


def test_schedule_migration_reverses_and_reapplies(db):
    migration = importlib.import_module("dashboard.migrations.0002_snapshot_schedule")
    migration.remove_schedule(django_apps, None)
    assert not PeriodicTask.objects.filter(name="每月项目快照").exists()
    migration.create_schedule(django_apps, None)
    migration.create_schedule(django_apps, None)  # idempotent
    assert PeriodicTask.objects.filter(name="每月项目快照").count() == 1


# --------------------------------------------------------------------------------------
# Who may see it
# --------------------------------------------------------------------------------------

PAGES = [
    "/dashboard/",
    "/dashboard/projects/",
    "/dashboard/briefing/",
    "/dashboard/briefing/2024-09/",
    "/dashboard/briefing/2024-09/briefing.xlsx",
]


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, world, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/dashboard/")


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("role", ["reporter", "head"])
def test_department_staff_get_403_for_their_own_and_other_departments(client, world, path, role):
    make = {"reporter": reporter, "head": head}[role]
    for department in ("d1", "d3"):
        user = make(f"{role}-{department}", world[department])
        client.force_login(user)
        response = client.get(path)
        assert response.status_code == 403
        assert zh("Access denied") in response.content.decode()


def what_the_page_shows(response) -> str:
    """What a person who opened the page gets: the page's own heading, or the workbook's sheets."""
    assert response.status_code == 200, response.status_code
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        return " ".join(load_workbook(BytesIO(response.content)).sheetnames)
    page = response.content.decode()
    assert 'name="password"' not in page  # not the sign-in form
    assert zh("Access denied") not in page
    return page


@pytest.mark.parametrize("role", ["leader", "coordinator", "superuser"])
def test_leadership_and_the_coordinating_office_get_in(client, world, role):
    user = {
        "leader": leader,
        "coordinator": coordinator,
        "superuser": lambda: UserFactory(username="root", is_superuser=True),
    }[role]()
    client.force_login(user)
    briefing_heading = zh("Monthly briefing on the livelihood projects: %(month)s").split(
        "%(month)s"
    )[1]

    assert zh("Leadership dashboard") in what_the_page_shows(client.get("/dashboard/"))
    assert zh("Projects") in what_the_page_shows(client.get("/dashboard/projects/"))
    # The briefing's own address opens this month's (the clock is at 2024-09-30).
    index = client.get("/dashboard/briefing/")
    assert (index.status_code, index["Location"]) == (302, "/dashboard/briefing/2024-09/")
    assert briefing_heading in what_the_page_shows(client.get("/dashboard/briefing/2024-09/"))
    sheets = what_the_page_shows(client.get("/dashboard/briefing/2024-09/briefing.xlsx"))
    assert sheets.strip()


def test_an_inactive_leader_is_not_let_in(client, world):
    user = leader()
    user.is_active = False
    user.save()
    client.force_login(user)
    assert client.get("/dashboard/").status_code == 302


# --------------------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------------------


@pytest.fixture
def leader_client(client, world):
    client.force_login(leader())
    return client


def test_dashboard_page_shows_figures_tables_and_chart_data(leader_client, world):
    response = leader_client.get("/dashboard/")
    html = response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    assert world["plan"].title in html
    for text in ("第一局", "第二局", "主体完工", "项目2", "甲社区", "2024年9月"):
        assert text in html
    assert "第三局</a></th>" not in html  # listed as a filter choice, not ranked
    charts = json.loads(
        re.search(
            r'<script id="dashboard-charts" type="application/json">(.*?)</script>', html, re.S
        ).group(1)
    )
    assert set(charts) >= {"categories", "departments", "areas", "trend", "behind"}
    assert charts["categories"]["labels"] == ["教育", "卫生"]
    assert charts["departments"]["labels"] == ["一局", "二局"]
    assert charts["behind"]["expected"]["values"] == [100.0]
    red = next(series for series in charts["categories"]["lights"] if series["key"] == "red")
    assert red["values"] == [0, 1]


def test_page_is_csp_friendly_and_needs_no_other_host(leader_client, world):
    html = leader_client.get("/dashboard/").content.decode()
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts, "the page loads its charts"
    for attributes in scripts:
        assert "src=" in attributes or 'type="application/json"' in attributes, attributes
    assert not re.search(r"\son[a-z]+=", html), "no inline event handler"
    assert "/static/vendor/echarts/echarts.min.js" in html
    assert not re.search(r'(src|href)="(https?:)?//', html), "everything from the portal itself"
    assert finders.find("vendor/echarts/echarts.min.js")
    assert finders.find("vendor/echarts/LICENSE")
    assert finders.find("vendor/echarts/NOTICE")


def test_numbers_link_to_the_admin_list_with_matching_filters(leader_client, world):
    plan = world["plan"]
    response = leader_client.get(f"/dashboard/?department={world['d1'].pk}")
    html = response.content.decode()
    red_list = (
        f"/admin/projects/project/?plan__id__exact={plan.pk}"
        f"&amp;lead_department__id__exact={world['d1'].pk}&amp;light=red"
    )
    assert red_list in html
    # The admin understands those filters: the red project and only it.
    listed = leader_client.get(red_list.replace("&amp;", "&")).content.decode()
    assert "项目2" in listed and "项目1<" not in listed
    # What the admin cannot filter on goes to the dashboard's own list.
    overdue = f"/dashboard/projects/?plan=2024&amp;department={world['d1'].pk}&amp;having=overdue_milestones"
    assert overdue in html
    area = leader_client.get(f"/dashboard/?area={world['x'].pk}").content.decode()
    assert f"areas__id__exact={world['x'].pk}" in area


def test_users_without_the_admin_get_the_dashboards_own_lists(client, world):
    user = leader("outside-leader")
    user.is_staff = False
    user.save()
    client.force_login(user)
    html = client.get("/dashboard/").content.decode()
    assert "/admin/projects/project/?" not in html
    assert "/dashboard/projects/?plan=2024&amp;light=red" in html


@pytest.mark.parametrize(
    "query, numbers",
    [
        ("", [1, 2, 3, 4, 5, 6]),
        ("&light=red", [2]),
        ("&status=completed", [3]),
        ("&having=overdue_milestones", [1]),
        ("&having=due_milestones", [1]),
        ("&having=missing_report", [2]),
        ("&having=awaiting_reply", [2, 5]),
        ("&having=overdue_reply", [2]),
        ("&having=nonsense&light=purple", [1, 2, 3, 4, 5, 6]),
    ],
)
def test_the_projects_behind_a_number(leader_client, world, query, numbers):
    response = leader_client.get(f"/dashboard/projects/?plan=2024{query}")
    assert [project.number for project in response.context["page"].object_list] == numbers


def test_bad_filters_are_shown_and_ignored(leader_client, world):
    response = leader_client.get("/dashboard/?category=abc&area=99999&plan=1999")
    html = response.content.decode()
    assert response.status_code == 200
    assert zh("Some filters were not understood and are not applied:") in html
    assert response.context["figures"].headline.totals.projects == 6
    assert response.context["scope"].plan == world["plan"]


def test_filters_and_ranking_are_in_the_url(leader_client, world):
    response = leader_client.get(f"/dashboard/?plan=2024&category={world['b'].pk}&rank=lag")
    assert response.context["scope"].category_id == world["b"].pk
    assert response.context["rank"] == "lag"
    html = response.content.decode()
    assert f'<option value="{world["b"].pk}" selected>' in html
    assert "rank=reports" in html and f"category={world['b'].pk}" in html
    other = leader_client.get("/dashboard/?plan=2023")
    assert other.context["figures"].headline.totals.projects == 1


def test_dashboard_without_any_plan(client, db):
    client.force_login(leader())
    response = client.get("/dashboard/")
    assert response.status_code == 200
    assert zh("No annual plan has been entered yet.") in response.content.decode()


def test_dashboard_in_english(leader_client, world):
    leader_client.cookies["django_language"] = "en"
    html = leader_client.get("/dashboard/").content.decode()
    assert "Leadership dashboard" in html and "Departments ranked" in html


# --------------------------------------------------------------------------------------
# Query counts
# --------------------------------------------------------------------------------------


def grow(plan, categories, departments, areas, count, start):
    """``count`` more projects with milestones, reports, comments, ratings and snapshots."""
    from dashboard.models import ProjectSnapshot as Snapshot
    from feedback.models import Comment, Rating

    projects = Project.objects.bulk_create(
        Project(
            plan=plan,
            number=start + i,
            title=f"批量项目{start + i}",
            category=categories[i % len(categories)],
            lead_department=departments[i % len(departments)],
            planned_start=D(2024, 3, 1),
            planned_end=D(2024, 12, 31),
            planned_investment=Decimal("100"),
            funds_disbursed=Decimal("40"),
            progress_percent=Decimal(i % 100),
            status=ProjectStatus.IN_PROGRESS,
        )
        for i in range(count)
    )
    Milestone.objects.bulk_create(
        Milestone(project=p, title=title, planned_date=day, weight=1)
        for p in projects
        for title, day in (("开工", D(2024, 4, 1)), ("完工", D(2024, 10, 20)))
    )
    ProgressReport.objects.bulk_create(
        ProgressReport(
            project=p,
            period=D(2024, 8, 1),
            reported_progress=Decimal("30"),
            funds_disbursed_to_date=Decimal("40"),
            work_done="批量进展",
            state=ReportState.APPROVED,
            submitted_at=at(2024, 8, 20),
        )
        for p in projects
    )
    Comment.objects.bulk_create(
        Comment(
            project=p,
            nickname="居民",
            body="留言",
            state=CommentState.PUBLISHED,
            reply_due_on=D(2024, 9, 1),
            client_hash=f"{p.pk:064x}",
        )
        for p in projects
    )
    Rating.objects.bulk_create(
        Rating(project=p, level=RatingLevel.SATISFIED, visitor_hash=f"{p.pk:064x}", client_hash="c")
        for p in projects
    )
    Snapshot.objects.bulk_create(
        Snapshot(
            project=p,
            month=D(2024, 8, 1),
            as_of=D(2024, 8, 31),
            status=ProjectStatus.IN_PROGRESS,
            progress_percent=Decimal("30"),
            planned_investment=Decimal("100"),
            funds_disbursed=Decimal("40"),
            light=Light.GREEN,
        )
        for p in projects
    )
    through = Project.areas.through
    through.objects.bulk_create(
        through(project_id=p.pk, area_id=areas[i % len(areas)].pk) for i, p in enumerate(projects)
    )


def count_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_dashboard_queries_do_not_grow_with_the_number_of_projects(leader_client, world, language):
    leader_client.cookies["django_language"] = language
    plan = world["plan"]
    categories, departments = [world["a"], world["b"]], [world["d1"], world["d2"]]
    areas = [world["x"], world["y"]]
    paths = [
        "/dashboard/",
        f"/dashboard/?category={world['a'].pk}&area={world['x'].pk}&rank=lag",
        f"/dashboard/?department={world['d2'].pk}",
    ]
    grow(plan, categories, departments, areas, 44, start=100)
    lights_refresh()
    assert Project.objects.filter(plan=plan).count() == 50
    leader_client.get("/dashboard/")  # the session and the user's groups, read once
    small = {path: count_queries(leader_client, path) for path in paths}

    grow(plan, categories, departments, areas, 1950, start=1000)
    lights_refresh()
    assert Project.objects.filter(plan=plan).count() == 2000
    large = {path: count_queries(leader_client, path) for path in paths}

    assert small == large
    # Pinned, so that a new query is a decision rather than an accident: session, user,
    # groups, the lights' freshness check, four filter lists, ten queries of figures and
    # the user's permissions (two: whether numbers may link to the admin).
    assert small["/dashboard/"] == 20


def test_briefing_queries_do_not_grow_with_the_number_of_projects(leader_client, world):
    plan = world["plan"]
    categories, departments = [world["a"], world["b"]], [world["d1"], world["d2"]]
    areas = [world["x"], world["y"]]
    paths = ["/dashboard/briefing/2024-09/", "/dashboard/briefing/2024-08/"]
    grow(plan, categories, departments, areas, 44, start=100)
    lights_refresh()
    leader_client.get("/dashboard/")
    small = {path: count_queries(leader_client, path) for path in paths}
    grow(plan, categories, departments, areas, 1950, start=1000)
    lights_refresh()
    large = {path: count_queries(leader_client, path) for path in paths}
    assert small == large


# --------------------------------------------------------------------------------------
# The monthly briefing
# --------------------------------------------------------------------------------------


def test_briefing_of_the_current_month(leader_client, world):
    response = leader_client.get("/dashboard/briefing/2024-09/")
    html = response.content.decode()
    briefing = response.context["briefing"]
    assert briefing.live and briefing.as_of == TODAY
    assert [row["project_number"] for row in briefing.figures.behind_projects] == [2, 1, 5]
    # P6's comment was answered three days late; P2's, due on 2024-09-20, still waits.
    assert [row["pk"] for row in briefing.figures.late_comments] == [
        world["c5"].pk,
        world["c2"].pk,
    ]
    for text in ("项目2", "主体完工", "什么时候完工？", "第一局"):
        assert text in html
    assert "/dashboard/briefing/2024-09/briefing.xlsx" in html
    assert "/dashboard/briefing/2024-09/briefing.pdf" in html


def test_briefing_of_an_earlier_month_reads_its_snapshots(leader_client, world):
    snapshot(
        world["p1"],
        D(2024, 8, 1),
        progress="40",
        funds="30",
        light=Light.RED,
        reason="八月严重滞后",
    )
    snapshot(world["p2"], D(2024, 8, 1), progress="50", funds="40", light=Light.GREEN)
    response = leader_client.get("/dashboard/briefing/2024-08/")
    briefing = response.context["briefing"]
    assert not briefing.live and briefing.as_of == D(2024, 8, 31)
    totals = briefing.figures.headline.totals
    assert (totals.projects, totals.average_progress, totals.funds_disbursed) == (
        2,
        Decimal("45.0"),
        Decimal("70"),
    )
    assert [row["light_reason"] for row in briefing.figures.behind_projects] == ["八月严重滞后"]
    # On August 31 milestone 2 (due that day) was not yet overdue; nothing else was.
    assert briefing.figures.overdue_milestones == []
    assert "八月严重滞后" in response.content.decode()


def test_briefing_of_a_month_without_data(leader_client, world):
    # 2022: no plan at all.
    response = leader_client.get("/dashboard/briefing/2022-05/")
    assert response.status_code == 200
    assert response.context["briefing"].plan is None
    assert zh("None.") in response.content.decode()
    workbook = load_workbook(
        BytesIO(leader_client.get("/dashboard/briefing/2022-05/briefing.xlsx").content)
    )
    assert len(workbook.sheetnames) == 6
    assert workbook.worksheets[1].max_row == 1  # the ranking: headers only
    # 2024-02: the plan exists but no snapshot was taken that month.
    response = leader_client.get("/dashboard/briefing/2024-02/")
    assert response.context["briefing"].snapshot_missing
    assert response.context["briefing"].figures.headline.totals.projects == 0


@pytest.mark.parametrize("month", ["2024-10", "2024-13", "24-09", "abcd-ef"])
def test_briefing_of_a_future_or_malformed_month_is_404(leader_client, world, month):
    assert leader_client.get(f"/dashboard/briefing/{month}/").status_code == 404
    assert leader_client.get(f"/dashboard/briefing/{month}/briefing.xlsx").status_code == 404


def test_briefing_index_goes_to_the_month_asked_for(leader_client, world):
    assert leader_client.get("/dashboard/briefing/")["Location"] == "/dashboard/briefing/2024-09/"
    assert (
        leader_client.get("/dashboard/briefing/?month=2024-03")["Location"]
        == "/dashboard/briefing/2024-03/"
    )
    assert (
        leader_client.get("/dashboard/briefing/?month=2030-01")["Location"]
        == "/dashboard/briefing/2024-09/"
    )


def test_briefing_workbook_has_one_sheet_per_table_with_numbers_as_numbers(leader_client, world):
    response = leader_client.get("/dashboard/briefing/2024-09/briefing.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="briefing-2024-09.xlsx"' in response["Content-Disposition"]
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == [
        zh("Overview"),
        zh("Department ranking"),
        zh("Red and yellow projects"),
        zh("Overdue milestones"),
        zh("Comments not answered in time"),
        zh("Plan changes and decisions"),
    ]
    overview = {
        row[0]: row[1]
        for row in book[zh("Overview")].iter_rows(min_row=2, values_only=True)
        if row[0]
    }
    assert overview[zh("Number of projects")] == 6
    assert overview[zh("Average progress")] == pytest.approx(49.2)
    assert overview[zh("Planned investment")] == pytest.approx(750)
    assert overview[zh("Execution rate")] == pytest.approx(33.3)
    assert overview[zh("Satisfaction rate")] == pytest.approx(75.0)
    assert book[zh("Overview")]["A1"].value == zh("Figure")

    ranking = list(book[zh("Department ranking")].iter_rows(values_only=True))
    assert ranking[0][:3] == (zh("Rank"), zh("Lead department"), zh("Number of projects"))
    assert ranking[1][:3] == (1, "第一局", 3)
    assert ranking[1][5] == pytest.approx(66.7) and isinstance(ranking[1][5], float)
    assert ranking[2][1] == "第二局"

    behind = list(book[zh("Red and yellow projects")].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in behind] == [2, 1, 5]
    assert behind[0][4] == 60 and isinstance(behind[0][4], int | float)

    milestones = list(book[zh("Overdue milestones")].iter_rows(min_row=2, values_only=True))
    assert milestones == [(1, "项目1", "第一局", "主体完工", datetime.datetime(2024, 8, 31), 30)]
    comments = list(
        book[zh("Comments not answered in time")].iter_rows(min_row=2, values_only=True)
    )
    assert comments[0][:6] == (
        6,
        "项目6",
        "第一局",
        comments[0][3],
        datetime.datetime(2024, 9, 12),
        datetime.datetime(2024, 9, 15),
    )
    assert isinstance(comments[0][3], datetime.datetime)
    assert comments[1][:2] == (2, "项目2") and comments[1][5] is None
    # A decision's reason is headed as the reason for the change, not as a light's reason.
    decisions = next(book[zh("Plan changes and decisions")].iter_rows(values_only=True))
    assert decisions[6] == "理由" and zh("Reason") not in decisions


def test_briefing_pdf(leader_client, world):
    pytest.importorskip("weasyprint")
    response = leader_client.get("/dashboard/briefing/2024-09/briefing.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    empty = leader_client.get("/dashboard/briefing/2022-01/briefing.pdf")
    assert empty.content.startswith(b"%PDF")


def test_briefing_page_has_a_print_stylesheet_for_a4(leader_client, world):
    html = leader_client.get("/dashboard/briefing/2024-09/").content.decode()
    assert "/static/dashboard/briefing.css" in html
    with open(finders.find("dashboard/briefing.css"), encoding="utf-8") as stylesheet:
        css = stylesheet.read()
    assert "@media print" in css and "size: A4" in css


# --------------------------------------------------------------------------------------
# Sending the briefing to leadership
# --------------------------------------------------------------------------------------


@pytest.fixture
def leaders(world):
    first = leader("leader-a")
    first.email = "a@example.gov.cn"
    first.save()
    second = leader("leader-b")
    second.email = "b@example.gov.cn"
    second.save()
    without = leader("leader-c")  # no address: not sent to
    gone = leader("leader-d")
    gone.email, gone.is_active = "d@example.gov.cn", False
    gone.save()
    return [first, second, without]


def test_the_office_sends_the_briefing_to_leadership_with_one_action(
    client, world, leaders, django_capture_on_commit_callbacks
):
    client.force_login(coordinator())
    page = client.get("/dashboard/briefing/2024-09/").content.decode()
    assert "/dashboard/briefing/2024-09/send/" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/dashboard/briefing/2024-09/send/")
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/briefing/2024-09/"
    dispatch = BriefingDispatch.objects.get()
    assert dispatch.recipient_list == ["a@example.gov.cn", "b@example.gov.cn"]
    assert dispatch.sent_at is not None and dispatch.error == ""
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["a@example.gov.cn", "b@example.gov.cn"]
    names = [name for name, _content, _type in message.attachments]
    assert names[0] == "briefing-2024-09.xlsx"
    if len(names) > 1:
        assert names[1] == "briefing-2024-09.pdf"
    assert "/dashboard/briefing/2024-09/" in message.body
    followed = client.get("/dashboard/briefing/2024-09/").content.decode()
    assert zh("delivered") in followed


def test_leadership_cannot_send_and_nothing_is_written(client, world, leaders):
    client.force_login(leaders[0])
    page = client.get("/dashboard/briefing/2024-09/").content.decode()
    assert "/send/" not in page
    assert client.post("/dashboard/briefing/2024-09/send/").status_code == 403
    client.force_login(reporter("rep", world["d1"]))
    assert client.post("/dashboard/briefing/2024-09/send/").status_code == 403
    assert not BriefingDispatch.objects.exists()
    assert mail.outbox == []


def test_sending_needs_post_and_someone_to_send_to(client, world):
    client.force_login(coordinator())
    assert client.get("/dashboard/briefing/2024-09/send/").status_code == 405
    response = client.post("/dashboard/briefing/2024-09/send/", follow=True)
    assert zh("No leadership account has an e-mail address: there is nobody to send it to.") in (
        response.content.decode()
    )
    assert not BriefingDispatch.objects.exists()
    assert client.post("/dashboard/briefing/2030-01/send/").status_code == 404


def test_a_refused_delivery_is_kept_for_the_office_to_see(world, leaders, settings):
    from dashboard.services import briefing_deliver

    settings.EMAIL_BACKEND = "tests.test_dashboard.RefusingBackend"
    dispatch = BriefingDispatch.objects.create(month=D(2024, 9, 1), recipients="a@example.gov.cn")
    with pytest.raises(OSError):
        briefing_deliver(dispatch=dispatch)
    dispatch.refresh_from_db()
    assert dispatch.sent_at is None and "refused" in dispatch.error


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server refused")


def test_admin_lists_are_read_only(client, world, leaders):
    snapshot_take(month=D(2024, 9, 1))
    client.force_login(coordinator())
    assert client.get("/admin/dashboard/projectsnapshot/").status_code == 200
    assert client.get("/admin/dashboard/briefingdispatch/").status_code == 200
    assert client.get("/admin/dashboard/projectsnapshot/add/").status_code == 403
    client.force_login(leaders[0])
    assert client.get("/admin/dashboard/projectsnapshot/").status_code == 200
    client.force_login(reporter("rep", world["d1"]))
    assert client.get("/admin/dashboard/projectsnapshot/").status_code == 403


def test_leadership_group_reads_snapshots(db):
    from django.contrib.auth.models import Group

    codenames = set(
        Group.objects.get(name=LEADERSHIP_GROUP).permissions.values_list("codename", flat=True)
    )
    assert {"view_projectsnapshot", "view_briefingdispatch"} <= codenames


@pytest.mark.django_db
def test_the_admin_links_to_the_dashboard_for_those_who_may_open_it(client):
    from tests.factories import DepartmentFactory, coordinator, leader, reporter

    for user, shown in (
        (leader("leader-link"), True),
        (coordinator("office-link"), True),
        (reporter("staff-link", DepartmentFactory()), False),
    ):
        client.force_login(user)
        page = client.get("/admin/").content.decode()
        assert ('href="/dashboard/"' in page) is shown, user.username
