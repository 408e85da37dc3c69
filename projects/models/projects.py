"""The project (民生实事项目), its queryset and the extra column of its history."""

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from departments.models import Area, Department
from minsheng.numbers import percent

from ..choices import (
    ChangeKind,
    ChangeState,
    FundingSource,
    Light,
    ProjectStatus,
)
from ..permissions import projects_editable_by, projects_visible_to
from .common import (
    BASELINE_FIELDS,
    DERIVED_FIELDS,
    NON_NEGATIVE,
    PERCENT_VALIDATORS,
    _not_in_future,
)
from .plans import BeneficiaryGroup, Category, Plan

TO_DELIVER = ~Q(status=ProjectStatus.TERMINATED)


class HistorySource(models.TextChoices):
    """What made a recorded change of a project, where its user alone does not say."""

    EDIT = "", _("Edit")
    REPORT = "report", _("Approved progress report")


class ProjectHistoryBase(models.Model):
    """Extra column of the project's history rows: what made the change.

    An approved report is saved by the office's reviewer, yet the progress it carries is the
    lead department's: the public history names the department for such a row.
    """

    history_source = models.CharField(
        _("made by"), max_length=20, blank=True, choices=HistorySource.choices, default=""
    )

    class Meta:
        abstract = True


class ProjectQuerySet(models.QuerySet):
    def published(self):
        """Projects residents may see: published, in a published plan."""
        return self.filter(published=True, plan__published=True)

    def for_department(self, department):
        return self.filter(lead_department=department)

    def visible_to(self, user):
        """Projects a staff user may see in the admin: all, or those their department leads or helps."""
        return projects_visible_to(self, user)

    def editable_by(self, user):
        """Projects a staff user may work on: all for the coordinating office, else their own."""
        return projects_editable_by(self, user)

    def to_deliver(self):
        """Projects the plan still counts as promised: all but the terminated (终止) ones."""
        return self.filter(TO_DELIVER)

    def plan_changed(self):
        """Projects whose plan was changed: at least one approved change of the baseline."""
        # The request model is read through the relation: changes.py builds on this module.
        change_requests = self.model.change_requests.rel.related_model
        return self.filter(
            pk__in=change_requests.objects.filter(
                kind=ChangeKind.CHANGE, state=ChangeState.APPROVED
            ).values("project_id")
        )

    def baselined(self):
        return self.filter(baselined_at__isnull=False)


class Project(models.Model):
    """One livelihood project of a plan (民生实事项目): what was promised, by whom, and how it stands."""

    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="projects", verbose_name=_("plan")
    )
    number = models.PositiveIntegerField(
        _("number"), help_text=_("Number within the plan: 1, 2, 3 …")
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    commitment = models.TextField(
        _("commitment"), blank=True, help_text=_("What was promised: content and targets.")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="projects", verbose_name=_("category")
    )
    lead_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="led_projects",
        verbose_name=_("lead department"),
    )
    cooperating_departments = models.ManyToManyField(
        Department,
        related_name="cooperating_projects",
        blank=True,
        verbose_name=_("cooperating departments"),
    )
    areas = models.ManyToManyField(
        Area, related_name="projects", blank=True, verbose_name=_("areas covered")
    )
    beneficiary_groups = models.ManyToManyField(
        BeneficiaryGroup, related_name="projects", blank=True, verbose_name=_("beneficiary groups")
    )
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    planned_investment = models.DecimalField(
        _("planned investment (10k yuan)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=NON_NEGATIVE,
    )
    funds_disbursed = models.DecimalField(
        _("funds disbursed (10k yuan)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=NON_NEGATIVE,
    )
    funding_source = models.CharField(
        _("funding source"),
        max_length=20,
        choices=FundingSource.choices,
        default=FundingSource.DISTRICT,
    )
    progress_percent = models.DecimalField(
        _("progress (%)"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("0"),
        validators=PERCENT_VALIDATORS,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.NOT_STARTED
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    published = models.BooleanField(_("published"), default=True)

    # Derived by projects.light.compute_light and stored so lists can filter and count by it.
    light = models.CharField(
        _("light"), max_length=20, choices=Light.choices, default=Light.NOT_STARTED, editable=False
    )
    light_reason = models.CharField(
        _("reason for the light"), max_length=500, blank=True, editable=False
    )
    expected_progress = models.DecimalField(
        _("expected progress (%)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        editable=False,
        validators=PERCENT_VALIDATORS,
    )
    light_as_of = models.DateField(_("light computed for"), null=True, blank=True, editable=False)

    # The baseline (原计划), frozen by projects.commitments.project_baseline_freeze when the
    # plan (or the project, in a published plan) is published; never recomputed.
    baseline_start = models.DateField(_("baseline start"), null=True, blank=True, editable=False)
    baseline_end = models.DateField(_("baseline end"), null=True, blank=True, editable=False)
    baseline_investment = models.DecimalField(
        _("baseline investment (10k yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
    )
    baseline_funding_source = models.CharField(
        _("baseline funding source"),
        max_length=20,
        choices=FundingSource.choices,
        blank=True,
        editable=False,
    )
    baselined_at = models.DateTimeField(
        _("baseline frozen at"), null=True, blank=True, editable=False
    )

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(
        excluded_fields=DERIVED_FIELDS,
        m2m_fields=[cooperating_departments, areas, beneficiary_groups],
        bases=[ProjectHistoryBase],
    )
    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("livelihood project")
        verbose_name_plural = _("livelihood projects")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="project_unique_number_per_plan",
                violation_error_message=_(
                    "A project with this number already exists in this plan."
                ),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="project_number_positive",
                violation_error_message=_("The number must be 1 or more."),
            ),
            models.CheckConstraint(
                condition=Q(progress_percent__gte=0) & Q(progress_percent__lte=100),
                name="project_progress_0_100",
                violation_error_message=_("Progress must be between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=Q(expected_progress__gte=0) & Q(expected_progress__lte=100)
                | Q(expected_progress__isnull=True),
                name="project_expected_progress_0_100",
                violation_error_message=_("Progress must be between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=Q(planned_end__gte=F("planned_start")),
                name="project_end_not_before_start",
                violation_error_message=_("The planned end cannot be before the planned start."),
            ),
            models.CheckConstraint(
                condition=Q(planned_investment__gte=0) & Q(funds_disbursed__gte=0),
                name="project_funds_not_negative",
                violation_error_message=_("Amounts of money cannot be negative."),
            ),
        ]
        indexes = [
            models.Index(fields=["light"], name="project_light_idx"),
            models.Index(fields=["status"], name="project_status_idx"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def get_absolute_url(self):
        return reverse("projects:detail", args=[self.pk])

    def clean(self):
        super().clean()
        _not_in_future(
            self.completed_on, _("A project cannot be completed on a day still to come.")
        )

    @property
    def is_baselined(self) -> bool:
        return self.baselined_at is not None

    @property
    def delay_days(self) -> int:
        """Days the planned end moved from the baseline (positive: later; 0 without one)."""
        if self.baseline_end is None:
            return 0
        return (self.planned_end - self.baseline_end).days

    def baseline_differences(self) -> dict[str, tuple]:
        """The project's baseline fields whose current value differs: name → (baseline, now)."""
        if not self.is_baselined:
            return {}
        return {
            field: (getattr(self, column), getattr(self, field))
            for field, column in BASELINE_FIELDS["project"].items()
            if getattr(self, column) != getattr(self, field)
        }

    @property
    def execution_rate(self) -> Decimal | None:
        """Funds disbursed as a percentage of planned investment (资金执行率)."""
        return percent(self.funds_disbursed, self.planned_investment)
