"""One write path: the same change through the admin and through the API gets the same answer.

For every role (the coordinating office, leadership, a reporter and the head of the lead
department, a reporter of a cooperating department, a reporter of another department) and
every group of fields (a project's own field, a baseline field, starting and closing the
project, a milestone's planned date and a completion date still to come, an indicator's
target and actual value), the change is sent once as a person submits the admin's change
form (the whole form, inlines and management data included; a role that cannot see or edit
it forges the office's form) and once as an API PATCH. Both must be allowed or both refused,
as the rule says, and leave the same row and the same change records behind.

The plan, projects and people are built once for the module; each submission runs in a
transaction that is rolled back.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from projects import commitments, services
from projects.choices import AttachmentKind, ProjectStatus
from projects.models import ChangeRequest, Indicator, Milestone, Project
from tests.factories import (
    CategoryFactory,
    DepartmentFactory,
    IndicatorFactory,
    MilestoneFactory,
    PlanFactory,
    ProjectFactory,
    coordinator,
    head,
    leader,
    reporter,
)
from tests.support.admin_forms import (
    change_url,
    english_client,
    form_data,
)

ROLES = ["office", "leadership", "lead_reporter", "lead_head", "coop_reporter", "other_reporter"]
EDITORS = {"office", "lead_reporter", "lead_head"}
REASON = "雨季停工，经区民生办研究同意调整"

# case → (model, project, field, new value, who may make it)
CASES = {
    "summary": ("project", "running", "summary", "矩阵测试改写的简介", EDITORS),
    "planned_end": ("project", "running", "planned_end", "2025-03-31", {"office"}),
    "start": ("project", "waiting", "status", ProjectStatus.IN_PROGRESS, EDITORS),
    "close": ("project", "finished", "status", ProjectStatus.COMPLETED, {"office"}),
    "milestone_date": ("milestone", "running", "planned_date", "2024-12-20", {"office"}),
    "completed_in_future": ("milestone", "running", "completed_on", "2024-10-15", set()),
    "indicator_target": ("indicator", "running", "target_value", "800.00", {"office"}),
    "indicator_actual": ("indicator", "running", "actual_value", "650.00", EDITORS),
}
INLINE_PREFIX = {"milestone": "milestones", "indicator": "indicators"}
API_PATH = {"project": "projects", "milestone": "milestones", "indicator": "indicators"}


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (10, 120, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def people_and_projects(django_db_setup, django_db_blocker):
    """Three baselined projects of the lead department, built once and removed at the end."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    with django_db_blocker.unblock(), transaction.atomic():
        lead = DepartmentFactory(name="区教育体育局（矩阵）")
        coop = DepartmentFactory(name="区住房和城乡建设局（矩阵）")
        other = DepartmentFactory(name="区民政局（矩阵）")
        plan = PlanFactory(year=2024)
        category = CategoryFactory(name="教育公平与质量提升（矩阵）", code="matrix-edu")
        users = {
            "office": coordinator("matrix_office"),
            "leadership": leader("matrix_leader"),
            "lead_reporter": reporter("matrix_lead_reporter", lead),
            "lead_head": head("matrix_lead_head", lead),
            "coop_reporter": reporter("matrix_coop_reporter", coop),
            "other_reporter": reporter("matrix_other_reporter", other),
        }
        projects = {}
        for number, (key, status, progress) in enumerate(
            [
                ("running", ProjectStatus.IN_PROGRESS, Decimal("45")),
                ("waiting", ProjectStatus.NOT_STARTED, Decimal("0")),
                ("finished", ProjectStatus.IN_PROGRESS, Decimal("100")),
            ],
            start=901,
        ):
            project = ProjectFactory(
                plan=plan,
                number=number,
                title=f"矩阵项目{number}",
                lead_department=lead,
                category=category,
                status=status,
                progress_percent=progress,
            )
            project.cooperating_departments.add(coop)
            projects[key] = project
        MilestoneFactory(
            project=projects["running"], title="主体完工", planned_date=datetime.date(2024, 8, 25)
        )
        IndicatorFactory(project=projects["running"], name="新增学位", target_value=Decimal("1000"))
        MilestoneFactory(
            project=projects["finished"],
            title="竣工验收",
            planned_date=datetime.date(2024, 8, 1),
            completed_on=datetime.date(2024, 8, 1),
        )
        commitments.plan_publish(plan=plan, by=users["office"])
        commitments.attachment_add(
            project=projects["finished"],
            by=users["office"],
            file=SimpleUploadedFile("yanshou.png", _png(), content_type="image/png"),
            kind=AttachmentKind.ACCEPTANCE,
            title="竣工验收报告",
        )
        services.lights_refresh()
        yield {"users": users, "projects": projects}
        transaction.set_rollback(True)


def _target(world, model: str, project_key: str):
    project = world["projects"][project_key]
    if model == "project":
        return Project.objects.get(pk=project.pk)
    return (Milestone if model == "milestone" else Indicator).objects.get(project=project)


def _state(world, model: str, project_key: str) -> dict:
    """The changed row (without its timestamp) and the project's change records."""
    target = _target(world, model, project_key)
    row = {
        f.attname: getattr(target, f.attname)
        for f in target._meta.concrete_fields
        if f.attname not in ("updated_at", "baselined_at")
    }
    records = list(
        ChangeRequest.objects.filter(project=world["projects"][project_key])
        .order_by("pk")
        .values_list("kind", "state", "source", "reason", "changes", "decision_number")
    )
    return {"row": row, "records": records}


def _through_admin(world, role: str, case: str) -> bool:
    model, project_key, field, value, _who = CASES[case]
    project = world["projects"][project_key]
    client = english_client()
    client.force_login(world["users"][role])
    url = change_url("project", project.pk)
    # A person edits the form they see; anyone else forges the office's.
    page = client
    if role not in EDITORS:
        page = english_client()
        page.force_login(world["users"]["office"])
    data = form_data(page, url)
    if model == "project":
        data[field] = value
    else:
        prefix = INLINE_PREFIX[model]
        pk = str(_target(world, model, project_key).pk)
        index = next(
            i for i in range(int(data[f"{prefix}-TOTAL_FORMS"])) if data[f"{prefix}-{i}-id"] == pk
        )
        # Read-only for a department once baselined: then this key is a forged one.
        data[f"{prefix}-{index}-{field}"] = value
    if role == "office":
        data["change_reason"] = REASON

    response = client.post(url, data)

    if response.status_code == 302:
        return True
    assert response.status_code in (200, 403, 404), response.status_code
    if response.status_code == 200:
        assert response.context["errors"], "refused without saying why"
    return False


def _through_api(world, role: str, case: str) -> bool:
    model, project_key, field, value, _who = CASES[case]
    client = APIClient()
    client.cookies["django_language"] = "en"
    client.force_authenticate(world["users"][role])
    body = {field: value}
    if role == "office":
        body["reason"] = REASON
    target = _target(world, model, project_key)

    response = client.patch(f"/api/v1/{API_PATH[model]}/{target.pk}/", body, format="json")

    if response.status_code == 200:
        return True
    assert response.status_code in (400, 403, 404), (response.status_code, response.content)
    if response.status_code == 400:
        assert response.json()["fields"], response.content
    return False


def _run(write, world, role, case):
    model, project_key, *_rest = CASES[case]
    with transaction.atomic():
        before = _state(world, model, project_key)
        allowed = write(world, role, case)
        after = _state(world, model, project_key)
        transaction.set_rollback(True)
    return allowed, before, after


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("role", ROLES)
def test_the_admin_and_the_api_give_the_same_answer(people_and_projects, role, case):
    world = people_and_projects
    expected = role in CASES[case][4]

    admin_allowed, before, admin_after = _run(_through_admin, world, role, case)
    api_allowed, api_before, api_after = _run(_through_api, world, role, case)

    assert api_before == before
    assert (admin_allowed, api_allowed) == (expected, expected)
    assert admin_after == api_after
    if expected:
        assert admin_after != before
    else:
        assert admin_after == before


@pytest.mark.django_db
def test_an_office_change_of_the_baseline_leaves_the_same_record_both_ways(people_and_projects):
    # given/when: the office moves the planned end through the admin, then the API
    world = people_and_projects
    results = [
        _run(write, world, "office", "planned_end") for write in (_through_admin, _through_api)
    ]

    # then: each left one approved record of an office edit, with the reason given
    for allowed, before, after in results:
        assert allowed
        assert after["row"]["planned_end"] == datetime.date(2025, 3, 31)
        assert after["row"]["baseline_end"] == before["row"]["baseline_end"]
        assert after["records"][len(before["records"]) :] == [
            (
                "change",
                "approved",
                "office_edit",
                REASON,
                [
                    {
                        "model": "project",
                        "id": world["projects"]["running"].pk,
                        "action": "update",
                        "field": "planned_end",
                        "old": "2024-12-31",
                        "new": "2025-03-31",
                    }
                ],
                "",
            )
        ]
