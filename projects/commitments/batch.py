"""Batch forms of the change record, for the spreadsheet import."""

from __future__ import annotations

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from ..choices import (
    ChangeKind,
    ChangeState,
)
from ..models import (
    BASELINE_FIELDS,
    ChangeRequest,
)
from .rules import ADDED_FIELDS, _text

# --- batch forms, for the spreadsheet import ------------------------------------------------
#
# The import writes rows in bulk (a row by row service call would cost a dozen queries each);
# it records the same entries and approved records as the one-row services of writes.py, in batch.


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
