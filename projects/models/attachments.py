"""Files attached to a project, a milestone or a progress report, and where they are stored."""

import datetime
import uuid
from pathlib import PurePath

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..choices import (
    AttachmentKind,
    ChangeState,
    ReportState,
)
from .changes import ChangeRequest
from .progress import Milestone, ProgressReport
from .projects import Project

STORED_SUFFIXES = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/gif": ".gif",
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
}


def attachment_upload_to(instance, filename: str) -> str:
    """Store uploads under a generated name; nothing of the sent name is kept.

    The suffix follows the checked content (a PNG sent as ``photo.jpg`` is stored as ``.png``,
    a Word document sent as ``.pdf`` as ``.docx``). The name is random, so that a file's
    address cannot be guessed from another's.
    """
    suffix = STORED_SUFFIXES.get(instance.content_type, "")
    today = datetime.date.today()
    return f"attachments/{today:%Y/%m}/{uuid.uuid4().hex}{suffix}"


class AttachmentQuerySet(models.QuerySet):
    def outside_unapproved_reports(self):
        """Attachments of the project or a milestone, or of an approved report or request.

        A report's photos and documents are the department's working papers until the
        office approves the report; a change request's documents likewise until approved.
        """
        return self.filter(
            Q(report__isnull=True) | Q(report__state=ReportState.APPROVED),
            Q(change_request__isnull=True) | Q(change_request__state=ChangeState.APPROVED),
        )

    def public(self):
        """Attachments residents may see: of published projects, outside unapproved reports."""
        return self.outside_unapproved_reports().filter(
            project__published=True, project__plan__published=True
        )

    def visible_to(self, user):
        """The public ones, and for staff those of the projects they may see in the admin."""
        staff_projects = Project.objects.visible_to(user).values("pk")
        return self.filter(Q(pk__in=self.public().values("pk")) | Q(project_id__in=staff_projects))


class Attachment(models.Model):
    """A photo or document of a project, optionally tied to one of its milestones or reports."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("project")
    )
    milestone = models.ForeignKey(
        Milestone,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("milestone"),
    )
    report = models.ForeignKey(
        ProgressReport,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("progress report"),
    )
    change_request = models.ForeignKey(
        ChangeRequest,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("change request"),
        editable=False,
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=AttachmentKind.choices, default=AttachmentKind.PHOTO
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to=attachment_upload_to)
    thumbnail = models.ImageField(
        _("thumbnail"), upload_to="thumbnails/%Y/%m/", blank=True, editable=False
    )
    content_type = models.CharField(_("content type"), max_length=100, blank=True, editable=False)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0, editable=False)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    history = HistoricalRecords()

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["project", "-uploaded_at"]

    def __str__(self):
        return self.title or PurePath(self.file.name).name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
