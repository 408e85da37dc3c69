"""Admin pages of plans and their reference data (categories, beneficiary groups)."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .. import commitments
from ..models import (
    BeneficiaryGroup,
    Category,
    Plan,
)
from .common import CoordinatorEditsAdmin


@admin.register(Plan)
class PlanAdmin(CoordinatorEditsAdmin):
    list_display = ["year", "title", "issued_on", "published", "project_count"]
    list_filter = ["published"]
    search_fields = ["title", "=year"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(project_count=Count("projects"))

    def save_model(self, request, obj, form, change):
        # Publishing (印发) freezes the projects' baselines: the service does both, once.
        publishing = obj.published and (not change or "published" in form.changed_data)
        if publishing:
            obj.published = False
        super().save_model(request, obj, form, change)
        if publishing:
            commitments.plan_publish(plan=obj, by=request.user)
            obj.published = True

    @admin.display(description=_("projects"), ordering="project_count")
    def project_count(self, obj):
        return obj.project_count


@admin.register(Category)
class CategoryAdmin(CoordinatorEditsAdmin):
    list_display = ["order", "name", "code", "icon", "colour"]
    list_display_links = ["name"]
    search_fields = ["name", "code"]


@admin.register(BeneficiaryGroup)
class BeneficiaryGroupAdmin(CoordinatorEditsAdmin):
    list_display = ["order", "name"]
    list_display_links = ["name"]
    search_fields = ["name"]
