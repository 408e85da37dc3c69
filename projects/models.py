import datetime
import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.timezone import now as timezone_now
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from departments.models import Area, Department
from minsheng import clock
from minsheng.numbers import percent

from .choices import (
    AttachmentKind,
    ChangeKind,
    ChangeSource,
    ChangeState,
    FundingSource,
    Light,
    ProjectStatus,
    ReportState,
)
from .permissions import projects_editable_by, projects_visible_to

PERCENT_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
NON_NEGATIVE = [MinValueValidator(Decimal("0"))]

# Columns derived from other data: kept off the change history.
DERIVED_FIELDS = ["light", "light_reason", "expected_progress", "light_as_of", "updated_at"]

# The commitment frozen when the plan is published (原计划): for each model, the field a
# department works against and the column holding its baseline. A baselined project's
# fields named here change only through an approved change request, or by the office with a
# recorded reason (projects/commitments.py).
BASELINE_FIELDS = {
    "project": {
        "planned_start": "baseline_start",
        "planned_end": "baseline_end",
        "planned_investment": "baseline_investment",
        "funding_source": "baseline_funding_source",
    },
    "milestone": {
        "title": "baseline_title",
        "planned_date": "baseline_planned_date",
        "weight": "baseline_weight",
    },
    "indicator": {
        "target_value": "baseline_target",
        "unit": "baseline_unit",
    },
}


def _not_in_future(value, message) -> None:
    """Completion dates are facts: a day still to come is refused everywhere."""
    from django.core.exceptions import ValidationError

    if value is not None and value > clock.today():
        raise ValidationError({"completed_on": message})


class PlanQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)


class Plan(models.Model):
    """A year's list of livelihood projects as the district issued it (年度方案)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    issuing_body = models.CharField(_("issuing body"), max_length=100, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    published = models.BooleanField(_("published"), default=False)

    history = HistoricalRecords()
    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("annual plan")
        verbose_name_plural = _("annual plans")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100),
                name="plan_year_plausible",
                violation_error_message=_("The year must be between 2000 and 2100."),
            )
        ]

    def __str__(self):
        return self.title or str(self.year)


class Category(models.Model):
    """An area of work of the plans (领域), such as education or health."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    icon = models.CharField(
        _("icon"), max_length=8, blank=True, help_text=_("A short symbol shown on cards.")
    )
    colour = models.CharField(
        _("colour"),
        max_length=7,
        default="#b71c1c",
        help_text=_("Hex colour such as #1a5fb4."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name


class BeneficiaryGroup(models.Model):
    """A group of residents a project serves (老年人, 儿童, 残疾人 …)."""

    name = models.CharField(_("name"), max_length=30, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("beneficiary group")
        verbose_name_plural = _("beneficiary groups")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


# Projects the plan still counts as promised (all but the terminated): the one definition,
# used by ``to_deliver()`` and by aggregates that count in a single query (filter=TO_DELIVER).
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
        return self.filter(
            pk__in=ChangeRequest.objects.filter(
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


class ChangeRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state=ChangeState.PENDING)

    def approved(self):
        return self.filter(state=ChangeState.APPROVED)

    def public(self):
        """What residents see: approved changes and decisions of published projects."""
        return self.approved().filter(project__published=True, project__plan__published=True)


class ChangeRequest(models.Model):
    """A request to move a project's commitment (调整申请), and the office's decision on it.

    ``kind`` says what is asked: a change of baseline fields (计划调整), closing (销号),
    suspension (暂缓), termination (终止) or resumption (恢复实施). A department files it
    (``source`` request) and the coordinating office approves or rejects it; the office's own
    direct changes of baseline fields and imports leave an approved record too (``source``
    office_edit / import, ``source_name`` the imported file's name), so that every move of a
    commitment has a reason, a date and someone who decided it.

    ``changes`` (kind change only) is a list of entries, values as JSON strings (ISO dates,
    decimal strings) or null::

        {"model": "project" | "milestone" | "indicator", "id": 12,
         "action": "update", "field": "planned_date", "old": "2024-08-25", "new": "2024-10-20"}
        {"model": "milestone", "id": null, "action": "add", "field": "",
         "old": null, "new": {"title": …, "planned_date": …, "weight": …}}
        {"model": "milestone", "id": 12, "action": "delete", "field": "",
         "old": {"title": …, "planned_date": …, "weight": …}, "new": null}

    Only baseline fields (``BASELINE_FIELDS``) appear. Once applied, an added row's id is
    written into its entry. Supporting documents (and the acceptance document of a closing
    request) are attachments of the project tied to the request (``attachments``).
    """

    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        related_name="change_requests",
        verbose_name=_("project"),
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=ChangeKind.choices, default=ChangeKind.CHANGE
    )
    state = models.CharField(
        _("state"), max_length=20, choices=ChangeState.choices, default=ChangeState.PENDING
    )
    source = models.CharField(
        _("source"), max_length=20, choices=ChangeSource.choices, default=ChangeSource.REQUEST
    )
    source_name = models.CharField(
        _("source file"),
        max_length=255,
        blank=True,
        help_text=_("The name of the imported file the change came from."),
    )
    reason = models.TextField(_("reason"))
    changes = models.JSONField(_("changes"), default=list, blank=True)
    decision_number = models.CharField(
        _("decision document number"),
        max_length=100,
        blank=True,
        help_text=_("The number of the document deciding it (文号), e.g. 禹民生办〔2024〕12号."),
    )
    decision_note = models.TextField(
        _("decision note"), blank=True, help_text=_("Why the request was not approved.")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone_now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    history = HistoricalRecords()
    objects = ChangeRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="changerequest_reason_required",
                violation_error_message=_("Give the reason for the change."),
            ),
            models.CheckConstraint(
                condition=~Q(state=ChangeState.REJECTED) | ~Q(decision_note=""),
                name="changerequest_rejection_reason_required",
                violation_error_message=_("Say why the request is not approved."),
            ),
            models.CheckConstraint(
                condition=Q(state=ChangeState.PENDING)
                | Q(state=ChangeState.WITHDRAWN)
                | Q(decided_at__isnull=False),
                name="changerequest_decision_dated",
                violation_error_message=_("A decided request needs the date of its decision."),
            ),
            models.CheckConstraint(
                condition=~(
                    Q(state=ChangeState.APPROVED)
                    & Q(kind__in=[ChangeKind.SUSPEND, ChangeKind.TERMINATE])
                    & Q(decision_number="")
                ),
                name="changerequest_decision_number_to_stop",
                violation_error_message=_(
                    "Suspending or terminating a project needs the decision's document number."
                ),
            ),
            models.CheckConstraint(
                condition=Q(source=ChangeSource.REQUEST) | Q(state=ChangeState.APPROVED),
                name="changerequest_direct_changes_approved",
                violation_error_message=_("A change made directly is recorded as approved."),
            ),
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(state=ChangeState.PENDING) & ~Q(kind=ChangeKind.CHANGE),
                name="changerequest_one_pending_status_request",
                violation_error_message=_(
                    "This project already has a closing, suspension or termination request "
                    "waiting for a decision."
                ),
            ),
        ]
        indexes = [models.Index(fields=["state", "requested_at"], name="changerequest_state_idx")]

    def __str__(self):
        return f"{self.project} · {self.get_kind_display()} · {self.get_state_display()}"

    @property
    def is_pending(self) -> bool:
        return self.state == ChangeState.PENDING


# The suffix a stored file gets from the type its content was found to be (attachments.py).
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
