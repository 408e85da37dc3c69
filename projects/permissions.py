"""Who may do what to which project: the one home of the rule.

Every entry point asks here: the admin, the API, the services and the import. Two forms of
the same rule live side by side so they cannot drift apart:

- object permissions (django-rules), asked as ``user.has_perm(name, obj)``;
- queryset filters (``projects_visible_to``, ``projects_editable_by``), used by
  ``Project.objects.visible_to(user)`` / ``.editable_by(user)`` and the admin's row scoping.

Roles (departments.roles): the coordinating office (民生工程股, and superusers), leadership
(区领导, reads everything, changes nothing), department staff (填报员 reporters and 单位负责人
heads) through their memberships. Staff of the lead department (牵头单位) work on the project;
staff of a cooperating department (配合单位) see it but change nothing.

Object permissions (``obj`` is a Project, or a row hanging off one: milestone, indicator,
attachment, progress report, change request):

==================================  =====================================================
``projects.view_project``           office, leadership, lead or cooperating department staff
``projects.report_on_project``      office or lead department staff: reports, milestones'
                                    completion, indicators' actual values, attachments
``projects.change_project``         office, or lead department staff whose group may change
                                    projects (the fields a department may edit at all:
                                    ``DEPARTMENT_PROJECT_FIELDS`` in projects/commitments/rules.py)
``projects.change_plan_fields``     office: the fields set when the plan is built (title,
                                    number, departments, areas …)
``projects.publish_plan``           office (obj: the plan): 印发, which freezes baselines
``projects.change_baseline``        office: baseline fields (原计划) of a baselined project,
                                    directly, with a reason that is recorded
``projects.request_change``         lead department staff whose group may change projects:
                                    file a change, closing, suspension … request (调整申请)
``projects.decide_change``          office: approve or reject a request
``projects.withdraw_change``        the requester, or staff of the lead department
``projects.review_report``          office with the group permission to review reports
``projects.import_spreadsheet``     office (no object): import projects, milestones and
                                    indicators from a spreadsheet (a file changes many
                                    projects at once, baseline fields included)
``projects.{add,change,delete}_{milestone,indicator,attachment}``
                                    office or lead department staff, with the same model
                                    permission from their group
==================================  =====================================================

Names that are also Django model permissions (``projects.change_project``,
``projects.change_milestone`` …) answer only for an object here: without one, Django's
ModelBackend answers from the groups as before, so the admin's model-level checks are
unchanged.
"""

from __future__ import annotations

import rules
from django.db.models import Q

from departments.roles import department_ids, sees_everything
from departments.roles import is_coordinator as _is_coordinator
from departments.roles import is_leadership as _is_leadership


def project_of(obj):
    """The project ``obj`` is, or hangs off (milestone, indicator, report, request …)."""
    if obj is None:
        return None
    if obj._meta.model_name == "project":
        return obj
    return getattr(obj, "project", None)


# --- predicates -------------------------------------------------------------------------


@rules.predicate
def is_object(user, obj) -> bool:
    return obj is not None


@rules.predicate
def is_coordinator(user) -> bool:
    return _is_coordinator(user)


@rules.predicate
def is_leadership(user) -> bool:
    return _is_leadership(user)


@rules.predicate
def is_lead_department_staff(user, obj) -> bool:
    project = project_of(obj)
    return project is not None and project.lead_department_id in department_ids(user)


@rules.predicate
def is_cooperating_department_staff(user, obj) -> bool:
    project = project_of(obj)
    if project is None:
        return False
    ids = department_ids(user)
    if not ids:
        return False
    return project.cooperating_departments.filter(pk__in=ids).exists()


@rules.predicate
def is_requester(user, obj) -> bool:
    return getattr(obj, "requested_by_id", None) == getattr(user, "pk", object())


def has_model_perm(name: str):
    """The model permission ``name`` from the user's groups (ModelBackend's answer)."""

    @rules.predicate(name=f"has_model_perm:{name}")
    def predicate(user) -> bool:
        # Without an object the rules backend answers no for these names (is_object), so
        # this is the groups' answer alone.
        return user.has_perm(name)

    return predicate


office_or_lead = is_coordinator | is_lead_department_staff

rules.add_perm(
    "projects.view_project",
    is_object & (is_coordinator | is_leadership | office_or_lead | is_cooperating_department_staff),
)
rules.add_perm("projects.report_on_project", is_object & office_or_lead)
rules.add_perm(
    "projects.change_project",
    is_object
    & (is_coordinator | (is_lead_department_staff & has_model_perm("projects.change_project"))),
)
rules.add_perm("projects.change_plan_fields", is_object & is_coordinator)
rules.add_perm("projects.publish_plan", is_object & is_coordinator)
rules.add_perm("projects.change_baseline", is_object & is_coordinator)
rules.add_perm(
    "projects.request_change",
    is_object & is_lead_department_staff & has_model_perm("projects.change_project"),
)
rules.add_perm("projects.decide_change", is_object & is_coordinator)
rules.add_perm("projects.withdraw_change", is_object & (is_requester | is_lead_department_staff))
rules.add_perm(
    "projects.review_report",
    is_coordinator & has_model_perm("projects.review_progressreport"),
)
rules.add_perm("projects.import_spreadsheet", is_coordinator)
for _model in ("milestone", "indicator", "attachment"):
    for _action in ("add", "change", "delete"):
        _name = f"projects.{_action}_{_model}"
        rules.add_perm(_name, is_object & office_or_lead & has_model_perm(_name))


# --- the same rule as queryset filters ----------------------------------------------------


def projects_visible_to(queryset, user, prefix: str = ""):
    """Rows (projects, or rows reached by ``prefix`` such as ``"project__"``) the user may see
    in the admin: all for the office and leadership, else those their department leads or
    helps on."""
    if sees_everything(user):
        return queryset
    ids = department_ids(user)
    if not ids:
        return queryset.none()
    from .models import Project

    cooperating = Project.cooperating_departments.through.objects.filter(
        department_id__in=ids
    ).values("project_id")
    return queryset.filter(
        Q(**{f"{prefix}lead_department_id__in": ids}) | Q(**{f"{prefix}pk__in": cooperating})
    )


def projects_editable_by(queryset, user, prefix: str = ""):
    """Rows the user may work on (``projects.report_on_project``): all for the office, else
    those of the projects their department leads."""
    if _is_coordinator(user):
        return queryset
    return queryset.filter(**{f"{prefix}lead_department_id__in": department_ids(user)})
