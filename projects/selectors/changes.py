"""Plan changes and decisions (计划调整、销号、暂缓、终止) in plain words."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minsheng.numbers import format_amount as amount

from ..choices import AttachmentKind, ChangeKind, ChangeSource, FundingSource, ProjectStatus
from ..models import (
    ChangeRequest,
    Indicator,
    Milestone,
    Project,
)
from .history import office_name

# --------------------------------------------------------------------------------------
# Plan changes and decisions (计划调整、销号、暂缓、终止) in plain words
# --------------------------------------------------------------------------------------

DATE_FIELDS = frozenset({"planned_start", "planned_end", "planned_date"})
# Labels the page uses where the field's own name carries its unit.
FIELD_LABELS = {("project", "planned_investment"): gettext_lazy("Planned investment")}
DECISION_KINDS = {
    ProjectStatus.COMPLETED: ChangeKind.CLOSE,
    ProjectStatus.SUSPENDED: ChangeKind.SUSPEND,
    ProjectStatus.TERMINATED: ChangeKind.TERMINATE,
}


@dataclass(frozen=True)
class ChangeLine:
    """One field of an approved change: what it was in the baseline (原计划) and is now."""

    label: str
    old: str
    new: str


@dataclass(frozen=True)
class PlanChange:
    """An approved change or decision as the public page shows it."""

    request: ChangeRequest
    kind: str
    kind_label: str
    date: datetime.date
    lines: list
    reason: str
    approval: str
    decision_number: str
    documents: list


def shown_value(field: str, value, unit: str = "") -> str:
    """A baseline field's value as the pages write it: 2024年6月3日, 300 万元, 区级财政.

    Takes the value as stored in a change entry (a JSON string) or as a model holds it (a
    date, a Decimal), so the admin, the request form and the public page write it alike."""
    if value in (None, ""):
        return "—"
    if field in DATE_FIELDS:
        if isinstance(value, str):
            try:
                value = datetime.date.fromisoformat(value)
            except ValueError:
                return value
        return date_format(value, "DATE_FORMAT")
    if field == "planned_investment":
        return f"{amount(value)} {_('10k yuan')}"
    if field == "funding_source":
        try:
            return str(FundingSource(value).label)
        except ValueError:
            return str(value)
    if field == "target_value":
        return f"{amount(value)} {unit}".strip()
    return str(value)


def _row_summary(model_name: str, values: dict) -> str:
    values = values or {}
    if model_name == "milestone":
        return _("“%(title)s”, planned for %(date)s, weight %(weight)s") % {
            "title": values.get("title", ""),
            "date": shown_value("planned_date", values.get("planned_date")),
            "weight": values.get("weight", ""),
        }
    return _("“%(name)s”, target %(target)s") % {
        "name": values.get("name", ""),
        "target": shown_value("target_value", values.get("target_value"), values.get("unit", "")),
    }


def change_lines(
    changes: list[dict], *, milestones: dict[int, str], indicators: dict[int, tuple[str, str]]
) -> list[ChangeLine]:
    """The entries of an approved change (``ChangeRequest.changes``) in words, each field
    with its baseline and new value as the page writes them. ``milestones`` gives the
    titles of the project's milestones by id, ``indicators`` (name, unit) by id."""
    from ..models import BASELINE_FIELDS

    models = {"project": Project, "milestone": Milestone, "indicator": Indicator}
    lines = []
    for entry in changes or []:
        model_name, action = entry.get("model"), entry.get("action", "update")
        if model_name not in models:
            continue
        what = models[model_name]._meta.verbose_name
        if action == "add":
            lines.append(
                ChangeLine(
                    _("%(what)s added") % {"what": capfirst(what)},
                    "—",
                    _row_summary(model_name, entry.get("new")),
                )
            )
            continue
        if action == "delete":
            lines.append(
                ChangeLine(
                    _("%(what)s removed") % {"what": capfirst(what)},
                    _row_summary(model_name, entry.get("old")),
                    "—",
                )
            )
            continue
        field = entry.get("field", "")
        if field not in BASELINE_FIELDS.get(model_name, {}):
            continue
        label = FIELD_LABELS.get((model_name, field)) or capfirst(
            models[model_name]._meta.get_field(field).verbose_name
        )
        unit = ""
        if model_name == "milestone":
            label = _("Milestone “%(title)s”: %(field)s") % {
                "title": milestones.get(entry.get("id")) or _("(removed)"),
                "field": label,
            }
        elif model_name == "indicator":
            name, unit = indicators.get(entry.get("id")) or (_("(removed)"), "")
            label = _("Indicator “%(name)s”: %(field)s") % {"name": name, "field": label}
        lines.append(
            ChangeLine(
                str(label),
                shown_value(field, entry.get("old"), unit),
                shown_value(field, entry.get("new"), unit),
            )
        )
    return lines


def change_text(lines: list[ChangeLine]) -> str:
    """The lines of a change in one sentence, for a table cell: “计划完成日期：A → B；…”."""
    return "；".join(f"{line.label}：{line.old} → {line.new}" for line in lines)


def _approval(change: ChangeRequest, date: datetime.date) -> str:
    words = {
        ChangeSource.OFFICE_EDIT: _("Changed directly by %(office)s on %(date)s"),
        ChangeSource.IMPORT: _("Imported by %(office)s on %(date)s"),
    }.get(change.source, _("Approved by %(office)s on %(date)s"))
    return words % {"office": office_name(), "date": date_format(date, "DATE_FORMAT")}


def plan_changes(project: Project) -> list[PlanChange]:
    """The project's approved changes and decisions, newest first, in words (no query).

    Needs what ``project_for_public`` loads (``approved_changes``, milestones, indicators).
    """
    milestones = {m.pk: m.title for m in getattr(project, "milestone_list", [])}
    indicators = {i.pk: (i.name, i.unit) for i in getattr(project, "indicator_list", [])}
    changes = []
    for change in getattr(project, "approved_changes", []):
        date = timezone.localtime(change.decided_at).date()
        changes.append(
            PlanChange(
                request=change,
                kind=change.kind,
                kind_label=str(ChangeKind(change.kind).label),
                date=date,
                lines=change_lines(change.changes, milestones=milestones, indicators=indicators),
                reason=change.reason,
                approval=_approval(change, date),
                decision_number=change.decision_number,
                documents=list(getattr(change, "public_attachments", [])),
            )
        )
    changes.reverse()
    return changes


def project_decision(project: Project, changes: list[PlanChange]) -> PlanChange | None:
    """The decision behind a closed (销号), suspended or terminated project: the newest
    approved request of that kind, or None (and for a project of another status)."""
    kind = DECISION_KINDS.get(project.status)
    if kind is None:
        return None
    return next((change for change in changes if change.kind == kind), None)


def acceptance_documents(project: Project, decision: PlanChange | None) -> list:
    """The acceptance documents (验收材料) of a closed project: the closing request's and
    those attached to the project itself."""
    documents = list(decision.documents) if decision else []
    documents += [
        attachment
        for attachment in getattr(project, "project_attachments", [])
        if attachment.kind == AttachmentKind.ACCEPTANCE
    ]
    return documents
