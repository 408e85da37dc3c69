"""The admin as each role uses it: who sees, changes and deletes what, and forged requests.

The matrix: six people (a reporter and the head of the department that leads a project, a
reporter of a department that cooperates on it, a reporter of an unrelated department, the
coordinating office and leadership) against two projects (the "own" one, led by the first
department with the second cooperating, and an "other" one led by a fourth department), for
every model the admin edits and every way of writing: change, delete, inline add, admin
actions, history revert, the report workflow and the export. A refused write answers 403 or
404 (or, for admin actions, leaves a visible refusal) and the row is reloaded to show that
nothing changed.

Requests are sent with ``Accept-Language: en`` so that assertions on messages and labels do
not depend on the Chinese catalogue.
"""

from __future__ import annotations

import copy
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.contrib import messages
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.db import transaction
from django.test import Client
from django.urls import reverse

from departments.models import Area, Department, Membership
from departments.roles import COORDINATOR_GROUP, REPORTER_GROUP
from projects import services
from projects.choices import ReportState
from projects.models import Attachment, Indicator, Milestone, ProgressReport, Project
from tests.factories import (
    AreaFactory,
    CategoryFactory,
    DepartmentFactory,
    IndicatorFactory,
    MilestoneFactory,
    PlanFactory,
    ProgressReportFactory,
    ProjectFactory,
    UserFactory,
    coordinator,
    head,
    leader,
    reporter,
)
from tests.support.admin_forms import (
    FormFields,
    add_inline_row,
    change_url,
    changelist_url,
    english_client,
    form_data,
    is_post_form,
    row,
)
from tests.support.defaults import usual_test_settings
from tests.support.files import png_upload

EDIT, VIEW, NONE = "edit", "view", "none"
ROLES = [
    "lead_reporter",
    "lead_head",
    "coop_reporter",
    "unrelated_reporter",
    "coordinator",
    "leader",
]
TARGETS = ["own", "other"]
MODELS = ["project", "milestone", "indicator", "progressreport"]

# One field each role with the right to change a row may change, and the new value.
CHANGES = {
    "project": ("summary", "改写后的项目简介"),
    "milestone": ("note", "改写后的节点说明"),
    "indicator": ("actual_value", "77.00"),
    "progressreport": ("work_done", "改写后的本月工作"),
}


def access(role: str, target: str) -> str:
    """What ``role`` may do with the rows of the ``target`` project: edit, view or nothing."""
    if role == "coordinator":
        return EDIT
    if role == "leader":
        return VIEW
    if role in ("lead_reporter", "lead_head"):
        return EDIT if target == "own" else NONE
    if role == "coop_reporter":
        return VIEW if target == "own" else NONE
    return NONE


def refused_status(role: str, target: str) -> int:
    """A row the user cannot see answers 404 (its existence is not told); a visible one 403."""
    return 404 if access(role, target) == NONE else 403


def can_delete(role: str, target: str, model: str) -> bool:
    # Projects belong to the plan: only the coordinating office deletes them.
    return access(role, target) == EDIT and (model != "project" or role == "coordinator")


# --- helpers -------------------------------------------------------------------------------


def project_state(project) -> dict:
    """A project's row and everything hanging off it, to show a refused write changed nothing."""
    return {
        "row": row(project),
        "milestones": sorted(Milestone.objects.filter(project=project).values_list("pk", "title")),
        "indicators": sorted(Indicator.objects.filter(project=project).values_list("pk", "name")),
        "attachments": Attachment.objects.filter(project=project).count(),
        "reports": sorted(
            ProgressReport.objects.filter(project=project).values_list("pk", "state")
        ),
        "cooperating": sorted(project.cooperating_departments.values_list("pk", flat=True)),
    }


def messages_of(response) -> list[tuple[int, str]]:
    return [(m.level, str(m)) for m in get_messages(response.wsgi_request)]


def refusal_shown(response) -> bool:
    """An admin action was refused in a way the user sees: 403, or a warning or error."""
    return response.status_code == 403 or any(
        level >= messages.WARNING for level, _ in messages_of(response)
    )


# --- the world the matrix runs in ----------------------------------------------------------


@dataclass
class World:
    users: dict
    departments: dict
    projects: dict
    objects: dict = field(default_factory=dict)
    clients: dict = field(default_factory=dict)

    def client(self, role: str) -> Client:
        if role not in self.clients:
            client = english_client()
            client.force_login(self.users[role])
            self.clients[role] = client
        return self.clients[role]

    def obj(self, target: str, model: str):
        return self.objects[target][model]


def build_world() -> World:
    lead = DepartmentFactory(name="区教育体育局", short_name="教体局")
    coop = DepartmentFactory(name="区住房和城乡建设局", short_name="住建局")
    other = DepartmentFactory(name="区卫生健康委员会", short_name="卫健委")
    unrelated = DepartmentFactory(name="区民政局", short_name="民政局")
    plan = PlanFactory(year=2024)
    category = CategoryFactory(name="教育公平与质量提升", code="edu")
    own = ProjectFactory(
        plan=plan, number=1, title="新建朝阳路小学", lead_department=lead, category=category
    )
    own.cooperating_departments.add(coop)
    other_project = ProjectFactory(
        plan=plan,
        number=2,
        title="秀水社区卫生服务站改造",
        lead_department=other,
        category=category,
    )
    world = World(
        users={
            "lead_reporter": reporter("lead_reporter", lead),
            "lead_head": head("lead_head", lead),
            "coop_reporter": reporter("coop_reporter", coop),
            "unrelated_reporter": reporter("unrelated_reporter", unrelated),
            "coordinator": coordinator("coordinator"),
            "leader": leader("leader"),
        },
        departments={"lead": lead, "coop": coop, "other": other, "unrelated": unrelated},
        projects={"own": own, "other": other_project},
    )
    for target, project in world.projects.items():
        world.objects[target] = {
            "project": project,
            "milestone": MilestoneFactory(project=project, title=f"{project.title}·主体完工"),
            "indicator": IndicatorFactory(project=project, name="学位数", target_value=1000),
            "progressreport": ProgressReportFactory(
                project=project,
                period=datetime.date(2024, 8, 1),
                reported_progress=Decimal("55"),
                funds_disbursed_to_date=Decimal("42"),
            ),
        }
    # Lights current as of the fixed date, so that opening a list does not recompute them.
    services.lights_refresh()
    return world


@pytest.fixture(scope="module")
def _world_rows(django_db_setup, django_db_blocker):
    """The matrix's rows, written once for the whole module and rolled back at its end.

    Every test here asks for them, and each runs in a savepoint inside this transaction
    (pytest-django's ``db``), so none sees what another wrote.
    """
    with django_db_blocker.unblock(), usual_test_settings(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def world(_world_rows, db) -> World:
    """The matrix's world, as fresh objects and clients for each test (as Django's
    ``setUpTestData`` gives): a test that changes an object in memory changes only its own."""
    return copy.deepcopy(_world_rows)


# --- view ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("role", ROLES)
def test_change_page_shows_a_row_only_to_those_who_may_see_it(world, role, target, model):
    obj = world.obj(target, model)
    field_name, _ = CHANGES[model]

    response = world.client(role).get(change_url(model, obj.pk))

    if access(role, target) == NONE:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    page = response.content.decode()
    editable = f'name="{field_name}"' in page
    assert editable is (access(role, target) == EDIT)


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("role", ROLES)
def test_changelist_lists_only_visible_rows(world, role, model):
    response = world.client(role).get(changelist_url(model))

    assert response.status_code == 200
    shown = {obj.pk for obj in response.context["cl"].result_list}
    expected = {world.obj(target, model).pk for target in TARGETS if access(role, target) != NONE}
    assert shown == expected


# --- change --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("role", ROLES)
def test_change_post(world, role, target, model):
    # given: the form as the user sees it, or (for a forged POST) as the office sees it
    obj = world.obj(target, model)
    url = change_url(model, obj.pk)
    allowed = access(role, target) == EDIT
    data = form_data(world.client(role if allowed else "coordinator"), url)
    field_name, new_value = CHANGES[model]
    data[field_name] = new_value
    before = row(obj)

    # when
    response = world.client(role).post(url, data)

    # then
    if allowed:
        assert response.status_code == 302, response.context and response.context.get("errors")
        assert str(row(obj)[field_name]) == new_value
    else:
        assert response.status_code == refused_status(role, target)
        assert row(obj) == before


# --- delete --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("role", ROLES)
def test_delete_page_and_post(world, role, target, model):
    obj = world.obj(target, model)
    url = reverse(f"admin:projects_{model}_delete", args=[obj.pk])
    client = world.client(role)
    before = row(obj)

    page = client.get(url)
    response = client.post(url, {"post": "yes"})

    if can_delete(role, target, model):
        assert page.status_code == 200
        assert response.status_code == 302
        assert not type(obj).objects.filter(pk=obj.pk).exists()
    else:
        expected = refused_status(role, target)
        assert page.status_code == expected
        assert response.status_code == expected
        assert row(obj) == before


# --- inline add on the project page --------------------------------------------------------

INLINE_ROWS = {
    "milestones": lambda: {
        "title": "新增节点·竣工验收",
        "planned_date": "2024-11-30",
        "completed_on": "",
        "weight": "2",
        "note": "",
    },
    "indicators": lambda: {
        "name": "新增指标·绿化面积",
        "unit": "平方米",
        "target_value": "500",
        "actual_value": "0",
        "order": "1",
    },
    "attachments": lambda: {
        "kind": "before",
        "title": "新增附件·施工前",
        "file": png_upload(),
        "milestone": "",
        "report": "",
    },
}


def _inline_rows(prefix: str, project) -> int:
    return {
        "milestones": Milestone.objects.filter(project=project, title__startswith="新增"),
        "indicators": Indicator.objects.filter(project=project, name__startswith="新增"),
        "attachments": Attachment.objects.filter(project=project, title__startswith="新增"),
    }[prefix].count()


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", list(INLINE_ROWS))
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("role", ROLES)
def test_inline_add_on_the_project_page(world, role, target, prefix):
    project = world.projects[target]
    url = change_url("project", project.pk)
    allowed = access(role, target) == EDIT
    data = form_data(world.client(role if allowed else "coordinator"), url)
    add_inline_row(data, prefix, INLINE_ROWS[prefix]())
    before = project_state(project)

    response = world.client(role).post(url, data)

    if allowed:
        assert response.status_code == 302, response.context and response.context.get("errors")
        assert _inline_rows(prefix, project) == 1
    else:
        assert response.status_code == refused_status(role, target)
        assert project_state(project) == before


@pytest.mark.django_db
def test_inline_row_naming_another_projects_milestone_changes_nothing(world):
    # given: the lead reporter's own project form, with its milestone row swapped for the
    # other project's milestone
    own = world.projects["own"]
    foreign = world.obj("other", "milestone")
    client = world.client("lead_reporter")
    url = change_url("project", own.pk)
    data = form_data(client, url)
    assert data["milestones-0-id"] == str(world.obj("own", "milestone").pk)
    data["milestones-0-id"] = str(foreign.pk)
    data["milestones-0-title"] = "被篡改的节点"
    before_foreign = row(foreign)
    before_milestones = sorted(Milestone.objects.values_list("pk", "project_id", "title"))

    # when
    response = client.post(url, data)

    # then: Django drops a row outside the project's own rows; no milestone changed or moved
    assert response.status_code in (200, 302)
    assert row(foreign) == before_foreign
    assert sorted(Milestone.objects.values_list("pk", "project_id", "title")) == before_milestones


@pytest.mark.django_db
def test_attachment_row_tied_to_another_projects_milestone_is_refused(world):
    own = world.projects["own"]
    client = world.client("lead_reporter")
    url = change_url("project", own.pk)
    data = form_data(client, url)
    values = INLINE_ROWS["attachments"]()
    values["milestone"] = str(world.obj("other", "milestone").pk)
    add_inline_row(data, "attachments", values)

    response = client.post(url, data)

    assert response.status_code == 200
    assert response.context["errors"]
    assert not Attachment.objects.exists()


# --- admin actions with forged ids ---------------------------------------------------------

ACTIONS = [
    ("project", "delete_selected"),
    ("milestone", "delete_selected"),
    ("indicator", "delete_selected"),
    ("progressreport", "delete_selected"),
    ("progressreport", "submit_selected"),
    ("progressreport", "approve_selected"),
    ("progressreport", "return_selected"),
]


def _action_allowed(role: str, target: str, model: str, action: str) -> bool:
    if action == "delete_selected":
        return can_delete(role, target, model)
    if action == "submit_selected":
        return access(role, target) == EDIT
    return role == "coordinator"  # approve and return: the coordinating office reviews


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "action"), ACTIONS)
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("role", ROLES)
def test_admin_action(world, role, target, model, action):
    # given
    obj = world.obj(target, model)
    if action in ("approve_selected", "return_selected"):
        ProgressReport.objects.filter(pk=obj.pk).update(state=ReportState.SUBMITTED)
    project = world.projects[target]
    before, before_project = row(obj), row(project)
    data = {"action": action, "_selected_action": [str(obj.pk)], "index": "0", "post": "yes"}
    if action == "return_selected":
        data["return_reason"] = "资金拨付数据与财政不一致"

    # when
    response = world.client(role).post(changelist_url(model), data)

    # then
    if not _action_allowed(role, target, model, action):
        assert refusal_shown(response), messages_of(response)
        assert row(obj) == before
        assert row(project) == before_project
        return
    assert response.status_code == 302
    assert not refusal_shown(response), messages_of(response)
    if action == "delete_selected":
        assert not type(obj).objects.filter(pk=obj.pk).exists()
        return
    obj.refresh_from_db()
    project.refresh_from_db()
    if action == "submit_selected":
        assert obj.state == ReportState.SUBMITTED
    elif action == "approve_selected":
        assert obj.state == ReportState.APPROVED
        assert project.progress_percent == Decimal("55")
        assert project.funds_disbursed == Decimal("42")
    else:
        assert obj.state == ReportState.RETURNED
        assert obj.return_reason == "资金拨付数据与财政不一致"


# --- history -------------------------------------------------------------------------------


def _history_form_url(model: str, obj, history_id) -> str:
    return reverse(f"admin:projects_{model}_simple_history", args=[obj.pk, history_id])


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("role", ROLES)
def test_history_pages(world, role, target, model):
    obj = world.obj(target, model)
    client = world.client(role)
    first = obj.history.earliest()

    listing = client.get(reverse(f"admin:projects_{model}_history", args=[obj.pk]))
    version = client.get(_history_form_url(model, obj, first.history_id))

    expected = 404 if access(role, target) == NONE else 200
    assert listing.status_code == expected
    assert version.status_code == expected


def _change_for_revert(obj, model: str):
    """Change ``obj`` after its first version, the way a later edit would, and return it."""
    field_name, new_value = CHANGES[model]
    setattr(obj, field_name, Decimal(new_value) if model == "indicator" else new_value)
    obj.save()
    return obj


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("role", ROLES)
def test_history_revert(world, role, target, model):
    # given: a later change, and the revert form of the first version as the office sees it
    obj = world.obj(target, model)
    first = obj.history.earliest()
    _change_for_revert(obj, model)
    url = _history_form_url(model, obj, first.history_id)
    data = form_data(world.client("coordinator"), url)
    field_name, _ = CHANGES[model]
    before = row(obj)

    # when
    response = world.client(role).post(url, data)

    # then: only the coordinating office reverts, and never a progress report (its state
    # moves through the workflow, not back through history)
    if role == "coordinator" and model != "progressreport":
        assert response.status_code == 302
        assert row(obj)[field_name] == getattr(first, field_name)
    else:
        expected = 403 if role == "coordinator" else refused_status(role, target)
        assert response.status_code == expected
        assert row(obj) == before


@pytest.mark.django_db
@pytest.mark.parametrize("state", [ReportState.DRAFT, ReportState.SUBMITTED])
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("role", ROLES)
def test_report_attachment_inline_add(world, role, target, state):
    # given: a report's page, with a photo row added (forged when the user cannot add one)
    report = world.obj(target, "progressreport")
    ProgressReport.objects.filter(pk=report.pk).update(state=state)
    url = change_url("progressreport", report.pk)
    allowed = access(role, target) == EDIT and state == ReportState.DRAFT
    data = form_data(world.client(role if allowed else "coordinator"), url)
    add_inline_row(
        data, "attachments", {"kind": "photo", "title": "现场照片", "file": png_upload()}
    )
    before = row(report)

    # when
    response = world.client(role).post(url, data)

    # then
    if allowed:
        assert response.status_code == 302, response.context and response.context.get("errors")
        attachment = Attachment.objects.get(report=report)
        assert attachment.project_id == report.project_id
        return
    if role == "coordinator":
        # The office may open a submitted report, but its attachments are frozen: the row
        # is not even part of the form.
        assert response.status_code in (200, 302)
    else:
        assert response.status_code == refused_status(role, target)
    assert not Attachment.objects.exists()
    assert row(report) == before


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_history_of_a_deleted_row_is_for_the_office_only(world, role):
    milestone = world.obj("own", "milestone")
    url = reverse("admin:projects_milestone_history", args=[milestone.pk])
    milestone.delete()

    response = world.client(role).get(url)

    assert response.status_code == (200 if role == "coordinator" else 404)


# --- add pages: a new row only for a project the user's department leads ------------------

ADD_ROWS = {
    "milestone": {
        "title": "新增节点·设备安装",
        "planned_date": "2024-10-31",
        "completed_on": "",
        "weight": "1",
        "note": "",
    },
    "indicator": {
        "name": "新增指标·覆盖户数",
        "unit": "户",
        "target_value": "300",
        "actual_value": "0",
        "order": "2",
    },
    "progressreport": {
        "period": "2024-09-01",
        "reported_progress": "62",
        "funds_disbursed_to_date": "48",
        "work_done": "新增报告·完成设备安装",
        "problems": "",
        "next_steps": "",
    },
}
NEW_ROWS = {
    "milestone": lambda: Milestone.objects.filter(title__startswith="新增"),
    "indicator": lambda: Indicator.objects.filter(name__startswith="新增"),
    "progressreport": lambda: ProgressReport.objects.filter(work_done__startswith="新增"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("model", list(ADD_ROWS))
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("role", ROLES)
def test_add_page(world, role, target, model):
    # given: the add form, with the target project chosen (forged when it is not offered)
    url = reverse(f"admin:projects_{model}_add")
    project = world.projects[target]
    allowed = access(role, target) == EDIT
    data = form_data(world.client("coordinator" if role == "leader" else role), url)
    data.update(ADD_ROWS[model], project=str(project.pk))
    before = project_state(project)

    # when
    response = world.client(role).post(url, data)

    # then
    if allowed:
        assert response.status_code == 302, response.context and response.context.get("errors")
        created = NEW_ROWS[model]().get()
        assert created.project_id == project.pk
        if model == "progressreport":
            assert created.state == ReportState.DRAFT
            assert created.author == world.users[role]
    elif role == "leader":
        assert response.status_code == 403
    else:
        # The project is not among the choices: the form comes back naming the field.
        assert response.status_code == 200
        assert "project" in response.context["adminform"].form.errors
    if not allowed:
        assert not NEW_ROWS[model]().exists()
        assert project_state(project) == before


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["milestone", "indicator", "progressreport"])
def test_a_row_cannot_be_moved_to_another_project(world, model):
    # given: the lead reporter's own row, with the other department's project forged in
    obj = world.obj("own", model)
    client = world.client("lead_reporter")
    url = change_url(model, obj.pk)
    data = form_data(client, url)
    assert "project" not in data
    data["project"] = str(world.projects["other"].pk)
    field_name, new_value = CHANGES[model]
    data[field_name] = new_value

    # when
    response = client.post(url, data)

    # then: the change the reporter may make is saved, the project is not
    assert response.status_code == 302
    after = row(obj)
    assert str(after[field_name]) == new_value
    assert after["project_id"] == world.projects["own"].pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("period", "error"),
    [
        ("2024-08-20", "This project already has a report for this month."),
        ("2024-10-01", "A report cannot be for a month in the future."),
        ("2024-13-01", "Enter a valid date."),
    ],
)
def test_report_add_page_refuses_a_bad_month(world, period, error):
    url = reverse("admin:projects_progressreport_add")
    client = world.client("lead_reporter")
    data = form_data(client, url)
    data.update(ADD_ROWS["progressreport"], project=str(world.projects["own"].pk), period=period)
    before = sorted(ProgressReport.objects.values_list("pk", "period", "state"))

    response = client.post(url, data)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert sorted(ProgressReport.objects.values_list("pk", "period", "state")) == before


# --- the report workflow URLs --------------------------------------------------------------

STEPS = ["submit", "approve", "return"]


@pytest.mark.django_db
@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("role", ROLES)
def test_report_workflow_urls(world, role, target, step):
    # given
    report = world.obj(target, "progressreport")
    if step != "submit":
        ProgressReport.objects.filter(pk=report.pk).update(state=ReportState.SUBMITTED)
    project = world.projects[target]
    before, before_project = row(report), row(project)
    url = reverse(f"admin:projects_progressreport_{step}", args=[report.pk])

    # when
    response = world.client(role).post(url, {"return_reason": "附件照片不清晰，请补充"})

    # then
    allowed = access(role, target) == EDIT if step == "submit" else role == "coordinator"
    if not allowed:
        assert response.status_code == refused_status(role, target)
        assert row(report) == before
        assert row(project) == before_project
        return
    assert response.status_code == 302
    report.refresh_from_db()
    assert (
        report.state
        == {
            "submit": ReportState.SUBMITTED,
            "approve": ReportState.APPROVED,
            "return": ReportState.RETURNED,
        }[step]
    )


@pytest.mark.django_db
@pytest.mark.parametrize("step", STEPS)
def test_report_workflow_urls_refuse_get(world, step):
    report = world.obj("own", "progressreport")
    ProgressReport.objects.filter(pk=report.pk).update(state=ReportState.SUBMITTED)
    before = row(report)

    response = world.client("coordinator").get(
        reverse(f"admin:projects_progressreport_{step}", args=[report.pk])
    )

    assert response.status_code == 405
    assert row(report) == before


@pytest.mark.django_db
def test_report_workflow_from_draft_to_approval(world):
    own = world.projects["own"]
    reporter_client = world.client("lead_reporter")
    office = world.client("coordinator")

    # the department writes a draft
    add_url = reverse("admin:projects_progressreport_add")
    data = form_data(reporter_client, add_url)
    data.update(
        project=str(own.pk),
        period="2024-09-18",
        reported_progress="64.5",
        funds_disbursed_to_date="58.30",
        work_done="教学楼主体封顶，完成室外管网铺设",
        problems="雨季影响工期",
        next_steps="开展内部装修",
    )
    response = reporter_client.post(add_url, data)
    assert response.status_code == 302
    report = ProgressReport.objects.get(project=own, period=datetime.date(2024, 9, 1))
    assert report.state == ReportState.DRAFT
    assert report.author == world.users["lead_reporter"]

    # … and submits it with the button on its page
    page = reporter_client.get(change_url("progressreport", report.pk)).content.decode()
    submit_url = reverse("admin:projects_progressreport_submit", args=[report.pk])
    assert f'formaction="{submit_url}"' in page
    response = reporter_client.post(submit_url)
    assert response.status_code == 302
    assert (messages.SUCCESS, "The report was submitted for review.") in messages_of(response)
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    assert report.submitted_at is not None

    # a submitted report is no longer the department's to change
    assert (
        f'formaction="{submit_url}"'
        not in reporter_client.get(change_url("progressreport", report.pk)).content.decode()
    )
    before = row(report)
    response = reporter_client.post(
        change_url("progressreport", report.pk), {**data, "work_done": "悄悄改掉"}
    )
    assert response.status_code == 403
    assert row(report) == before

    # the office approves it: the project's progress and funds follow
    approve_url = reverse("admin:projects_progressreport_approve", args=[report.pk])
    assert (
        f'formaction="{approve_url}"'
        in office.get(change_url("progressreport", report.pk)).content.decode()
    )
    response = office.post(approve_url)
    assert response.status_code == 302
    report.refresh_from_db()
    own.refresh_from_db()
    assert report.state == ReportState.APPROVED
    assert report.reviewed_by == world.users["coordinator"]
    assert own.progress_percent == Decimal("64.5")
    assert own.funds_disbursed == Decimal("58.30")
    latest = own.history.latest()
    assert latest.history_user == world.users["coordinator"]
    assert latest.progress_percent == Decimal("64.5")

    # a second approval is refused, visibly, and changes nothing
    before_report, before_project = row(report), row(own)
    history_rows = own.history.count()
    response = office.post(approve_url)
    assert response.status_code == 302
    errors = [text for level, text in messages_of(response) if level == messages.ERROR]
    assert errors == ["Only a submitted report can be approved; this one is “Approved”."]
    assert row(report) == before_report
    assert row(own) == before_project
    assert own.history.count() == history_rows
    # … and the report's page shows no review buttons any more
    page = office.get(change_url("progressreport", report.pk)).content.decode()
    assert f'formaction="{approve_url}"' not in page


@pytest.mark.django_db
def test_returned_report_is_corrected_and_resubmitted(world):
    report = world.obj("own", "progressreport")
    services.report_submit(report=report, by=world.users["lead_reporter"])
    office = world.client("coordinator")
    reporter_client = world.client("lead_reporter")
    return_url = reverse("admin:projects_progressreport_return", args=[report.pk])

    # a return without a reason is refused and changes nothing
    before = row(report)
    response = office.post(return_url, {"return_reason": "   "})
    assert response.status_code == 302
    assert (messages.ERROR, "Say why the report is returned.") in messages_of(response)
    assert row(report) == before

    # with a reason it goes back to the department, which sees the reason
    response = office.post(return_url, {"return_reason": "资金拨付进度与财政数据不一致"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED
    assert report.return_reason == "资金拨付进度与财政数据不一致"
    page = reporter_client.get(change_url("progressreport", report.pk)).content.decode()
    assert "资金拨付进度与财政数据不一致" in page

    # the department corrects the report and submits it again
    url = change_url("progressreport", report.pk)
    data = form_data(reporter_client, url)
    data["funds_disbursed_to_date"] = "39.50"
    response = reporter_client.post(url, data)
    assert response.status_code == 302
    response = reporter_client.post(
        reverse("admin:projects_progressreport_submit", args=[report.pk])
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    assert report.funds_disbursed_to_date == Decimal("39.50")
    assert report.return_reason == ""


def _submitted_reports(world, count: int) -> list:
    own = world.projects["own"]
    reports = [
        ProgressReportFactory(
            project=own,
            period=datetime.date(2024, month, 1),
            reported_progress=Decimal(10 * month),
            funds_disbursed_to_date=Decimal(5 * month),
            state=ReportState.SUBMITTED,
        )
        for month in range(3, 3 + count)
    ]
    return reports


@pytest.mark.django_db
def test_bulk_approval_approves_submitted_reports_and_refuses_a_draft_visibly(world):
    first, second = _submitted_reports(world, 2)
    draft = world.obj("own", "progressreport")
    before_draft = row(draft)

    response = world.client("coordinator").post(
        changelist_url("progressreport"),
        {
            "action": "approve_selected",
            "index": "0",
            "_selected_action": [str(first.pk), str(second.pk), str(draft.pk)],
        },
    )

    assert response.status_code == 302
    shown = messages_of(response)
    assert (messages.SUCCESS, "2 reports approved.") in shown
    assert any(level == messages.WARNING and str(draft) in text for level, text in shown)
    assert {r.state for r in ProgressReport.objects.filter(pk__in=[first.pk, second.pk])} == {
        ReportState.APPROVED
    }
    assert row(draft) == before_draft
    own = Project.objects.get(pk=world.projects["own"].pk)
    assert own.progress_percent == second.reported_progress  # the newest month counts


@pytest.mark.django_db
def test_bulk_return_asks_for_the_reason_on_an_intermediate_page(world):
    reports = _submitted_reports(world, 2)
    ids = [str(r.pk) for r in reports]
    office = world.client("coordinator")
    before = [row(r) for r in reports]

    # the action first asks why, and changes nothing yet
    response = office.post(
        changelist_url("progressreport"),
        {"action": "return_selected", "index": "0", "_selected_action": ids},
    )
    assert response.status_code == 200
    assert response.templates[0].name == "admin/projects/progressreport/return_selected.html"
    page = response.content.decode()
    assert all(str(r) in page for r in reports)
    assert [row(r) for r in reports] == before

    # the page posts back; an empty reason is refused on the same page
    data = {
        "action": "return_selected",
        "_selected_action": ids,
        "return_reason": "",
    }
    response = office.post(changelist_url("progressreport"), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert [row(r) for r in reports] == before

    # with a reason both go back
    data["return_reason"] = "请补充施工现场照片"
    response = office.post(changelist_url("progressreport"), data)
    assert response.status_code == 302
    assert (messages.SUCCESS, "2 reports returned.") in messages_of(response)
    for report in reports:
        report.refresh_from_db()
        assert report.state == ReportState.RETURNED
        assert report.return_reason == "请补充施工现场照片"


@pytest.mark.django_db
def test_intermediate_return_page_posts_what_the_action_expects(world):
    reports = _submitted_reports(world, 1)
    office = world.client("coordinator")
    response = office.post(
        changelist_url("progressreport"),
        {"action": "return_selected", "index": "0", "_selected_action": [str(reports[0].pk)]},
    )
    assert response.status_code == 200
    # what the page's form posts (its hidden fields name the action and the reports)
    parser = FormFields(is_post_form)
    parser.feed(response.content.decode())
    posted = dict(parser.fields)
    posted.pop("csrfmiddlewaretoken", None)
    assert posted["action"] == "return_selected"
    assert posted["_selected_action"] == str(reports[0].pk)
    posted["return_reason"] = "数据有误"

    response = office.post(changelist_url("progressreport"), posted)

    assert response.status_code == 302
    reports[0].refresh_from_db()
    assert reports[0].state == ReportState.RETURNED


# --- fields the plan fixes ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["lead_reporter", "lead_head"])
def test_department_staff_cannot_change_the_plan_fields(world, role):
    # given: the project form, with the fields the plan fixes forged into the POST
    own = world.projects["own"]
    other_plan = PlanFactory(year=2023, title="2023年民生实事")
    client = world.client(role)
    url = change_url("project", own.pk)
    data = form_data(client, url)
    assert "lead_department" not in data and "number" not in data
    data.update(
        plan=str(other_plan.pk),
        number="99",
        title="改名后的项目",
        lead_department=str(world.departments["unrelated"].pk),
        cooperating_departments=[str(world.departments["other"].pk)],
        progress_percent="100",
        funds_disbursed="999",
        planned_end="2025-12-31",
        published="",
        summary="部门更新的简介",
    )
    before = row(own)

    # when
    response = client.post(url, data)

    # then: refused on the same page, as the API refuses it, naming the fields; nothing saved
    assert response.status_code == 200
    errors = " ".join(str(e) for e in response.context["errors"])
    assert "Nothing was saved" in errors
    for label in ("lead department", "planned end", "progress"):
        assert label in errors, label
    assert "Only the coordinating office can change this field." in errors
    assert row(own) == before
    assert list(own.cooperating_departments.all()) == [world.departments["coop"]]

    # … and the form as the department sees it saves what it may change
    data = form_data(client, url)
    data["summary"] = "部门更新的简介"
    assert client.post(url, data).status_code == 302
    assert row(own)["summary"] == "部门更新的简介"


@pytest.mark.django_db
def test_the_coordinating_office_changes_the_lead_department(world):
    own = world.projects["own"]
    client = world.client("coordinator")
    url = change_url("project", own.pk)
    data = form_data(client, url)
    data["lead_department"] = str(world.departments["other"].pk)
    data["number"] = "7"

    response = client.post(url, data)

    assert response.status_code == 302
    own.refresh_from_db()
    assert own.lead_department == world.departments["other"]
    assert own.number == 7
    # … and the department that led it no longer sees it
    assert world.client("lead_reporter").get(url).status_code == 404


# --- export ------------------------------------------------------------------------------


def _export_csv(client, extra: dict | None = None) -> str:
    url = reverse("admin:projects_project_export")
    page = client.get(url)
    assert page.status_code == 200
    data = form_data(client, url, pick=is_post_form)
    csv_value = next(
        value
        for value, label in _select_options(page.content.decode(), "format")
        if label.strip() == "csv"
    )
    data["format"] = csv_value
    data.update(extra or {})
    response = client.post(url, data)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return response.content.decode("utf-8-sig")


def _select_options(html: str, name: str) -> list[tuple[str, str]]:
    """(value, label) of the options of the select ``name`` (the export's format list)."""
    start = html.index(f'name="{name}"')
    end = html.index("</select>", start)
    chunk = html[start:end]
    options = []
    for part in chunk.split("<option")[1:]:
        value = part.split('value="', 1)[1].split('"', 1)[0]
        label = part.split(">", 1)[1].split("<", 1)[0]
        options.append((value, label))
    return options


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_export_holds_only_the_projects_the_user_sees(world, role):
    text = _export_csv(world.client(role))

    for target in TARGETS:
        title = world.projects[target].title
        assert (title in text) is (access(role, target) != NONE), (target, text)


@pytest.mark.django_db
def test_export_of_forged_selected_ids_leaks_nothing(world):
    other = world.projects["other"]

    text = _export_csv(world.client("lead_reporter"), {"export_items": [str(other.pk)]})

    assert other.title not in text


# --- users, memberships, departments, areas -----------------------------------------------

STAFF_WITHOUT_USER_ADMIN = ["lead_reporter", "lead_head", "coop_reporter", "unrelated_reporter"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", STAFF_WITHOUT_USER_ADMIN)
def test_department_staff_cannot_open_users_or_memberships(world, role):
    client = world.client(role)
    user = world.users[role]
    membership = Membership.objects.get(user=user)
    for url in (
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_user_add"),
        reverse("admin:auth_user_change", args=[user.pk]),
        reverse("admin:auth_user_password_change", args=[user.pk]),
        reverse("admin:auth_group_changelist"),
        reverse("admin:departments_membership_changelist"),
        reverse("admin:departments_membership_add"),
        reverse("admin:departments_membership_change", args=[membership.pk]),
    ):
        assert client.get(url).status_code == 403, url


@pytest.mark.django_db
@pytest.mark.parametrize("role", STAFF_WITHOUT_USER_ADMIN)
def test_department_staff_cannot_change_their_own_groups_or_memberships(world, role):
    # given: forged POSTs that would make the user coordinator and move them to another dept
    client = world.client(role)
    user = world.users[role]
    membership = Membership.objects.get(user=user)
    office = Group.objects.get(name=COORDINATOR_GROUP)
    before_user = row(user)
    before_membership = row(membership)
    before_groups = set(user.groups.values_list("name", flat=True))

    # when
    responses = [
        client.post(
            reverse("admin:auth_user_change", args=[user.pk]),
            {"username": user.username, "groups": [str(office.pk)], "is_superuser": "on"},
        ),
        client.post(
            reverse("admin:departments_membership_change", args=[membership.pk]),
            {
                "user": str(user.pk),
                "department": str(world.departments["other"].pk),
                "role": "head",
            },
        ),
        client.post(
            reverse("admin:departments_membership_add"),
            {"user": str(user.pk), "department": str(world.departments["other"].pk)},
        ),
    ]

    # then
    assert [r.status_code for r in responses] == [403, 403, 403]
    assert row(user) == before_user
    assert set(user.groups.values_list("name", flat=True)) == before_groups
    assert row(membership) == before_membership
    assert Membership.objects.filter(user=user).count() == 1


@pytest.mark.django_db
def test_leadership_reads_memberships_but_changes_no_user_or_membership(world):
    client = world.client("leader")
    membership = Membership.objects.get(user=world.users["lead_reporter"])
    before = row(membership)

    listing = client.get(reverse("admin:departments_membership_changelist"))
    users = client.get(reverse("admin:auth_user_changelist"))
    change = client.post(
        reverse("admin:departments_membership_change", args=[membership.pk]),
        {"user": str(membership.user_id), "department": str(world.departments["other"].pk)},
    )
    delete = client.post(
        reverse("admin:departments_membership_delete", args=[membership.pk]), {"post": "yes"}
    )

    assert [listing.status_code, users.status_code, change.status_code, delete.status_code] == [
        200,
        403,
        403,
        403,
    ]
    assert row(membership) == before


def _user_form(client, user) -> tuple[str, dict]:
    url = reverse("admin:auth_user_change", args=[user.pk])
    return url, form_data(client, url)


@pytest.mark.django_db
def test_coordinating_office_manages_groups_but_cannot_grant_superuser(world):
    # given: the office's form for a reporter, with superuser powers forged in
    office = world.client("coordinator")
    target = world.users["unrelated_reporter"]
    head_group = Group.objects.get(name="单位负责人")
    url, data = _user_form(office, target)
    assert "is_superuser" not in data
    data.update(
        groups=[str(head_group.pk)],
        is_superuser="on",
        user_permissions=[str(pk) for pk in range(1, 20)],
        last_name="王",
    )

    # when
    response = office.post(url, data)

    # then: the group and name changed, superuser powers and permissions did not
    assert response.status_code == 302, response.context and response.context.get("errors")
    target.refresh_from_db()
    assert target.last_name == "王"
    assert list(target.groups.values_list("name", flat=True)) == ["单位负责人"]
    assert target.is_superuser is False
    assert not target.user_permissions.exists()


@pytest.mark.django_db
def test_coordinating_office_cannot_put_a_user_in_another_group(world):
    office = world.client("coordinator")
    target = world.users["unrelated_reporter"]
    powerful = Group.objects.create(name="系统管理员")
    url, data = _user_form(office, target)
    data["groups"] = [str(powerful.pk)]

    response = office.post(url, data)

    assert response.status_code == 200
    assert "groups" in response.context["adminform"].form.errors
    assert list(target.groups.values_list("name", flat=True)) == [REPORTER_GROUP]


@pytest.mark.django_db
def test_coordinating_office_cannot_edit_or_delete_a_superuser(world):
    office = world.client("coordinator")
    admin_user = UserFactory(username="admin", is_superuser=True)
    before = row(admin_user)
    change = reverse("admin:auth_user_change", args=[admin_user.pk])

    page = office.get(change)
    edit = office.post(change, {"username": "admin", "is_active": "", "last_name": "改"})
    password = office.post(
        reverse("admin:auth_user_password_change", args=[admin_user.pk]),
        {"password1": "Another-pass-2024", "password2": "Another-pass-2024"},
    )
    delete = office.post(reverse("admin:auth_user_delete", args=[admin_user.pk]), {"post": "yes"})

    assert page.status_code == 200  # read only
    assert 'name="username"' not in page.content.decode()
    assert [edit.status_code, password.status_code, delete.status_code] == [403, 403, 403]
    assert row(admin_user) == before


@pytest.mark.django_db
def test_coordinating_office_manages_departments_areas_and_memberships(world):
    office = world.client("coordinator")
    newcomer = UserFactory(username="newcomer")

    department = office.post(
        reverse("admin:departments_department_add"),
        {"name": "区城市管理局", "short_name": "城管局", "kind": "bureau", "active": "on"},
    )
    area = office.post(
        reverse("admin:departments_area_add"),
        {"name": "涂山风景区", "kind": "scenic", "order": "12"},
    )
    created = Department.objects.get(name="区城市管理局")
    membership = office.post(
        reverse("admin:departments_membership_add"),
        {"user": str(newcomer.pk), "department": str(created.pk), "role": "reporter"},
    )

    assert [department.status_code, area.status_code, membership.status_code] == [302, 302, 302]
    assert Area.objects.filter(name="涂山风景区", kind="scenic").exists()
    assert Membership.objects.filter(user=newcomer, department=created).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [*STAFF_WITHOUT_USER_ADMIN, "leader"])
def test_only_the_office_changes_departments_and_areas(world, role):
    client = world.client(role)
    department = world.departments["lead"]
    area = AreaFactory(name="朝阳社区")
    before_department, before_area = row(department), row(area)

    responses = [
        client.get(reverse("admin:departments_department_change", args=[department.pk])),
        client.post(
            reverse("admin:departments_department_change", args=[department.pk]),
            {"name": "改名", "kind": "bureau", "active": "on"},
        ),
        client.post(
            reverse("admin:departments_department_add"),
            {"name": "新单位", "kind": "bureau", "active": "on"},
        ),
        client.post(
            reverse("admin:departments_area_change", args=[area.pk]),
            {"name": "改名社区", "kind": "community", "order": "1"},
        ),
        client.post(reverse("admin:departments_area_delete", args=[area.pk]), {"post": "yes"}),
    ]

    assert [r.status_code for r in responses] == [200, 403, 403, 403, 403]
    assert row(department) == before_department
    assert row(area) == before_area
    assert not Department.objects.filter(name="新单位").exists()
