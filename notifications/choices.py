from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderKind(models.TextChoices):
    MILESTONE_DUE = "milestone_due", _("Milestone due soon")
    MILESTONE_OVERDUE = "milestone_overdue", _("Milestone overdue")
    REPORT_DUE = "report_due", _("Progress report due soon")
    REPORT_OVERDUE = "report_overdue", _("Progress report overdue")
    COMMENT_REPLY_OVERDUE = "comment_reply_overdue", _("Comment awaiting an official reply")
    WEEKLY_DIGEST = "weekly_digest", _("Weekly summary for leadership")
    CHANGE_DECIDED = "change_decided", _("Decision on a change request")
    CHANGE_REVIEW_OVERDUE = "change_review_overdue", _("Change request awaiting a decision")
    COMMENT_NEW = "comment_new", _("New comment from a resident")


class ContactPreference(models.TextChoices):
    """How a person wants to receive reminders."""

    EMAIL = "email", _("E-mail")
    SMS = "sms", _("Text message")
    BOTH = "both", _("E-mail and text message")


class Channel(models.TextChoices):
    """The way one reminder went out."""

    EMAIL = "email", _("E-mail")
    SMS = "sms", _("Text message")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed, will be retried")
    UNDELIVERABLE = "undeliverable", _("Failed for good")


CHANNELS_BY_PREFERENCE = {
    ContactPreference.EMAIL: (Channel.EMAIL,),
    ContactPreference.SMS: (Channel.SMS,),
    ContactPreference.BOTH: (Channel.EMAIL, Channel.SMS),
}
