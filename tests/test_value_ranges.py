"""Every value the models accept can be shown: no stored figure turns a page or the API into a 500.

Derived ratios (an indicator's completion, the funds' execution rate) have no ceiling: an
indicator may be exceeded tenfold and more money may be disbursed than was planned; both are
facts to show, not to hide or to crash on.
"""

import datetime
import io
import json
from decimal import Decimal

import openpyxl
import pytest
import tablib
from django.apps import apps
from django.contrib import admin
from django.core.cache import cache
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.test import Client
from django.urls import reverse
from import_export.formats.base_formats import CSV, XLSX
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dashboard.models import ProjectSnapshot
from minsheng.templatetags.portal import amount, pct
from projects.choices import Light, ProjectStatus, ReportState
from projects.models import Indicator, ProgressReport, Project
from projects.resources import IndicatorResource, MilestoneResource, ProjectResource
from tests.support.admin_forms import (
    form_data,
)
from tests.support.api import API, as_user, real_ids


def test_an_indicator_ten_times_past_its_target_is_shown(api_world):
    # given an indicator whose target is 5
    school = api_world["school"]
    indicator = school.indicators.get()
    type(indicator).objects.filter(pk=indicator.pk).update(target_value=Decimal("5"))

    # when its lead department reports 50 done
    reporter = as_user(api_world["users"]["school_reporter"])
    response = reporter.patch(
        f"{API}/indicators/{indicator.pk}/", {"actual_value": "50"}, format="json"
    )

    # then it is saved, and everyone reads 1000 % wherever it appears
    assert response.status_code == 200, response.content
    assert response.json()["completion_percent"] == "1000.0"
    anonymous = as_user(None)
    listed = anonymous.get(f"{API}/indicators/?project={school.pk}")
    assert listed.status_code == 200
    assert [row["completion_percent"] for row in listed.json()["results"]] == ["1000.0"]
    detail = anonymous.get(f"{API}/projects/{school.pk}/")
    assert detail.status_code == 200
    assert detail.json()["indicators"][0]["completion_percent"] == "1000.0"


def test_funds_disbursed_ten_times_the_plan_are_shown(api_world):
    # given a project planned at 520 (10k yuan)
    school = api_world["school"]
    type(school).objects.filter(pk=school.pk).update(planned_investment=Decimal("520"))
    token = Token.objects.create(user=api_world["users"]["school_reporter"]).key
    reporter = as_user(None)
    reporter.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    # when a report of 5,205.20 disbursed is made and approved
    created = reporter.post(
        f"{API}/reports/",
        {
            "project": school.pk,
            "period": "2024-08",
            "reported_progress": "70",
            "funds_disbursed_to_date": "5205.20",
            "work_done": "主体完工",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    report = created.json()["id"]
    assert reporter.post(f"{API}/reports/{report}/submit/").status_code == 200
    office = as_user(api_world["users"]["coordinator"])
    assert office.post(f"{API}/reports/{report}/approve/").status_code == 200

    # then the list, the project and the plan's figures show the rate above 1000 %
    anonymous = as_user(None)
    listed = anonymous.get(f"{API}/projects/")
    assert listed.status_code == 200
    row = next(row for row in listed.json()["results"] if row["id"] == school.pk)
    assert (row["funds_disbursed"], row["execution_rate"]) == ("5205.20", "1001.0")
    detail = anonymous.get(f"{API}/projects/{school.pk}/")
    assert detail.status_code == 200
    assert detail.json()["execution_rate"] == "1001.0"
    figures = anonymous.get(f"{API}/plans/2024/statistics/")
    assert figures.status_code == 200


# --- the walk: every decimal field at the edges of its range, through every entry point -------

PORTAL_APPS = {"minsheng", "departments", "projects", "feedback", "notifications", "dashboard"}


def decimal_fields():
    """Every decimal field of the portal's own models (the change history's copies aside)."""
    found = []
    for model in apps.get_models():
        if model._meta.app_label not in PORTAL_APPS:
            continue
        fields = model._meta.get_fields()
        if any(field.name == "history_id" for field in fields):
            continue  # a simple_history copy: written only by saving the model itself
        found += [(model, field) for field in fields if isinstance(field, models.DecimalField)]
    return found


def edge(field, extreme: str) -> Decimal:
    """The largest (or smallest) value ``field`` accepts: its digits, then its validators."""
    whole = "9" * (field.max_digits - field.decimal_places) or "0"
    largest = Decimal(f"{whole}.{'9' * field.decimal_places}" if field.decimal_places else whole)
    if extreme == "largest":
        limits = [v.limit_value for v in field.validators if isinstance(v, MaxValueValidator)]
        return min([largest, *map(Decimal, limits)])
    limits = [v.limit_value for v in field.validators if isinstance(v, MinValueValidator)]
    return max([-largest, *map(Decimal, limits)])


def plain(value: Decimal) -> Decimal:
    """Another value of the same field, stored before a write so that the write shows."""
    return Decimal("1") if value != 1 else Decimal("2")


def targets(data) -> dict:
    """The object of each model whose fields the walk writes (readable in every page)."""
    school = data["school"]
    return {
        Project: school,
        Indicator: school.indicators.get(),
        ProgressReport: school.reports.get(state=ReportState.DRAFT),
        ProjectSnapshot: data["snapshot"],
    }


def _store(obj, field, value) -> None:
    type(obj).objects.filter(pk=obj.pk).update(**{field.name: value})


def _stored(obj, field):
    return type(obj).objects.values_list(field.name, flat=True).get(pk=obj.pk)


def through_admin(client, obj, field, value) -> bool:
    """Post the object's change form with ``value`` in the field; False if the form lacks it."""
    if type(obj) not in admin.site._registry:
        return False
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    data = form_data(client, url)
    if field.name not in data:
        return False  # read-only there (derived, or kept by a nightly job)
    data[field.name] = str(value)
    response = client.post(url, data)
    assert response.status_code == 302, (field, value, response.content.decode()[-3000:])
    return True


def through_import(obj, field, value, kind: str) -> bool:
    """Export the object's row, put ``value`` in the field's column and import the file."""
    for resource_class in (ProjectResource, IndicatorResource, MilestoneResource):
        if resource_class._meta.model is not type(obj):
            continue
        resource = resource_class()
        columns = [f for f in resource.get_export_fields() if f.attribute == field.name]
        if not columns:
            return False
        dataset = resource.export(queryset=type(obj).objects.filter(pk=obj.pk))
        column = dataset.headers.index(columns[0].column_name)
        row = list(dataset[0])
        row[column] = value if kind == "xlsx" else format(value, "f")
        dataset = tablib.Dataset(row, headers=dataset.headers)
        content = XLSX().export_data(dataset) if kind == "xlsx" else CSV().export_data(dataset)
        read = (XLSX() if kind == "xlsx" else CSV()).create_dataset(content)
        result = resource_class().import_data(read)
        assert not result.has_errors() and not result.has_validation_errors(), (
            field,
            value,
            [row.error_dict for row in result.invalid_rows],
            [error.error for row in result.rows for error in row.errors],
        )
        return True
    return False


def _api_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0]}")
    return client


def indicator_patch(data, obj, field, value):
    client = _api_client(data["users"]["school_reporter"])
    response = client.patch(
        f"{API}/indicators/{obj.pk}/", {field.name: format(value, "f")}, format="json"
    )
    assert response.status_code == 200, (field, value, response.content)
    return obj


def report_through_api(data, obj, field, value):
    """A new report with ``value``, submitted and approved: the project takes its figures."""
    body = {
        "project": obj.project_id,
        "period": "2024-09"
        if ProgressReport.objects.filter(period="2024-08-01").exists()
        else "2024-08",
        "reported_progress": "50",
        "funds_disbursed_to_date": "30",
        "work_done": "按计划推进",
        field.name: format(value, "f"),
    }
    client = _api_client(data["users"]["school_reporter"])
    created = client.post(f"{API}/reports/", body, format="json")
    assert created.status_code == 201, (field, value, created.content)
    report = created.json()["id"]
    assert client.post(f"{API}/reports/{report}/submit/").status_code == 200
    office = _api_client(data["users"]["coordinator"])
    approved = office.post(f"{API}/reports/{report}/approve/")
    assert approved.status_code == 200, approved.content
    return ProgressReport.objects.get(pk=report)


# The API's writes of decimal fields; a decimal in a request body the schema names and this
# map lacks fails test_every_decimal_the_api_takes_is_walked.
API_WRITES = {
    ("projects.Indicator", "actual_value"): indicator_patch,
    ("projects.ProgressReport", "reported_progress"): report_through_api,
    ("projects.ProgressReport", "funds_disbursed_to_date"): report_through_api,
}


# --- reading everything --------------------------------------------------------------------


def api_addresses(client, ids) -> list[str]:
    """Every GET address of the schema, with the ids of existing objects."""
    schema = client.get("/api/schema/?format=json").json()
    addresses = []
    for path, operations in schema["paths"].items():
        if "get" not in operations:
            continue
        if "{" in path:
            name = "year" if "{year}" in path else "id"
            path = path.replace(f"{{{name}}}", str(ids[path]))
        addresses.append(path)
    return addresses


def page_addresses(data) -> list[str]:
    school, lead = data["school"], data["schools"]
    return [
        "/",
        "/projects/",
        "/projects/?sort=-progress",
        f"/projects/{school.pk}/",
        "/departments/",
        f"/departments/{lead.pk}/",
        "/suggestions/",
        "/feeds/plans/2024/",
        f"/feeds/projects/{school.pk}/",
    ]


DASHBOARD_ADDRESSES = [
    "/dashboard/",
    "/dashboard/projects/",
    "/dashboard/projects/?light=behind",
    "/dashboard/briefing/2024-09/",
    "/dashboard/briefing/2024-09/briefing.xlsx",
    "/dashboard/briefing/2024-09/briefing.pdf",
]


def read_everything(data, ids) -> dict[str, str]:
    """Every public page, API answer, download, the dashboard and the admin lists: all 200.

    Returns each answer's text (downloads as their cells' text) by address."""
    cache.clear()  # the values were stored behind the page cache's back
    anonymous = Client()
    leader = Client()
    leader.force_login(data["users"]["leader"])
    office = Client()
    office.force_login(data["users"]["coordinator"])
    token = _api_client(data["users"]["coordinator"])
    answers = {}
    reads = [(anonymous, address) for address in page_addresses(data)]
    reads += [(anonymous, address) for address in api_addresses(anonymous, ids)]
    reads += [(token, f"token {address}") for address in api_addresses(anonymous, ids)]
    reads += [(leader, address) for address in DASHBOARD_ADDRESSES]
    for model, obj in targets(data).items():
        opts = model._meta
        reads.append((office, reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")))
        reads.append(
            (office, reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
        )
    failures = []
    for client, address in reads:
        path = address.removeprefix("token ")
        response = client.get(path)
        if response.status_code != 200:
            failures.append((address, response.status_code))
            continue
        answers[address] = text_of(response)
    assert not failures, failures
    return answers


def text_of(response) -> str:
    content_type = response.get("Content-Type", "")
    body = b"".join(response) if response.streaming else response.content
    if "spreadsheetml" in content_type:
        book = openpyxl.load_workbook(io.BytesIO(body))
        return "\n".join(
            "\t".join("" if cell is None else str(cell) for cell in row)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    if "pdf" in content_type:
        return ""
    return body.decode("utf-8-sig")


@pytest.fixture
def data(api_world):
    """The API's world, with a month's snapshot of the school project (the dashboard's trend)."""
    api_world["snapshot"] = ProjectSnapshot.objects.create(
        project=api_world["school"],
        month=datetime.date(2024, 8, 1),
        as_of=datetime.date(2024, 8, 31),
        status=ProjectStatus.IN_PROGRESS,
        progress_percent=Decimal("30"),
        expected_progress=Decimal("40"),
        planned_investment=Decimal("800"),
        funds_disbursed=Decimal("200"),
        light=Light.GREEN,
    )
    return api_world


def walk(data, extreme: str) -> dict:
    """Write each decimal field's edge value through every entry point that takes it.

    Returns the entry points each field went through; the edge values stay stored."""
    office = Client()
    office.force_login(data["users"]["coordinator"])
    objects = targets(data)
    walked = {}
    for model, field in decimal_fields():
        label = (model._meta.label, field.name)
        assert model in objects, f"{label}: the walk has no object of this model"
        obj, value = objects[model], edge(field, extreme)
        ways = []
        if field.editable:
            _store(obj, field, plain(value))
            if through_admin(office, obj, field, value):
                assert _stored(obj, field) == value, (label, "admin")
                ways.append("admin")
            for kind in ("xlsx", "csv"):
                _store(obj, field, plain(value))
                if through_import(obj, field, value, kind):
                    assert _stored(obj, field) == value, (label, kind)
                    ways.append(kind)
            if label in API_WRITES:
                written = API_WRITES[label](data, obj, field, value)
                assert _stored(written, field) == value, (label, "api")
                ways.append("api")
        walked[label] = ways
    # A report's approval wrote the project's figures: put every edge back in place.
    for model, field in decimal_fields():
        _store(objects[model], field, edge(field, extreme))
    return walked


# name: (the edge every field is walked to, then values stored over it, the rate and the
# completion the project's answer must show)
SCENARIOS = {
    "largest": ("largest", {}, "100.0", "100.0"),
    "smallest": ("smallest", {}, None, None),
    # a ratio's denominator at its smallest step, its numerator at its largest
    "lopsided": (
        "largest",
        {
            (Project, "planned_investment"): Decimal("0.01"),
            (Indicator, "target_value"): Decimal("0.01"),
        },
        "99999999999900.0",
        "9999999999999900.0",
    ),
    # nothing planned and yet money disbursed; a target of 0 and yet something done
    "nothing planned": (
        "smallest",
        {(Project, "funds_disbursed"): Decimal("5205.20"), (Indicator, "actual_value"): 50},
        None,
        None,
    ),
}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_decimal_field_at_its_edge_is_taken_and_every_address_shows_it(data, scenario):
    extreme, overrides, rate, completion = SCENARIOS[scenario]
    ids = real_ids(data)  # before the walk adds reports

    objects = targets(data)
    if overrides:
        # the walk's entry points were proved by the plain scenarios: store the edges directly
        for model, field in decimal_fields():
            _store(objects[model], field, edge(field, extreme))
        for (model, name), value in overrides.items():
            _store(objects[model], model._meta.get_field(name), value)
    else:
        # when each decimal field is written at its edge through the admin, import and API
        walked = walk(data, extreme)
        # then every field a person enters went through at least one entry point ...
        for (label, name), ways in walked.items():
            field = apps.get_model(label)._meta.get_field(name)
            kept_by_a_job = label == "dashboard.ProjectSnapshot"
            assert ways or not field.editable or kept_by_a_job, (label, name)
        assert "api" in walked[("projects.Indicator", "actual_value")]
        assert {"admin", "xlsx", "csv"} <= set(walked[("projects.Project", "planned_investment")])

    # ... and every address answers, showing the figures as stored
    answers = read_everything(data, ids)
    school = Project.objects.get(pk=data["school"].pk)
    indicator = objects[Indicator]
    indicator.refresh_from_db()
    detail = json.loads(answers[f"/api/v1/projects/{school.pk}/"])
    assert detail["planned_investment"] == f"{school.planned_investment:.2f}"
    assert detail["funds_disbursed"] == f"{school.funds_disbursed:.2f}"
    assert detail["execution_rate"] == rate
    shown = detail["indicators"][0]
    assert (shown["target_value"], shown["actual_value"]) == (
        f"{indicator.target_value:.2f}",
        f"{indicator.actual_value:.2f}",
    )
    assert shown["completion_percent"] == completion
    # the pages write amounts as officials do: 9,999,999,999.99 万元, 5,205.2, 0
    page = answers[f"/projects/{school.pk}/"]
    assert f"{amount(school.planned_investment)} 万元" in page
    assert f"{amount(school.funds_disbursed)} 万元" in page
    assert (f"{pct(rate)}%" if rate else "—") in page
    dashboard_row = f'<td class="num">{amount(school.funds_disbursed)}</td>'
    assert dashboard_row in answers["/dashboard/projects/"]
    assert f"{school.funds_disbursed:f}" in answers["/api/v1/projects/csv/"]


def beyond(field) -> list[Decimal]:
    """Values just outside what ``field`` takes: one step past each edge, one decimal too many."""
    step = Decimal(1).scaleb(-field.decimal_places)
    return [
        edge(field, "largest") + step,
        edge(field, "smallest") - step,
        Decimal("1") + step / 10,
    ]


def refused_by_admin(client, obj, field, value) -> bool:
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    data = form_data(client, url)
    if field.name not in data:
        return False
    data[field.name] = str(value)
    response = client.post(url, data)
    # the form comes back with the error next to the field
    assert response.status_code == 200, (field, value, response.status_code)
    assert response.context["adminform"].form.errors.get(field.name), (field, value)
    return True


def refused_by_import(obj, field, value) -> bool:
    for resource_class in (ProjectResource, IndicatorResource, MilestoneResource):
        if resource_class._meta.model is not type(obj):
            continue
        resource = resource_class()
        columns = [f for f in resource.get_export_fields() if f.attribute == field.name]
        if not columns:
            return False
        dataset = resource.export(queryset=type(obj).objects.filter(pk=obj.pk))
        row = list(dataset[0])
        row[dataset.headers.index(columns[0].column_name)] = format(value, "f")
        content = CSV().export_data(tablib.Dataset(row, headers=dataset.headers))
        result = resource_class().import_data(CSV().create_dataset(content))
        # the import page names the column and the row
        assert result.has_validation_errors(), (field, value)
        errors = result.invalid_rows[0].error_dict
        assert columns[0].column_name in errors, (field, value, errors)
        return True
    return False


def test_a_value_past_a_fields_edge_is_refused_everywhere_and_nothing_changes(data):
    office = Client()
    office.force_login(data["users"]["coordinator"])
    reporter = _api_client(data["users"]["school_reporter"])
    objects = targets(data)
    refusals = 0
    for model, field in decimal_fields():
        if not field.editable:
            continue
        obj = objects[model]
        label = (model._meta.label, field.name)
        for value in beyond(field):
            before = _stored(obj, field)
            refusals += refused_by_admin(office, obj, field, value)
            refusals += refused_by_import(obj, field, value)
            if label == ("projects.Indicator", "actual_value"):
                response = reporter.patch(
                    f"{API}/indicators/{obj.pk}/", {field.name: format(value, "f")}, format="json"
                )
                assert response.status_code == 400, (label, value, response.content)
                assert field.name in response.json()["fields"]
                refusals += 1
            if model is ProgressReport:
                body = {
                    "project": obj.project_id,
                    "period": "2024-08",
                    "reported_progress": "50",
                    "funds_disbursed_to_date": "30",
                    "work_done": "按计划推进",
                    field.name: format(value, "f"),
                }
                response = reporter.post(f"{API}/reports/", body, format="json")
                assert response.status_code == 400, (label, value, response.content)
                assert field.name in response.json()["fields"]
                refusals += 1
            assert _stored(obj, field) == before, (label, value)
    assert not ProgressReport.objects.filter(period=datetime.date(2024, 8, 1)).exists()
    assert refusals >= 40
