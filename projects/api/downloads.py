"""Open data downloads of the project list (政务数据开放): CSV and Excel, Chinese column titles.

The same rows as the list answers for the same filters, every page at once. Labels are the
Chinese ones whatever language the request is in, as in the spreadsheets the coordinating
office exchanges (``projects.resources``); CSV carries a byte-order mark so Excel opens it
as UTF-8. No cell is a formula (``minsheng.spreadsheets``): these files are open to anyone, and
what staff typed must not run in the spreadsheet of whoever opens them.
"""

from __future__ import annotations

import tablib
from django.conf import settings
from django.utils import translation

from minsheng.spreadsheets import safe_row

HEADERS = [
    "年度",
    "序号",
    "项目名称",
    "领域",
    "牵头单位",
    "配合单位",
    "覆盖区域",
    "受益群体",
    "状态",
    "红黄绿灯",
    "灯号说明",
    "进度（%）",
    "应达进度（%）",
    "计划开工日期",
    "计划完成日期",
    "完成日期",
    "计划投资（万元）",
    "已拨付资金（万元）",
    "资金执行率（%）",
    "资金来源",
    "项目简介",
    "建设内容及目标",
    "公开网页",
]

CSV_TYPE = "text/csv"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _names(objects) -> str:
    return "、".join(item.name for item in objects)


def project_dataset(projects, build_url) -> tablib.Dataset:
    """The rows of ``projects`` (with plan, category, lead department and relations loaded).

    Statuses, lights and funding sources are the choices' own labels, in the portal's
    language (Chinese) whatever the request's: one list of labels, the models'.
    """
    with translation.override(settings.LANGUAGE_CODE):
        return _dataset(projects, build_url)


def _dataset(projects, build_url) -> tablib.Dataset:
    rows = []
    for project in projects:
        rows.append(
            safe_row(
                (
                    project.plan.year,
                    project.number,
                    project.title,
                    project.category.name,
                    project.lead_department.name,
                    _names(project.cooperating_departments.all()),
                    _names(project.areas.all()),
                    _names(project.beneficiary_groups.all()),
                    project.get_status_display(),
                    project.get_light_display(),
                    project.light_reason,
                    project.progress_percent,
                    project.expected_progress,
                    project.planned_start,
                    project.planned_end,
                    project.completed_on,
                    project.planned_investment,
                    project.funds_disbursed,
                    project.execution_rate,
                    project.get_funding_source_display(),
                    project.summary,
                    project.commitment,
                    build_url(project.get_absolute_url()),
                )
            )
        )
    return tablib.Dataset(*rows, headers=HEADERS, title="民生实事项目")


def as_csv(dataset: tablib.Dataset) -> bytes:
    # Empty cells rather than "None"; the byte-order mark tells Excel the file is UTF-8.
    dataset = tablib.Dataset(
        *[tuple("" if value is None else value for value in row) for row in dataset],
        headers=dataset.headers,
    )
    return dataset.export("csv").encode("utf-8-sig")


def as_xlsx(dataset: tablib.Dataset) -> bytes:
    return dataset.export("xlsx")
