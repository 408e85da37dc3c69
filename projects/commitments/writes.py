"""The one write path of projects, milestones and indicators for the admin, the API and the
import."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.services import ServiceError

from ..choices import (
    ChangeKind,
    ChangeSource,
)
from ..models import (
    BASELINE_FIELDS,
    Indicator,
    Milestone,
    Project,
)
from .baseline import _freeze
from .entries import _record
from .requests import _apply_status, _needs_decision_number
from .rules import (
    ADDED_FIELDS,
    DEPARTMENT_PROJECT_FIELDS,
    INDICATOR_FIELDS,
    KIND_OF_STATUS,
    MILESTONE_FIELDS,
    PROJECT_M2M_FIELDS,
    _changed,
    _full_clean,
    _lead_only,
    _reason,
    _refresh_light,
    _require,
    _save,
    _text,
    baseline_message,
    is_department_status_move,
)

# --- the write path of projects, milestones, indicators, attachments ----------------------

PROJECT_FIELDS = tuple(
    f.name
    for f in Project._meta.concrete_fields
    if f.editable and not f.primary_key and f.name not in ("created_at", "updated_at")
)


@transaction.atomic
def project_update(
    *,
    project: Project,
    by,
    data: dict,
    reason: str = "",
    source: str = ChangeSource.OFFICE_EDIT,
    source_name: str = "",
    decision_number: str = "",
) -> Project:
    """Change a project's own fields (admin, API, import): THE write path.

    A department changes ``DEPARTMENT_PROJECT_FIELDS`` of the projects it leads, and the
    status only from not started to in progress. The office changes any field; a baseline
    field of a baselined project, or a status that closes, suspends, terminates or resumes,
    needs ``reason`` and leaves an approved ChangeRequest (``source``, ``source_name``).
    """
    project = Project.objects.select_for_update().get(pk=project.pk)
    _require(by, "projects.change_project", project, _lead_only())
    changed = _changed(project, data, PROJECT_FIELDS + PROJECT_M2M_FIELDS)
    office = by.has_perm("projects.change_plan_fields", project)
    errors = {}
    for name in changed:
        if name in BASELINE_FIELDS["project"] and project.is_baselined:
            if not by.has_perm("projects.change_baseline", project):
                errors[name] = baseline_message()
        elif name not in DEPARTMENT_PROJECT_FIELDS and not office:
            errors[name] = _("Only the coordinating office can change this field.")
    new_status = changed.get("status")
    status_kind = None
    if new_status is not None and not is_department_status_move(project.status, new_status):
        if not office:
            errors["status"] = _(
                "A department moves its project only from “not started” to “in progress”; "
                "closing, suspending and terminating need a request approved by the "
                "coordinating office."
            )
        else:
            status_kind = KIND_OF_STATUS.get(new_status)
            if status_kind is None:
                errors["status"] = _("A project does not go back to “not started”.")
    if errors:
        raise ServiceError(errors)

    baseline_entries = [
        {
            "model": "project",
            "id": project.pk,
            "action": "update",
            "field": name,
            "old": _text(getattr(project, name)),
            "new": _text(changed[name]),
        }
        for name in BASELINE_FIELDS["project"]
        if name in changed and project.is_baselined
    ]
    if baseline_entries or status_kind:
        reason = _reason(reason)
    if status_kind:
        _needs_decision_number(status_kind, (decision_number or "").strip())
        # A direct close needs what a closing request needs.
        changed.pop("status")
    m2m = {name: changed.pop(name) for name in PROJECT_M2M_FIELDS if name in changed}
    for name, value in changed.items():
        setattr(project, name, value)
    _full_clean(project)
    if changed or m2m:
        _save(project, by, reason)
        for name, value in m2m.items():
            getattr(project, name).set(value)
    if baseline_entries:
        _record(
            project=project,
            by=by,
            kind=ChangeKind.CHANGE,
            entries=baseline_entries,
            reason=reason,
            source=source,
            source_name=source_name,
        )
    if status_kind:
        _apply_status(project, status_kind, by=by, reason=reason)
        _record(
            project=project,
            by=by,
            kind=status_kind,
            entries=[],
            reason=reason,
            source=source,
            source_name=source_name,
            decision_number=(decision_number or "").strip(),
        )
    if "published" in changed:
        _freeze_if_published(project, by=by)
    _refresh_light(project)
    return project


def _freeze_if_published(project: Project, *, by) -> None:
    # A project published into a plan already published gets its baseline there and then,
    # as the plan's other projects got theirs when the plan was published.
    if project.published and not project.is_baselined and project.plan.published:
        _freeze([project], by=by, at=timezone.now())


@transaction.atomic
def project_create(*, by, data: dict) -> Project:
    """Add a project to a plan (the coordinating office); baselined if published in a
    published plan."""
    if not by.has_perm("projects.add_project"):
        raise PermissionDenied(_("Only the coordinating office adds projects to a plan."))
    project = Project()
    m2m = {name: data[name] for name in PROJECT_M2M_FIELDS if name in data}
    values = _changed(project, {k: v for k, v in data.items() if k not in m2m}, PROJECT_FIELDS)
    for name, value in values.items():
        setattr(project, name, value)
    _full_clean(project)
    _save(project, by)
    for name, value in m2m.items():
        getattr(project, name).set(value)
    _freeze_if_published(project, by=by)
    _refresh_light(project)
    return project


def _child_save(*, obj, model_name, by, data, allowed, reason, source, source_name):
    project = Project.objects.select_for_update().get(pk=obj.project_id)
    obj.project = project
    adding = obj.pk is None
    action = "add" if adding else "change"
    _require(by, f"projects.{action}_{model_name}", obj, _lead_only())
    changed = _changed(obj, data, allowed)
    baseline = BASELINE_FIELDS[model_name]
    entry = None
    if project.is_baselined:
        office = by.has_perm("projects.change_baseline", project)
        if adding:
            if not office:
                raise ServiceError(
                    _(
                        "The project has a baseline (原计划): adding a %(what)s needs a change "
                        "request."
                    )
                    % {"what": type(obj)._meta.verbose_name}
                )
        else:
            moved = [name for name in changed if name in baseline]
            if moved and not office:
                raise ServiceError({name: baseline_message() for name in moved})
            entries = [
                {
                    "model": model_name,
                    "id": obj.pk,
                    "action": "update",
                    "field": name,
                    "old": _text(getattr(obj, name)),
                    "new": _text(changed[name]),
                }
                for name in moved
            ]
            entry = entries or None
    for name, value in changed.items():
        setattr(obj, name, value)
    if adding and project.is_baselined:
        reason = _reason(reason)
        entry = [
            {
                "model": model_name,
                "id": None,
                "action": "add",
                "field": "",
                "old": None,
                "new": {name: _text(getattr(obj, name)) for name in ADDED_FIELDS[model_name]},
            }
        ]
    elif entry:
        reason = _reason(reason)
    _full_clean(obj, exclude=["project"])
    if adding or changed:
        _save(obj, by, reason)
    if entry:
        if adding:
            entry[0]["id"] = obj.pk
        _record(
            project=project,
            by=by,
            kind=ChangeKind.CHANGE,
            entries=entry,
            reason=reason,
            source=source,
            source_name=source_name,
        )
    _refresh_light(project)
    return obj


@transaction.atomic
def milestone_save(
    *,
    milestone: Milestone,
    by,
    data: dict,
    reason: str = "",
    source: str = ChangeSource.OFFICE_EDIT,
    source_name: str = "",
) -> Milestone:
    """Add a milestone (unsaved, ``project`` set) or change one; refreshes the light.

    Completion dates still to come are refused (Milestone.clean). On a baselined project a
    department may not add one or change its title, planned date or weight (file a change
    request); the office may, with ``reason``, which is recorded.
    """
    return _child_save(
        obj=milestone,
        model_name="milestone",
        by=by,
        data=data,
        allowed=MILESTONE_FIELDS,
        reason=reason,
        source=source,
        source_name=source_name,
    )


@transaction.atomic
def indicator_save(
    *,
    indicator: Indicator,
    by,
    data: dict,
    reason: str = "",
    source: str = ChangeSource.OFFICE_EDIT,
    source_name: str = "",
) -> Indicator:
    """Add an indicator (unsaved, ``project`` set) or change one: target and unit are the
    baseline, as for milestones."""
    return _child_save(
        obj=indicator,
        model_name="indicator",
        by=by,
        data=data,
        allowed=INDICATOR_FIELDS,
        reason=reason,
        source=source,
        source_name=source_name,
    )


def _child_delete(*, obj, model_name, by, reason, source, source_name) -> None:
    project = Project.objects.select_for_update().get(pk=obj.project_id)
    _require(by, f"projects.delete_{model_name}", obj, _lead_only())
    if project.is_baselined:
        if not by.has_perm("projects.change_baseline", project):
            raise ServiceError(
                _(
                    "The project has a baseline (原计划): removing a %(what)s needs a change "
                    "request."
                )
                % {"what": type(obj)._meta.verbose_name}
            )
        reason = _reason(reason)
        entries = [
            {
                "model": model_name,
                "id": obj.pk,
                "action": "delete",
                "field": "",
                "old": {name: _text(getattr(obj, name)) for name in ADDED_FIELDS[model_name]},
                "new": None,
            }
        ]
        _record(
            project=project,
            by=by,
            kind=ChangeKind.CHANGE,
            entries=entries,
            reason=reason,
            source=source,
            source_name=source_name,
        )
    obj._history_user = by
    if reason:
        obj._change_reason = reason[:100]
    obj.delete()
    _refresh_light(project)


@transaction.atomic
def milestone_delete(
    *,
    milestone: Milestone,
    by,
    reason: str = "",
    source: str = ChangeSource.OFFICE_EDIT,
    source_name: str = "",
) -> None:
    """Remove a milestone; on a baselined project the office only, with a recorded reason."""
    _child_delete(
        obj=milestone,
        model_name="milestone",
        by=by,
        reason=reason,
        source=source,
        source_name=source_name,
    )


@transaction.atomic
def indicator_delete(
    *,
    indicator: Indicator,
    by,
    reason: str = "",
    source: str = ChangeSource.OFFICE_EDIT,
    source_name: str = "",
) -> None:
    """Remove an indicator; on a baselined project the office only, with a recorded reason."""
    _child_delete(
        obj=indicator,
        model_name="indicator",
        by=by,
        reason=reason,
        source=source,
        source_name=source_name,
    )
