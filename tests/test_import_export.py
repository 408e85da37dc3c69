"""Spreadsheet import and export of projects, milestones and indicators.

Spreadsheets are built here with openpyxl and csv; nothing binary is kept in the repository.
Error messages are read in English (the msgids) so the tests do not depend on the catalog.
"""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from import_export.formats.base_formats import CSV, XLSX

from departments.models import Department
from projects.choices import FundingSource, Light, ProjectStatus
from projects.models import Indicator, Milestone, Project
from projects.resources import IndicatorResource, MilestoneResource, ProjectResource
from tests.factories import (
    DepartmentFactory,
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
    format_index,
    project_row,
    read_dataset,
    spreadsheet,
    xlsx_bytes,
)

# --- building spreadsheets ---


def run_import(resource_class, headers, rows, *, kind="xlsx", dry_run=False):
    dataset = read_dataset(spreadsheet(kind, headers, rows), kind)
    return resource_class().import_data(dataset, dry_run=dry_run)


def errors_by_row(result) -> dict[int, dict[str, list[str]]]:
    return {row.number: row.error_dict for row in result.invalid_rows}


# --- reference data ---


@pytest.fixture
def english():
    with translation.override("en"):
        yield


# --- importing projects ---


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_good_file_creates_projects_with_every_name_resolved(ref, kind):
    # given
    rows = [project_row(1), project_row(2, 是否公开="否", 状态="未开工")]
    rows[1]["进度（%）"] = ""

    # when
    result = run_import(ProjectResource, PROJECT_HEADERS, rows, kind=kind)

    # then
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == 2
    project = Project.objects.get(plan=ref.plan, number=1)
    assert project.title == "新建幼儿园1"
    assert project.commitment == "新增学位 360 个"
    assert project.category == ref.education
    assert project.lead_department == ref.edu_bureau
    assert set(project.cooperating_departments.all()) == {ref.finance_bureau, ref.health_bureau}
    assert set(project.areas.all()) == {ref.chaoyang, ref.changqing}
    assert set(project.beneficiary_groups.all()) == {ref.children, ref.elderly}
    assert project.planned_start == datetime.date(2024, 3, 1)
    assert project.planned_end == datetime.date(2024, 12, 31)
    assert project.planned_investment == Decimal("1200.50")
    assert project.funds_disbursed == Decimal("300")
    assert project.funding_source == FundingSource.HIGHER_LEVEL
    assert project.progress_percent == Decimal("45.5")
    assert project.status == ProjectStatus.IN_PROGRESS
    assert project.published is True
    second = Project.objects.get(plan=ref.plan, number=2)
    assert second.status == ProjectStatus.NOT_STARTED
    assert second.published is False
    assert second.progress_percent == Decimal("0")  # an empty cell keeps the default


@pytest.mark.django_db
def test_codes_english_labels_short_names_and_loose_headers_are_understood(ref):
    # given: what people type by hand
    headers = [h.replace("（", "(").replace("）", ")") for h in PROJECT_HEADERS]
    headers[headers.index("进度(%)")] = " 进度（％） "
    office = DepartmentFactory(name="区委办（区政府办）", short_name="两办")
    row = project_row(
        1,
        牵头单位="教体局",
        配合单位="区委办(区政府办)；区财政局",
        领域=" 教育公平与质量提升 ",
        状态="in_progress",
        资金来源="Special-purpose bond",
        计划开工日期="2024/3/1",
        计划完成日期="２０２４年１２月３１日",
        是否公开="1",
    )
    row["计划投资（万元）"] = "1,200.50"
    row["进度（%）"] = "45.5%"
    row = [row[h] for h in PROJECT_HEADERS]

    # when
    result = run_import(ProjectResource, headers, [row], kind="csv")

    # then
    assert not result.has_validation_errors(), errors_by_row(result)
    project = Project.objects.get()
    assert project.lead_department == ref.edu_bureau
    assert set(project.cooperating_departments.all()) == {office, ref.finance_bureau}
    assert project.status == ProjectStatus.IN_PROGRESS
    assert project.funding_source == FundingSource.SPECIAL_BOND
    assert project.planned_start == datetime.date(2024, 3, 1)
    assert project.planned_end == datetime.date(2024, 12, 31)
    assert project.planned_investment == Decimal("1200.50")
    assert project.progress_percent == Decimal("45.5")


BAD_CELLS = [
    # (column, bad value, column the error is on, words the reason contains)
    pytest.param(
        "牵头单位",
        "区不存在局",
        "牵头单位",
        "Unknown department: “区不存在局”",
        id="unknown-lead-department",
    ),
    pytest.param("领域", "太空探索", "领域", "Unknown category: “太空探索”", id="unknown-category"),
    pytest.param(
        "覆盖区域", "朝阳社区、火星社区", "覆盖区域", "Unknown area: “火星社区”", id="unknown-area"
    ),
    pytest.param(
        "配合单位",
        "区财政局,区不存在局",
        "配合单位",
        "Unknown department: “区不存在局”",
        id="unknown-cooperating-department",
    ),
    pytest.param(
        "受益群体",
        "外星人",
        "受益群体",
        "Unknown beneficiary group: “外星人”",
        id="unknown-beneficiary-group",
    ),
    pytest.param("年度", 2031, "年度", "no annual plan for 2031", id="unknown-plan-year"),
    pytest.param(
        "计划开工日期",
        "2024-13-45",
        "计划开工日期",
        "“2024-13-45” is not a date",
        id="impossible-date",
    ),
    pytest.param("计划完成日期", "明年", "计划完成日期", "“明年” is not a date", id="text-date"),
    pytest.param("进度（%）", 130, "进度（%）", "less than or equal to 100", id="progress-130"),
    pytest.param(
        "进度（%）", "一半", "进度（%）", "“一半” is not a number", id="progress-not-a-number"
    ),
    pytest.param("项目名称", "", "项目名称", "cannot be blank", id="empty-title"),
    pytest.param(
        "计划完成日期",
        datetime.date(2024, 2, 1),
        "计划完成日期",
        "before the planned start",
        id="end-before-start",
    ),
    pytest.param(
        "计划投资（万元）",
        -5,
        "计划投资（万元）",
        "greater than or equal to 0",
        id="negative-investment",
    ),
    pytest.param(
        "已拨付资金（万元）",
        "-0.5",
        "已拨付资金（万元）",
        "greater than or equal to 0",
        id="negative-funds",
    ),
    pytest.param("状态", "快完成了", "状态", "Unknown value “快完成了”", id="unknown-status"),
    pytest.param(
        "资金来源", "天上掉的", "资金来源", "Unknown value “天上掉的”", id="unknown-funding-source"
    ),
    pytest.param("序号", "三", "序号", "“三” is not a whole number", id="number-not-a-number"),
    pytest.param("序号", 0, "序号", "1 or more", id="number-zero"),
    pytest.param("是否公开", "也许", "是否公开", "neither", id="published-neither"),
    pytest.param("牵头单位", "", "牵头单位", "cannot be null", id="empty-lead-department"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
@pytest.mark.parametrize(("column", "value", "error_column", "reason"), BAD_CELLS)
def test_a_bad_row_is_named_by_row_column_and_reason_and_nothing_is_written(
    ref, english, kind, column, value, error_column, reason
):
    # given: a good row, then the bad one
    existing = ProjectFactory(plan=ref.plan, number=9, title="已有项目", progress_percent=10)
    rows = [project_row(1), project_row(2, **{column: value}), project_row(9)]
    rows[2]["进度（%）"] = 99

    # when
    result = run_import(ProjectResource, PROJECT_HEADERS, rows, kind=kind)

    # then
    errors = errors_by_row(result)
    assert list(errors) == [2]
    assert error_column in errors[2]
    assert any(reason in message for message in errors[2][error_column]), errors[2]
    assert Project.objects.count() == 1
    existing.refresh_from_db()
    assert existing.progress_percent == Decimal("10")


@pytest.mark.django_db
def test_every_error_of_a_row_and_of_every_bad_row_is_reported(ref, english):
    rows = [
        project_row(1, 牵头单位="区不存在局", 计划开工日期="2024-02-30"),
        project_row(2),
        project_row(3, 领域="太空探索"),
    ]

    result = run_import(ProjectResource, PROJECT_HEADERS, rows)

    errors = errors_by_row(result)
    assert set(errors) == {1, 3}
    assert list(errors[1]) == ["牵头单位", "计划开工日期"]  # in the order of the columns
    assert list(errors[3]) == ["领域"]
    assert not Project.objects.exists()


@pytest.mark.django_db
def test_a_number_twice_in_one_file_is_an_error_naming_the_first_row(ref, english):
    rows = [project_row(1), project_row(2), project_row(1, 项目名称="另一个标题")]

    result = run_import(ProjectResource, PROJECT_HEADERS, rows)

    errors = errors_by_row(result)
    assert list(errors) == [3]
    assert "row 1" in errors[3]["序号"][0]
    assert not Project.objects.exists()


@pytest.mark.django_db
def test_an_identical_repeated_row_is_still_a_duplicate(ref, english):
    ProjectFactory(plan=ref.plan, number=1)
    dataset = ProjectResource().export()
    dataset.append(dataset[0])

    result = ProjectResource().import_data(dataset)

    assert list(errors_by_row(result)) == [2]


@pytest.mark.django_db
def test_a_file_without_its_key_columns_or_with_unknown_columns_is_refused(ref, english):
    headers = ["序号", "项目名称", "项目负责人"]

    result = run_import(ProjectResource, headers, [[1, "项目", "张三"]])

    assert result.has_errors()
    message = str(result.base_errors[0].error)
    assert "no column “年度”" in message
    assert "Unknown column “项目负责人”" in message
    assert not result.invalid_rows  # one clear message, not one per row
    assert "File " not in result.base_errors[0].traceback  # and no traceback on the page
    assert not Project.objects.exists()


@pytest.mark.django_db
def test_blank_rows_at_the_end_of_a_sheet_are_ignored(ref):
    content = xlsx_bytes(PROJECT_HEADERS, [project_row(1), [None] * len(PROJECT_HEADERS)])

    result = ProjectResource().import_data(read_dataset(content, "xlsx"))

    assert not result.has_validation_errors()
    assert result.totals["new"] == 1


@pytest.mark.django_db
def test_a_dry_run_writes_nothing(ref):
    result = run_import(ProjectResource, PROJECT_HEADERS, [project_row(1)], dry_run=True)

    assert result.totals["new"] == 1
    assert not Project.objects.exists()


@pytest.mark.django_db
def test_a_file_with_only_some_columns_changes_only_those(ref):
    # given
    project = ProjectFactory(
        plan=ref.plan, number=3, title="老旧小区改造", progress_percent=20, status="in_progress"
    )
    project.areas.add(ref.chaoyang)

    # when
    result = run_import(ProjectResource, ["年度", "序号", "进度（%）"], [[2024, 3, 65]])

    # then
    assert result.totals["update"] == 1
    project.refresh_from_db()
    assert project.progress_percent == Decimal("65")
    assert project.title == "老旧小区改造"
    assert list(project.areas.all()) == [ref.chaoyang]


@pytest.mark.django_db
def test_an_update_is_recorded_in_history_with_who_and_why(ref):
    project = ProjectFactory(plan=ref.plan, number=3, progress_percent=20)
    user = coordinator()
    dataset = read_dataset(xlsx_bytes(["年度", "序号", "进度（%）"], [[2024, 3, 65]]), "xlsx")

    ProjectResource().import_data(dataset, user=user, file_name="2024进度.xlsx")

    latest = project.history.first()
    assert latest.progress_percent == Decimal("65")
    assert latest.history_user == user
    assert "2024进度.xlsx" in latest.history_change_reason


@pytest.mark.django_db
def test_an_imported_project_has_one_record_of_creation_with_its_relations(ref):
    user = coordinator()
    dataset = read_dataset(xlsx_bytes(PROJECT_HEADERS, [project_row(1)]), "xlsx")
    ProjectResource().import_data(dataset, user=user, file_name="2024计划.xlsx")

    project = Project.objects.get()
    records = list(project.history.order_by("history_id"))
    assert [r.history_type for r in records] == ["+"]
    latest = records[-1]
    assert latest.history_user == user
    assert "2024计划.xlsx" in latest.history_change_reason
    assert latest.title == project.title
    assert {row.department_id for row in latest.cooperating_departments.all()} == {
        ref.finance_bureau.pk,
        ref.health_bureau.pk,
    }
    assert {row.area_id for row in latest.areas.all()} == {ref.chaoyang.pk, ref.changqing.pk}


@pytest.mark.django_db
def test_an_update_replaces_the_relations_and_records_them(ref):
    # given: a project covering 朝阳社区 with the finance bureau cooperating
    project = ProjectFactory(plan=ref.plan, number=3, title="老旧小区改造", progress_percent=20)
    project.areas.add(ref.chaoyang)
    project.cooperating_departments.add(ref.finance_bureau)

    # when: the file moves it to 长青乡 and names no cooperating department
    result = run_import(
        ProjectResource,
        ["年度", "序号", "覆盖区域", "配合单位", "进度（%）"],
        [[2024, 3, "长青乡", "", 35]],
    )

    # then: both relations are replaced, the rest kept, and the record holds what was saved
    assert result.totals["update"] == 1
    project.refresh_from_db()
    assert list(project.areas.all()) == [ref.changqing]
    assert not project.cooperating_departments.exists()
    assert project.progress_percent == Decimal("35")
    assert project.title == "老旧小区改造"
    latest = project.history.first()
    assert latest.history_type == "~"
    assert latest.progress_percent == Decimal("35")
    assert [row.area_id for row in latest.areas.all()] == [ref.changqing.pk]
    assert not latest.cooperating_departments.exists()


@pytest.mark.django_db
def test_the_import_result_names_each_written_object(ref):
    ProjectFactory(plan=ref.plan, number=2, progress_percent=20)

    result = run_import(ProjectResource, PROJECT_HEADERS, [project_row(1), project_row(2)])

    ids = dict(Project.objects.values_list("number", "pk"))
    assert [row.object_id for row in result.rows] == [ids[1], ids[2]]
    assert [row.import_type for row in result.rows] == ["new", "update"]


@pytest.mark.django_db
def test_a_write_refused_by_the_database_is_reported_and_nothing_is_kept(ref):
    # given: a project the file also creates, not seen when the rows were matched (as when
    # someone adds it in the admin while the file is being imported)
    ProjectFactory(plan=ref.plan, number=2, title="已有项目")

    class UnmatchedResource(ProjectResource):
        def find_existing(self, key):
            return None

    # when
    result = run_import(UnmatchedResource, PROJECT_HEADERS, [project_row(1), project_row(2)])

    # then: an error for the file, and neither row is written
    assert result.has_errors()
    assert result.totals["new"] == 0
    assert list(Project.objects.values_list("title", flat=True)) == ["已有项目"]
    assert not Project.history.filter(number=1).exists()


@pytest.mark.django_db
def test_a_larger_file_costs_no_more_queries_per_batch(ref):
    def queries_for(rows: int) -> int:
        dataset = read_dataset(
            xlsx_bytes(PROJECT_HEADERS, [project_row(n) for n in range(1, rows + 1)]), "xlsx"
        )
        with CaptureQueriesContext(connection) as queries, transaction.atomic():
            result = ProjectResource().import_data(dataset)
            assert result.totals["new"] == rows
            transaction.set_rollback(True)
        return len(queries)

    # Rows are written a batch at a time: 3 rows and 30 rows take the same queries (30, so
    # that SQLite's limit of 999 parameters does not split an INSERT in two).
    assert queries_for(3) == queries_for(30)


@pytest.mark.django_db
def test_a_real_import_makes_the_cached_pages_stale(
    ref, client, django_capture_on_commit_callbacks
):
    ref.plan.published = True
    ref.plan.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.get("/projects/")  # cached now
    with django_capture_on_commit_callbacks(execute=True):
        run_import(ProjectResource, PROJECT_HEADERS, [project_row(7, 项目名称="新建社区食堂")])

    assert "新建社区食堂" in client.get("/projects/").content.decode()


@pytest.mark.django_db
def test_a_dry_run_leaves_no_history_behind(ref):
    run_import(ProjectResource, PROJECT_HEADERS, [project_row(1)], dry_run=True)

    assert not Project.history.exists()


@pytest.mark.django_db
def test_after_a_real_import_the_stored_lights_are_fresh(ref):
    # given: a project already past its planned end (today is 2024-09-30 in tests)
    stale = ProjectFactory(
        plan=ref.plan,
        number=1,
        planned_start=datetime.date(2024, 1, 1),
        planned_end=datetime.date(2024, 6, 30),
        status=ProjectStatus.IN_PROGRESS,
        progress_percent=40,
    )
    Project.objects.filter(pk=stale.pk).update(light=Light.GREEN, light_reason="")
    row = project_row(
        1,
        计划开工日期=datetime.date(2024, 1, 1),
        计划完成日期=datetime.date(2024, 6, 30),
        状态="推进中",
    )
    row["进度（%）"] = 50

    # when
    run_import(ProjectResource, PROJECT_HEADERS, [row, project_row(2, 状态="已完成")])

    # then
    stale.refresh_from_db()
    assert stale.light == Light.RED
    assert stale.light_reason
    assert Project.objects.get(number=2).light == Light.COMPLETED


@pytest.mark.django_db
def test_name_lookups_are_cached_for_the_whole_file(ref):
    rows = [project_row(number) for number in range(1, 31)]
    dataset = read_dataset(xlsx_bytes(PROJECT_HEADERS, rows), "xlsx")

    with CaptureQueriesContext(connection) as queries:
        result = ProjectResource().import_data(dataset, dry_run=True)

    assert result.totals["new"] == 30
    # Reading a table by name is one query per import; reading one project's relations (to
    # save them and to show the preview) is per row and names the project.
    for table in (
        "departments_department",
        "projects_category",
        "departments_area",
        "projects_beneficiarygroup",
        "projects_plan",
    ):
        by_name = [
            q["sql"]
            for q in queries
            if f'FROM "{table}"' in q["sql"] and "project_id" not in q["sql"]
        ]
        assert len(by_name) == 1, (table, by_name)


# --- round trip ---


def make_plan_projects(ref):
    first = ProjectFactory(
        plan=ref.plan,
        number=1,
        title="城区学校扩容",
        category=ref.education,
        lead_department=ref.edu_bureau,
        planned_investment=Decimal("1234.56"),
        funds_disbursed=Decimal("0.10"),
        progress_percent=Decimal("33.3"),
        funding_source=FundingSource.SOCIAL_CAPITAL,
        summary='简介，含逗号, and "quotes"',
        commitment="第一行\n第二行",
    )
    first.cooperating_departments.set([ref.finance_bureau, ref.health_bureau])
    first.areas.set([ref.chaoyang, ref.changqing])
    first.beneficiary_groups.set([ref.children])
    second = ProjectFactory(
        plan=ref.plan,
        number=2,
        category=ref.health,
        lead_department=ref.health_bureau,
        status=ProjectStatus.COMPLETED,
        completed_on=datetime.date(2024, 8, 1),
        progress_percent=100,
        published=False,
    )
    MilestoneFactory(project=first, title="主体完工", planned_date=datetime.date(2024, 8, 1))
    MilestoneFactory(
        project=first,
        title="竣工验收",
        planned_date=datetime.date(2024, 11, 30),
        completed_on=None,
        weight=3,
        note="需区住建局配合",
    )
    IndicatorFactory(project=first, name="新增学位", unit="个", target_value=1000, actual_value=650)
    IndicatorFactory(project=second, name="改造面积", unit="平方米", target_value=Decimal("2.5"))
    return first, second


def snapshot():
    projects = [
        (
            p.plan_id,
            p.number,
            p.title,
            p.summary,
            p.commitment,
            p.category_id,
            p.lead_department_id,
            sorted(p.cooperating_departments.values_list("pk", flat=True)),
            sorted(p.areas.values_list("pk", flat=True)),
            sorted(p.beneficiary_groups.values_list("pk", flat=True)),
            p.planned_start,
            p.planned_end,
            p.planned_investment,
            p.funds_disbursed,
            p.funding_source,
            p.progress_percent,
            p.status,
            p.completed_on,
            p.published,
        )
        for p in Project.objects.order_by("pk")
    ]
    milestones = list(Milestone.objects.order_by("pk").values())
    indicators = list(Indicator.objects.order_by("pk").values())
    history = (Project.history.count() + Milestone.history.count() + Indicator.history.count(),)
    return projects, milestones, indicators, history


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
@pytest.mark.parametrize("resource_class", [ProjectResource, MilestoneResource, IndicatorResource])
def test_importing_an_export_changes_nothing(ref, kind, resource_class):
    # given
    make_plan_projects(ref)
    before = snapshot()
    file_format = XLSX() if kind == "xlsx" else CSV()
    exported = file_format.export_data(resource_class().export(force_native_type=kind == "xlsx"))
    content = exported if kind == "xlsx" else exported.encode("utf-8-sig")

    # when
    result = resource_class().import_data(read_dataset(content, kind))

    # then
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == 0
    assert result.totals["update"] == 0
    assert result.totals["skip"] == len(result.rows) > 0
    assert snapshot() == before


@pytest.mark.django_db
def test_the_export_speaks_chinese(ref):
    first, _ = make_plan_projects(ref)

    dataset = ProjectResource().export()

    assert dataset.headers == PROJECT_HEADERS
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    assert row["年度"] == "2024"
    assert row["领域"] == "教育公平与质量提升"
    assert row["牵头单位"] == "区教育体育局"
    assert set(row["配合单位"].split("、")) == {"区财政局", "区卫生健康委员会"}
    assert row["资金来源"] == "社会资本/PPP"
    assert row["状态"] == "推进中"
    assert row["是否公开"] == "是"
    assert row["计划开工日期"] == "2024-03-01"
    assert row["计划投资（万元）"] == "1234.56"


# --- milestones and indicators ---


@pytest.mark.django_db
def test_milestones_are_created_and_matched_by_year_number_and_title(ref):
    # given
    project = ProjectFactory(plan=ref.plan, number=7)
    existing = MilestoneFactory(project=project, title="主体完工", weight=1)
    rows = [
        [2024, 7, "主体完工", "2024-08-31", "2024-08-20", 2, "提前完成"],
        [2024, 7, "竣工验收", "2024-11-30", None, 1, None],
    ]

    # when
    result = run_import(MilestoneResource, MILESTONE_HEADERS, rows)

    # then
    assert not result.has_validation_errors()
    assert (result.totals["new"], result.totals["update"]) == (1, 1)
    existing.refresh_from_db()
    assert existing.completed_on == datetime.date(2024, 8, 20)
    assert existing.weight == 2
    assert existing.note == "提前完成"
    assert project.milestones.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "error_column", "reason"),
    [
        ([2031, 7, "主体完工", "2024-08-31", None, 1, None], "年度", "no annual plan for 2031"),
        ([2024, 99, "主体完工", "2024-08-31", None, 1, None], "项目序号", "no project number 99"),
        ([2024, 7, "", "2024-08-31", None, 1, None], "节点名称", "cannot be blank"),
        ([2024, 7, "主体完工", "8月底", None, 1, None], "计划完成日期", "“8月底” is not a date"),
        ([2024, 7, "主体完工", "2024-08-31", None, -1, None], "权重", "greater than or equal to 0"),
    ],
)
def test_a_bad_milestone_row_is_named_and_nothing_is_written(
    ref, english, row, error_column, reason
):
    ProjectFactory(plan=ref.plan, number=7)
    good = [2024, 7, "开工", "2024-04-01", None, 1, None]

    result = run_import(MilestoneResource, MILESTONE_HEADERS, [good, row])

    errors = errors_by_row(result)
    assert list(errors) == [2]
    assert any(reason in message for message in errors[2][error_column]), errors[2]
    assert not Milestone.objects.exists()


@pytest.mark.django_db
def test_a_milestone_twice_in_one_file_is_an_error(ref, english):
    ProjectFactory(plan=ref.plan, number=7)
    row = [2024, 7, "主体完工", "2024-08-31", None, 1, None]

    result = run_import(MilestoneResource, MILESTONE_HEADERS, [row, row])

    errors = errors_by_row(result)
    assert list(errors) == [2]
    assert "row 1" in errors[2]["节点名称"][0]
    assert not Milestone.objects.exists()


@pytest.mark.django_db
def test_a_milestone_name_that_is_ambiguous_in_the_database_is_an_error(ref, english):
    project = ProjectFactory(plan=ref.plan, number=7)
    MilestoneFactory.create_batch(2, project=project, title="主体完工")

    rows = [[2024, 7, "主体完工", "2024-08-31", "2024-08-30", 1, None]]
    result = run_import(MilestoneResource, MILESTONE_HEADERS, rows)

    assert "rename" in errors_by_row(result)[1]["节点名称"][0]
    assert not Milestone.objects.filter(completed_on__isnull=False).exists()


@pytest.mark.django_db
def test_a_milestone_import_refreshes_the_light_of_its_projects(ref):
    project = ProjectFactory(
        plan=ref.plan,
        number=7,
        planned_start=datetime.date(2024, 1, 1),
        planned_end=datetime.date(2024, 12, 31),
        progress_percent=70,
        status=ProjectStatus.IN_PROGRESS,
    )
    Project.objects.filter(pk=project.pk).update(light=Light.GREEN, light_reason="")
    # 40 days overdue on 2024-09-30
    rows = [[2024, 7, "主体完工", "2024-08-21", None, 1, None]]

    run_import(MilestoneResource, MILESTONE_HEADERS, rows)

    project.refresh_from_db()
    assert project.light == Light.RED
    assert "主体完工" in project.light_reason


@pytest.mark.django_db
def test_indicators_are_matched_by_name_and_bad_values_refused(ref, english):
    # given
    project = ProjectFactory(plan=ref.plan, number=7)
    indicator = IndicatorFactory(project=project, name="新增学位", unit="个", target_value=1000)

    # when: an update of the actual value
    result = run_import(
        IndicatorResource, INDICATOR_HEADERS, [[2024, 7, "新增学位", "个", 1000, 650]]
    )

    # then
    assert result.totals["update"] == 1
    indicator.refresh_from_db()
    assert indicator.actual_value == Decimal("650")
    assert Indicator.objects.count() == 1

    # when: a negative target and an unknown project
    rows = [[2024, 7, "新增床位", "张", -10, 0], [2024, 8, "新增学位", "个", 10, 0]]
    result = run_import(IndicatorResource, INDICATOR_HEADERS, rows)

    # then
    errors = errors_by_row(result)
    assert "greater than or equal to 0" in errors[1]["目标值"][0]
    assert "no project number 8" in errors[2]["项目序号"][0]
    assert Indicator.objects.count() == 1


# --- through the admin ---


def admin_confirm(client, model, preview):
    url = f"/admin/projects/{model._meta.model_name}/process_import/"
    return client.post(url, preview.context["confirm_form"].initial)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_admin_import_previews_first_then_writes_on_confirm(client, ref, kind):
    # given
    client.force_login(coordinator())
    content = spreadsheet(kind, PROJECT_HEADERS, [project_row(1), project_row(2)])

    # when: the file is uploaded
    preview = admin_upload(client, Project, content, kind)

    # then: a preview of two new rows, and nothing written yet
    assert preview.status_code == 200
    result = preview.context["result"]
    assert result.totals["new"] == 2
    assert not result.has_validation_errors()
    assert preview.context["confirm_form"] is not None
    page = preview.content.decode()
    assert "新建幼儿园1" in page and "新建幼儿园2" in page
    assert not Project.objects.exists()

    # when: the import is confirmed
    response = admin_confirm(client, Project, preview)

    # then
    assert response.status_code == 302
    assert sorted(Project.objects.values_list("number", flat=True)) == [1, 2]
    # the lights were computed for today by the import
    assert {p.light_as_of for p in Project.objects.all()} == {datetime.date(2024, 9, 30)}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_admin_import_of_a_bad_file_names_row_column_and_reason_and_writes_nothing(
    client, ref, kind
):
    # given
    existing = ProjectFactory(plan=ref.plan, number=1, title="原标题")
    client.force_login(coordinator())
    rows = [
        project_row(1, 项目名称="新标题"),
        project_row(2, 牵头单位="区不存在局"),
        project_row(3, 计划开工日期="2024-13-45"),
        project_row(4),
    ]
    rows[3]["进度（%）"] = 130

    # when
    response = admin_upload(
        client, Project, spreadsheet(kind, PROJECT_HEADERS, rows), kind, HTTP_ACCEPT_LANGUAGE="en"
    )

    # then: every bad row with its column and reason, and no way to confirm
    assert response.status_code == 200
    assert "confirm_form" not in response.context
    errors = {row.number: row.error_dict for row in response.context["result"].invalid_rows}
    assert set(errors) == {2, 3, 4}
    assert "牵头单位" in errors[2] and "计划开工日期" in errors[3] and "进度（%）" in errors[4]
    page = response.content.decode()
    for text in ("牵头单位", "区不存在局", "计划开工日期", "2024-13-45", "进度（%）", "100"):
        assert text in page
    assert "<td>2 </td>" in page and "<td>4 </td>" in page
    existing.refresh_from_db()
    assert existing.title == "原标题"
    assert Project.objects.count() == 1


@pytest.mark.django_db
def test_a_row_gone_bad_between_preview_and_confirm_writes_nothing(client, ref):
    # given: a good preview
    client.force_login(coordinator())
    rows = [project_row(1, 配合单位=""), project_row(2, 牵头单位="区财政局", 配合单位="")]
    content = xlsx_bytes(PROJECT_HEADERS, rows)
    preview = admin_upload(client, Project, content, "xlsx")
    assert preview.context["result"].totals["new"] == 2

    # when: a department the file names is renamed before the import is confirmed
    Department.objects.filter(pk=ref.finance_bureau.pk).update(name="区财政局（新）")
    admin_confirm(client, Project, preview)

    # then: not even the good row is written, nor logged as added
    assert not Project.objects.exists()
    assert not LogEntry.objects.filter(content_type__model="project").exists()


@pytest.mark.django_db
def test_admin_import_of_milestones_and_indicators(client, ref):
    ProjectFactory(plan=ref.plan, number=7)
    client.force_login(coordinator())

    content = xlsx_bytes(MILESTONE_HEADERS, [[2024, 7, "开工", "2024-04-01", "2024-04-02", 1, ""]])
    preview = admin_upload(client, Milestone, content, "xlsx")
    admin_confirm(client, Milestone, preview)
    content = xlsx_bytes(INDICATOR_HEADERS, [[2024, 7, "新增学位", "个", 360, 120]])
    preview = admin_upload(client, Indicator, content, "xlsx")
    admin_confirm(client, Indicator, preview)

    assert Milestone.objects.get().completed_on == datetime.date(2024, 4, 2)
    assert Indicator.objects.get().actual_value == Decimal("120")


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Project, Milestone, Indicator])
def test_department_reporters_cannot_import(client, ref, model):
    # given
    user = reporter("reporter-edu", ref.edu_bureau)
    client.force_login(user)
    url = f"/admin/projects/{model._meta.model_name}/"

    # when / then
    assert client.get(url + "import/").status_code == 403
    content = xlsx_bytes(PROJECT_HEADERS, [project_row(1)])
    assert admin_upload(client, model, content, "xlsx").status_code == 403
    forged = {"import_file_name": "x", "original_file_name": "x.xlsx", "format": "0"}
    assert client.post(url + "process_import/", forged).status_code == 403
    assert not Project.objects.exists()


def admin_export(client, model, query="", kind="csv"):
    resource = admin.site._registry[model].get_export_resource_classes(None)[0]
    fields = {f"{resource.__name__.lower()}_{name}": "on" for name in resource().get_export_order()}
    response = client.post(
        f"/admin/projects/{model._meta.model_name}/export/{query}",
        {"resource": "0", "format": format_index(model, kind, export=True), **fields},
    )
    assert response.status_code == 200, response.content[:500]
    if kind == "xlsx":
        return response.content
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.django_db
def test_admin_export_follows_the_changelist_filters(client, ref):
    make_plan_projects(ref)
    client.force_login(coordinator())

    everything = admin_export(client, Project)
    by_department = admin_export(
        client, Project, f"?lead_department__id__exact={ref.health_bureau.pk}"
    )
    by_category = admin_export(client, Project, f"?category__id__exact={ref.education.pk}")
    education_steps = admin_export(
        client, Milestone, f"?project__category__id__exact={ref.education.pk}"
    )
    health_steps = admin_export(client, Milestone, f"?project__category__id__exact={ref.health.pk}")

    assert [row["序号"] for row in everything] == ["1", "2"]
    assert [row["牵头单位"] for row in by_department] == ["区卫生健康委员会"]
    assert [row["领域"] for row in by_category] == ["教育公平与质量提升"]
    assert sorted(row["节点名称"] for row in education_steps) == ["主体完工", "竣工验收"]
    assert health_steps == []


@pytest.mark.django_db
def test_admin_export_for_department_staff_holds_only_what_they_see(client, ref):
    first, second = make_plan_projects(ref)
    other = ProjectFactory(plan=ref.plan, number=3, lead_department=ref.finance_bureau)
    MilestoneFactory(project=other, title="别的单位的节点")
    client.force_login(reporter("reporter-health", ref.health_bureau))

    projects = admin_export(client, Project)
    milestones = admin_export(client, Milestone)

    # leads project 2, cooperates on project 1, has nothing to do with project 3
    assert sorted(row["序号"] for row in projects) == ["1", "2"]
    assert sorted(row["节点名称"] for row in milestones) == ["主体完工", "竣工验收"]


@pytest.mark.django_db
def test_admin_export_then_import_changes_nothing(client, ref):
    make_plan_projects(ref)
    before = snapshot()
    client.force_login(coordinator())

    content = admin_export(client, Project, kind="xlsx")
    preview = admin_upload(client, Project, content, "xlsx")

    result = preview.context["result"]
    assert not result.has_validation_errors()
    assert result.totals["skip"] == 2 and result.totals["new"] == result.totals["update"] == 0
    admin_confirm(client, Project, preview)
    assert snapshot() == before
