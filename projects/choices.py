from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProjectStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    SUSPENDED = "suspended", _("Suspended")
    # Stopped by a decision of the coordinating office (终止): stays visible, no longer
    # counted among the projects the plan delivers.
    TERMINATED = "terminated", _("Terminated")


class Light(models.TextChoices):
    """The health of a project: computed, never typed in (DESIGN.md)."""

    GREEN = "green", _("On track")
    YELLOW = "yellow", _("Behind")
    RED = "red", _("Seriously behind")
    COMPLETED = "completed", _("Completed")
    NOT_STARTED = "not_started", _("Not started")
    SUSPENDED = "suspended", _("Suspended")
    TERMINATED = "terminated", _("Terminated")


# The symbol shown beside each light's word, so colour is never the only signal.
LIGHT_ICONS = {
    Light.GREEN: "●",
    Light.YELLOW: "▲",
    Light.RED: "■",
    Light.COMPLETED: "✔",
    Light.NOT_STARTED: "○",
    Light.SUSPENDED: "‖",
    Light.TERMINATED: "✖",
}


class FundingSource(models.TextChoices):
    DISTRICT = "district", _("District budget")
    HIGHER_LEVEL = "higher_level", _("Higher-level subsidy")
    SPECIAL_BOND = "special_bond", _("Special-purpose bond")
    SOCIAL_CAPITAL = "social_capital", _("Social capital / PPP")
    OTHER = "other", _("Other")


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    BEFORE = "before", _("Photo before")
    AFTER = "after", _("Photo after")
    DOCUMENT = "document", _("Document")
    # The acceptance document (验收材料) a closing request (销号) needs.
    ACCEPTANCE = "acceptance", _("Acceptance document")


class ChangeKind(models.TextChoices):
    """What a change request (调整申请) asks for."""

    CHANGE = "change", _("Plan change")
    CLOSE = "close", _("Closing")
    SUSPEND = "suspend", _("Suspension")
    TERMINATE = "terminate", _("Termination")
    RESUME = "resume", _("Resumption")


class ChangeState(models.TextChoices):
    # Own context: a report is 已通过, a change request 已批准.
    PENDING = "pending", pgettext_lazy("change request", "Pending review")
    APPROVED = "approved", pgettext_lazy("change request", "Approved")
    REJECTED = "rejected", pgettext_lazy("change request", "Not approved")
    WITHDRAWN = "withdrawn", pgettext_lazy("change request", "Withdrawn")


class ChangeSource(models.TextChoices):
    """How a change came in: a department's request, the office's own edit, or an import."""

    REQUEST = "request", _("Request")
    OFFICE_EDIT = "office_edit", _("Edited by the coordinating office")
    IMPORT = "import", _("Import")
