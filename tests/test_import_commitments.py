"""The spreadsheet import and the plan's commitments (原计划): only the office imports, a moved
baseline leaves an approved change record naming the file, a status an import may not set and a
completion date still to come are row errors and nothing of the file is written."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from projects import commitments
from projects.choices import ChangeKind, ChangeSource, ChangeState, ProjectStatus
from projects.models import ChangeRequest, Indicator, Milestone, Project
from projects.resources import IndicatorResource, MilestoneResource, ProjectResource
from tests.factories import (
    IndicatorFactory,
    MilestoneFactory,
    ProjectFactory,
    coordinator,
    reporter,
)
from tests.support.spreadsheets import (
    INDICATOR_HEADERS,
    MILESTONE_HEADERS,
    PROJECT_HEADERS,
    admin_upload,
    project_row,
    read_dataset,
    xlsx_bytes,
)


@pytest.fixture
def office(db):
    return coordinator()


@pytest.fixture
def baselined(ref, office):
    """Project 1 of a published plan, its baseline frozen, as the file's row 1 describes it."""
    row = project_row(1)
    project = ProjectFactory(
        plan=ref.plan,
        number=1,
        title=row["项目名称"],
        summary=row["项目简介"],
        commitment=row["建设内容及目标"],
        category=ref.education,
        lead_department=ref.edu_bureau,
        planned_start=row["计划开工日期"],
        planned_end=row["计划完成日期"],
        planned_investment=row["计划投资（万元）"],
        funds_disbursed=row["已拨付资金（万元）"],
        funding_source="higher_level",
        progress_percent=row["进度（%）"],
        status=ProjectStatus.IN_PROGRESS,
        published=True,
    )
    project.cooperating_departments.set([ref.finance_bureau, ref.health_bureau])
    project.areas.set([ref.chaoyang, ref.changqing])
    project.beneficiary_groups.set([ref.children, ref.elderly])
    MilestoneFactory(
        project=project,
        title="主体完工",
        planned_date=datetime.date(2024, 8, 25),
        weight=100,
        completed_on=None,
    )
    IndicatorFactory(
        project=project, name="新增学位", unit="个", target_value=360, actual_value=120
    )
    ref.plan.published = True
    ref.plan.save()
    commitments.plan_publish(plan=ref.plan, by=office)
    project.refresh_from_db()
    assert project.is_baselined
    return project


def upload_and_confirm(client, model, headers, rows, name="2024年民生实事调整.xlsx"):
    content = xlsx_bytes(headers, rows)
    preview = admin_upload(client, model, content, "xlsx")
    assert preview.status_code == 200
    result = preview.context["result"]
    if result.has_validation_errors() or result.has_errors():
        return preview
    # the uploaded file's name, as the person chose it
    form = preview.context["confirm_form"].initial
    form["original_file_name"] = name
    return client.post(f"/admin/projects/{model._meta.model_name}/process_import/", form)


@pytest.mark.django_db
def test_an_import_moving_the_planned_end_records_an_approved_change_naming_the_file(
    client, ref, office, baselined
):
    # given
    client.force_login(office)

    # when: the office imports the sheet with a later planned end
    response = upload_and_confirm(
        client,
        Project,
        PROJECT_HEADERS,
        [project_row(1, 计划完成日期=datetime.date(2025, 3, 31))],
    )

    # then: applied, and recorded in the open with the file's name
    assert response.status_code == 302
    baselined.refresh_from_db()
    assert baselined.planned_end == datetime.date(2025, 3, 31)
    assert baselined.baseline_end == datetime.date(2024, 12, 31)
    record = ChangeRequest.objects.get(project=baselined)
    assert record.kind == ChangeKind.CHANGE
    assert record.state == ChangeState.APPROVED
    assert record.source == ChangeSource.IMPORT
    assert record.source_name == "2024年民生实事调整.xlsx"
    assert record.reason == "导入：2024年民生实事调整.xlsx"
    assert record.requested_by == office and record.decided_by == office
    assert record.changes == [
        {
            "model": "project",
            "id": baselined.pk,
            "action": "update",
            "field": "planned_end",
            "old": "2024-12-31",
            "new": "2025-03-31",
        }
    ]
    assert baselined.history.first().history_user == office
    assert baselined.delay_days == 90


@pytest.mark.django_db
def test_an_import_that_changes_no_baseline_field_records_nothing(client, ref, office, baselined):
    client.force_login(office)

    # the same row, and then one changing only the progress (not part of the baseline)
    upload_and_confirm(client, Project, PROJECT_HEADERS, [project_row(1)])
    upload_and_confirm(client, Project, PROJECT_HEADERS, [project_row(1, **{"进度（%）": 60})])

    baselined.refresh_from_db()
    assert baselined.progress_percent == Decimal("60")
    assert not ChangeRequest.objects.exists()


@pytest.mark.django_db
def test_a_project_not_yet_baselined_changes_without_a_record(ref, office):
    ProjectFactory(plan=ref.plan, number=1, planned_end=datetime.date(2024, 12, 31))
    dataset = read_dataset(
        xlsx_bytes(PROJECT_HEADERS, [project_row(1, 计划完成日期=datetime.date(2025, 1, 31))]),
        "xlsx",
    )

    result = ProjectResource().import_data(dataset, user=office, file_name="a.xlsx")

    assert not result.has_validation_errors()
    assert Project.objects.get().planned_end == datetime.date(2025, 1, 31)
    assert not ChangeRequest.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("label", "status"), [("已完成", "completed"), ("暂缓", "suspended")])
def test_a_status_an_import_may_not_set_is_a_row_error_and_nothing_of_the_file_is_written(
    client, ref, office, baselined, label, status
):
    # given: a good second row, and a first row that closes the project and moves its end
    client.force_login(office)
    rows = [
        project_row(1, 状态=label, 计划完成日期=datetime.date(2025, 3, 31)),
        project_row(2),
    ]

    # when
    response = upload_and_confirm(client, Project, PROJECT_HEADERS, rows)

    # then: the row is named with its column and the reason; nothing was written
    errors = {row.number: row.error_dict for row in response.context["result"].invalid_rows}
    assert list(errors) == [1]
    assert "状态" in errors[1]
    message = " ".join(errors[1]["状态"])
    assert "推进中" in message and label in message
    assert "confirm_form" not in response.context
    baselined.refresh_from_db()
    assert baselined.status == ProjectStatus.IN_PROGRESS
    assert baselined.planned_end == datetime.date(2024, 12, 31)
    assert Project.objects.count() == 1
    assert not ChangeRequest.objects.exists()


@pytest.mark.django_db
def test_an_import_may_start_a_project(ref, office, baselined):
    Project.objects.filter(pk=baselined.pk).update(status=ProjectStatus.NOT_STARTED)
    dataset = read_dataset(xlsx_bytes(PROJECT_HEADERS, [project_row(1)]), "xlsx")

    result = ProjectResource().import_data(dataset, user=office, file_name="a.xlsx")

    assert not result.has_validation_errors()
    assert Project.objects.get().status == ProjectStatus.IN_PROGRESS


@pytest.mark.django_db
def test_a_completion_date_still_to_come_is_a_row_error_naming_the_excel_row(
    client, ref, office, baselined
):
    client.force_login(office)
    rows = [
        project_row(2),
        project_row(1, 完成日期=datetime.date(2024, 10, 8)),
    ]

    response = upload_and_confirm(client, Project, PROJECT_HEADERS, rows)

    errors = {row.number: row.error_dict for row in response.context["result"].invalid_rows}
    assert list(errors) == [2]
    [message] = errors[2]["完成日期"]
    # the second data row is the third row of the sheet, under the titles
    assert message.startswith("Excel 第3行："), message
    assert "2024-10-08" in message
    assert Project.objects.count() == 1


@pytest.mark.django_db
def test_a_milestone_completed_on_a_day_still_to_come_is_refused(client, ref, office, baselined):
    client.force_login(office)
    rows = [[2024, 1, "主体完工", "2024-08-25", "2024-10-01", 100, ""]]

    response = upload_and_confirm(client, Milestone, MILESTONE_HEADERS, rows)

    errors = {row.number: row.error_dict for row in response.context["result"].invalid_rows}
    assert "2024-10-01" in " ".join(errors[1]["实际完成日期"])
    assert Milestone.objects.get().completed_on is None


@pytest.mark.django_db
def test_moved_milestones_added_ones_and_changed_targets_are_recorded_per_project(
    client, ref, office, baselined
):
    client.force_login(office)
    milestone = Milestone.objects.get()

    # when: one file moves a milestone and adds one, another lowers a target
    upload_and_confirm(
        client,
        Milestone,
        MILESTONE_HEADERS,
        [
            [2024, 1, "主体完工", "2024-10-20", "", 80, "雨季停工"],
            [2024, 1, "竣工验收", "2024-12-20", "", 20, ""],
        ],
        name="节点.xlsx",
    )
    upload_and_confirm(
        client,
        Indicator,
        INDICATOR_HEADERS,
        [[2024, 1, "新增学位", "个", 300, 120]],
        name="指标.xlsx",
    )

    # then: one record per file and project, old → new, the baseline kept
    milestone.refresh_from_db()
    assert milestone.planned_date == datetime.date(2024, 10, 20)
    assert milestone.baseline_planned_date == datetime.date(2024, 8, 25)
    records = list(ChangeRequest.objects.order_by("pk"))
    assert [r.source_name for r in records] == ["节点.xlsx", "指标.xlsx"]
    moved, target = records
    entries = [(e["action"], e["field"], e["old"], e["new"]) for e in moved.changes]
    assert ("update", "planned_date", "2024-08-25", "2024-10-20") in entries
    assert ("update", "weight", "100", "80") in entries
    added = {"title": "竣工验收", "planned_date": "2024-12-20", "weight": "20"}
    assert ("add", "", None, added) in entries
    assert len(entries) == 3
    assert target.changes[0]["field"] == "target_value"
    assert (target.changes[0]["old"], target.changes[0]["new"]) == ("360", "300")
    assert Indicator.objects.get().baseline_target == Decimal("360")


@pytest.mark.django_db
@pytest.mark.parametrize("resource_class", [ProjectResource, MilestoneResource, IndicatorResource])
def test_a_department_cannot_import_even_by_calling_the_import_itself(
    ref, baselined, resource_class
):
    jiaoyu = reporter("jiaoyu", ref.edu_bureau)
    dataset = read_dataset(
        xlsx_bytes(PROJECT_HEADERS, [project_row(1, 计划完成日期=datetime.date(2025, 3, 31))]),
        "xlsx",
    )

    with pytest.raises(PermissionDenied):
        resource_class().import_data(dataset, user=jiaoyu, file_name="x.xlsx")

    baselined.refresh_from_db()
    assert baselined.planned_end == datetime.date(2024, 12, 31)
    assert not ChangeRequest.objects.exists()
