"""The plan (年度计划) and its reference data: categories and beneficiary groups."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


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
