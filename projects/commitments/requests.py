"""Change, closing, suspension and termination requests: filed by departments, decided by
the coordinating office."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minsheng import clock
from minsheng.services import ServiceError

from ..choices import (
    AttachmentKind,
    ChangeKind,
    ChangeState,
    ProjectStatus,
)
from ..models import (
    ChangeRequest,
    Project,
)
from .attachments import attachment_add
from .entries import _apply, _normalise, _write
from .rules import (
    STATUS_KINDS,
    STATUS_OF_KIND,
    STATUSES_BEFORE,
    _full_clean,
    _lead_only,
    _office_only,
    _reason,
    _refresh_light,
    _require,
    _save,
    _text,
    change_request_decided,
)

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
