"""Public commitments (公开承诺): the baseline, change requests, and the one write path.

A commitment moves only in the open, with a reason and a decision:

- **Baseline (原计划).** ``plan_publish`` publishes a plan and freezes the baseline of each
  of its published projects (``project_baseline_freeze``: planned start and end, planned
  investment and funding source, each milestone's title, planned date and weight, each
  indicator's target and unit, ``BASELINE_FIELDS`` in models.py). Stored, never recomputed.
- **Change requests (调整申请).** Once a project has a baseline, a department cannot change
  those fields itself: ``change_request_create`` files the fields, old → new and a reason;
  ``change_request_approve`` (the coordinating office) applies them in one transaction with
  history and recomputes the light, after checking each old value still holds;
  ``change_request_reject`` / ``change_request_withdraw`` leave everything as it was. A
  pending request changes nothing.
- **Closing, suspending, terminating (销号 / 暂缓 / 终止), resuming.** Departments move a
  project from not started to in progress, nothing else; ``status_request_create`` (and
  ``closing_request_create`` …) files the request with its preconditions; approval sets the
  status.
- **One write path.** ``project_update``, ``milestone_save``, ``milestone_delete``,
  ``indicator_save``, ``indicator_delete`` and ``attachment_add`` are what the admin, the API
  and the import call to write those rows. They ask projects/permissions.py who may do what;
  a department's change of a baseline field is refused with "file a change request"; the
  office's is applied and leaves an approved ``ChangeRequest`` with its reason (``source``
  office_edit, or import with the file's name), so the public record is complete.

Errors: ``PermissionDenied`` when the user may not act on the object at all, ``ServiceError``
(a ValidationError, keyed by field where one is at fault) for a refusal the person should
read. Nothing is written when either is raised.

Change entries, as passed in (``changes``) and as stored (``ChangeRequest.changes``, with
``old`` filled in and values as JSON strings)::

    {"model": "milestone", "id": 12, "field": "planned_date", "new": "2024-10-20"}
    {"model": "project", "field": "planned_end", "new": datetime.date(2024, 12, 31)}
    {"model": "indicator", "action": "add", "new": {"name": …, "unit": …, "target_value": …}}
    {"model": "milestone", "id": 12, "action": "delete"}
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from minsheng import clock
from minsheng.services import ServiceError

from .choices import (
    AttachmentKind,
    ChangeKind,
    ChangeSource,
    ChangeState,
    ProjectStatus,
)
from .models import (
    BASELINE_FIELDS,
    Attachment,
    ChangeRequest,
    Indicator,
    Milestone,
    Plan,
    Project,
)

# The fields of its own project a department may change at all; every other field is set
# by the coordinating office when it builds the plan (or through reports and requests).
DEPARTMENT_PROJECT_FIELDS = frozenset({"summary", "status"})
PROJECT_M2M_FIELDS = ("cooperating_departments", "areas", "beneficiary_groups")
MILESTONE_FIELDS = ("title", "planned_date", "completed_on", "weight", "note")
INDICATOR_FIELDS = ("name", "unit", "target_value", "actual_value", "order")
# What an added milestone or indicator must state (its baseline fields, and a name).
ADDED_FIELDS = {
    "milestone": ("title", "planned_date", "weight"),
    "indicator": ("name", "unit", "target_value"),
}
STATUS_KINDS = (ChangeKind.CLOSE, ChangeKind.SUSPEND, ChangeKind.TERMINATE, ChangeKind.RESUME)
# The status an approved request of each kind gives the project.
STATUS_OF_KIND = {
    ChangeKind.CLOSE: ProjectStatus.COMPLETED,
    ChangeKind.SUSPEND: ProjectStatus.SUSPENDED,
    ChangeKind.TERMINATE: ProjectStatus.TERMINATED,
    ChangeKind.RESUME: ProjectStatus.IN_PROGRESS,
}
KIND_OF_STATUS = {status: kind for kind, status in STATUS_OF_KIND.items()}
# The statuses a project may be in for each request to make sense.
STATUSES_BEFORE = {
    ChangeKind.CLOSE: (ProjectStatus.IN_PROGRESS,),
    ChangeKind.SUSPEND: (ProjectStatus.NOT_STARTED, ProjectStatus.IN_PROGRESS),
    ChangeKind.TERMINATE: (
        ProjectStatus.NOT_STARTED,
        ProjectStatus.IN_PROGRESS,
        ProjectStatus.SUSPENDED,
    ),
    ChangeKind.RESUME: (ProjectStatus.SUSPENDED,),
}
MODELS = {"project": Project, "milestone": Milestone, "indicator": Indicator}


# Sent inside the deciding transaction when the office approves or rejects a request, so
# that the apps above this one (notifications) can tell the requester after the commit.
change_request_decided = Signal()


def is_department_status_move(old: str, new: str) -> bool:
    """The only status move a department makes itself (also the only one an import makes)."""
    return old == new or (old == ProjectStatus.NOT_STARTED and new == ProjectStatus.IN_PROGRESS)


def baseline_message() -> str:
    return _("This field is part of the baseline (原计划): file a change request.")


# --- small helpers ------------------------------------------------------------------------


def _require(user, permission: str, obj, message: str) -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied(message)


def _lead_only() -> str:
    return _("Only the lead department can change this project.")


def _office_only() -> str:
    return _("Only the coordinating office can decide on change requests.")


def _text(value):
    """A value as stored in a change entry: JSON-friendly text, or None."""
    if value is None:
        return None
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return str(value)


def _value(model, name: str, raw):
    """``raw`` as the field's Python value; a ServiceError naming the field if it is not one."""
    model_field = model._meta.get_field(name)
    try:
        value = model_field.to_python(raw)
        if value in (None, "") and not (model_field.null or model_field.blank):
            raise ValidationError(model_field.error_messages["blank"])
        if value is not None:
            model_field.run_validators(value)
            if model_field.choices:
                model_field.validate(value, None)
    except ValidationError as error:
        raise ServiceError({name: error.messages}) from None
    return value


def _reason(reason: str, *, what: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({what: _("Give the reason for the change.")})
    return reason


def _save(obj, by, reason: str = "", update_fields=None) -> None:
    obj._history_user = by
    if reason:
        obj._change_reason = reason[:100]
    obj.save(update_fields=update_fields)


def _refresh_light(project: Project) -> None:
    from .services import project_refresh_light

    project_refresh_light(project=project)


def _full_clean(obj, **kwargs) -> None:
    try:
        obj.full_clean(**kwargs)
    except ValidationError as error:
        raise ServiceError(
            error.message_dict if hasattr(error, "error_dict") else error.messages
        ) from None


# --- the baseline -------------------------------------------------------------------------


def _freeze(projects: list[Project], *, by, at: datetime.datetime) -> None:
    for project in projects:
        for name, column in BASELINE_FIELDS["project"].items():
            setattr(project, column, getattr(project, name))
        project.baselined_at = at
    reason = _("Baseline frozen")
    bulk_update_with_history(
        projects,
        Project,
        [*BASELINE_FIELDS["project"].values(), "baselined_at"],
        default_user=by,
        default_change_reason=reason,
    )
    ids = [project.pk for project in projects]
    for model, name in ((Milestone, "milestone"), (Indicator, "indicator")):
        rows = list(model.objects.filter(project_id__in=ids))
        for row in rows:
            for source, column in BASELINE_FIELDS[name].items():
                setattr(row, column, getattr(row, source))
        if rows:
            bulk_update_with_history(
                rows,
                model,
                list(BASELINE_FIELDS[name].values()),
                default_user=by,
                default_change_reason=reason,
            )


@transaction.atomic
def plan_publish(*, plan: Plan, by, at: datetime.datetime | None = None) -> Plan:
    """Publish (印发) a plan and freeze the baseline of each published project without one.

    ``at`` is when the baseline was set, now unless a plan issued earlier is being recorded.
    """
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if not by.has_perm("projects.publish_plan", plan):
        raise PermissionDenied(_("Only the coordinating office publishes plans."))
    if not plan.published:
        plan.published = True
        _save(plan, by, update_fields=["published"])
    projects = list(
        Project.objects.select_for_update().filter(
            plan=plan, published=True, baselined_at__isnull=True
        )
    )
    if projects:
        _freeze(projects, by=by, at=at or timezone.now())
    return plan


@transaction.atomic
def project_baseline_freeze(*, project: Project, by) -> Project:
    """Freeze the baseline of a published project of a published plan (once)."""
    project = Project.objects.select_for_update().select_related("plan").get(pk=project.pk)
    if not by.has_perm("projects.change_baseline", project):
        raise PermissionDenied(_("Only the coordinating office freezes a baseline."))
    if project.is_baselined:
        raise ServiceError(_("This project already has a baseline."))
    if not (project.published and project.plan.published):
        raise ServiceError(
            _("A baseline is frozen when the project is published in a published plan.")
        )
    _freeze([project], by=by, at=timezone.now())
    return project


# --- change entries -----------------------------------------------------------------------


@dataclass
class _Applied:
    """Rows as they would be after a change: what to save, add and delete."""

    project: Project
    changed: list = field(default_factory=list)
    added: list = field(default_factory=list)  # (entry, unsaved row)
    deleted: list = field(default_factory=list)


def _row(project: Project, model_name: str, pk, rows: dict):
    if model_name == "project":
        if pk not in (None, project.pk):
            raise ServiceError(_("A request changes one project only."))
        return project
    try:
        return rows[model_name][int(pk)]
    except (KeyError, TypeError, ValueError):
        raise ServiceError(
            _("This project has no such %(what)s.")
            % {"what": MODELS[model_name]._meta.verbose_name}
        ) from None


def _children(project: Project) -> dict:
    return {
        "milestone": {m.pk: m for m in Milestone.objects.filter(project=project)},
        "indicator": {i.pk: i for i in Indicator.objects.filter(project=project)},
    }


def _normalise(project: Project, changes: list[dict]) -> list[dict]:
    """Check each entry names a baseline field of this project; fill in the old values."""
    if not changes:
        raise ServiceError(_("The request changes nothing."))
    rows = _children(project)
    entries = []
    for raw in changes:
        model_name = raw.get("model")
        action = raw.get("action", "update")
        if model_name not in MODELS or action not in ("update", "add", "delete"):
            raise ServiceError(_("A change must name a project, milestone or indicator field."))
        model = MODELS[model_name]
        if action == "update":
            obj = _row(project, model_name, raw.get("id", None), rows)
            name = raw.get("field")
            if name not in BASELINE_FIELDS[model_name]:
                raise ServiceError(
                    {
                        "changes": _("“%(field)s” is not part of the baseline: change it directly.")
                        % {"field": name}
                    }
                )
            new = _value(model, name, raw.get("new"))
            old = getattr(obj, name)
            if new == old:
                continue
            entries.append(
                {
                    "model": model_name,
                    "id": obj.pk,
                    "action": "update",
                    "field": name,
                    "old": _text(old),
                    "new": _text(new),
                }
            )
        elif action == "add":
            if model_name == "project":
                raise ServiceError(_("A request changes one project only."))
            values = raw.get("new") or {}
            unknown = set(values) - set(ADDED_FIELDS[model_name])
            if unknown:
                raise ServiceError(
                    _("“%(field)s” cannot be set here.") % {"field": ", ".join(sorted(unknown))}
                )
            new = {
                name: _text(_value(model, name, values.get(name)))
                for name in ADDED_FIELDS[model_name]
            }
            entries.append(
                {
                    "model": model_name,
                    "id": None,
                    "action": "add",
                    "field": "",
                    "old": None,
                    "new": new,
                }
            )
        else:
            if model_name == "project":
                raise ServiceError(_("A project is stopped by a termination request, not deleted."))
            obj = _row(project, model_name, raw.get("id"), rows)
            old = {name: _text(getattr(obj, name)) for name in ADDED_FIELDS[model_name]}
            entries.append(
                {
                    "model": model_name,
                    "id": obj.pk,
                    "action": "delete",
                    "field": "",
                    "old": old,
                    "new": None,
                }
            )
    if not entries:
        raise ServiceError(_("The request changes nothing."))
    return entries


def _describe(model_name: str, obj, name: str) -> str:
    label = MODELS[model_name]._meta.get_field(name).verbose_name
    return f"{obj}: {label}" if model_name != "project" else str(label)


def _apply(project: Project, entries: list[dict], *, check_old: bool) -> _Applied:
    """The rows as they would be after ``entries``, checked; nothing is saved."""
    rows = _children(project)
    applied = _Applied(project)
    for entry in entries:
        model_name, model = entry["model"], MODELS[entry["model"]]
        if entry["action"] == "add":
            row = model(
                project=project, **{k: _value(model, k, v) for k, v in entry["new"].items()}
            )
            applied.added.append((entry, row))
            continue
        obj = _row(project, model_name, entry["id"], rows)
        if entry["action"] == "delete":
            applied.deleted.append(obj)
            rows[model_name].pop(obj.pk)
            continue
        name = entry["field"]
        if check_old and _text(getattr(obj, name)) != entry["old"]:
            raise ServiceError(
                _(
                    "%(what)s changed since the request was filed (now %(now)s, the request "
                    "expected %(old)s): it cannot be applied. Reject it and file a new one."
                )
                % {
                    "what": _describe(model_name, obj, name),
                    "now": _text(getattr(obj, name)),
                    "old": entry["old"],
                }
            )
        setattr(obj, name, _value(model, name, entry["new"]))
        if obj not in applied.changed:
            applied.changed.append(obj)
    for obj in applied.changed:
        _full_clean(obj, exclude=["project"] if obj is not project else None)
    for _entry, row in applied.added:
        _full_clean(row, exclude=["project"])
    milestones = list(rows["milestone"].values()) + [
        row for _entry, row in applied.added if isinstance(row, Milestone)
    ]
    if milestones and sum(m.weight for m in milestones) <= 0:
        raise ServiceError({"weight": _("The milestones' weights must add up to more than zero.")})
    return applied


def _write(applied: _Applied, *, by, reason: str) -> None:
    """Save what ``_apply`` built, with history giving ``reason``."""
    for obj in applied.changed:
        _save(obj, by, reason)
    for entry, row in applied.added:
        _save(row, by, reason)
        entry["id"] = row.pk
    for obj in applied.deleted:
        obj._history_user = by
        obj._change_reason = reason[:100]
        obj.delete()


def _record(
    *, project, by, kind, entries, reason, source, source_name="", decision_number=""
) -> ChangeRequest:
    """An approved record of a change the office made directly (or imported)."""
    now = timezone.now()
    record = ChangeRequest(
        project=project,
        kind=kind,
        state=ChangeState.APPROVED,
        source=source,
        source_name=source_name[:255],
        reason=reason,
        changes=entries,
        decision_number=decision_number,
        requested_by=by,
        requested_at=now,
        decided_by=by,
        decided_at=now,
    )
    _full_clean(record)
    _save(record, by)
    return record


# --- change requests ----------------------------------------------------------------------


def _check_open(project: Project) -> None:
    if project.status in (ProjectStatus.COMPLETED, ProjectStatus.TERMINATED):
        raise ServiceError(
            _("The project is “%(status)s”: its plan no longer changes.")
            % {"status": project.get_status_display()}
        )


@transaction.atomic
def change_request_create(
    *, project: Project, by, changes: list[dict], reason: str, document=None
) -> ChangeRequest:
    """File a change of a baselined project's baseline fields (调整申请); nothing is applied."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    _require(by, "projects.request_change", project, _lead_only())
    reason = _reason(reason)
    if not project.is_baselined:
        raise ServiceError(_("This project has no baseline yet: change it directly."))
    _check_open(project)
    entries = _normalise(project, changes)
    _apply(project, entries, check_old=False)
    request = ChangeRequest(
        project=project, kind=ChangeKind.CHANGE, reason=reason, changes=entries, requested_by=by
    )
    _full_clean(request)
    _save(request, by)
    if document is not None:
        attachment_add(
            project=project,
            by=by,
            file=document,
            kind=AttachmentKind.DOCUMENT,
            change_request=request,
        )
    return request


def closing_problems(project: Project, *, with_document: bool = False) -> list[str]:
    """Why ``project`` cannot be closed (销号) yet; empty when it can."""
    problems = []
    if project.progress_percent < 100:
        problems.append(
            _("Progress is %(progress)s%%, not 100%%.")
            % {"progress": _text(project.progress_percent)}
        )
    open_milestones = [m.title for m in project.milestones.all() if m.completed_on is None]
    if open_milestones:
        problems.append(
            _("Milestones not completed: %(titles)s.") % {"titles": "、".join(open_milestones)}
        )
    if (
        not with_document
        and not project.attachments.filter(kind=AttachmentKind.ACCEPTANCE).exists()
    ):
        problems.append(_("No acceptance document (验收材料) is attached."))
    return problems


def _check_status_move(project: Project, kind: str) -> None:
    if project.status not in STATUSES_BEFORE[kind]:
        raise ServiceError(
            _("A project that is “%(status)s” cannot get this request (%(kind)s).")
            % {"status": project.get_status_display(), "kind": ChangeKind(kind).label}
        )


@transaction.atomic
def status_request_create(
    *, project: Project, by, kind: str, reason: str, decision_number: str = "", document=None
) -> ChangeRequest:
    """File a closing (销号), suspension (暂缓), termination (终止) or resumption request."""
    if kind not in STATUS_KINDS:
        raise ServiceError(_("Unknown kind of request."))
    project = Project.objects.select_for_update().get(pk=project.pk)
    _require(by, "projects.request_change", project, _lead_only())
    reason = _reason(reason)
    _check_status_move(project, kind)
    if kind == ChangeKind.CLOSE:
        problems = closing_problems(project, with_document=document is not None)
        if problems:
            raise ServiceError(problems)
    if project.change_requests.pending().exclude(kind=ChangeKind.CHANGE).exists():
        raise ServiceError(
            _(
                "This project already has a closing, suspension or termination request "
                "waiting for a decision."
            )
        )
    request = ChangeRequest(
        project=project,
        kind=kind,
        reason=reason,
        decision_number=(decision_number or "").strip(),
        requested_by=by,
    )
    _full_clean(request)
    try:
        with transaction.atomic():
            _save(request, by)
    except IntegrityError:
        raise ServiceError(
            _(
                "This project already has a closing, suspension or termination request "
                "waiting for a decision."
            )
        ) from None
    if document is not None:
        attachment_add(
            project=project,
            by=by,
            file=document,
            kind=AttachmentKind.ACCEPTANCE if kind == ChangeKind.CLOSE else AttachmentKind.DOCUMENT,
            change_request=request,
        )
    return request


def closing_request_create(*, project: Project, by, reason: str, document=None) -> ChangeRequest:
    """Request closing (申请销号): progress 100 %, every milestone done, an acceptance document."""
    return status_request_create(
        project=project, by=by, kind=ChangeKind.CLOSE, reason=reason, document=document
    )


def suspension_request_create(
    *, project: Project, by, reason: str, decision_number: str = "", document=None
) -> ChangeRequest:
    return status_request_create(
        project=project,
        by=by,
        kind=ChangeKind.SUSPEND,
        reason=reason,
        decision_number=decision_number,
        document=document,
    )


def termination_request_create(
    *, project: Project, by, reason: str, decision_number: str = "", document=None
) -> ChangeRequest:
    return status_request_create(
        project=project,
        by=by,
        kind=ChangeKind.TERMINATE,
        reason=reason,
        decision_number=decision_number,
        document=document,
    )


def _locked_pending(request: ChangeRequest) -> ChangeRequest:
    # The row lock makes a second decision at the same time wait, then read the first one's.
    request = ChangeRequest.objects.select_for_update().get(pk=request.pk)
    if request.state != ChangeState.PENDING:
        raise ServiceError(
            _("This request was already decided: “%(state)s”.")
            % {"state": request.get_state_display()}
        )
    return request


def _apply_status(project: Project, kind: str, *, by, reason: str) -> None:
    _check_status_move(project, kind)
    project.status = STATUS_OF_KIND[kind]
    fields = ["status", "updated_at"]
    if kind == ChangeKind.CLOSE:
        problems = closing_problems(project)
        if problems:
            raise ServiceError(problems)
        project.completed_on = clock.today()
        fields.append("completed_on")
    _save(project, by, reason, update_fields=fields)


def _needs_decision_number(kind: str, decision_number: str) -> None:
    if kind in (ChangeKind.SUSPEND, ChangeKind.TERMINATE) and not decision_number:
        raise ServiceError(
            {
                "decision_number": _(
                    "Suspending or terminating a project needs the decision's document number."
                )
            }
        )


@transaction.atomic
def change_request_approve(
    *, request: ChangeRequest, by, decision_number: str = "", notify: bool = True
) -> ChangeRequest:
    """Approve a pending request and apply it (the coordinating office), in one transaction.

    ``notify=False`` tells nobody (the demo data records decisions of months ago).
    """
    request = _locked_pending(request)
    project = Project.objects.select_for_update().get(pk=request.project_id)
    _require(by, "projects.decide_change", project, _office_only())
    decision_number = (decision_number or "").strip() or request.decision_number
    _needs_decision_number(request.kind, decision_number)
    if request.kind == ChangeKind.CHANGE:
        applied = _apply(project, request.changes, check_old=True)
        _write(applied, by=by, reason=request.reason)
    else:
        _apply_status(project, request.kind, by=by, reason=request.reason)
    request.state = ChangeState.APPROVED
    request.decision_number = decision_number
    request.decided_by = by
    request.decided_at = timezone.now()
    _save(
        request,
        by,
        update_fields=["state", "changes", "decision_number", "decided_by", "decided_at"],
    )
    _refresh_light(project)
    if notify:
        change_request_decided.send(sender=ChangeRequest, request=request)
    return request


@transaction.atomic
def change_request_reject(*, request: ChangeRequest, by, reason: str) -> ChangeRequest:
    """Refuse a pending request, saying why; the project stays as it is."""
    request = _locked_pending(request)
    _require(by, "projects.decide_change", request.project, _office_only())
    request.decision_note = _reason(reason, what="decision_note")
    request.state = ChangeState.REJECTED
    request.decided_by = by
    request.decided_at = timezone.now()
    _save(request, by, update_fields=["state", "decision_note", "decided_by", "decided_at"])
    change_request_decided.send(sender=ChangeRequest, request=request)
    return request


@transaction.atomic
def change_request_withdraw(*, request: ChangeRequest, by) -> ChangeRequest:
    """The requester (or their department) takes back a pending request."""
    request = _locked_pending(request)
    _require(
        by, "projects.withdraw_change", request, _("Only the requester can withdraw a request.")
    )
    request.state = ChangeState.WITHDRAWN
    request.decided_by = by
    request.decided_at = timezone.now()
    _save(request, by, update_fields=["state", "decided_by", "decided_at"])
    return request


# --- the write path of projects, milestones, indicators, attachments ----------------------

PROJECT_FIELDS = tuple(
    f.name
    for f in Project._meta.concrete_fields
    if f.editable and not f.primary_key and f.name not in ("created_at", "updated_at")
)


def _changed(obj, data: dict, allowed) -> dict:
    """The entries of ``data`` that differ from ``obj``, as Python values (checked)."""
    unknown = set(data) - set(allowed)
    if unknown:
        raise ServiceError(
            _("“%(field)s” cannot be set here.") % {"field": ", ".join(sorted(unknown))}
        )
    model = type(obj)
    changed = {}
    for name, raw in data.items():
        if name in PROJECT_M2M_FIELDS:
            new = {getattr(item, "pk", item) for item in raw}
            old = set(getattr(obj, name).values_list("pk", flat=True)) if obj.pk else set()
            if new != old:
                changed[name] = new
            continue
        model_field = model._meta.get_field(name)
        if model_field.is_relation:
            if raw is not None and not hasattr(raw, "pk"):
                raw = model_field.related_model._default_manager.filter(pk=raw).first()
                if raw is None:
                    raise ServiceError({name: _("Choose one of the offered values.")})
            if getattr(raw, "pk", None) != getattr(obj, model_field.attname):
                changed[name] = raw
            continue
        new = _value(model, name, raw)
        if new != getattr(obj, name):
            changed[name] = new
    return changed


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


@transaction.atomic
def attachment_add(
    *,
    project: Project,
    by,
    file,
    kind: str = AttachmentKind.DOCUMENT,
    title: str = "",
    milestone: Milestone | None = None,
    change_request: ChangeRequest | None = None,
    report=None,
) -> Attachment:
    """Store an uploaded photo or document of a project, checked like every upload."""
    from .attachments import inspect_upload, make_thumbnail

    _require(by, "projects.add_attachment", project, _lead_only())
    _check_attachment_links(project, milestone=milestone, report=report)
    try:
        content_type = inspect_upload(file)
    except ValidationError as error:
        raise ServiceError({"file": error.messages}) from None
    attachment = Attachment(
        project=project,
        milestone=milestone,
        report=report,
        change_request=change_request,
        kind=kind,
        title=title,
        file=file,
        content_type=content_type,
        size=file.size,
    )
    _full_clean(attachment, exclude=["file"])
    _save(attachment, by)
    make_thumbnail(attachment)
    return attachment


def _check_attachment_links(project: Project, *, milestone=None, report=None) -> None:
    if milestone is not None and milestone.project_id != project.pk:
        raise ServiceError({"milestone": _("This milestone belongs to another project.")})
    if report is not None and report.project_id != project.pk:
        raise ServiceError({"report": _("This report belongs to another project.")})


ATTACHMENT_FIELDS = ("kind", "title", "milestone", "report", "file")


@transaction.atomic
def attachment_update(*, attachment: Attachment, by, data: dict) -> Attachment:
    """Change an attachment's kind, title, milestone or report, or replace its file."""
    from .attachments import inspect_upload, make_thumbnail

    attachment = Attachment.objects.select_for_update().get(pk=attachment.pk)
    _require(by, "projects.change_attachment", attachment, _lead_only())
    unknown = set(data) - set(ATTACHMENT_FIELDS)
    if unknown:
        raise ServiceError(
            _("“%(field)s” cannot be set here.") % {"field": ", ".join(sorted(unknown))}
        )
    data = dict(data)
    upload = data.pop("file", None)
    changed = _changed(attachment, data, ATTACHMENT_FIELDS)
    _check_attachment_links(
        attachment.project,
        milestone=changed.get("milestone"),
        report=changed.get("report"),
    )
    for name, value in changed.items():
        setattr(attachment, name, value)
    # A stored file is not sent again by a form; only a new upload replaces it.
    if upload is not None and hasattr(upload, "content_type"):
        try:
            attachment.content_type = inspect_upload(upload)
        except ValidationError as error:
            raise ServiceError({"file": error.messages}) from None
        attachment.file = upload
        attachment.size = upload.size
        changed["file"] = upload
    if changed:
        _full_clean(attachment, exclude=["file"])
        _save(attachment, by)
        if "file" in changed:
            make_thumbnail(attachment)
    return attachment


@transaction.atomic
def attachment_delete(*, attachment: Attachment, by) -> None:
    """Remove a photo or document (the lead department or the office)."""
    attachment = Attachment.objects.select_for_update().get(pk=attachment.pk)
    _require(by, "projects.delete_attachment", attachment, _lead_only())
    attachment._history_user = by
    attachment.delete()


# --- batch forms, for the spreadsheet import ------------------------------------------------
#
# The import writes rows in bulk (a row by row service call would cost a dozen queries each);
# it records the same entries and approved records as the one-row services above, in batch.


def baseline_update_entries(obj, model_name: str, before: dict) -> list[dict]:
    """Change entries for the baseline fields of ``obj`` that differ from ``before``."""
    return [
        {
            "model": model_name,
            "id": obj.pk,
            "action": "update",
            "field": name,
            "old": _text(before[name]),
            "new": _text(getattr(obj, name)),
        }
        for name in BASELINE_FIELDS[model_name]
        if name in before and before[name] != getattr(obj, name)
    ]


def baseline_added_entry(obj, model_name: str) -> dict:
    """The change entry of a row added to a baselined project."""
    return {
        "model": model_name,
        "id": obj.pk,
        "action": "add",
        "field": "",
        "old": None,
        "new": {name: _text(getattr(obj, name)) for name in ADDED_FIELDS[model_name]},
    }


def changes_record_bulk(
    *, entries_by_project: dict[int, list[dict]], by, reason: str, source: str, source_name=""
) -> list[ChangeRequest]:
    """Approved records of the office's changes of several projects at once (an import).

    One record per project; the caller has checked ``projects.change_baseline``.
    """
    now = timezone.now()
    user = by if getattr(by, "is_authenticated", False) else None
    records = [
        ChangeRequest(
            project_id=project_id,
            kind=ChangeKind.CHANGE,
            state=ChangeState.APPROVED,
            source=source,
            source_name=source_name[:255],
            reason=reason,
            changes=entries,
            requested_by=user,
            requested_at=now,
            decided_by=user,
            decided_at=now,
        )
        for project_id, entries in entries_by_project.items()
        if entries
    ]
    if records:
        bulk_create_with_history(records, ChangeRequest, default_user=user)
    return records
