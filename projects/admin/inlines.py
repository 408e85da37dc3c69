"""The rows shown inside a project's admin page: milestones, indicators, attachments; and
the list filter by light."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..choices import (
    Light,
)
from ..forms import (
    AttachmentForm,
)
from ..models import (
    BASELINE_FIELDS,
    Attachment,
    Indicator,
    Milestone,
    ProgressReport,
)


def baseline_locked(request, project) -> bool:
    """Whether ``project``'s baseline fields are closed to this user (file a change request)."""
    return (
        project is not None
        and project.is_baselined
        and not request.user.has_perm("projects.change_baseline", project)
    )


class ProjectChildInline(admin.TabularInline):
    """Inlines on a project page: editable only when the user's department leads the project."""

    extra = 0

    def _can_edit_parent(self, request, obj):
        return obj is not None and request.user.has_perm("projects.report_on_project", obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._can_edit_parent(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._can_edit_parent(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._can_edit_parent(request, obj)


class BaselinedChildInline(ProjectChildInline):
    """Milestones and indicators: part of the baseline once the project has one. A department
    then sees their baseline fields read-only and adds or removes none (a change request)."""

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if baseline_locked(request, obj):
            readonly += list(BASELINE_FIELDS[self.model._meta.model_name])
        return readonly

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not baseline_locked(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not baseline_locked(request, obj)


class MilestoneInline(BaselinedChildInline):
    model = Milestone
    fields = ["title", "planned_date", "completed_on", "weight", "note"]


class IndicatorInline(BaselinedChildInline):
    model = Indicator
    fields = ["name", "unit", "target_value", "actual_value", "order"]


class AttachmentInline(ProjectChildInline):
    model = Attachment
    form = AttachmentForm
    fields = ["kind", "title", "file", "milestone", "report", "preview"]
    readonly_fields = ["preview"]

    @admin.display(description=_("preview"))
    def preview(self, obj):
        if obj.pk and obj.thumbnail:
            return format_html(
                '<img src="{}" alt="{}" style="max-height:60px">', obj.thumbnail.url, str(obj)
            )
        return "—"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only the project's own milestones and reports can be chosen.
        project_id = (
            request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
        )
        if db_field.name == "milestone":
            kwargs["queryset"] = Milestone.objects.filter(project_id=project_id)
        elif db_field.name == "report":
            kwargs["queryset"] = ProgressReport.objects.filter(project_id=project_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class LightListFilter(admin.SimpleListFilter):
    title = _("light")
    parameter_name = "light"

    def lookups(self, request, model_admin):
        return Light.choices

    def queryset(self, request, queryset):
        if self.value() in Light.values:
            return queryset.filter(light=self.value())
        return queryset
