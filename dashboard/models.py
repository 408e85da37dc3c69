"""Monthly snapshots of the projects (the dashboard's trend) and the briefings sent to leadership."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.choices import Light, ProjectStatus
from projects.models import NON_NEGATIVE, PERCENT_VALIDATORS, Project


class ProjectSnapshot(models.Model):
    """How a project stood in a month (月度快照): progress, funds, status and light.

    One row per project and month. The current month's row is taken from the live data
    and refreshed every night, so that a month keeps the figures of its last day; rows of
    earlier months may also be rebuilt afterwards from approved reports and the change
    history (``reconstructed``).
    """

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="snapshots", verbose_name=_("project")
    )
    month = models.DateField(_("month"), help_text=_("The month described (its first day)."))
    as_of = models.DateField(_("as of"), help_text=_("The day the figures describe."))
    status = models.CharField(_("status"), max_length=20, choices=ProjectStatus.choices)
    progress_percent = models.DecimalField(
        _("progress (%)"), max_digits=4, decimal_places=1, validators=PERCENT_VALIDATORS
    )
    expected_progress = models.DecimalField(
        _("expected progress (%)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=PERCENT_VALIDATORS,
    )
    planned_investment = models.DecimalField(
        _("planned investment (10k yuan)"),
        max_digits=12,
        decimal_places=2,
        validators=NON_NEGATIVE,
    )
    funds_disbursed = models.DecimalField(
        _("funds disbursed (10k yuan)"), max_digits=12, decimal_places=2, validators=NON_NEGATIVE
    )
    light = models.CharField(_("light"), max_length=20, choices=Light.choices)
    light_reason = models.CharField(_("reason for the light"), max_length=500, blank=True)
    reconstructed = models.BooleanField(
        _("reconstructed"),
        default=False,
        help_text=_(
            "Rebuilt afterwards from approved reports and the change history, "
            "rather than taken from the live data."
        ),
    )
    taken_at = models.DateTimeField(_("taken at"), default=timezone.now)

    class Meta:
        verbose_name = _("monthly project snapshot")
        verbose_name_plural = _("monthly project snapshots")
        ordering = ["-month", "project"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "month"],
                name="snapshot_one_per_project_and_month",
                violation_error_message=_("This project already has a snapshot for this month."),
            ),
            models.CheckConstraint(
                condition=Q(progress_percent__gte=0) & Q(progress_percent__lte=100),
                name="snapshot_progress_0_100",
                violation_error_message=_("Progress must be between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=Q(expected_progress__gte=0) & Q(expected_progress__lte=100)
                | Q(expected_progress__isnull=True),
                name="snapshot_expected_progress_0_100",
                violation_error_message=_("Progress must be between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=Q(planned_investment__gte=0) & Q(funds_disbursed__gte=0),
                name="snapshot_funds_not_negative",
                violation_error_message=_("Amounts of money cannot be negative."),
            ),
        ]
        indexes = [models.Index(fields=["month"], name="snapshot_month_idx")]

    def __str__(self):
        return f"{self.project} · {self.month:%Y-%m}"


class BriefingDispatch(models.Model):
    """A monthly briefing (月度通报) the coordinating office sent to leadership by e-mail."""

    month = models.DateField(_("month"), help_text=_("The month of the briefing (its first day)."))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    recipients = models.TextField(_("recipients"), help_text=_("E-mail addresses, one a line."))
    sent_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    error = models.CharField(_("last delivery error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("briefing sent to leadership")
        verbose_name_plural = _("briefings sent to leadership")
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"{self.month:%Y-%m} · {self.requested_at:%Y-%m-%d %H:%M}"

    @property
    def recipient_list(self) -> list[str]:
        return [line for line in self.recipients.splitlines() if line.strip()]
