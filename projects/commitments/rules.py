"""What a commitment's writes agree on: the fields each side may change, the status each
request gives, the decision signal, and the small helpers every write uses."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.dispatch import Signal
from django.utils.translation import gettext as _

from minsheng.services import ServiceError

from ..choices import (
    ChangeKind,
    ProjectStatus,
)
from ..models import (
    Indicator,
    Milestone,
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
    from ..services import project_refresh_light

    project_refresh_light(project=project)


def _full_clean(obj, **kwargs) -> None:
    try:
        obj.full_clean(**kwargs)
    except ValidationError as error:
        raise ServiceError(
            error.message_dict if hasattr(error, "error_dict") else error.messages
        ) from None


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
