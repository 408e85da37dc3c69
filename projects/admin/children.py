"""Admin pages of milestones and indicators, each written through its service."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from minsheng.admin_writes import (
    ServiceRefused,
    ServiceWritesAdminMixin,
    posted_values,
)
from minsheng.services import ServiceError
from projects.admin_scoping import DepartmentScopedAdminMixin

from .. import commitments
from ..forms import (
    ChangeReasonForm,
)
from ..models import (
    BASELINE_FIELDS,
    Indicator,
    Milestone,
    Project,
)
from ..resources import IndicatorResource, MilestoneResource
from .common import SpreadsheetAdminMixin
from .inlines import baseline_locked
from .projects import CHILD_SERVICES, _fresh


class ProjectChildAdmin(
    ServiceWritesAdminMixin,
    DepartmentScopedAdminMixin,
    SpreadsheetAdminMixin,
    ImportExportModelAdmin,
    SimpleHistoryAdmin,
):
    """Milestones and indicators on pages of their own, for lists across projects and imports.

    Saved and deleted through their services, as on the project page."""

    list_select_related = ["project", "project__plan", "project__lead_department"]
    form = ChangeReasonForm
    refusal_rename = {"reason": "change_reason"}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "project":
            kwargs["queryset"] = Project.objects.editable_by(request.user).select_related("plan")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # A row's project is fixed once it exists: moving it would move it out of scope.
        readonly = ["project"]
        if baseline_locked(request, obj.project):
            readonly += list(BASELINE_FIELDS[self.model._meta.model_name])
        return readonly

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and not request.user.has_perm("projects.change_baseline", obj.project):
            fields = [name for name in fields if name != "change_reason"]
        return fields

    def save_model(self, request, obj, form, change):
        fields, save_name, _delete = CHILD_SERVICES[self.model]
        data = {name: form.cleaned_data[name] for name in fields if name in form.fields}
        data.update(
            posted_values(request, self.model, [name for name in fields if name not in form.fields])
        )
        target = _fresh(self.model, obj.pk) if change else self.model(project=obj.project)
        try:
            saved = getattr(commitments, save_name)(
                **{self.model._meta.model_name: target},
                by=request.user,
                data=data,
                reason=form.cleaned_data.get("change_reason", ""),
            )
        except ServiceError as error:
            raise ServiceRefused.of(error) from None
        obj.pk = saved.pk
        obj._state.adding = False
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        _fields, _save, delete_name = CHILD_SERVICES[self.model]
        getattr(commitments, delete_name)(**{self.model._meta.model_name: obj}, by=request.user)

    def delete_queryset(self, request, queryset):
        if queryset.exclude(pk__in=self.editable_queryset(request, queryset).values("pk")).exists():
            raise PermissionDenied
        # All or nothing: a row the service refuses (a baseline) keeps every row.
        with transaction.atomic():
            for obj in queryset:
                try:
                    self.delete_model(request, obj)
                except ServiceError as error:
                    raise PermissionDenied(f"{obj}: {' '.join(error.messages)}") from None


@admin.register(Milestone)
class MilestoneAdmin(ProjectChildAdmin):
    resource_classes = [MilestoneResource]
    list_display = ["title", "project", "planned_date", "completed_on", "weight", "overdue"]
    list_filter = [
        "project__plan",
        "project__category",
        "project__lead_department",
        ("completed_on", admin.EmptyFieldListFilter),
    ]
    search_fields = ["title", "project__title"]
    date_hierarchy = "planned_date"

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, obj):
        from minsheng import clock

        return obj.is_overdue(clock.today())


@admin.register(Indicator)
class IndicatorAdmin(ProjectChildAdmin):
    resource_classes = [IndicatorResource]
    list_display = ["name", "project", "unit", "target_value", "actual_value", "completion"]
    list_filter = ["project__plan", "project__category", "project__lead_department"]
    search_fields = ["name", "project__title"]

    @admin.display(description=_("completion (%)"))
    def completion(self, obj):
        value = obj.completion_percent
        return "—" if value is None else value
