"""What a project is measured by and reports: milestones, indicators, progress reports."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from minsheng.numbers import percent

from ..choices import (
    ReportState,
)
from .common import NON_NEGATIVE, PERCENT_VALIDATORS, _not_in_future
from .projects import Project


class MilestoneQuerySet(models.QuerySet):
    def overdue(self, on_date: datetime.date):
        return self.filter(completed_on__isnull=True, planned_date__lt=on_date)


class Milestone(models.Model):
    """A dated step of a project (节点); overdue when not completed by its planned date."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("project")
    )
    title = models.CharField(_("title"), max_length=200)
    planned_date = models.DateField(_("planned date"))
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, help_text=_("Share of the project's work this step stands for.")
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    # The baseline (原计划); null for a milestone added after the project was baselined.
    baseline_title = models.CharField(
        _("baseline title"), max_length=200, blank=True, editable=False
    )
    baseline_planned_date = models.DateField(
        _("baseline planned date"), null=True, blank=True, editable=False
    )
    baseline_weight = models.PositiveSmallIntegerField(
        _("baseline weight"), null=True, blank=True, editable=False
    )

    history = HistoricalRecords()
    objects = MilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["project", "planned_date", "pk"]
        indexes = [models.Index(fields=["planned_date", "completed_on"], name="milestone_due_idx")]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        _not_in_future(
            self.completed_on, _("A milestone cannot be completed on a day still to come.")
        )

    @property
    def is_baselined(self) -> bool:
        return self.baseline_planned_date is not None

    @property
    def baseline_moved(self) -> bool:
        """Whether the planned date differs from the baseline (shown struck through)."""
        return self.is_baselined and self.planned_date != self.baseline_planned_date

    @property
    def delay_days(self) -> int:
        """Days the planned date moved from the baseline (positive: later)."""
        if not self.is_baselined:
            return 0
        return (self.planned_date - self.baseline_planned_date).days

    def is_overdue(self, on_date: datetime.date) -> bool:
        return self.completed_on is None and self.planned_date < on_date

    def days_overdue(self, on_date: datetime.date) -> int:
        return (on_date - self.planned_date).days if self.is_overdue(on_date) else 0


class Indicator(models.Model):
    """A measurable target of a project (指标), e.g. 新增学位 · 个 · 1000 · 650."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("project")
    )
    name = models.CharField(_("name"), max_length=100)
    unit = models.CharField(_("unit"), max_length=20)
    target_value = models.DecimalField(
        _("target value"), max_digits=14, decimal_places=2, validators=NON_NEGATIVE
    )
    actual_value = models.DecimalField(
        _("actual value"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=NON_NEGATIVE,
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    # The baseline (原计划); null for an indicator added after the project was baselined.
    baseline_target = models.DecimalField(
        _("baseline target value"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
    )
    baseline_unit = models.CharField(_("baseline unit"), max_length=20, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["project", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_value__gte=0) & Q(actual_value__gte=0),
                name="indicator_values_not_negative",
                violation_error_message=_("Indicator values cannot be negative."),
            ),
            models.UniqueConstraint(
                fields=["project", "name"],
                name="indicator_unique_name_per_project",
                violation_error_message=_("This project already has an indicator with this name."),
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.unit}）"

    @property
    def is_baselined(self) -> bool:
        return self.baseline_target is not None

    @property
    def target_changed(self) -> bool:
        return self.is_baselined and (
            self.target_value != self.baseline_target or self.unit != self.baseline_unit
        )

    @property
    def completion_percent(self) -> Decimal | None:
        return percent(self.actual_value, self.target_value)


class ProgressReportQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(state=ReportState.APPROVED)


class ProgressReport(models.Model):
    """A department's monthly account of a project (进度报告), reviewed by the coordinating office."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="reports", verbose_name=_("project")
    )
    period = models.DateField(
        _("period"), help_text=_("The month reported on (first day of the month).")
    )
    reported_progress = models.DecimalField(
        _("reported progress (%)"), max_digits=4, decimal_places=1, validators=PERCENT_VALIDATORS
    )
    funds_disbursed_to_date = models.DecimalField(
        _("funds disbursed to date (10k yuan)"),
        max_digits=12,
        decimal_places=2,
        validators=NON_NEGATIVE,
    )
    work_done = models.TextField(_("work done"))
    problems = models.TextField(_("problems"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=ReportState.choices,
        default=ReportState.DRAFT,
        editable=False,
    )
    return_reason = models.CharField(
        _("reason for return"), max_length=500, blank=True, editable=False
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
        editable=False,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
        editable=False,
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-period", "project"]
        permissions = [("review_progressreport", _("Can approve or return progress reports"))]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "period"],
                name="report_unique_period_per_project",
                violation_error_message=_("This project already has a report for this month."),
            ),
            models.CheckConstraint(
                condition=Q(reported_progress__gte=0) & Q(reported_progress__lte=100),
                name="report_progress_0_100",
                violation_error_message=_("Progress must be between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=Q(funds_disbursed_to_date__gte=0),
                name="report_funds_not_negative",
                violation_error_message=_("Amounts of money cannot be negative."),
            ),
        ]
        indexes = [models.Index(fields=["state", "period"], name="report_state_period_idx")]

    def __str__(self):
        return f"{self.project} · {self.period:%Y-%m}"

    def save(self, *args, **kwargs):
        # A period is a month: store it as the month's first day whatever day was typed.
        if self.period:
            self.period = self.period.replace(day=1)
        super().save(*args, **kwargs)

    @property
    def is_editable(self) -> bool:
        return self.state in (ReportState.DRAFT, ReportState.RETURNED)
