"""One rounding rule for percentages: the same figure on every page, e-mail, export and API."""

import csv
import io
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from minsheng.numbers import format_amount, format_percent, percent
from tests.factories import ProjectFactory, leader

pytestmark = pytest.mark.django_db

# 49 of 400 is 12.25 %: half up gives 12.3, the banker's rounding once used on some pages 12.2.
PLANNED, DISBURSED = Decimal("400"), Decimal("49")


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (49, 400, Decimal("12.3")),
        (Decimal("49"), Decimal("400"), Decimal("12.3")),
        (1, 8, Decimal("12.5")),  # exact: no rounding
        (1, 3, Decimal("33.3")),
        (2, 3, Decimal("66.7")),
        (5205.2, 520, Decimal("1001.0")),  # more disbursed than planned: no ceiling
        (0, 400, Decimal("0.0")),
        (49, 0, None),  # no whole, no share
        (None, 400, None),
        ("abc", 400, None),
        (49, "", None),
    ],
)
def test_percent_rounds_half_up_to_one_decimal(part, whole, expected):
    assert percent(part, whole) == expected


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("12.25"), "12.3"),
        (Decimal("12.0"), "12"),
        (Decimal("-0.05"), "-0.1"),
        (None, "—"),
        ("not a number", "—"),
        (float("nan"), "—"),
        (float("inf"), "—"),
    ],
)
def test_format_percent_as_officials_write_it(value, text):
    assert format_percent(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("1234.005"), "1,234.01"),
        (Decimal("1000.00"), "1,000"),
        (Decimal("0.10"), "0.1"),
        (None, "—"),
        ("x", "—"),
    ],
)
def test_format_amount(value, text):
    assert format_amount(value) == text


@pytest.fixture
def project():
    return ProjectFactory(
        title="四分之一不到的项目",
        planned_investment=PLANNED,
        funds_disbursed=DISBURSED,
        progress_percent=Decimal("30"),
    )


def test_execution_rate_reads_the_same_on_every_page_export_and_api(client, project):
    # the home page's headline
    home = client.get("/").content.decode()
    assert "12.3%" in home and "12.2%" not in home

    # the project's page
    detail = client.get(project.get_absolute_url()).content.decode()
    assert "12.3%" in detail and "12.2%" not in detail

    # the API, one project and the plan's headline
    api = client.get(f"/api/v1/projects/{project.pk}/").json()
    assert api["execution_rate"] == "12.3"

    # the open data download
    response = client.get("/api/v1/projects/csv/")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0]["资金执行率（%）"] == "12.3"

    # the leadership dashboard and the monthly briefing's workbook
    client.force_login(leader())
    dashboard = client.get("/dashboard/").content.decode()
    assert "12.3" in dashboard and "12.2<" not in dashboard
    briefing = client.get("/dashboard/briefing/2024-09/").content.decode()
    assert "12.3%" in briefing
    sheet = load_workbook(
        BytesIO(client.get("/dashboard/briefing/2024-09/briefing.xlsx").content)
    ).worksheets[0]
    rates = [row[1] for row in sheet.iter_rows(values_only=True) if row[0] == "资金执行率"]
    assert rates == [Decimal("12.3")] or rates == [12.3]


def test_indicator_completion_rounds_as_the_execution_rate(client, project):
    from tests.factories import IndicatorFactory

    IndicatorFactory(project=project, name="新增学位", unit="个", target_value=400, actual_value=49)
    detail = client.get(project.get_absolute_url()).content.decode()
    assert "12.3%" in detail and "12.2%" not in detail
    api = client.get(f"/api/v1/indicators/?project={project.pk}").json()
    results = api["results"] if isinstance(api, dict) else api
    assert results[0]["completion_percent"] == "12.3"
