from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    SUSPENDED = "suspended", _("Suspended")


class Light(models.TextChoices):
    """The health of a project: computed, never typed in (DESIGN.md)."""

    GREEN = "green", _("On track")
    YELLOW = "yellow", _("Behind")
    RED = "red", _("Seriously behind")
    COMPLETED = "completed", _("Completed")
    NOT_STARTED = "not_started", _("Not started")
    SUSPENDED = "suspended", _("Suspended")


# The symbol shown beside each light's word, so colour is never the only signal.
LIGHT_ICONS = {
    Light.GREEN: "●",
    Light.YELLOW: "▲",
    Light.RED: "■",
    Light.COMPLETED: "✔",
    Light.NOT_STARTED: "○",
    Light.SUSPENDED: "‖",
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
