"""Public commitments as residents, the API and leadership see them: approved changes
(计划调整) with the baseline (原计划) struck through, the decisions that close, suspend or
terminate a project, who really acted in the history, the “plan changed” filter, the
monthly briefing's decisions, and terminated projects counted apart.

The date is pinned to 2024-09-30 (conftest). The red project is the one of
tests/test_commitments.py: its milestone “主体完工” was due on 2024-08-25.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.cache import cache
from django.utils import timezone
from django.utils.formats import date_format
from openpyxl import load_workbook

from dashboard import briefing as briefing_files
from dashboard.selectors import Scope, briefing_figures, dashboard_figures, filter_choices
from projects import commitments
from projects.choices import ChangeSource, ChangeState, ProjectStatus, ReportState
from projects.department_selectors import plan_figures
from projects.models import ChangeRequest, Project
from projects.services import project_refresh_light, report_approve
from tests.factories import (
    DepartmentFactory,
    IndicatorFactory,
    MilestoneFactory,
    PlanFactory,
    ProgressReportFactory,
    ProjectFactory,
    coordinator,
    leader,
    reporter,
)
from tests.support.files import pdf

pytestmark = pytest.mark.django_db

D = datetime.date
DECISION = "禹民生办〔2024〕12号"
RAIN = "雨季停工，主体施工顺延"


@pytest.fixture(autouse=True)
def _empty_page_cache():
    cache.clear()


@pytest.fixture
def department():
    return DepartmentFactory(name="区教育体育局", short_name="区教体局")


@pytest.fixture
def office():
    return coordinator("minsheng_office")


@pytest.fixture
def jiaoyu(department):
    return reporter("jiaoyu", department)


@pytest.fixture
def red_project(department, office):
    """In progress, 45 %, its first milestone 36 days overdue: red. Baselined."""
    plan = PlanFactory(year=2024, published=False)
    project = ProjectFactory(
        plan=plan,
        number=9,
        title="城区学校校舍改造",
        lead_department=department,
        progress_percent=Decimal("45"),
        status=ProjectStatus.IN_PROGRESS,
        planned_start=D(2024, 3, 1),
        planned_end=D(2024, 12, 31),
        planned_investment=Decimal("300"),
    )
    MilestoneFactory(project=project, title="主体完工", planned_date=D(2024, 8, 25))
    MilestoneFactory(project=project, title="竣工验收", planned_date=D(2024, 12, 20))
    IndicatorFactory(project=project, name="改造校舍", unit="平方米", target_value=Decimal("5000"))
    ProgressReportFactory(
        project=project,
        period=D(2024, 9, 1),
        reported_progress=Decimal("45"),
        state=ReportState.APPROVED,
    )
    commitments.plan_publish(plan=plan, by=office)
    project.refresh_from_db()
    project_refresh_light(project=project)
    return project


def move_first_milestone(project, by, reason=RAIN):
    return commitments.change_request_create(
        project=project,
        by=by,
        changes=[
            {
                "model": "milestone",
                "id": project.milestones.get(title="主体完工").pk,
                "field": "planned_date",
                "new": "2024-10-20",
            }
        ],
        reason=reason,
    )


def html_of(client, project) -> str:
    # Tests run in one transaction: the on-commit emptying of the page cache never comes.
    cache.clear()
    response = client.get(f"/projects/{project.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, heading_id: str) -> str:
    return html.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]


def project_head(html: str) -> str:
    return html.split('class="panel project-head"', 1)[1].split("</header>", 1)[0]


def day_of(request) -> str:
    request.refresh_from_db()
    return date_format(timezone.localtime(request.decided_at).date(), "DATE_FORMAT")


# --- the project page ---------------------------------------------------------------------


def test_a_pending_request_shows_nothing_and_its_approval_shows_the_struck_date_and_reason(
    client, red_project, jiaoyu, office
):
    request = move_first_milestone(red_project, jiaoyu)

    html = html_of(client, red_project)
    assert "<del>" not in html
    assert RAIN not in html
    assert "本项目计划未作调整。" in section(html, "changes-title")
    assert "严重滞后" in html

    commitments.change_request_approve(request=request, by=office, decision_number=DECISION)

    html = html_of(client, red_project)
    milestones = section(html, "milestones-title")
    assert "2024年10月20日" in milestones
    assert "原计划 <del>2024年8月25日</del>" in milestones
    changes = section(html, "changes-title")
    assert "节点“主体完工”：计划完成日期" in changes
    assert changes.index("2024年8月25日") < changes.index("2024年10月20日")
    assert RAIN in changes
    assert f"民生工程股于{day_of(request)}批准" in changes
    assert f"文号：{DECISION}" in changes
    assert "本项目计划未作调整。" not in changes


def test_a_rejected_or_withdrawn_request_never_reaches_the_page(
    client, red_project, jiaoyu, office
):
    rejected = move_first_milestone(red_project, jiaoyu, reason="申请一：雨季")
    commitments.change_request_reject(request=rejected, by=office, reason="理由不充分")
    withdrawn = move_first_milestone(red_project, jiaoyu, reason="申请二：雨季")
    commitments.change_request_withdraw(request=withdrawn, by=jiaoyu)

    html = html_of(client, red_project)
    assert "申请一" not in html and "申请二" not in html and "理由不充分" not in html
    assert "<del>" not in html


def test_the_page_says_how_many_days_the_planned_end_moved(client, red_project, office):
    commitments.project_update(
        project=red_project,
        by=office,
        data={"planned_end": D(2025, 1, 30)},
        reason="冬季施工受限",
    )
    facts = section(html_of(client, red_project), "facts-title")
    assert "较原计划推迟 30 天" in facts
    assert "原计划 <del>2024年3月1日至2024年12月31日</del>" in facts

    commitments.project_update(
        project=red_project,
        by=office,
        data={"planned_end": D(2024, 12, 21)},
        reason="提前完工",
    )
    facts = section(html_of(client, red_project), "facts-title")
    assert "较原计划提前 10 天" in facts
    assert "推迟" not in facts


def test_a_direct_change_of_money_and_target_is_shown_beside_the_baseline(
    client, red_project, office
):
    commitments.project_update(
        project=red_project,
        by=office,
        data={"planned_investment": Decimal("350.5")},
        reason="追加上级补助资金",
    )
    indicator = red_project.indicators.get()
    commitments.indicator_save(
        indicator=indicator, by=office, data={"target_value": "4000"}, reason="部分校舍并入新建"
    )

    html = html_of(client, red_project)
    assert "原计划 <del>300 万元</del>" in section(html, "funds-title")
    assert "原计划 <del>5,000</del>" in section(html, "indicators-title")
    changes = section(html, "changes-title")
    assert "计划投资" in changes and "300 万元" in changes and "350.5 万元" in changes
    assert "指标“改造校舍”：目标值" in changes and "5,000 平方米" in changes
    assert "民生工程股于" in changes and "直接调整" in changes


def test_hostile_text_in_a_reason_is_shown_as_text(client, red_project, jiaoyu, office):
    request = move_first_milestone(red_project, jiaoyu, reason='<script>alert("x")</script>雨季')
    commitments.change_request_approve(request=request, by=office)

    html = html_of(client, red_project)
    assert '<script>alert("x")' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;雨季" in html


def test_a_suspended_project_shows_the_decision(client, red_project, jiaoyu, office):
    request = commitments.status_request_create(
        project=red_project, by=jiaoyu, kind="suspend", reason="选址调整，待规划重新论证"
    )
    commitments.change_request_approve(request=request, by=office, decision_number=DECISION)

    head = project_head(html_of(client, red_project))
    decision = head.split('class="decision', 1)[1]
    assert f"经{day_of(request)}决定暂缓" in decision
    assert "选址调整，待规划重新论证" in decision
    assert f"文号：{DECISION}" in decision


def test_a_closed_project_shows_its_closing_and_acceptance_document(
    client, red_project, jiaoyu, office
):
    Project.objects.filter(pk=red_project.pk).update(progress_percent=Decimal("100"))
    red_project.milestones.update(completed_on=D(2024, 9, 20))
    request = commitments.status_request_create(
        project=red_project,
        by=jiaoyu,
        kind="close",
        reason="工程已竣工验收",
        document=pdf("竣工验收报告.pdf"),
    )
    # Not public while the office has not decided.
    assert "竣工验收报告" not in html_of(client, red_project)

    commitments.change_request_approve(request=request, by=office)

    head = project_head(html_of(client, red_project))
    assert f"已于{day_of(request)}验收销号" in head
    assert "验收材料：" in head
    document = request.attachments.get()
    assert f'href="{document.file.url}"' in head


# --- who acted ----------------------------------------------------------------------------


def progress_history(project) -> list[str]:
    from projects.selectors import project_change_history, project_for_public

    return [line.text for line in project_change_history(project_for_public(project.pk))]


def save_progress(project, by, value):
    project.refresh_from_db()
    project.progress_percent = Decimal(value)
    project._history_user = by
    project.save()


def test_the_history_names_who_really_acted(department, office):
    helper = DepartmentFactory(name="区财政局", short_name="区财政局")
    other = DepartmentFactory(name="区卫健委", short_name="区卫健委")
    project = ProjectFactory(lead_department=department, progress_percent=Decimal("10"))
    project.cooperating_departments.add(helper)
    superuser = coordinator("root")
    superuser.is_superuser = True
    superuser.save()
    superuser.groups.clear()

    save_progress(project, reporter("jiaoyu", department), "20")
    save_progress(project, reporter("caizheng", helper), "30")
    save_progress(project, office, "40")
    save_progress(project, superuser, "50")
    save_progress(project, None, "60")
    save_progress(project, reporter("weijian", other), "70")

    lines = list(reversed(progress_history(project)))
    assert [line.split(" ")[1] for line in lines] == [
        "区教体局",
        "区财政局",
        "民生工程股",
        "民生工程股",
        "民生工程股",
        "民生工程股",
    ]


def test_an_approved_report_is_told_as_the_lead_departments_update(department, office):
    project = ProjectFactory(lead_department=department, progress_percent=Decimal("10"))
    report = ProgressReportFactory(
        project=project,
        period=D(2024, 9, 1),
        reported_progress=Decimal("35"),
        funds_disbursed_to_date=Decimal("12"),
        state=ReportState.SUBMITTED,
    )
    report_approve(report=report, by=office)

    (line,) = [line for line in progress_history(project) if "进度" in line]
    assert " 区教体局 " in line and "35%" in line


def test_rows_written_before_the_history_said_what_made_them_are_marked(department, office):
    import importlib

    from django.apps import apps as django_apps

    migration = importlib.import_module("projects.migrations.0005_project_history_source")
    project = ProjectFactory(lead_department=department, progress_percent=Decimal("10"))
    report = ProgressReportFactory(
        project=project,
        period=D(2024, 9, 1),
        reported_progress=Decimal("35"),
        funds_disbursed_to_date=Decimal("12"),
        state=ReportState.SUBMITTED,
    )
    report_approve(report=report, by=office)
    project.history.update(history_source="")
    office_edit = [line for line in progress_history(project) if "进度" in line]
    assert " 民生工程股 " in office_edit[0]

    migration.mark_report_rows(django_apps, None)

    (line,) = [line for line in progress_history(project) if "进度" in line]
    assert " 区教体局 " in line and "35%" in line


def test_an_import_by_the_office_is_told_as_the_offices(red_project, office):
    commitments.project_update(
        project=red_project,
        by=office,
        data={"funds_disbursed": Decimal("88")},
        source=ChangeSource.IMPORT,
        source_name="资金拨付.xlsx",
    )
    lines = progress_history(red_project)
    funds = next(line for line in lines if "拨付" in line)
    assert " 民生工程股 " in funds and "区教体局" not in funds


# --- filters --------------------------------------------------------------------------------


def test_the_list_and_the_api_filter_projects_whose_plan_was_changed(
    client, red_project, jiaoyu, office
):
    untouched = ProjectFactory(plan=red_project.plan, number=10, title="社区食堂")
    commitments.project_baseline_freeze(project=untouched, by=office)
    pending = move_first_milestone(red_project, jiaoyu)

    page = client.get("/projects/?year=2024&changed=1").content.decode()
    assert "城区学校校舍改造" not in page and "社区食堂" not in page
    assert client.get("/api/v1/projects/?year=2024&changed=1").json()["count"] == 0

    commitments.change_request_approve(request=pending, by=office)
    cache.clear()

    page = client.get("/projects/?year=2024&changed=1").content.decode()
    assert "城区学校校舍改造" in page and "社区食堂" not in page
    assert '<option value="1" selected>计划有调整</option>' in page
    rows = client.get("/api/v1/projects/?year=2024&changed=1").json()["results"]
    assert [row["title"] for row in rows] == ["城区学校校舍改造"]
    everything = client.get("/projects/?year=2024").content.decode()
    assert "社区食堂" in everything


def test_the_status_filter_lists_terminated_projects(client, red_project, office):
    commitments.project_update(
        project=red_project,
        by=office,
        data={"status": ProjectStatus.TERMINATED},
        reason="上级政策调整，项目取消",
        decision_number=DECISION,
    )
    ProjectFactory(plan=red_project.plan, number=10, title="社区食堂")

    page = client.get("/projects/?year=2024&status=terminated").content.decode()
    assert "城区学校校舍改造" in page and "社区食堂" not in page
    rows = client.get("/api/v1/projects/?year=2024&status=terminated").json()["results"]
    assert [row["status_display"] for row in rows] == ["终止"]
    schema = client.get("/api/schema/?format=json").json()
    parameters = schema["paths"]["/api/v1/projects/"]["get"]["parameters"]
    status = next(p for p in parameters if p["name"] == "status")
    assert "terminated 终止" in status["description"]
    assert "terminated" in status["schema"]["enum"]


def test_the_dashboard_lists_projects_whose_plan_was_changed(client, red_project, jiaoyu, office):
    ProjectFactory(plan=red_project.plan, number=10, title="社区食堂")
    commitments.change_request_approve(request=move_first_milestone(red_project, jiaoyu), by=office)
    client.force_login(leader())

    page = client.get("/dashboard/projects/?plan=2024&changed=1").content.decode()
    assert "城区学校校舍改造" in page and "社区食堂" not in page
    assert "计划有调整" in page
    assert "社区食堂" in client.get("/dashboard/projects/?plan=2024").content.decode()


# --- the API ------------------------------------------------------------------------------


def test_the_api_shows_the_baseline_and_approved_changes_only(client, red_project, jiaoyu, office):
    approved = move_first_milestone(red_project, jiaoyu)
    commitments.change_request_approve(request=approved, by=office, decision_number=DECISION)
    rejected = commitments.change_request_create(
        project=red_project,
        by=jiaoyu,
        changes=[{"model": "project", "field": "planned_end", "new": "2025-06-30"}],
        reason="被退回的申请",
    )
    commitments.change_request_reject(request=rejected, by=office, reason="不同意")
    commitments.change_request_create(
        project=red_project,
        by=jiaoyu,
        changes=[{"model": "project", "field": "planned_end", "new": "2025-03-31"}],
        reason="待审核的申请",
    )

    detail = client.get(f"/api/v1/projects/{red_project.pk}/").json()
    assert detail["baseline_end"] == "2024-12-31"
    assert detail["baseline_investment"] == "300.00"
    assert detail["baselined_at"]
    first = next(m for m in detail["milestones"] if m["title"] == "主体完工")
    assert (first["planned_date"], first["baseline_planned_date"]) == ("2024-10-20", "2024-08-25")
    assert detail["indicators"][0]["baseline_target"] == "5000.00"
    assert [change["reason"] for change in detail["changes"]] == [RAIN]
    (change,) = detail["changes"]
    assert change["decision_number"] == DECISION
    assert change["changes"][0]["old"] == "2024-08-25"
    assert change["changes"][0]["new"] == "2024-10-20"
    text = client.get(f"/api/v1/projects/{red_project.pk}/").content.decode()
    assert "待审核的申请" not in text and "被退回的申请" not in text
    listed = client.get("/api/v1/projects/?year=2024").json()["results"][0]
    assert listed["baseline_end"] == "2024-12-31"
    assert ChangeRequest.objects.filter(state=ChangeState.PENDING).count() == 1


# --- terminated projects counted apart -----------------------------------------------------


def terminate(project, office):
    commitments.project_update(
        project=project,
        by=office,
        data={"status": ProjectStatus.TERMINATED},
        reason="上级政策调整，项目取消",
        decision_number=DECISION,
    )


def test_a_terminated_project_leaves_the_counts_but_stays_visible(
    client, red_project, department, office
):
    ProjectFactory(
        plan=red_project.plan,
        number=10,
        lead_department=department,
        progress_percent=Decimal("80"),
        planned_investment=Decimal("100"),
        status=ProjectStatus.IN_PROGRESS,
    )
    terminate(red_project, office)

    scope = Scope(plan=red_project.plan, as_of=D(2024, 9, 30))
    totals = dashboard_figures(scope, filter_choices()).headline.totals
    assert totals.projects == 1
    assert totals.statuses[ProjectStatus.TERMINATED] == 1
    assert totals.average_progress == Decimal("80.0")
    assert totals.planned_investment == Decimal("100")
    figures = plan_figures(red_project.plan)[department.pk]
    assert (figures.lead_count, figures.average_progress) == (1, Decimal("80"))

    department_page = client.get(f"/departments/{department.pk}/").content.decode()
    assert "城区学校校舍改造" in department_page
    assert "城区学校校舍改造" in client.get("/projects/?year=2024").content.decode()
    assert "终止" in html_of(client, red_project)


# --- the monthly briefing -----------------------------------------------------------------


def test_the_briefing_lists_the_months_decisions(red_project, jiaoyu, office):
    moved = move_first_milestone(red_project, jiaoyu)
    commitments.change_request_approve(request=moved, by=office, decision_number=DECISION)
    other = ProjectFactory(plan=red_project.plan, number=10, title="社区食堂")
    terminate(other, office)
    rejected = commitments.change_request_create(
        project=red_project,
        by=jiaoyu,
        changes=[{"model": "project", "field": "planned_end", "new": "2025-06-30"}],
        reason="被退回的申请",
    )
    commitments.change_request_reject(request=rejected, by=office, reason="不同意")
    september = timezone.make_aware(datetime.datetime(2024, 9, 12, 10))
    ChangeRequest.objects.update(decided_at=september)
    ChangeRequest.objects.filter(reason=RAIN).update(
        decided_at=timezone.make_aware(datetime.datetime(2024, 8, 31, 23))
    )
    ChangeRequest.objects.filter(project=other).update(decided_at=september)
    # One more in September, to be listed.
    later = commitments.change_request_create(
        project=red_project,
        by=jiaoyu,
        changes=[
            {
                "model": "milestone",
                "id": red_project.milestones.get(title="主体完工").pk,
                "field": "planned_date",
                "new": "2024-11-10",
            }
        ],
        reason="汛期延长",
    )
    commitments.change_request_approve(request=later, by=office)
    ChangeRequest.objects.filter(pk=later.pk).update(decided_at=september)

    briefing = briefing_figures(D(2024, 9, 1), D(2024, 9, 30))
    rows = briefing.figures.decisions
    assert [(row["project_title"], row["kind_label"]) for row in rows] == [
        ("社区食堂", "终止"),
        ("城区学校校舍改造", "计划调整"),
    ]

    book = load_workbook(BytesIO(briefing_files.workbook(briefing)))
    sheet = book["计划调整及销号暂缓终止"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert values[0][2] == "社区食堂" and values[0][7] == DECISION
    assert values[1][5] == "节点“主体完工”：计划完成日期：2024年10月20日 → 2024年11月10日"
    assert values[1][6] == "汛期延长"
    overview = {row[0].value: row[1].value for row in book["总体情况"].iter_rows(min_row=2)}
    assert overview["终止"] == 1


# --- queries ------------------------------------------------------------------------------


def test_the_project_page_reads_changes_without_a_query_each(client, red_project, office):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/projects/{red_project.pk}/").status_code == 200
        return len(captured)

    commitments.project_update(
        project=red_project, by=office, data={"planned_end": D(2025, 1, 30)}, reason="冬季施工"
    )
    one = queries()
    for title, day in (("主体完工", D(2024, 10, 20)), ("竣工验收", D(2025, 1, 10))):
        commitments.milestone_save(
            milestone=red_project.milestones.get(title=title),
            by=office,
            data={"planned_date": day},
            reason="雨季停工",
        )
    MilestoneFactory(project=red_project, title="设备安装", planned_date=D(2024, 11, 1))
    request = commitments.status_request_create(
        project=red_project,
        by=reporter("jiaoyu2", red_project.lead_department),
        kind="suspend",
        reason="资金未到位",
        document=pdf("暂缓说明.pdf"),
    )
    commitments.change_request_approve(request=request, by=office, decision_number=DECISION)

    assert queries() == one
