"""Public commitments: the baseline (原计划), change requests (调整申请), closing (销号),
suspension (暂缓) and termination (终止), and the one write path (projects/commitments/).

The date is pinned to 2024-09-30 (conftest). The red project of these tests is the one
residents saw turn green when a reporter moved its overdue milestone in the admin: its
milestone “主体完工” was due on 2024-08-25.
"""

from __future__ import annotations

import datetime
import importlib
import threading
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import connection

from minsheng.services import ServiceError
from projects import commitments
from projects.choices import (
    AttachmentKind,
    ChangeKind,
    ChangeSource,
    ChangeState,
    Light,
    ProjectStatus,
    ReportState,
)
from projects.models import Attachment, ChangeRequest, Milestone, Project
from projects.selectors import category_cards, plan_headline
from projects.services import milestone_update, project_refresh_light
from tests.factories import (
    DepartmentFactory,
    IndicatorFactory,
    MilestoneFactory,
    PlanFactory,
    ProgressReportFactory,
    ProjectFactory,
    coordinator,
    head,
    reporter,
)
from tests.support.files import pdf

pytestmark = pytest.mark.django_db

BASELINE_REFUSAL = "该字段属于原计划，请提交调整申请"


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
    )
    MilestoneFactory(project=project, title="主体完工", planned_date=datetime.date(2024, 8, 25))
    MilestoneFactory(project=project, title="竣工验收", planned_date=datetime.date(2024, 12, 20))
    IndicatorFactory(project=project, name="改造校舍", unit="平方米", target_value=Decimal("5000"))
    ProgressReportFactory(
        project=project,
        period=datetime.date(2024, 9, 1),
        reported_progress=Decimal("45"),
        state=ReportState.APPROVED,
    )
    commitments.plan_publish(plan=plan, by=office)
    project.refresh_from_db()
    project_refresh_light(project=project)
    return project


def milestone(project, title="主体完工") -> Milestone:
    return project.milestones.get(title=title)


def state_of(project):
    """What residents can see of the commitment, to compare before and after."""
    project.refresh_from_db()
    return (
        project.planned_start,
        project.planned_end,
        project.planned_investment,
        project.status,
        project.light,
        sorted(project.milestones.values_list("title", "planned_date", "weight", "completed_on")),
        sorted(project.indicators.values_list("name", "unit", "target_value")),
    )


def move_first_milestone(project, by, reason="雨季停工，主体施工顺延"):
    return commitments.change_request_create(
        project=project,
        by=by,
        changes=[
            {
                "model": "milestone",
                "id": milestone(project).pk,
                "field": "planned_date",
                "new": "2024-10-20",
            }
        ],
        reason=reason,
    )


# --- statuses and the plan's counts ---------------------------------------------------------


def test_a_terminated_project_shows_its_status_and_leaves_the_count_to_deliver(red_project):
    ProjectFactory(plan=red_project.plan, status=ProjectStatus.IN_PROGRESS)
    Project.objects.filter(pk=red_project.pk).update(status=ProjectStatus.TERMINATED)

    project_refresh_light(project=red_project)
    red_project.refresh_from_db()

    assert red_project.light == Light.TERMINATED
    assert red_project.get_light_display() == "终止"
    assert red_project.light_reason == "终止"
    assert list(Project.objects.to_deliver().filter(plan=red_project.plan)) != []
    assert red_project not in Project.objects.to_deliver()
    headline = plan_headline(red_project.plan)
    assert (headline.projects, headline.terminated) == (1, 1)
    assert [c.project_count for c in category_cards(red_project.plan)] == [1]


# --- the baseline ---------------------------------------------------------------------------


def test_publishing_the_plan_freezes_each_published_projects_commitment(department, office):
    plan = PlanFactory(year=2025, published=False)
    project = ProjectFactory(plan=plan, lead_department=department, funding_source="special_bond")
    draft = ProjectFactory(plan=plan, lead_department=department, published=False)
    MilestoneFactory(
        project=project, title="开工", planned_date=datetime.date(2024, 5, 1), weight=3
    )
    IndicatorFactory(project=project, name="新增学位", unit="个", target_value=Decimal("1000"))

    commitments.plan_publish(plan=plan, by=office)

    project.refresh_from_db()
    plan.refresh_from_db()
    assert plan.published
    assert (
        project.baseline_start,
        project.baseline_end,
        project.baseline_investment,
        project.baseline_funding_source,
    ) == (project.planned_start, project.planned_end, Decimal("100.00"), "special_bond")
    assert project.is_baselined
    assert project.history.first().history_user == office
    assert milestone(project, "开工").baseline_planned_date == datetime.date(2024, 5, 1)
    assert milestone(project, "开工").baseline_weight == 3
    indicator = project.indicators.get()
    assert (indicator.baseline_target, indicator.baseline_unit) == (Decimal("1000"), "个")
    draft.refresh_from_db()
    assert not draft.is_baselined


def test_a_department_cannot_publish_a_plan(jiaoyu):
    plan = PlanFactory(year=2025, published=False)

    with pytest.raises(PermissionDenied):
        commitments.plan_publish(plan=plan, by=jiaoyu)

    plan.refresh_from_db()
    assert not plan.published


def test_a_project_published_later_gets_its_baseline_then(red_project, office):
    late = ProjectFactory(plan=red_project.plan, lead_department=red_project.lead_department)
    assert not late.is_baselined

    commitments.project_baseline_freeze(project=late, by=office)

    late.refresh_from_db()
    assert late.baseline_end == late.planned_end
    with pytest.raises(ServiceError, match="已有原计划"):
        commitments.project_baseline_freeze(project=late, by=office)


def test_the_baseline_is_stored_not_recomputed(red_project, office):
    commitments.project_update(
        project=red_project,
        by=office,
        data={"planned_end": datetime.date(2025, 1, 20)},
        reason="上级资金下达推迟",
    )

    red_project.refresh_from_db()
    assert red_project.baseline_end == datetime.date(2024, 12, 31)
    assert red_project.delay_days == 20
    assert red_project.baseline_differences() == {
        "planned_end": (datetime.date(2024, 12, 31), datetime.date(2025, 1, 20))
    }


# --- a department cannot move its commitment quietly ---------------------------------------


def test_a_department_moving_a_baselined_milestone_is_told_to_file_a_request(red_project, jiaoyu):
    before = state_of(red_project)

    with pytest.raises(ServiceError) as error:
        commitments.milestone_save(
            milestone=milestone(red_project),
            by=jiaoyu,
            data={"planned_date": datetime.date(2024, 10, 20)},
        )

    assert BASELINE_REFUSAL in error.value.message_dict["planned_date"][0]
    assert state_of(red_project) == before
    assert red_project.light == Light.RED


@pytest.mark.parametrize(
    "data",
    [
        {"planned_end": datetime.date(2025, 3, 1)},
        {"planned_investment": Decimal("20")},
        {"funding_source": "other"},
    ],
    ids=["end", "investment", "funding"],
)
def test_a_department_cannot_change_the_projects_baseline_fields(red_project, jiaoyu, data):
    before = state_of(red_project)

    with pytest.raises(ServiceError) as error:
        commitments.project_update(project=red_project, by=jiaoyu, data=data)

    assert BASELINE_REFUSAL in error.value.message_dict[next(iter(data))][0]
    assert state_of(red_project) == before
    assert not ChangeRequest.objects.exists()


def test_a_department_cannot_lower_an_indicator_target(red_project, jiaoyu):
    indicator = red_project.indicators.get()

    with pytest.raises(ServiceError) as error:
        commitments.indicator_save(
            indicator=indicator, by=jiaoyu, data={"target_value": Decimal("3000")}
        )

    assert BASELINE_REFUSAL in error.value.message_dict["target_value"][0]
    indicator.refresh_from_db()
    assert indicator.target_value == Decimal("5000")


def test_a_department_still_records_actual_values_and_completions(red_project, jiaoyu):
    commitments.indicator_save(
        indicator=red_project.indicators.get(), by=jiaoyu, data={"actual_value": "2600"}
    )
    commitments.milestone_save(
        milestone=milestone(red_project),
        by=jiaoyu,
        data={"completed_on": datetime.date(2024, 9, 20), "note": "主体封顶"},
    )

    red_project.refresh_from_db()
    assert red_project.indicators.get().actual_value == Decimal("2600")
    assert milestone(red_project).completed_on == datetime.date(2024, 9, 20)
    assert red_project.light == Light.GREEN  # the overdue milestone is done now
    assert not ChangeRequest.objects.exists()


def test_a_department_cannot_add_or_remove_milestones_of_a_baselined_project(red_project, jiaoyu):
    before = state_of(red_project)
    new = Milestone(project=red_project)

    with pytest.raises(ServiceError, match="调整申请"):
        commitments.milestone_save(
            milestone=new,
            by=jiaoyu,
            data={"title": "远期节点", "planned_date": datetime.date(2025, 6, 1), "weight": 5},
        )
    with pytest.raises(ServiceError, match="调整申请"):
        commitments.milestone_delete(milestone=milestone(red_project), by=jiaoyu)

    assert state_of(red_project) == before


@pytest.mark.parametrize(
    "status", [ProjectStatus.COMPLETED, ProjectStatus.SUSPENDED, ProjectStatus.TERMINATED]
)
def test_a_department_cannot_close_suspend_or_terminate_its_project(red_project, jiaoyu, status):
    with pytest.raises(ServiceError) as error:
        commitments.project_update(project=red_project, by=jiaoyu, data={"status": status})

    assert "未开工" in error.value.message_dict["status"][0]
    red_project.refresh_from_db()
    assert red_project.status == ProjectStatus.IN_PROGRESS


def test_a_department_starts_its_project(department, jiaoyu):
    project = ProjectFactory(lead_department=department, status=ProjectStatus.NOT_STARTED)

    commitments.project_update(
        project=project, by=jiaoyu, data={"status": ProjectStatus.IN_PROGRESS}
    )

    project.refresh_from_db()
    assert project.status == ProjectStatus.IN_PROGRESS
    assert project.history.first().history_user == jiaoyu


def test_a_department_cannot_change_fields_the_office_sets(red_project, jiaoyu):
    with pytest.raises(ServiceError) as error:
        commitments.project_update(project=red_project, by=jiaoyu, data={"title": "改名"})

    assert "民生工程股" in error.value.message_dict["title"][0]


def test_another_department_cannot_change_the_project(red_project):
    stranger = reporter("other", DepartmentFactory())

    with pytest.raises(PermissionDenied):
        commitments.project_update(project=red_project, by=stranger, data={"summary": "x"})


# --- the office's direct edits leave a record ------------------------------------------------


def test_the_offices_direct_change_leaves_an_approved_record_with_its_reason(red_project, office):
    commitments.milestone_save(
        milestone=milestone(red_project),
        by=office,
        data={"planned_date": datetime.date(2024, 10, 20)},
        reason="区政府常务会议同意顺延",
    )

    record = ChangeRequest.objects.get()
    assert (record.kind, record.state, record.source) == (
        ChangeKind.CHANGE,
        ChangeState.APPROVED,
        ChangeSource.OFFICE_EDIT,
    )
    assert record.reason == "区政府常务会议同意顺延"
    assert record.decided_by == office
    assert record.changes == [
        {
            "model": "milestone",
            "id": milestone(red_project).pk,
            "action": "update",
            "field": "planned_date",
            "old": "2024-08-25",
            "new": "2024-10-20",
        }
    ]
    assert list(Project.objects.plan_changed()) == [red_project]


def test_the_offices_direct_change_of_the_baseline_needs_a_reason(red_project, office):
    before = state_of(red_project)

    with pytest.raises(ServiceError) as error:
        commitments.project_update(
            project=red_project, by=office, data={"planned_end": datetime.date(2025, 1, 1)}
        )

    assert "reason" in error.value.message_dict
    assert state_of(red_project) == before
    assert not ChangeRequest.objects.exists()


def test_an_import_records_its_file_name(red_project, office):
    commitments.indicator_save(
        indicator=red_project.indicators.get(),
        by=office,
        data={"target_value": "4500"},
        reason="按调整后的方案导入",
        source=ChangeSource.IMPORT,
        source_name="2024年项目指标调整.xlsx",
    )

    record = ChangeRequest.objects.get()
    assert (record.source, record.source_name) == (ChangeSource.IMPORT, "2024年项目指标调整.xlsx")
    assert record.changes[0]["old"] == "5000"
    assert record.changes[0]["new"] == "4500"


def test_the_office_removing_a_baselined_milestone_is_recorded(red_project, office):
    gone = milestone(red_project, "竣工验收")

    commitments.milestone_delete(milestone=gone, by=office, reason="并入主体完工节点")

    assert not Milestone.objects.filter(pk=gone.pk).exists()
    record = ChangeRequest.objects.get()
    assert record.changes[0]["action"] == "delete"
    assert record.changes[0]["old"]["title"] == "竣工验收"


def test_a_project_without_a_baseline_is_changed_directly_without_record(department, office):
    project = ProjectFactory(
        plan=PlanFactory(year=2026, published=False), lead_department=department
    )

    commitments.project_update(
        project=project, by=office, data={"planned_end": datetime.date(2024, 11, 30)}
    )

    project.refresh_from_db()
    assert project.planned_end == datetime.date(2024, 11, 30)
    assert not ChangeRequest.objects.exists()


# --- change requests -------------------------------------------------------------------------


def test_a_pending_request_changes_nothing_and_approval_moves_the_light(
    red_project, jiaoyu, office
):
    before = state_of(red_project)

    request = move_first_milestone(red_project, jiaoyu)

    assert request.state == ChangeState.PENDING
    assert request.changes[0]["old"] == "2024-08-25"
    assert state_of(red_project) == before
    assert red_project.light == Light.RED

    commitments.change_request_approve(
        request=request, by=office, decision_number="禹民生办〔2024〕7号"
    )

    red_project.refresh_from_db()
    moved = milestone(red_project)
    assert moved.planned_date == datetime.date(2024, 10, 20)
    assert moved.baseline_planned_date == datetime.date(2024, 8, 25)
    assert moved.baseline_moved and moved.delay_days == 56
    assert red_project.light == Light.GREEN
    request.refresh_from_db()
    assert (request.state, request.decided_by, request.decision_number) == (
        ChangeState.APPROVED,
        office,
        "禹民生办〔2024〕7号",
    )
    last = moved.history.first()
    assert (last.history_user, last.history_change_reason) == (office, "雨季停工，主体施工顺延")
    assert list(Project.objects.plan_changed()) == [red_project]


def test_a_rejected_request_leaves_everything_unchanged(red_project, jiaoyu, office):
    before = state_of(red_project)
    request = move_first_milestone(red_project, jiaoyu)

    with pytest.raises(ServiceError) as error:
        commitments.change_request_reject(request=request, by=office, reason="  ")
    assert "decision_note" in error.value.message_dict

    commitments.change_request_reject(request=request, by=office, reason="理由不充分，请按期推进")

    request.refresh_from_db()
    assert request.state == ChangeState.REJECTED
    assert request.get_state_display() == "未批准"
    assert request.decision_note == "理由不充分，请按期推进"
    assert state_of(red_project) == before
    assert not Project.objects.plan_changed().exists()
    with pytest.raises(ServiceError, match="未批准"):
        commitments.change_request_approve(request=request, by=office)
    assert state_of(red_project) == before


def test_a_request_is_approved_once(red_project, jiaoyu, office):
    request = move_first_milestone(red_project, jiaoyu)
    commitments.change_request_approve(request=request, by=office)

    with pytest.raises(ServiceError, match="已批准"):
        commitments.change_request_approve(request=request, by=coordinator("second_officer"))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_officers_approving_one_request_at_once_apply_it_once(red_project, jiaoyu):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises every writer anyway")
    request = move_first_milestone(red_project, jiaoyu)
    officers = [coordinator("officer_a"), coordinator("officer_b")]
    barrier = threading.Barrier(2)
    outcomes = []

    def approve(officer):
        try:
            barrier.wait()
            commitments.change_request_approve(request=request, by=officer)
            outcomes.append("approved")
        except ServiceError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(officer,)) for officer in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["approved", "refused"]
    assert milestone(red_project).history.filter(history_user__in=officers).count() == 1


def test_approval_is_refused_when_the_value_moved_since_the_request(red_project, jiaoyu, office):
    request = move_first_milestone(red_project, jiaoyu)
    commitments.milestone_save(
        milestone=milestone(red_project),
        by=office,
        data={"planned_date": datetime.date(2024, 9, 15)},
        reason="调度会决定",
    )

    with pytest.raises(ServiceError, match="2024-09-15"):
        commitments.change_request_approve(request=request, by=office)

    request.refresh_from_db()
    assert request.state == ChangeState.PENDING
    assert milestone(red_project).planned_date == datetime.date(2024, 9, 15)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            [{"model": "project", "field": "progress_percent", "new": "100"}],
            "changes",
            "不属于原计划",
        ),
        (
            [{"model": "project", "field": "planned_end", "new": "2024-01-01"}],
            "__all__",
            "计划完成日期不能早于计划开工日期",
        ),
        (
            [{"model": "project", "field": "planned_end", "new": "not a date"}],
            "planned_end",
            "",
        ),
        ([{"model": "milestone", "id": 999999, "field": "weight", "new": 2}], None, "没有这个节点"),
        ([], None, "没有任何变化"),
    ],
    ids=["not-baseline", "end-before-start", "bad-date", "other-milestone", "nothing"],
)
def test_a_request_with_bad_changes_is_refused(red_project, jiaoyu, changes, field, message):
    with pytest.raises(ServiceError) as error:
        commitments.change_request_create(
            project=red_project, by=jiaoyu, changes=changes, reason="调整"
        )

    assert message in " ".join(error.value.messages)
    if field:
        assert field in error.value.message_dict
    assert not ChangeRequest.objects.exists()


def test_a_request_needs_a_reason(red_project, jiaoyu):
    with pytest.raises(ServiceError) as error:
        move_first_milestone(red_project, jiaoyu, reason="   ")

    assert "reason" in error.value.message_dict
    assert not ChangeRequest.objects.exists()


def test_only_the_lead_department_files_a_request(red_project, office):
    helper = DepartmentFactory(name="区住建局")
    red_project.cooperating_departments.add(helper)
    for user in (office, reporter("helper", helper), reporter("stranger", DepartmentFactory())):
        with pytest.raises(PermissionDenied):
            move_first_milestone(red_project, user)
    assert not ChangeRequest.objects.exists()


def test_the_head_of_the_lead_department_files_a_request_too(red_project, department):
    request = move_first_milestone(red_project, head("jiaoyu_head", department))

    assert request.requested_by.username == "jiaoyu_head"


def test_a_supporting_document_goes_public_only_with_the_approval(red_project, jiaoyu, office):
    request = commitments.change_request_create(
        project=red_project,
        by=jiaoyu,
        changes=[
            {
                "model": "indicator",
                "id": red_project.indicators.get().pk,
                "field": "target_value",
                "new": "4800",
            }
        ],
        reason="校舍面积复核后调整",
        document=pdf("复核报告.pdf"),
    )

    document = request.attachments.get()
    assert document not in Attachment.objects.public()

    commitments.change_request_approve(request=request, by=office)

    assert document in Attachment.objects.public()


def test_the_requester_withdraws_a_request(red_project, jiaoyu, office):
    request = move_first_milestone(red_project, jiaoyu)
    with pytest.raises(PermissionDenied):
        commitments.change_request_withdraw(
            request=request, by=reporter("stranger", DepartmentFactory())
        )

    commitments.change_request_withdraw(request=request, by=jiaoyu)

    request.refresh_from_db()
    assert request.state == ChangeState.WITHDRAWN
    with pytest.raises(ServiceError):
        commitments.change_request_approve(request=request, by=office)


def test_a_department_cannot_decide_its_own_request(red_project, jiaoyu, department):
    request = move_first_milestone(red_project, jiaoyu)

    for user in (jiaoyu, head("jiaoyu_head", department)):
        with pytest.raises(PermissionDenied):
            commitments.change_request_approve(request=request, by=user)
    request.refresh_from_db()
    assert request.state == ChangeState.PENDING


# --- closing, suspending, terminating --------------------------------------------------------


def finish(project):
    Project.objects.filter(pk=project.pk).update(progress_percent=Decimal("100"))
    project.milestones.update(completed_on=datetime.date(2024, 9, 28))
    project.refresh_from_db()


def test_closing_needs_100_percent_every_milestone_and_an_acceptance_document(red_project, jiaoyu):
    with pytest.raises(ServiceError) as error:
        commitments.closing_request_create(project=red_project, by=jiaoyu, reason="已完工")

    text = " ".join(error.value.messages)
    assert "45%" in text
    assert "主体完工" in text and "竣工验收" in text
    assert "验收材料" in text
    assert not ChangeRequest.objects.exists()

    finish(red_project)
    with pytest.raises(ServiceError) as error:
        commitments.closing_request_create(project=red_project, by=jiaoyu, reason="已完工")
    assert error.value.messages == ["没有上传验收材料。"]


def test_an_approved_closing_completes_the_project(red_project, jiaoyu, office):
    finish(red_project)
    request = commitments.closing_request_create(
        project=red_project, by=jiaoyu, reason="工程已通过竣工验收", document=pdf()
    )
    assert request.attachments.get().kind == AttachmentKind.ACCEPTANCE
    red_project.refresh_from_db()
    assert red_project.status == ProjectStatus.IN_PROGRESS

    commitments.change_request_approve(request=request, by=office)

    red_project.refresh_from_db()
    assert red_project.status == ProjectStatus.COMPLETED
    assert red_project.completed_on == datetime.date(2024, 9, 30)
    assert red_project.light == Light.COMPLETED


def test_one_status_request_at_a_time(red_project, jiaoyu):
    commitments.suspension_request_create(project=red_project, by=jiaoyu, reason="征迁未完成")

    with pytest.raises(ServiceError, match="等待审核"):
        commitments.termination_request_create(project=red_project, by=jiaoyu, reason="取消")
    assert ChangeRequest.objects.count() == 1


@pytest.mark.parametrize(
    ("create", "status", "light"),
    [
        (commitments.suspension_request_create, ProjectStatus.SUSPENDED, Light.SUSPENDED),
        (commitments.termination_request_create, ProjectStatus.TERMINATED, Light.TERMINATED),
    ],
    ids=["suspend", "terminate"],
)
def test_suspending_or_terminating_needs_the_decisions_number(
    red_project, jiaoyu, office, create, status, light
):
    request = create(project=red_project, by=jiaoyu, reason="用地规划调整，项目无法实施")

    with pytest.raises(ServiceError) as error:
        commitments.change_request_approve(request=request, by=office)
    assert "文号" in error.value.message_dict["decision_number"][0]
    red_project.refresh_from_db()
    assert red_project.status == ProjectStatus.IN_PROGRESS

    commitments.change_request_approve(
        request=request, by=office, decision_number="禹政办〔2024〕31号"
    )

    red_project.refresh_from_db()
    assert (red_project.status, red_project.light) == (status, light)


def test_a_suspended_project_resumes_through_a_request(red_project, jiaoyu, office):
    suspension = commitments.suspension_request_create(
        project=red_project, by=jiaoyu, reason="汛期", decision_number="禹政办〔2024〕30号"
    )
    commitments.change_request_approve(request=suspension, by=office)

    resumption = commitments.status_request_create(
        project=red_project, by=jiaoyu, kind=ChangeKind.RESUME, reason="汛期结束"
    )
    commitments.change_request_approve(request=resumption, by=office)

    red_project.refresh_from_db()
    assert red_project.status == ProjectStatus.IN_PROGRESS


def test_the_office_closing_directly_needs_what_a_request_needs(red_project, office):
    with pytest.raises(ServiceError, match="验收材料"):
        commitments.project_update(
            project=red_project,
            by=office,
            data={"status": ProjectStatus.COMPLETED},
            reason="现场核验",
        )
    red_project.refresh_from_db()
    assert red_project.status == ProjectStatus.IN_PROGRESS
    assert not ChangeRequest.objects.exists()


def test_the_office_suspending_directly_is_recorded_with_its_number(red_project, office):
    commitments.project_update(
        project=red_project,
        by=office,
        data={"status": ProjectStatus.SUSPENDED},
        reason="区政府决定暂缓实施",
        decision_number="禹政办〔2024〕40号",
    )

    red_project.refresh_from_db()
    assert red_project.status == ProjectStatus.SUSPENDED
    record = ChangeRequest.objects.get()
    assert (record.kind, record.state, record.decision_number) == (
        ChangeKind.SUSPEND,
        ChangeState.APPROVED,
        "禹政办〔2024〕40号",
    )


# --- dates still to come ---------------------------------------------------------------------


def test_a_completion_date_still_to_come_is_refused_everywhere(red_project, jiaoyu, office):
    tomorrow = datetime.date(2024, 10, 1)

    with pytest.raises(ServiceError) as error:
        commitments.milestone_save(
            milestone=milestone(red_project), by=jiaoyu, data={"completed_on": tomorrow}
        )
    assert "不能晚于今天" in error.value.message_dict["completed_on"][0]
    with pytest.raises(ServiceError):
        milestone_update(milestone=milestone(red_project), by=jiaoyu, completed_on=tomorrow)
    with pytest.raises(ServiceError) as error:
        commitments.project_update(project=red_project, by=office, data={"completed_on": tomorrow})
    assert "不能晚于今天" in error.value.message_dict["completed_on"][0]

    red_project.refresh_from_db()
    assert red_project.completed_on is None
    assert milestone(red_project).completed_on is None


# --- the data migration, on a database holding the demo --------------------------------------


def test_the_migration_gives_the_demo_plan_a_baseline_and_takes_it_back():
    from demo.loader import load_demo

    migration = importlib.import_module("projects.migrations.0004_baseline_existing_plans")
    load_demo(password="Demo-pass-2024", on_date=datetime.date(2024, 9, 30))
    migration.clear_baselines(apps, None)
    assert not Project.objects.baselined().exists()
    assert not Milestone.objects.filter(baseline_planned_date__isnull=False).exists()

    migration.freeze_existing_baselines(apps, None)

    projects = list(Project.objects.filter(plan__year=2024, published=True))
    assert len(projects) == 50
    for project in projects:
        assert (project.baseline_start, project.baseline_end) == (
            project.planned_start,
            project.planned_end,
        )
        assert project.baseline_investment == project.planned_investment
        assert project.baselined_at.isoformat() == "2024-03-31T16:00:00+00:00"  # 4月1日 0时
    assert not Milestone.objects.filter(
        project__plan__year=2024, baseline_planned_date__isnull=True
    ).exists()
    for milestone_row in Milestone.objects.filter(project__plan__year=2024)[:20]:
        assert milestone_row.baseline_planned_date == milestone_row.planned_date
        assert milestone_row.baseline_weight == milestone_row.weight

    migration.clear_baselines(apps, None)
    assert not Project.objects.baselined().exists()
