"""Reminders: who wants them how, and the log that makes each one go out once.

A reminder is derived from the database (a milestone's date, a missing report, a comment
without reply), so a scan that did not run is made up by the next one. The log row is
written *before* the message is sent, under a unique constraint on what the reminder is
(its kind, the object it is about, the day it fell due, the person and the channel): a
second scan, a retried task or two workers at once find the row taken and send nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import (
    CHANNELS_BY_PREFERENCE,
    Channel,
    ContactPreference,
    DeliveryStatus,
    ReminderKind,
)

MOBILE_VALIDATOR = RegexValidator(
    r"^1[3-9]\d{9}$",
    _("Enter an 11-digit mobile number such as 13800000000."),
)


class NotificationProfile(models.Model):
    """How a staff user wants to receive reminders (e-mail, text message or both)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_profile",
        verbose_name=_("user"),
    )
    channel = models.CharField(
        _("receive reminders by"),
        max_length=10,
        choices=ContactPreference.choices,
        default=ContactPreference.EMAIL,
    )
    mobile = models.CharField(
        _("mobile number"),
        max_length=11,
        blank=True,
        validators=[MOBILE_VALIDATOR],
        help_text=_("Needed for text messages. E-mail goes to the address of the user account."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("reminder settings")
        verbose_name_plural = _("reminder settings")
        ordering = ["user__username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel=ContactPreference.EMAIL) | ~Q(mobile=""),
                name="notificationprofile_sms_needs_mobile",
                violation_error_message=_("Enter a mobile number to receive text messages."),
            )
        ]

    def __str__(self):
        return str(self.user)

    def clean(self):
        super().clean()
        if self.channel != ContactPreference.EMAIL and not self.mobile:
            raise ValidationError({"mobile": _("Enter a mobile number to receive text messages.")})

    @property
    def channels(self) -> tuple[str, ...]:
        return CHANNELS_BY_PREFERENCE[ContactPreference(self.channel)]


def channels_for(user) -> tuple[str, ...]:
    """The channels a user receives reminders on: e-mail unless their settings say otherwise."""
    try:
        profile = user.notification_profile
    except NotificationProfile.DoesNotExist:
        return (Channel.EMAIL,)
    return profile.channels


def address_for(user, channel: str) -> str:
    if channel == Channel.SMS:
        try:
            return user.notification_profile.mobile
        except NotificationProfile.DoesNotExist:
            return ""
    return user.email or ""


class ReminderLogQuerySet(models.QuerySet):
    def failed(self):
        return self.filter(status__in=[DeliveryStatus.FAILED, DeliveryStatus.UNDELIVERABLE])


class ReminderLog(models.Model):
    """One reminder to one person over one channel: what was sent to whom, when, and how it went."""

    kind = models.CharField(_("kind"), max_length=30, choices=ReminderKind.choices)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("about (type)")
    )
    object_id = models.PositiveBigIntegerField(_("about (id)"))
    target = GenericForeignKey("content_type", "object_id")
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reminder_logs",
        verbose_name=_("project"),
    )
    due_on = models.DateField(
        _("reminder due on"),
        help_text=_("The day this reminder fell due; a weekly reminder has one row a week."),
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminder_logs",
        verbose_name=_("recipient"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    address = models.CharField(_("sent to"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("delivery error"), blank=True)
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ReminderLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "content_type", "object_id", "due_on", "recipient", "channel"],
                name="reminderlog_once_per_occurrence",
                violation_error_message=_("This reminder has already been sent to this person."),
            ),
            models.CheckConstraint(
                condition=~Q(status=DeliveryStatus.SENT) | Q(sent_at__isnull=False),
                name="reminderlog_sent_has_time",
                violation_error_message=_("A sent reminder records when it was sent."),
            ),
        ]
        indexes = [
            models.Index(fields=["claim_token"], name="reminderlog_claim_idx"),
            # The deliveries to try again: few rows, whatever the size of the log.
            models.Index(
                fields=["content_type", "kind"],
                condition=Q(status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED]),
                name="reminderlog_open_idx",
            ),
            models.Index(fields=["status", "due_on"], name="reminderlog_status_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient} ({self.due_on:%Y-%m-%d})"


class ReminderOccurrence(models.Model):
    """A reminder that fell due and was claimed for its recipients (one row, however many).

    Written in the same transaction as its ``ReminderLog`` rows. The daily scan leaves out
    objects whose current reminder has a row here (unless a delivery is to be retried), with
    one small lookup per object instead of one per person and channel.
    """

    kind = models.CharField(_("kind"), max_length=30, choices=ReminderKind.choices)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("about (type)")
    )
    object_id = models.PositiveBigIntegerField(_("about (id)"))
    due_on = models.DateField(_("reminder due on"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder due")
        verbose_name_plural = _("reminders due")
        constraints = [
            # Column order serves the scan: one type, the recent days, then the object.
            models.UniqueConstraint(
                fields=["content_type", "due_on", "kind", "object_id"],
                name="reminderoccurrence_once",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.object_id} ({self.due_on:%Y-%m-%d})"
