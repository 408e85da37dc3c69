"""The REST API (/api/v1/): open data for everyone, progress reporting for department staff."""

import contextlib
import copy
import csv
import datetime
import io
import re
import socket
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.core.cache import cache
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from feedback.choices import CommentState
from projects import selectors
from projects.choices import Light, ReportState
from projects.models import Indicator, Milestone, ProgressReport, Project
from projects.services import lights_refresh
from tests.factories import (
    PASSWORD,
    UserFactory,
)
from tests.support.api import API, as_user
from tests.support.plans import grow_plan

D = datetime.date


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def world(api_world):
    """The API's world (tests/support/api.py), under the name every test here uses."""
    return api_world


def error(response, status_code, code=None):
    """The answer is an error of the portal's one shape; returns its fields."""
    assert response.status_code == status_code, (response.status_code, response.content)
    body = response.json()
    assert set(body) == {"code", "message", "fields"}, body
    assert body["message"]
    if code:
        assert body["code"] == code, body
    return body["fields"]


SECRETS = [
    "未公开的项目",
    "明年草案项目",
    "草稿进展",
    "待审核的进展",
    "待审核的留言",
    "未通过的留言",
    "未公开项目的留言",
    "王秘密",
    "李保密",
    "0552-1234567",
    "0552-7654321",
    "secret-contact@example.gov.cn",
    "1390552",  # the factories' contact phone numbers
]


def assert_nothing_private(response):
    text = response.content.decode()
    for secret in SECRETS:
        assert secret not in text, secret


# --- the public reads ---------------------------------------------------------------------


def test_root_lists_every_data_set(api, world):
    body = api.get(f"{API}/").json()
    assert body["projects"] == "http://testserver/api/v1/projects/"
    assert body["schema"] == "http://testserver/api/schema/"
    for name in ("plans", "departments", "areas", "reports", "comments", "satisfaction"):
        assert api.get(body[name]).status_code == 200


def test_project_list_shows_public_projects_of_the_newest_plan(api, world):
    response = api.get(f"{API}/projects/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    rows = {row["number"]: row for row in body["results"]}
    assert set(rows) == {1, 2, 3}
    school = rows[1]
    assert school["title"] == "新建改扩建中小学校"
    assert school["plan"] == 2024
    assert school["category"] == {
        "id": world["education"].pk,
        "code": "education",
        "name": "教育公平与质量提升",
    }
    assert school["lead_department"]["name"] == "区教育体育局"
    assert school["progress_percent"] == "60.0"
    assert school["planned_investment"] == "800.00"
    assert school["funds_disbursed"] == "200.00"
    assert school["execution_rate"] == "25.0"
    assert school["status"] == "in_progress"
    assert school["light"] in Light.values
    assert school["light_display"] and school["light_reason"] is not None
    assert school["url"] == f"http://testserver/api/v1/projects/{world['school'].pk}/"
    assert school["page_url"] == f"http://testserver/projects/{world['school'].pk}/"
    assert_nothing_private(response)


def test_project_list_is_the_same_for_staff(world):
    # The open list is public data: staff see the same rows, not their unpublished ones.
    anonymous = as_user(None).get(f"{API}/projects/").json()
    staff = as_user(world["users"]["housing_reporter"]).get(f"{API}/projects/").json()
    assert anonymous["results"] == staff["results"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=completed", {3}),
        ("light=completed", {3}),
        ("q=卫生", {2}),
        ("q=第2项", {2}),
        ("q=朝阳片区", {1}),
        ("sort=-progress", [3, 1, 2]),
        ("sort=progress", [2, 1, 3]),
        ("year=2023", {1}),
    ],
)
def test_project_list_filters_like_the_public_list_page(api, world, query, expected):
    numbers = [row["number"] for row in api.get(f"{API}/projects/?{query}").json()["results"]]
    if isinstance(expected, list):
        assert numbers == expected
    else:
        assert set(numbers) == expected


def test_project_list_filters_by_category_department_area_and_group(api, world):
    def numbers(query):
        response = api.get(f"{API}/projects/?{query}")
        assert response.status_code == 200, response.content
        return {row["number"] for row in response.json()["results"]}

    assert numbers(f"category={world['health'].pk}") == {2, 3}
    assert numbers(f"department={world['housing'].pk}") == {2, 3}
    assert numbers(f"area={world['chaoyang'].pk}") == {1}
    assert numbers(f"group={world['children'].pk}") == {1}
    assert numbers(f"category={world['health'].pk}&status=in_progress") == {2}


def test_project_list_light_behind_takes_yellow_and_red(api, world):
    Project.objects.filter(pk=world["school"].pk).update(light=Light.YELLOW)
    Project.objects.filter(pk=world["clinic"].pk).update(light=Light.RED)
    rows = api.get(f"{API}/projects/?light=behind").json()["results"]
    assert {row["number"] for row in rows} == {1, 2}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("year=2025", "year"),  # not published
        ("year=abc", "year"),
        ("status=purple", "status"),
        ("light=purple", "light"),
        ("category=999999", "category"),
        ("category=abc", "category"),
        ("department=abc", "department"),
        ("sort=colour", "sort"),
        ("q=" + "长" * 101, "q"),
    ],
)
def test_project_list_refuses_a_filter_value_that_does_not_fit(api, world, query, field):
    fields = error(api.get(f"{API}/projects/?{query}"), 400, "invalid")
    assert field in fields


def test_project_list_is_paginated(api, world):
    first = api.get(f"{API}/projects/?page_size=2").json()
    assert first["count"] == 3
    assert [row["number"] for row in first["results"]] == [1, 2]
    assert first["next"] == "http://testserver/api/v1/projects/?page=2&page_size=2"
    assert first["previous"] is None
    second = api.get(first["next"]).json()
    assert [row["number"] for row in second["results"]] == [3]
    assert second["next"] is None
    error(api.get(f"{API}/projects/?page=3&page_size=2"), 404, "not_found")
    error(api.get(f"{API}/projects/?page=abc"), 404, "not_found")
    # Past the largest page size, the largest is used.
    assert len(api.get(f"{API}/projects/?page_size=1000").json()["results"]) == 3


def test_project_list_pages_keep_the_filters(api, world):
    body = api.get(f"{API}/projects/?category={world['health'].pk}&page_size=1").json()
    assert body["count"] == 2
    assert f"category={world['health'].pk}" in body["next"]


def test_project_detail_shows_milestones_indicators_and_approved_reports_only(api, world):
    school = world["school"]
    response = api.get(f"{API}/projects/{school.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["commitment"] == "建设内容及目标"
    assert [m["title"] for m in body["milestones"]] == [
        "新建改扩建中小学校·开工",
        "新建改扩建中小学校·完工",
    ]
    assert body["milestones"][0]["state"] == "overdue"
    assert body["milestones"][1]["state"] == "upcoming"
    assert body["indicators"][0]["name"] == "新建改扩建中小学校·指标"
    assert body["indicators"][0]["target_value"] == "1000.00"
    assert [r["work_done"] for r in body["reports"]] == ["新建改扩建中小学校·已通过的进展"]
    assert body["reports"][0]["period"] == "2024-05"
    assert body["cooperating_departments"] == [{"id": world["finance"].pk, "name": "区财政局"}]
    assert body["areas"] == [{"id": world["chaoyang"].pk, "name": "朝阳社区"}]
    assert body["beneficiary_groups"] == [{"id": world["children"].pk, "name": "儿童"}]
    assert_nothing_private(response)


def test_project_detail_of_an_older_published_plan_is_readable(api, world):
    assert api.get(f"{API}/projects/{world['old'].pk}/").status_code == 200


@pytest.mark.parametrize("which", ["hidden", "next_year"])
@pytest.mark.parametrize("role", ["anonymous", "housing_reporter", "coordinator"])
def test_project_detail_of_anything_unpublished_is_404(world, which, role):
    # The open data detail is the public page's: unpublished projects are for the admin.
    client = as_user(world["users"][role])
    error(client.get(f"{API}/projects/{world[which].pk}/"), 404, "not_found")


@pytest.mark.parametrize("path", ["999999/", "abc/", "99999999999999999999999/"])
def test_unknown_project_is_a_json_404(api, world, path):
    error(api.get(f"{API}/projects/{path}"), 404, "not_found")


def test_project_detail_in_english(world):
    client = APIClient()
    client.cookies["django_language"] = "en"
    body = client.get(f"{API}/projects/{world['done'].pk}/").json()
    assert body["status_display"] == "Completed"
    assert body["light_display"] == "Completed"
    assert client.get(f"{API}/projects/").json()["results"][2]["status_display"] == "Completed"


def test_plans_and_their_headline_figures(api, world):
    plans = api.get(f"{API}/plans/").json()
    assert [plan["year"] for plan in plans] == [2024, 2023]
    error(api.get(f"{API}/plans/2025/"), 404)
    error(api.get(f"{API}/plans/2025/statistics/"), 404)
    figures = api.get(plans[0]["statistics"]).json()
    assert figures["projects"] == 3
    assert figures["completed"] == 1
    assert figures["in_progress"] == 2
    assert figures["planned_investment"] == "1000.00"
    assert {c["code"]: c["project_count"] for c in figures["categories"]} == {
        "education": 1,
        "health": 2,
    }
    # 3 satisfied or fairly satisfied out of 4 (the hidden project has none).
    assert figures["satisfaction"] == {
        "total": 4,
        "satisfied": 2,
        "fairly_satisfied": 1,
        "dissatisfied": 1,
        "rate": "75.0",
    }


def test_reference_lists(api, world):
    assert [c["code"] for c in api.get(f"{API}/categories/").json()] == ["education", "health"]
    assert {g["name"] for g in api.get(f"{API}/beneficiary-groups/").json()} == {"儿童", "老年人"}
    areas = api.get(f"{API}/areas/").json()
    assert {a["name"] for a in areas} == {"朝阳社区", "长青乡"}
    assert api.get(areas[0]["url"]).json() == areas[0]


def test_departments_never_show_contact_details(api, world):
    response = api.get(f"{API}/departments/")
    names = {d["name"] for d in response.json()}
    assert {"区教育体育局", "区住房和城乡建设局", "区财政局"} <= names
    assert_nothing_private(response)
    detail = api.get(f"{API}/departments/{world['housing'].pk}/")
    assert_nothing_private(detail)
    figures = detail.json()["figures"]
    assert figures["year"] == 2024
    assert figures["lead_count"] == 2  # the clinic and the canteen; the hidden one not
    assert figures["completed_count"] == 1
    assert (
        api.get(f"{API}/departments/{world['finance'].pk}/").json()["figures"]["cooperating_count"]
        == 1
    )
    assert (
        api.get(f"{API}/departments/{world['housing'].pk}/?year=2023").json()["figures"][
            "lead_count"
        ]
        == 0
    )
    assert "year" in error(api.get(f"{API}/departments/{world['housing'].pk}/?year=2025"), 400)


def test_comments_are_published_ones_with_replies_and_no_contact(api, world):
    response = api.get(f"{API}/comments/")
    bodies = [c["body"] for c in response.json()["results"]]
    assert sorted(bodies) == ["何时完工？", "希望增加停车位"]
    assert_nothing_private(response)
    text = response.content.decode()
    assert "contact" not in text and "client_hash" not in text
    answered = next(c for c in response.json()["results"] if c["body"] == "何时完工？")
    assert answered["reply"]["body"] == "预计年底完工。"
    assert answered["reply"]["department"]["name"] == "区教育体育局"
    other = next(c for c in response.json()["results"] if c["body"] != "何时完工？")
    assert other["reply"] is None
    assert api.get(f"{API}/comments/?project={world['clinic'].pk}").json()["count"] == 0
    assert "project" in error(api.get(f"{API}/comments/?project=abc"), 400)


def test_an_unpublished_comment_is_404(api, world):
    pending = world["school"].comments.get(state=CommentState.PENDING)
    error(api.get(f"{API}/comments/{pending.pk}/"), 404)


def test_satisfaction_by_project(api, world):
    rows = {row["number"]: row for row in api.get(f"{API}/satisfaction/").json()["results"]}
    assert set(rows) == {1, 2, 3}
    assert rows[1]["total"] == 3
    assert rows[1]["rate"] == "66.7"
    assert rows[3]["rate"] is None
    one = api.get(f"{API}/satisfaction/{world['clinic'].pk}/").json()
    assert (one["satisfied"], one["rate"]) == (1, "100.0")
    error(api.get(f"{API}/satisfaction/{world['hidden'].pk}/"), 404)
    assert "year" in error(api.get(f"{API}/satisfaction/?year=2025"), 400)


# --- who reads what beyond the public data --------------------------------------------------


def report_works(client, **query):
    response = client.get(f"{API}/reports/", query)
    assert response.status_code == 200
    return {report["work_done"] for report in response.json()["results"]}


def test_anonymous_clients_read_approved_reports_of_public_projects_only(api, world):
    assert report_works(api) == {
        "新建改扩建中小学校·已通过的进展",
        "社区卫生服务中心改造·已通过的进展",
    }


def test_staff_read_their_own_projects_reports_in_every_state(world):
    housing = as_user(world["users"]["housing_reporter"])
    works = report_works(housing)
    assert "社区卫生服务中心改造·草稿进展" in works
    assert "未公开的项目·草稿进展" in works
    assert "新建改扩建中小学校·已通过的进展" in works  # public
    assert "新建改扩建中小学校·草稿进展" not in works
    # A cooperating department reads the project's reports (read only, as in the admin).
    assert "新建改扩建中小学校·草稿进展" in report_works(
        as_user(world["users"]["finance_reporter"])
    )
    assert "明年草案项目·草稿进展" in report_works(as_user(world["users"]["leader"]))


def test_another_departments_non_public_data_is_404(world):
    housing = as_user(world["users"]["housing_reporter"])
    school_draft = world["school"].reports.get(state=ReportState.DRAFT)
    error(housing.get(f"{API}/reports/{school_draft.pk}/"), 404, "not_found")
    assert (
        as_user(world["users"]["school_reporter"])
        .get(f"{API}/reports/{school_draft.pk}/")
        .status_code
        == 200
    )
    hidden_milestone = world["hidden"].milestones.first()
    school = as_user(world["users"]["school_reporter"])
    error(school.get(f"{API}/milestones/{hidden_milestone.pk}/"), 404)
    error(school.get(f"{API}/indicators/{world['hidden'].indicators.first().pk}/"), 404)
    assert housing.get(f"{API}/milestones/{hidden_milestone.pk}/").status_code == 200
    error(as_user(None).get(f"{API}/milestones/{hidden_milestone.pk}/"), 404)


def test_milestones_and_indicators_filter_by_project(api, world):
    school = world["school"]
    milestones = api.get(f"{API}/milestones/?project={school.pk}").json()
    assert milestones["count"] == 2
    assert {m["project"] for m in milestones["results"]} == {school.pk}
    indicators = api.get(f"{API}/indicators/?project={school.pk}").json()["results"]
    assert [i["name"] for i in indicators] == ["新建改扩建中小学校·指标"]
    assert api.get(f"{API}/milestones/?project={world['hidden'].pk}").json()["count"] == 0
    assert "project" in error(api.get(f"{API}/milestones/?project=1.5"), 400)
    assert "state" in error(api.get(f"{API}/reports/?state=lost"), 400)


# --- writes: the permission matrix ----------------------------------------------------------

WRITES = ["create", "submit", "approve", "return", "milestone", "indicator"]
TARGETS = ["own", "other_public", "other_hidden"]


def target_project(world, target):
    return {
        "own": world["school"],
        "other_public": world["clinic"],
        "other_hidden": world["hidden"],
    }[target]


def do_write(client, project, write):
    if write == "create":
        return client.post(
            f"{API}/reports/",
            {
                "project": project.pk,
                "period": "2024-09",
                "reported_progress": "65.5",
                "funds_disbursed_to_date": "250",
                "work_done": "九月完成屋面工程",
            },
            format="json",
        )
    if write == "submit":
        report = project.reports.get(state=ReportState.DRAFT)
        return client.post(f"{API}/reports/{report.pk}/submit/", format="json")
    if write == "approve":
        report = project.reports.get(state=ReportState.SUBMITTED)
        return client.post(f"{API}/reports/{report.pk}/approve/", format="json")
    if write == "return":
        report = project.reports.get(state=ReportState.SUBMITTED)
        return client.post(
            f"{API}/reports/{report.pk}/return/", {"reason": "请补充照片"}, format="json"
        )
    if write == "milestone":
        milestone = project.milestones.get(planned_date=D(2024, 4, 1))
        return client.patch(
            f"{API}/milestones/{milestone.pk}/", {"completed_on": "2024-09-20"}, format="json"
        )
    if write == "indicator":
        indicator = project.indicators.get()
        return client.patch(
            f"{API}/indicators/{indicator.pk}/", {"actual_value": "700"}, format="json"
        )
    raise AssertionError(write)


def snapshot():
    """Everything a write could change, history included."""
    return {
        "reports": sorted(
            ProgressReport.objects.values_list("pk", "state", "return_reason", "reviewed_by_id")
        ),
        "milestones": sorted(Milestone.objects.values_list("pk", "completed_on")),
        "indicators": sorted(Indicator.objects.values_list("pk", "actual_value")),
        "projects": sorted(
            Project.objects.values_list("pk", "progress_percent", "funds_disbursed", "status")
        ),
        "history": (
            ProgressReport.history.count(),
            Milestone.history.count(),
            Indicator.history.count(),
            Project.history.count(),
        ),
    }


WORKFLOW = {"create": 201, "submit": 200, "milestone": 200, "indicator": 200}
REVIEW = {"approve": 200, "return": 200}


def expected_status(role, target, write):
    """What each role may do: the admin's rules."""
    if role == "anonymous":
        return 401
    if role == "leader":
        return 403  # sees everything, changes nothing
    if role == "coordinator":
        return {**WORKFLOW, **REVIEW}[write]
    if write in REVIEW:
        return 403  # only the coordinating office reviews
    if target == "other_hidden":
        return 404  # another department's project the public does not see
    if target == "other_public":
        # Another department's public project: its draft report is not the reader's to see.
        return 404 if write == "submit" else 403
    # The school project: its department's staff may; the finance bureau only cooperates on
    # it, so it reads it and changes nothing.
    return 403 if role == "finance_reporter" else WORKFLOW[write]


ROLES = [
    "anonymous",
    "school_reporter",
    "school_head",
    "finance_reporter",
    "coordinator",
    "leader",
]


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(world, role, target):
    user = world["users"][role]
    project = target_project(world, target)
    for write in WRITES:
        # Each write on the same starting data: what one write does is rolled back after it.
        with transaction.atomic():
            before = snapshot()

            response = do_write(as_user(user), project, write)

            expected = expected_status(role, target, write)
            assert response.status_code == expected, (write, response.status_code, response.content)
            if expected >= 400:
                code = {401: "not_authenticated", 403: "permission_denied", 404: "not_found"}
                error(response, expected, code[expected])
                assert snapshot() == before, write
            else:
                assert snapshot() != before, write
                assert_written_by(user, write, project)
            transaction.set_rollback(True)


def assert_written_by(user, write, project):
    """The history names the API's user, as it names the admin's."""
    model = {
        "create": ProgressReport,
        "submit": ProgressReport,
        "approve": ProgressReport,
        "return": ProgressReport,
        "milestone": Milestone,
        "indicator": Indicator,
    }[write]
    latest = model.history.filter(project_id=project.pk).order_by("-history_id").first()
    assert latest.history_user_id == user.pk


def test_session_writes_need_the_csrf_token(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world["users"]["school_reporter"])
    before = snapshot()
    error(do_write(client, world["school"], "indicator"), 403, "permission_denied")
    assert snapshot() == before


def test_a_staff_account_without_staff_status_cannot_write(world):
    user = world["users"]["school_reporter"]
    user.is_staff = False
    user.save()
    before = snapshot()
    error(do_write(as_user(user), world["school"], "indicator"), 403)
    assert snapshot() == before


# --- writes: what each does -----------------------------------------------------------------


def test_a_reporter_creates_and_submits_and_the_office_approves(world):
    school = world["school"]
    reporter_client = as_user(world["users"]["school_reporter"])
    created = do_write(reporter_client, school, "create")
    assert created.status_code == 201, created.content
    report = created.json()
    assert report["state"] == "draft"
    assert report["period"] == "2024-09"
    assert report["reported_progress"] == "65.5"
    assert created["Location"] == report["url"]
    assert type(created["Location"]) is str  # exactly: a WSGI server refuses a subclass
    stored = ProgressReport.objects.get(pk=report["id"])
    assert stored.author == world["users"]["school_reporter"]
    assert stored.period == D(2024, 9, 1)

    submitted = reporter_client.post(f"{API}/reports/{report['id']}/submit/")
    assert submitted.json()["state"] == "submitted"
    # Nobody outside the department sees the report before it is approved.
    error(as_user(None).get(f"{API}/reports/{report['id']}/"), 404)

    office = as_user(world["users"]["coordinator"])
    approved = office.post(f"{API}/reports/{report['id']}/approve/")
    assert approved.json()["state"] == "approved"
    school.refresh_from_db()
    assert school.progress_percent == Decimal("65.5")
    assert school.funds_disbursed == Decimal("250")
    public = as_user(None).get(f"{API}/projects/{school.pk}/").json()
    assert public["progress_percent"] == "65.5"
    assert public["reports"][0]["work_done"] == "九月完成屋面工程"


def test_the_office_returns_a_report_with_a_reason(world):
    report = world["school"].reports.get(state=ReportState.SUBMITTED)
    office = as_user(world["users"]["coordinator"])
    body = office.post(
        f"{API}/reports/{report.pk}/return/", {"reason": "请补充照片"}, format="json"
    )
    assert body.json()["state"] == "returned"
    assert body.json()["return_reason"] == "请补充照片"


def test_milestone_completion_refreshes_the_light(world):
    school = world["school"]
    milestone = school.milestones.get(planned_date=D(2024, 4, 1))
    client = as_user(world["users"]["school_reporter"])
    response = client.patch(
        f"{API}/milestones/{milestone.pk}/", {"completed_on": "2024-04-02"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["state"] == "done"
    milestone.refresh_from_db()
    assert milestone.completed_on == D(2024, 4, 2)
    school.refresh_from_db()
    assert "开工" not in school.light_reason  # no longer overdue
    # Null clears it again.
    cleared = client.patch(
        f"{API}/milestones/{milestone.pk}/", {"completed_on": None}, format="json"
    )
    assert cleared.json()["completed_on"] is None


def test_indicator_actual_value(world):
    indicator = world["school"].indicators.get()
    response = as_user(world["users"]["school_head"]).patch(
        f"{API}/indicators/{indicator.pk}/", {"actual_value": 650.6}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["actual_value"] == "650.60"
    assert response.json()["completion_percent"] == "65.1"


# --- writes: bad input ----------------------------------------------------------------------


def report_body(project, changes=None):
    body = {
        "project": project.pk,
        "period": "2024-09",
        "reported_progress": "60",
        "funds_disbursed_to_date": "100",
        "work_done": "完成主体施工",
    }
    body.update(changes or {})
    return {key: value for key, value in body.items() if value is not ...}


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"progres": "60"}, "progres", "Unknown field"),
        ({"state": "approved"}, "state", "Unknown field"),
        ({"reported_progress": "130"}, "reported_progress", "100"),
        ({"reported_progress": "-1"}, "reported_progress", "0"),
        ({"reported_progress": "abc"}, "reported_progress", ""),
        ({"reported_progress": "60.55"}, "reported_progress", "1"),
        ({"reported_progress": True}, "reported_progress", ""),
        ({"funds_disbursed_to_date": "-5"}, "funds_disbursed_to_date", "0"),
        ({"funds_disbursed_to_date": [1]}, "funds_disbursed_to_date", ""),
        ({"period": "2024-10"}, "period", "future"),
        ({"period": "2025-01-15"}, "period", "future"),
        ({"period": "2024-13"}, "period", "YYYY-MM"),
        ({"period": "September"}, "period", "YYYY-MM"),
        ({"period": 202409}, "period", "YYYY-MM"),
        ({"period": "2024-07"}, "period", "already has a report"),  # the draft's month
        ({"period": "2024-05-20"}, "period", "already has a report"),  # the approved one's
        ({"work_done": ""}, "work_done", ""),
        ({"work_done": ...}, "work_done", ""),
        ({"work_done": "a\x00b"}, "work_done", ""),
        ({"project": "abc"}, "project", ""),
        ({"project": ...}, "project", ""),
        ({"project": 1.5}, "project", ""),
        ({"project": 2**70}, "project", ""),
        ({"project": 0}, "project", ""),
    ],
)
def test_a_bad_report_is_refused_naming_the_field(world, changes, field, words):
    # In English: the words of each message are checked.
    client = as_user(world["users"]["school_reporter"], language="en")
    before = snapshot()
    response = client.post(f"{API}/reports/", report_body(world["school"], changes), format="json")
    fields = error(response, 400, "invalid")
    assert field in fields, fields
    assert words.lower() in " ".join(fields[field]).lower(), fields
    assert snapshot() == before


def test_a_second_report_for_the_same_month_is_refused(world):
    client = as_user(world["users"]["school_reporter"])
    assert (
        client.post(f"{API}/reports/", report_body(world["school"]), format="json").status_code
        == 201
    )
    before = snapshot()
    fields = error(
        client.post(
            f"{API}/reports/", report_body(world["school"], {"work_done": "again"}), format="json"
        ),
        400,
    )
    assert "period" in fields
    assert snapshot() == before


def test_a_body_that_is_not_json_is_refused(world):
    client = as_user(world["users"]["school_reporter"])
    before = snapshot()
    error(
        client.post(f"{API}/reports/", "{not json", content_type="application/json"),
        400,
        "parse_error",
    )
    error(
        client.post(f"{API}/reports/", report_body(world["school"]), format="multipart"),
        415,
        "unsupported_media_type",
    )
    fields = error(client.post(f"{API}/reports/", [1, 2], format="json"), 400)
    assert "non_field_errors" in fields or "project" in fields
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"completed_on": "2024-10-01"}, "completed_on"),  # a day still to come
        ({"completed_on": "yesterday"}, "completed_on"),
        ({}, "non_field_errors"),  # nothing to change
        ({"completed_on": "2024-09-01", "name": "改名"}, "name"),
        ({"completed_on": "2024-09-01", "done": True}, "done"),
    ],
)
def test_a_bad_milestone_change_is_refused(world, body, field):
    milestone = world["school"].milestones.first()
    before = snapshot()
    response = as_user(world["users"]["school_reporter"]).patch(
        f"{API}/milestones/{milestone.pk}/", body, format="json"
    )
    assert field in error(response, 400, "invalid")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ("-1", "actual_value"),
        ("abc", "actual_value"),
        ("1.234", "actual_value"),
        (None, "actual_value"),
    ],
)
def test_a_bad_indicator_value_is_refused(world, value, field):
    indicator = world["school"].indicators.get()
    before = snapshot()
    response = as_user(world["users"]["school_reporter"]).patch(
        f"{API}/indicators/{indicator.pk}/", {"actual_value": value}, format="json"
    )
    assert field in error(response, 400, "invalid")
    assert snapshot() == before


def test_workflow_refusals_name_the_state_or_the_reason(world):
    office = as_user(world["users"]["coordinator"])
    draft = world["school"].reports.get(state=ReportState.DRAFT)
    approved = world["school"].reports.get(state=ReportState.APPROVED)
    submitted = world["school"].reports.get(state=ReportState.SUBMITTED)
    before = snapshot()
    assert "state" in error(office.post(f"{API}/reports/{draft.pk}/approve/"), 400)
    assert "state" in error(
        office.post(f"{API}/reports/{approved.pk}/return/", {"reason": "x"}, format="json"), 400
    )
    assert "state" in error(office.post(f"{API}/reports/{approved.pk}/submit/"), 400)
    assert "reason" in error(
        office.post(f"{API}/reports/{submitted.pk}/return/", {"reason": "  "}, format="json"), 400
    )
    assert "reason" in error(
        office.post(f"{API}/reports/{submitted.pk}/return/", {}, format="json"), 400
    )
    assert "note" in error(
        office.post(f"{API}/reports/{submitted.pk}/approve/", {"note": "ok"}, format="json"), 400
    )
    assert snapshot() == before


def test_methods_the_api_does_not_offer(world):
    client = as_user(world["users"]["coordinator"])
    milestone = world["school"].milestones.first()
    error(
        client.put(f"{API}/milestones/{milestone.pk}/", {"completed_on": None}, format="json"), 405
    )
    error(client.delete(f"{API}/milestones/{milestone.pk}/"), 405)
    error(client.post(f"{API}/projects/", {}, format="json"), 405, "method_not_allowed")


# --- tokens ---------------------------------------------------------------------------------


def test_a_token_is_obtained_used_and_revoked(world):
    api = APIClient()
    response = api.post(
        f"{API}/auth/token/",
        {"username": "jiaoyu", "password": "Minsheng-test-2024"},
        format="json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert token == Token.objects.get(user__username="jiaoyu").key
    # The same token when asked again.
    again = api.post(
        f"{API}/auth/token/",
        {"username": "jiaoyu", "password": "Minsheng-test-2024"},
        format="json",
    )
    assert again.json()["token"] == token

    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert do_write(api, world["school"], "indicator").status_code == 200
    assert api.delete(f"{API}/auth/token/").status_code == 204
    error(do_write(api, world["school"], "milestone"), 401, "authentication_failed")


@pytest.mark.parametrize(
    "body",
    [
        {"username": "jiaoyu", "password": "wrong"},
        {"username": "nobody", "password": "Minsheng-test-2024"},
        {"username": "resident", "password": "Minsheng-test-2024"},
        {"username": "jiaoyu"},
        {"username": "jiaoyu", "password": "Minsheng-test-2024", "remember": True},
    ],
)
def test_a_token_needs_the_password_of_a_staff_account(world, body):
    UserFactory(username="resident", is_staff=False)
    error(APIClient().post(f"{API}/auth/token/", body, format="json"), 400, "invalid")
    assert not Token.objects.exists()


def test_anonymous_revoke_is_401(api, world):
    error(api.delete(f"{API}/auth/token/"), 401, "not_authenticated")


def test_a_wrong_token_is_401_even_on_reads(api, world):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    error(api.get(f"{API}/projects/"), 401, "authentication_failed")


def obtain_token(client, username="jiaoyu", password=PASSWORD):
    return client.post(
        f"{API}/auth/token/", {"username": username, "password": password}, format="json"
    )


def test_no_answer_of_the_token_address_may_be_stored(world):
    api = APIClient()
    for response in (obtain_token(api), obtain_token(api, password="wrong")):
        assert "no-store" in response["Cache-Control"], response.status_code
        assert response["Pragma"] == "no-cache"


@pytest.mark.parametrize("days", [30, 1])
def test_a_token_expires_and_signing_in_again_gives_a_new_one(world, settings, days):
    settings.API_TOKEN_TTL_DAYS = days
    issued = datetime.datetime(2024, 9, 30, 9, 0, tzinfo=datetime.UTC)
    period = datetime.timedelta(days=days)
    api = APIClient()
    with time_machine.travel(issued, tick=False) as traveller:
        answer = obtain_token(api).json()
        token = answer["token"]
        assert datetime.datetime.fromisoformat(answer["expires"]) == issued + period
        api.credentials(HTTP_AUTHORIZATION=f"Token {token}")

        # a second before its time the token still writes; asking again gives the same one
        traveller.move_to(issued + period - datetime.timedelta(seconds=1))
        assert do_write(api, world["school"], "indicator").status_code == 200
        assert obtain_token(APIClient()).json()["token"] == token

        # at its time it is refused, on reads too, saying why and what to do
        traveller.move_to(issued + period)
        error(do_write(api, world["school"], "milestone"), 401, "authentication_failed")
        message = api.get(f"{API}/projects/").json()["message"]
        assert "令牌已过期" in message and "/api/v1/auth/token/" in message
        api.cookies["django_language"] = "en"
        message = api.get(f"{API}/projects/").json()["message"]
        assert message.startswith("The token has expired.")

        # signing in again issues a fresh token, valid for a whole period again
        fresh = obtain_token(APIClient()).json()
        assert fresh["token"] != token
        assert datetime.datetime.fromisoformat(fresh["expires"]) == issued + 2 * period
        api.credentials(HTTP_AUTHORIZATION=f"Token {fresh['token']}")
        assert do_write(api, world["school"], "milestone").status_code == 200


def test_the_coordinating_office_sees_and_revokes_tokens_in_the_admin(world, client):
    key = obtain_token(APIClient()).json()["token"]
    holder = Token.objects.get(key=key).user
    office = Client()
    office.cookies["django_language"] = "en"
    office.force_login(world["users"]["coordinator"])
    changelist = "/admin/authtoken/tokenproxy/"

    listed = office.get(changelist)
    assert listed.status_code == 200
    assert "jiaoyu" in listed.content.decode()
    assert key not in listed.content.decode()  # a key signs in as its holder: never shown
    assert office.get(changelist + "add/").status_code == 403  # issued only for a password
    shown = office.get(f"{changelist}{holder.pk}/change/")
    assert shown.status_code == 200
    assert '<div class="readonly">valid</div>' in shown.content.decode()
    assert key not in shown.content.decode()

    confirm = office.get(f"{changelist}{holder.pk}/delete/")
    assert confirm.status_code == 200 and key not in confirm.content.decode()
    response = office.post(f"{changelist}{holder.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert key not in office.get("/admin/").content.decode()  # the recent actions
    assert not Token.objects.filter(user=holder).exists()
    revoked = APIClient()
    revoked.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    error(revoked.get(f"{API}/projects/"), 401, "authentication_failed")


@pytest.mark.parametrize("role", ["school_reporter", "leader"])
def test_no_one_else_sees_or_revokes_tokens_in_the_admin(world, role):
    key = obtain_token(APIClient()).json()["token"]
    holder = Token.objects.get(key=key).user
    staff = Client()
    staff.force_login(world["users"][role])

    assert staff.get("/admin/authtoken/tokenproxy/").status_code == 403
    assert (
        staff.post(f"/admin/authtoken/tokenproxy/{holder.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert "authtoken" not in staff.get("/admin/").content.decode()
    assert Token.objects.filter(key=key).exists()


# --- errors raised outside the API's views ---------------------------------------------------


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    "body", ["[" * 950, nested(10_000), nested(33), '{"username": ' + nested(40) + "}"]
)
def test_deeply_nested_json_is_refused_as_unparseable(world, body):
    response = APIClient().post(f"{API}/auth/token/", body, content_type="application/json")
    error(response, 400, "parse_error")
    assert not Token.objects.exists()


def test_nesting_a_request_needs_is_parsed(world):
    # 32 levels are read, and refused for what they say, not for their depth.
    body = '{"username": ' + nested(31) + ', "password": "x"}'
    response = APIClient().post(f"{API}/auth/token/", body, content_type="application/json")
    assert "username" in error(response, 400, "invalid")


def test_a_deep_write_changes_nothing(world):
    indicator = world["school"].indicators.first()
    before = indicator.actual_value
    client = as_user(world["users"]["school_reporter"])
    body = '{"actual_value": ' + "[" * 5000 + "1" + "]" * 5000 + "}"
    response = client.patch(
        f"{API}/indicators/{indicator.pk}/", body, content_type="application/json"
    )
    error(response, 400, "parse_error")
    indicator.refresh_from_db()
    assert indicator.actual_value == before


@pytest.fixture
def failing_project_page(monkeypatch):
    """Reading one project fails as an unforeseen bug would (the API and the page both ask)."""

    def broken(pk):
        raise RuntimeError("a bug in reading the project")

    monkeypatch.setattr(selectors, "project_for_public", broken)


def test_an_unexpected_error_answers_the_api_error_shape(world, failing_project_page):
    api = APIClient(raise_request_exception=False)
    response = api.get(f"{API}/projects/{world['school'].pk}/")
    error(response, 500, "server_error")
    assert response["Content-Type"] == "application/json"
    assert "服务器" in response.json()["message"]
    assert "RuntimeError" not in response.content.decode()
    api.cookies["django_language"] = "en"
    message = api.get(f"{API}/projects/{world['school'].pk}/").json()["message"]
    assert message.startswith("Something went wrong on our side.")


def test_an_unexpected_error_on_a_page_still_answers_the_page(world, failing_project_page, client):
    client.raise_request_exception = False
    response = client.get(f"/projects/{world['school'].pk}/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert '<html lang="zh-CN">' in response.content.decode()


@contextlib.contextmanager
def database_unreachable(tmp_path):
    """The database connection is opened anew against a database that cannot be reached.

    PostgreSQL: a port on which nothing listens (held, so no one else takes it); SQLite: a
    file in a folder that does not exist. The test's own connection is put back afterwards.
    """
    original = connections["default"]
    settings_dict = copy.deepcopy(original.settings_dict)
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        if original.vendor == "postgresql":
            settings_dict.update(HOST="127.0.0.1", PORT=str(held.getsockname()[1]))
        else:
            settings_dict["NAME"] = str(tmp_path / "no-such-folder" / "db.sqlite3")
        unreachable = type(original)(settings_dict, "default")
        connections["default"] = unreachable
        try:
            yield
        finally:
            unreachable.close()
            connections["default"] = original


@pytest.mark.parametrize(
    "request_of",
    [
        lambda api, world: api.get(f"{API}/projects/"),
        lambda api, world: api.get(f"{API}/projects/{world['school'].pk}/"),
        lambda api, world: obtain_token(api),
    ],
    ids=["list", "detail", "token"],
)
def test_an_unreachable_database_answers_503_in_the_api_error_shape(world, tmp_path, request_of):
    api = APIClient(raise_request_exception=False)
    with database_unreachable(tmp_path):
        response = request_of(api, world)
    error(response, 503, "service_unavailable")
    assert response["Retry-After"] == "30"
    assert "稍后重试" in response.json()["message"]
    # and back again once the database answers
    assert api.get(f"{API}/projects/").status_code == 200


def test_an_unreachable_database_on_a_page_answers_the_500_page(world, tmp_path, client):
    client.raise_request_exception = False
    with database_unreachable(tmp_path):
        response = client.get("/projects/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert '<html lang="zh-CN">' in response.content.decode()


def test_the_schema_describes_the_new_answers(api):
    schema = api.get("/api/schema/?format=json").json()
    token = schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]
    assert {"400", "429", "500", "503"} <= set(token)
    assert "locked_out" in token["429"]["description"]
    assert "expires" in schema["components"]["schemas"]["Token"]["properties"]
    projects = schema["paths"]["/api/v1/projects/"]["get"]["responses"]
    assert "expired" in projects["401"]["description"]
    assert "service_unavailable" in projects["503"]["description"]


# --- conditional requests and throttling -----------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/projects/",
        "/projects/{school}/",
        "/plans/2024/statistics/",
        "/comments/",
        "/projects/csv/",
    ],
)
def test_reads_carry_an_etag_and_answer_304_when_unchanged(api, world, path):
    path = API + path.format(school=world["school"].pk)
    first = api.get(path)
    etag = first["ETag"]
    assert etag.startswith('"')
    again = api.get(path, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert api.get(path, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_the_etag_changes_when_the_data_does(api, world):
    path = f"{API}/projects/{world['school'].pk}/"
    etag = api.get(path)["ETag"]
    report = world["school"].reports.get(state=ReportState.SUBMITTED)
    as_user(world["users"]["coordinator"]).post(f"{API}/reports/{report.pk}/approve/")
    changed = api.get(path, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_the_etag_follows_the_language(world):
    zh, en = APIClient(), APIClient()
    en.cookies["django_language"] = "en"
    path = f"{API}/projects/{world['done'].pk}/"
    assert zh.get(path)["ETag"] != en.get(path)["ETag"]
    assert "Cookie" in zh.get(path)["Vary"]


def test_anonymous_clients_are_throttled(api, world, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "user": "1000/minute", "token": "3/minute"},
    }
    for _ in range(3):
        assert api.get(f"{API}/categories/").status_code == 200
    response = api.get(f"{API}/categories/")
    error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    # Signed-in staff count separately, at their own rate.
    assert as_user(world["users"]["school_reporter"]).get(f"{API}/categories/").status_code == 200
    cache.clear()
    assert api.get(f"{API}/categories/").status_code == 200


def test_anonymous_clients_are_held_to_the_anonymous_rate_only(api, world, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "10/minute", "user": "2/minute", "token": "3/minute"},
    }
    for _ in range(10):
        assert api.get(f"{API}/categories/").status_code == 200
    error(api.get(f"{API}/categories/"), 429, "throttled")


def test_signed_in_users_are_throttled_at_their_rate(world, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1000/minute", "user": "2/minute", "token": "3/minute"},
    }
    reporter = as_user(world["users"]["school_reporter"])
    for _ in range(2):
        assert reporter.get(f"{API}/categories/").status_code == 200
    error(reporter.get(f"{API}/categories/"), 429, "throttled")
    # Another user has a count of their own.
    assert as_user(world["users"]["coordinator"]).get(f"{API}/categories/").status_code == 200


def test_token_attempts_are_throttled(world, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100/minute", "user": "100/minute", "token": "2/minute"},
    }
    api = APIClient()
    body = {"username": "jiaoyu", "password": "wrong"}
    for _ in range(2):
        error(api.post(f"{API}/auth/token/", body, format="json"), 400)
    error(api.post(f"{API}/auth/token/", body, format="json"), 429, "throttled")


# --- open data downloads --------------------------------------------------------------------


def csv_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())  # the byte-order mark Excel needs
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_download_has_chinese_headers_and_follows_the_filters(api, world):
    response = api.get(f"{API}/projects/csv/")
    assert "attachment" in response["Content-Disposition"]
    assert ".csv" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert [row["序号"] for row in rows] == ["1", "2", "3"]
    school = rows[0]
    assert school["项目名称"] == "新建改扩建中小学校"
    assert school["牵头单位"] == "区教育体育局"
    assert school["配合单位"] == "区财政局"
    assert school["覆盖区域"] == "朝阳社区"
    assert school["状态"] == "推进中"
    assert school["进度（%）"] == "60.0"
    assert school["计划投资（万元）"] == "800.00"
    assert school["资金执行率（%）"] == "25.0"
    assert school["完成日期"] == ""
    assert_nothing_private(response)

    filtered = csv_rows(
        api.get(f"{API}/projects/csv/?category={world['health'].pk}&sort=-progress")
    )
    assert [row["项目名称"] for row in filtered] == ["老年助餐点建设", "社区卫生服务中心改造"]
    assert filtered[0]["红黄绿灯"] == "已完成"
    assert "status" in error(api.get(f"{API}/projects/csv/?status=purple"), 400)


def test_csv_download_is_chinese_whatever_the_language(world):
    client = APIClient()
    client.cookies["django_language"] = "en"
    rows = csv_rows(client.get(f"{API}/projects/csv/"))
    assert rows[2]["状态"] == "已完成"


def test_csv_download_answers_even_when_asked_for_csv(api, world):
    assert api.get(f"{API}/projects/csv/", HTTP_ACCEPT="text/csv").status_code == 200


def test_excel_download(api, world):
    response = api.get(f"{API}/projects/xlsx/?status=completed")
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:4] == ("年度", "序号", "项目名称", "领域")
    assert [row[2] for row in rows[1:]] == ["老年助餐点建设"]


# --- the schema and its page ----------------------------------------------------------------


def test_schema_and_docs_are_served_without_a_cdn(api, db):
    schema = api.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/projects/" in paths
    assert "/api/v1/reports/{id}/approve/" in paths
    docs = api.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()


def test_every_operation_and_parameter_is_described_in_both_languages(api, db):
    schema = api.get("/api/schema/?format=json").json()

    def bilingual(text):
        chinese = any("\u4e00" <= ch <= "\u9fff" for ch in text or "")
        english = re.search(r"[A-Za-z]{2,}", text or "")
        return chinese and bool(english) and "/" in text

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert bilingual(operation.get("summary")), where
            for parameter in operation.get("parameters", []):
                assert bilingual(parameter.get("description")), (where, parameter["name"])
            for status_code, response in operation["responses"].items():
                assert bilingual(response.get("description")), (where, status_code)
                if status_code.startswith("4"):
                    content = response["content"]["application/json"]["schema"]
                    assert content == {"$ref": "#/components/schemas/Error"}, where


def test_unknown_api_addresses_answer_json(api, db):
    error(api.get("/api/v1/nothing-here/"), 404, "not_found")
    error(api.get("/api/v2/"), 404, "not_found")
    redirect = api.get(f"{API}/projects?status=completed")
    assert redirect.status_code == 301
    assert redirect["Location"] == f"{API}/projects/?status=completed"


# --- queries do not grow with the number of projects ----------------------------------------


def count_queries(client, path):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.content[:300])
    return len(queries)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_queries_do_not_grow_with_the_number_of_projects(world, language):
    client = APIClient()
    client.cookies["django_language"] = language
    plan = world["plan"]
    categories = [world["education"], world["health"]]
    departments = [world["schools"], world["housing"]]
    areas = [world["chaoyang"]]
    school = world["school"].pk
    health = world["health"].pk
    paths = [
        "/projects/",
        f"/projects/?category={health}&area={world['chaoyang'].pk}&q=批量&sort=-progress&page=2",
        f"/projects/{school}/",
        "/reports/",
        "/milestones/",
        "/comments/",
        "/satisfaction/",
        "/plans/2024/statistics/",
    ]
    grow_plan(plan, categories, departments, areas, 47, start=100)
    lights_refresh()
    assert Project.objects.published().filter(plan=plan).count() == 50
    small = {path: count_queries(client, API + path) for path in paths}

    grow_plan(plan, categories, departments, areas, 1950, start=1000)
    lights_refresh()
    assert Project.objects.published().filter(plan=plan).count() == 2000
    large = {path: count_queries(client, API + path) for path in paths}

    assert small == large
    # Pinned, so that a new query is a decision rather than an accident.
    relabel = 0 if language == "zh-hans" else 2  # light reasons worked out in English
    assert small["/projects/"] == 4 + relabel
    # The project: 10 with its approved changes and decisions (one query, however many).
    assert small[f"/projects/{school}/"] == 10


def test_staff_queries_do_not_grow_either(world):
    def count():
        # A fresh user each time: roles and departments are read once per request.
        user = UserFactory._meta.model.objects.get(username="zhujian")
        return count_queries(as_user(user), f"{API}/reports/")

    health, housing, chaoyang = world["health"], world["housing"], world["chaoyang"]
    grow_plan(world["plan"], [health], [housing], [chaoyang], 47, start=100)
    small = count()
    grow_plan(world["plan"], [health], [housing], [chaoyang], 500, start=1000)
    assert count() == small == 4


def test_the_schema_does_not_upset_the_year_filter(api, world, client):
    # Building the schema reads the list's filters; the years must still be this request's.
    assert api.get("/api/schema/").status_code == 200
    rows = api.get(f"{API}/projects/?year=2023").json()["results"]
    assert [row["title"] for row in rows] == ["去年的项目"]
    assert client.get("/projects/?year=2023").context["plan"].year == 2023


def test_a_forged_post_to_an_unknown_api_address_writes_nothing(db):
    # given: a cross-site form post with no CSRF token and a hostile body
    from django.apps import apps

    client = APIClient(enforce_csrf_checks=True)
    before = {model._meta.label: model._default_manager.count() for model in apps.get_models()}

    # when
    response = client.post("/api/v1/reports/../../admin/", {"<script>": "alert(1)"}, format="json")
    other = client.post("/api/v1/nothing-here", {"state": "approved"}, format="json")

    # then: a JSON 404, never a redirect or a page that echoes the input, and nothing written
    for answer in (response, other):
        assert answer.status_code == 404
        assert answer["Content-Type"].startswith("application/json")
        assert b"<script>" not in answer.content
    after = {model._meta.label: model._default_manager.count() for model in apps.get_models()}
    assert after == before
