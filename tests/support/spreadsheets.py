"""Spreadsheets as the office fills them in: headers, rows, files, the names they refer to."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib import admin
from import_export.formats.base_formats import CSV, XLSX

from tests.factories import (
    AreaFactory,
    BeneficiaryGroupFactory,
    CategoryFactory,
    DepartmentFactory,
    PlanFactory,
)

PROJECT_HEADERS = [
    "年度",
    "序号",
    "项目名称",
    "项目简介",
    "建设内容及目标",
    "领域",
    "牵头单位",
    "配合单位",
    "覆盖区域",
    "受益群体",
    "计划开工日期",
    "计划完成日期",
    "计划投资（万元）",
    "已拨付资金（万元）",
    "资金来源",
    "进度（%）",
    "状态",
    "完成日期",
    "是否公开",
]


MILESTONE_HEADERS = ["年度", "项目序号", "节点名称", "计划完成日期", "实际完成日期", "权重", "备注"]


INDICATOR_HEADERS = ["年度", "项目序号", "指标名称", "单位", "目标值", "实际值"]


def xlsx_bytes(headers, rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(header) for header in headers] if isinstance(row, dict) else row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(headers, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        values = [row.get(header) for header in headers] if isinstance(row, dict) else row
        writer.writerow(["" if value is None else value for value in values])
    # Excel writes UTF-8 with a byte-order mark.
    return buffer.getvalue().encode("utf-8-sig")


def read_dataset(content: bytes, kind: str):
    if kind == "xlsx":
        return XLSX().create_dataset(content)
    return CSV(encoding="utf-8-sig").create_dataset(content.decode("utf-8-sig"))


def spreadsheet(kind, headers, rows):
    return (xlsx_bytes if kind == "xlsx" else csv_bytes)(headers, rows)


@pytest.fixture
def ref(db):
    """The plan and the names a spreadsheet refers to."""

    class Ref:
        plan = PlanFactory(year=2024)
        education = CategoryFactory(code="education", name="教育公平与质量提升")
        health = CategoryFactory(code="health", name="医疗健康保障")
        edu_bureau = DepartmentFactory(name="区教育体育局", short_name="教体局")
        health_bureau = DepartmentFactory(name="区卫生健康委员会", short_name="卫健委")
        finance_bureau = DepartmentFactory(name="区财政局", short_name="财政局")
        chaoyang = AreaFactory(name="朝阳社区")
        changqing = AreaFactory(name="长青乡")
        children = BeneficiaryGroupFactory(name="儿童")
        elderly = BeneficiaryGroupFactory(name="老年人")

    return Ref


def project_row(number=1, **changes) -> dict:
    row = {
        "年度": 2024,
        "序号": number,
        "项目名称": f"新建幼儿园{number}",
        "项目简介": "新建公办幼儿园",
        "建设内容及目标": "新增学位 360 个",
        "领域": "教育公平与质量提升",
        "牵头单位": "区教育体育局",
        "配合单位": "区财政局、区卫生健康委员会",
        "覆盖区域": "朝阳社区, 长青乡",
        "受益群体": "儿童；老年人",
        "计划开工日期": datetime.date(2024, 3, 1),
        "计划完成日期": datetime.date(2024, 12, 31),
        "计划投资（万元）": Decimal("1200.50"),
        "已拨付资金（万元）": Decimal("300"),
        "资金来源": "上级补助资金",
        "进度（%）": Decimal("45.5"),
        "状态": "推进中",
        "完成日期": None,
        "是否公开": "是",
    }
    row.update(changes)
    return row


def format_index(model, kind, *, export=False) -> str:
    model_admin = admin.site._registry[model]
    formats = model_admin.get_export_formats() if export else model_admin.get_import_formats()
    wanted = XLSX if kind == "xlsx" else CSV
    return str(next(i for i, f in enumerate(formats) if f is wanted))


def admin_upload(client, model, content, kind, **headers):
    url = f"/admin/projects/{model._meta.model_name}/import/"
    upload = io.BytesIO(content)
    upload.name = f"upload.{kind}"
    return client.post(
        url,
        {"resource": "0", "format": format_index(model, kind), "import_file": upload},
        **headers,
    )
