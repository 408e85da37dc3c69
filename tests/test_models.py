"""What the database itself refuses, who sees which projects, and the change history."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from departments.choices import MembershipRole
from departments.models import Membership
from projects.models import Indicator, Plan, ProgressReport, Project
from tests.factories import (
    DepartmentFactory,
    IndicatorFactory,
    MembershipFactory,
    PlanFactory,
    ProgressReportFactory,
    ProjectFactory,
    UserFactory,
    coordinator,
    head,
    leader,
    reporter,
)

pytestmark = pytest.mark.django_db


def refused_by_database(write) -> None:
    """Run a write that skips full_clean and check the database refuses it."""
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


# --- constraints, checked by the database (no full_clean on these paths) ---


def test_project_number_is_unique_within_a_plan():
    plan = PlanFactory(year=2024)
    ProjectFactory(plan=plan, number=7, title="老旧小区改造")

    refused_by_database(lambda: ProjectFactory(plan=plan, number=7, title="另一个项目"))

    assert list(Project.objects.filter(plan=plan).values_list("title", flat=True)) == [
        "老旧小区改造"
    ]


def test_the_same_project_number_is_fine_in_another_plan():
    ProjectFactory(plan=PlanFactory(year=2024), number=7)

    ProjectFactory(plan=PlanFactory(year=2025), number=7)

    assert Project.objects.filter(number=7).count() == 2


def test_renumbering_onto_a_taken_number_is_refused():
    plan = PlanFactory()
    ProjectFactory(plan=plan, number=1)
    second = ProjectFactory(plan=plan, number=2)

    refused_by_database(lambda: Project.objects.filter(pk=second.pk).update(number=1))

    second.refresh_from_db()
    assert second.number == 2


def test_project_number_zero_is_refused():
    refused_by_database(lambda: ProjectFactory(number=0))

    assert not Project.objects.exists()


@pytest.mark.parametrize("progress", [Decimal("-1"), Decimal("100.1")], ids=["-1", "100.1"])
def test_project_progress_outside_0_to_100_is_refused(progress):
    refused_by_database(lambda: ProjectFactory(progress_percent=progress))
    assert not Project.objects.exists()

    project = ProjectFactory(progress_percent=Decimal("30"))
    refused_by_database(
        lambda: Project.objects.filter(pk=project.pk).update(progress_percent=progress)
    )
    project.refresh_from_db()
    assert project.progress_percent == Decimal("30")


@pytest.mark.parametrize("progress", [Decimal("0"), Decimal("100")], ids=["0", "100"])
def test_project_progress_at_the_bounds_is_accepted(progress):
    project = ProjectFactory(progress_percent=progress)

    project.refresh_from_db()
    assert project.progress_percent == progress


@pytest.mark.parametrize("progress", [Decimal("-1"), Decimal("100.1")], ids=["-1", "100.1"])
def test_report_progress_outside_0_to_100_is_refused(progress):
    project = ProjectFactory()

    refused_by_database(lambda: ProgressReportFactory(project=project, reported_progress=progress))

    assert not ProgressReport.objects.exists()


def test_report_funds_negative_is_refused():
    refused_by_database(lambda: ProgressReportFactory(funds_disbursed_to_date=Decimal("-0.01")))

    assert not ProgressReport.objects.exists()


def test_planned_end_before_start_is_refused():
    refused_by_database(
        lambda: ProjectFactory(
            planned_start=datetime.date(2024, 6, 1), planned_end=datetime.date(2024, 5, 31)
        )
    )

    assert not Project.objects.exists()


def test_planned_end_on_the_start_day_is_accepted():
    ProjectFactory(planned_start=datetime.date(2024, 6, 1), planned_end=datetime.date(2024, 6, 1))

    assert Project.objects.count() == 1


@pytest.mark.parametrize("field", ["planned_investment", "funds_disbursed"])
def test_negative_money_on_a_project_is_refused(field):
    refused_by_database(lambda: ProjectFactory(**{field: Decimal("-1")}))
    assert not Project.objects.exists()

    project = ProjectFactory()
    refused_by_database(lambda: Project.objects.filter(pk=project.pk).update(**{field: -1}))
    project.refresh_from_db()
    assert getattr(project, field) >= 0


@pytest.mark.parametrize("field", ["target_value", "actual_value"])
def test_negative_indicator_value_is_refused(field):
    refused_by_database(lambda: IndicatorFactory(**{field: Decimal("-5")}))

    assert not Indicator.objects.exists()


def test_duplicate_indicator_name_on_a_project_is_refused():
    indicator = IndicatorFactory(name="新增学位")

    refused_by_database(lambda: IndicatorFactory(project=indicator.project, name="新增学位"))

    assert Indicator.objects.count() == 1


def test_a_second_report_for_the_same_project_and_month_is_refused():
    report = ProgressReportFactory(period=datetime.date(2024, 5, 1), work_done="第一份")

    # the 15th is the same month: periods are stored as the month's first day
    refused_by_database(
        lambda: ProgressReportFactory(
            project=report.project, period=datetime.date(2024, 5, 15), work_done="第二份"
        )
    )

    assert list(ProgressReport.objects.values_list("work_done", flat=True)) == ["第一份"]


def test_the_same_month_on_another_project_is_fine():
    ProgressReportFactory(period=datetime.date(2024, 5, 1))
    ProgressReportFactory(period=datetime.date(2024, 5, 1))

    assert ProgressReport.objects.count() == 2


def test_a_report_period_is_stored_as_the_first_of_the_month():
    report = ProgressReportFactory(period=datetime.date(2024, 7, 19))

    report.refresh_from_db()
    assert report.period == datetime.date(2024, 7, 1)


def test_a_user_cannot_be_a_member_of_the_same_department_twice():
    membership = MembershipFactory(role=MembershipRole.REPORTER)

    refused_by_database(
        lambda: MembershipFactory(
            user=membership.user, department=membership.department, role=MembershipRole.HEAD
        )
    )

    assert list(Membership.objects.values_list("role", flat=True)) == [MembershipRole.REPORTER]


def test_a_user_may_belong_to_two_departments():
    membership = MembershipFactory()

    MembershipFactory(user=membership.user)

    assert membership.user.memberships.count() == 2


@pytest.mark.parametrize("year", [1999, 2101])
def test_an_implausible_plan_year_is_refused(year):
    refused_by_database(lambda: PlanFactory(year=year))

    assert not Plan.objects.exists()


# --- validation as forms and services see it ---


def test_full_clean_names_the_progress_field():
    project = ProjectFactory.build(
        plan=PlanFactory(),
        category=ProjectFactory().category,
        lead_department=DepartmentFactory(),
        progress_percent=Decimal("130"),
    )

    with pytest.raises(ValidationError) as error:
        project.full_clean()

    assert "progress_percent" in error.value.message_dict


def test_full_clean_names_the_report_progress_field():
    report = ProgressReportFactory.build(project=ProjectFactory(), reported_progress=Decimal("130"))

    with pytest.raises(ValidationError) as error:
        report.full_clean()

    assert "reported_progress" in error.value.message_dict


def test_full_clean_refuses_end_before_start_with_the_constraint_message():
    project = ProjectFactory()
    project.planned_end = project.planned_start - datetime.timedelta(days=1)

    with translation.override("en"), pytest.raises(ValidationError) as error:
        project.full_clean()

    assert error.value.message_dict == {
        "__all__": ["The planned end cannot be before the planned start."]
    }


# --- who sees and who changes which projects ---


@pytest.fixture
def scene():
    """Three departments and a project led by one, helped by another."""
    lead_dept = DepartmentFactory(name="区住房和城乡建设局")
    helping_dept = DepartmentFactory(name="区财政局")
    unrelated_dept = DepartmentFactory(name="区卫生健康委员会")
    project = ProjectFactory(lead_department=lead_dept, title="老旧小区改造")
    project.cooperating_departments.add(helping_dept)
    other = ProjectFactory(lead_department=unrelated_dept, title="社区卫生服务中心")
    return {
        "lead": lead_dept,
        "helping": helping_dept,
        "unrelated": unrelated_dept,
        "project": project,
        "other": other,
    }


ROLES = {
    "reporter-of-lead-dept": lambda s: reporter("r_lead", s["lead"]),
    "head-of-lead-dept": lambda s: head("h_lead", s["lead"]),
    "reporter-of-cooperating-dept": lambda s: reporter("r_help", s["helping"]),
    "reporter-of-unrelated-dept": lambda s: reporter("r_other", s["unrelated"]),
    "coordinator": lambda s: coordinator(),
    "leader": lambda s: leader(),
    "no-membership": lambda s: UserFactory(username="nobody"),
    "anonymous": lambda s: AnonymousUser(),
}


@pytest.mark.parametrize(
    ("role", "visible", "editable"),
    [
        ("reporter-of-lead-dept", {"老旧小区改造"}, {"老旧小区改造"}),
        ("head-of-lead-dept", {"老旧小区改造"}, {"老旧小区改造"}),
        ("reporter-of-cooperating-dept", {"老旧小区改造"}, set()),
        ("reporter-of-unrelated-dept", {"社区卫生服务中心"}, {"社区卫生服务中心"}),
        ("coordinator", {"老旧小区改造", "社区卫生服务中心"}, {"老旧小区改造", "社区卫生服务中心"}),
        ("leader", {"老旧小区改造", "社区卫生服务中心"}, set()),
        ("no-membership", set(), set()),
        ("anonymous", set(), set()),
    ],
)
def test_visible_to_and_editable_by_each_role(scene, role, visible, editable):
    user = ROLES[role](scene)

    assert set(Project.objects.visible_to(user).values_list("title", flat=True)) == visible
    assert set(Project.objects.editable_by(user).values_list("title", flat=True)) == editable


def test_a_superuser_sees_and_changes_everything(scene):
    admin = UserFactory(username="root", is_superuser=True)

    assert Project.objects.visible_to(admin).count() == 2
    assert Project.objects.editable_by(admin).count() == 2


def test_a_project_helped_by_two_of_the_users_departments_appears_once(scene):
    user = reporter("r_both", scene["helping"])
    MembershipFactory(user=user, department=scene["unrelated"])
    scene["project"].cooperating_departments.add(scene["unrelated"])

    titles = list(Project.objects.visible_to(user).values_list("title", flat=True))

    assert sorted(titles) == ["社区卫生服务中心", "老旧小区改造"]


def test_published_shows_only_published_projects_of_published_plans():
    shown = ProjectFactory(plan=PlanFactory(year=2024, published=True), title="公开项目")
    ProjectFactory(plan=shown.plan, published=False, title="未公开项目")
    ProjectFactory(plan=PlanFactory(year=2025, published=False), title="草案方案中的项目")

    assert list(Project.objects.published().values_list("title", flat=True)) == ["公开项目"]


# --- history ---


def test_a_progress_change_is_recorded_with_who_made_it():
    # given
    project = ProjectFactory(progress_percent=Decimal("20"))
    user = reporter("li", project.lead_department)

    # when
    project.progress_percent = Decimal("45")
    project._history_user = user
    project.save()

    # then
    latest = project.history.first()
    assert project.history.count() == 2
    assert latest.history_type == "~"
    assert latest.history_user == user
    assert latest.progress_percent == Decimal("45")
    assert latest.prev_record.progress_percent == Decimal("20")
    changed = {change.field for change in latest.diff_against(latest.prev_record).changes}
    assert changed == {"progress_percent"}


def test_history_keeps_deleted_projects():
    project = ProjectFactory(title="撤销的项目")
    pk = project.pk

    project.delete()

    assert Project.history.filter(id=pk, history_type="-").get().title == "撤销的项目"


def test_a_light_written_by_update_leaves_no_history():
    project = ProjectFactory()

    Project.objects.filter(pk=project.pk).update(light="red", light_reason="测试")

    assert project.history.count() == 1
