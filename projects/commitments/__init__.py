"""Public commitments (公开承诺): the baseline, change requests, and the one write path.

A commitment moves only in the open, with a reason and a decision:

- **Baseline (原计划).** ``plan_publish`` publishes a plan and freezes the baseline of each
  of its published projects (``project_baseline_freeze``: planned start and end, planned
  investment and funding source, each milestone's title, planned date and weight, each
  indicator's target and unit, ``BASELINE_FIELDS`` in models/common.py). Stored, never recomputed.
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

from .attachments import ATTACHMENT_FIELDS, attachment_add, attachment_delete, attachment_update
from .baseline import plan_publish, project_baseline_freeze
from .batch import baseline_added_entry, baseline_update_entries, changes_record_bulk
from .requests import (
    change_request_approve,
    change_request_create,
    change_request_reject,
    change_request_withdraw,
    closing_problems,
    closing_request_create,
    status_request_create,
    suspension_request_create,
    termination_request_create,
)
from .rules import (
    ADDED_FIELDS,
    DEPARTMENT_PROJECT_FIELDS,
    INDICATOR_FIELDS,
    KIND_OF_STATUS,
    MILESTONE_FIELDS,
    MODELS,
    PROJECT_M2M_FIELDS,
    STATUS_KINDS,
    STATUS_OF_KIND,
    STATUSES_BEFORE,
    baseline_message,
    change_request_decided,
    is_department_status_move,
)
from .writes import (
    PROJECT_FIELDS,
    indicator_delete,
    indicator_save,
    milestone_delete,
    milestone_save,
    project_create,
    project_update,
)

__all__ = [
    "ADDED_FIELDS",
    "ATTACHMENT_FIELDS",
    "DEPARTMENT_PROJECT_FIELDS",
    "INDICATOR_FIELDS",
    "KIND_OF_STATUS",
    "MILESTONE_FIELDS",
    "MODELS",
    "PROJECT_FIELDS",
    "PROJECT_M2M_FIELDS",
    "STATUSES_BEFORE",
    "STATUS_KINDS",
    "STATUS_OF_KIND",
    "attachment_add",
    "attachment_delete",
    "attachment_update",
    "baseline_added_entry",
    "baseline_message",
    "baseline_update_entries",
    "change_request_approve",
    "change_request_create",
    "change_request_decided",
    "change_request_reject",
    "change_request_withdraw",
    "changes_record_bulk",
    "closing_problems",
    "closing_request_create",
    "indicator_delete",
    "indicator_save",
    "is_department_status_move",
    "milestone_delete",
    "milestone_save",
    "plan_publish",
    "project_baseline_freeze",
    "project_create",
    "project_update",
    "status_request_create",
    "suspension_request_create",
    "termination_request_create",
]
