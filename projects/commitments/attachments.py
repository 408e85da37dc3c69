"""Attachments of a project, a milestone or a report: added, changed and removed."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from minsheng.services import ServiceError

from ..choices import (
    AttachmentKind,
)
from ..models import (
    Attachment,
    ChangeRequest,
    Milestone,
    Project,
)
from .rules import _changed, _full_clean, _lead_only, _require, _save


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
    from ..attachments import inspect_upload, make_thumbnail

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
    from ..attachments import inspect_upload, make_thumbnail

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
