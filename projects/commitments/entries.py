"""Change entries: checked against the project as it stands, applied, written and recorded."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng.services import ServiceError

from ..choices import (
    ChangeState,
)
from ..models import (
    BASELINE_FIELDS,
    ChangeRequest,
    Indicator,
    Milestone,
    Project,
)
from .rules import ADDED_FIELDS, MODELS, _full_clean, _save, _text, _value

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
