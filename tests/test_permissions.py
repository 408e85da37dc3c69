"""The one rule of who may do what to which project (projects/permissions.py), per role,
against the lead department's project and another department's, in both its forms: the
object permissions the admin, the API and the services ask, and the queryset filters."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from projects.models import Milestone, Project
from projects.permissions import projects_editable_by
from tests.factories import (
    DepartmentFactory,
    MilestoneFactory,
    PlanFactory,
    ProjectFactory,
    coordinator,
    head,
    leader,
    reporter,
)

pytestmark = pytest.mark.django_db

ROLES = [
    "office",
    "leadership",
    "lead_reporter",
    "lead_head",
    "cooperating_reporter",
    "other_reporter",
    "anonymous",
]
PERMISSIONS = [
    "projects.view_project",
    "projects.report_on_project",
    "projects.change_project",
    "projects.change_plan_fields",
    "projects.change_baseline",
    "projects.request_change",
    "projects.decide_change",
    "projects.add_milestone",
    "projects.change_milestone",
    "projects.delete_milestone",
    "projects.change_indicator",
    "projects.add_attachment",
]
OFFICE_ONLY = {
    "projects.change_plan_fields",
    "projects.change_baseline",
    "projects.decide_change",
}
# Who may do each thing to the project their department (the "lead" one) leads.
EXPECTED = {
    "office": set(PERMISSIONS) - {"projects.request_change"},
    "leadership": {"projects.view_project"},
    "lead_reporter": set(PERMISSIONS) - OFFICE_ONLY,
    "lead_head": set(PERMISSIONS) - OFFICE_ONLY,
    "cooperating_reporter": {"projects.view_project"},
    "other_reporter": set(),
    "anonymous": set(),
}


@pytest.fixture
def world():
    lead = DepartmentFactory(name="区教育体育局")
    helper = DepartmentFactory(name="区住房和城乡建设局")
    other = DepartmentFactory(name="区卫生健康委")
    plan = PlanFactory()
    project = ProjectFactory(plan=plan, lead_department=lead)
    project.cooperating_departments.add(helper)
    elsewhere = ProjectFactory(plan=plan, lead_department=other)
    MilestoneFactory(project=project)
    MilestoneFactory(project=elsewhere)
    users = {
        "office": coordinator("office"),
        "leadership": leader("leader"),
        "lead_reporter": reporter("lead_reporter", lead),
        "lead_head": head("lead_head", lead),
        "cooperating_reporter": reporter("helper", helper),
        "other_reporter": reporter("other", DepartmentFactory(name="区民政局")),
        "anonymous": AnonymousUser(),
    }
    return project, elsewhere, users


def fresh(user):
    # A new object each time: the roles are cached on the user instance.
    return user if isinstance(user, AnonymousUser) else type(user).objects.get(pk=user.pk)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_on_the_lead_departments_project(world, role):
    project, _elsewhere, users = world
    user = fresh(users[role])

    allowed = {name for name in PERMISSIONS if user.has_perm(name, project)}

    assert allowed == EXPECTED[role]


@pytest.mark.parametrize("role", ["lead_reporter", "lead_head", "cooperating_reporter"])
def test_department_staff_may_do_nothing_to_another_departments_project(world, role):
    _project, elsewhere, users = world
    user = fresh(users[role])

    assert {name for name in PERMISSIONS if user.has_perm(name, elsewhere)} == set()


def test_milestone_rules_answer_for_the_milestone_as_for_its_project(world):
    project, elsewhere, users = world
    own, foreign = MilestoneFactory(project=project), MilestoneFactory(project=elsewhere)
    user = fresh(users["lead_reporter"])

    assert user.has_perm("projects.change_milestone", own)
    assert not user.has_perm("projects.change_milestone", foreign)


def test_without_an_object_the_groups_answer_as_before(world):
    _project, _elsewhere, users = world

    assert fresh(users["lead_reporter"]).has_perm("projects.change_milestone")
    assert fresh(users["lead_reporter"]).has_perm("projects.change_project")
    assert not fresh(users["leadership"]).has_perm("projects.change_milestone")
    assert not fresh(users["lead_reporter"]).has_perm("projects.review_report")
    assert fresh(users["office"]).has_perm("projects.review_report")
    assert not AnonymousUser().has_perm("projects.view_project")


def test_an_inactive_user_may_do_nothing(world):
    project, _elsewhere, users = world
    user = fresh(users["lead_reporter"])
    user.is_active = False
    user.save()

    assert {name for name in PERMISSIONS if fresh(user).has_perm(name, project)} == set()


def test_a_lead_staff_member_without_the_group_permission_cannot_change(world):
    project, _elsewhere, users = world
    user = fresh(users["lead_reporter"])
    user.groups.clear()

    user = fresh(user)
    assert user.has_perm("projects.report_on_project", project)
    assert not user.has_perm("projects.change_project", project)
    assert not user.has_perm("projects.request_change", project)
    assert not user.has_perm("projects.change_milestone", project)


@pytest.mark.parametrize("role", ROLES)
def test_the_queryset_form_agrees_with_the_object_permissions(world, role):
    _project, _elsewhere, users = world
    user = fresh(users[role])
    every = list(Project.objects.all())

    assert set(Project.objects.visible_to(user)) == {
        p for p in every if user.has_perm("projects.view_project", p)
    }
    assert set(Project.objects.editable_by(user)) == {
        p for p in every if user.has_perm("projects.report_on_project", p)
    }
    milestones = Milestone.objects.all()
    assert set(projects_editable_by(milestones, user, "project__")) == {
        m for m in milestones if user.has_perm("projects.report_on_project", m)
    }
