"""Read-only admin pages of the snapshots and of the briefings sent to leadership.

Both are written by the portal itself (the nightly snapshot task, the briefing page's send
button); the coordinating office and leadership read them here.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from projects.admin import light_badge

from .models import BriefingDispatch, ProjectSnapshot


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProjectSnapshot)
class ProjectSnapshotAdmin(ReadOnlyAdmin):
    list_display = [
        "month_display",
        "project",
        "status",
        "light_display",
        "progress_percent",
        "expected_progress",
        "funds_disbursed",
        "reconstructed",
    ]
    list_filter = ["month", "light", "status", "reconstructed", "project__plan"]
    search_fields = ["project__title", "=project__number"]
    list_select_related = ["project", "project__plan"]
    date_hierarchy = "month"
    list_per_page = 50

    class Media:
        css = {"all": ["minsheng/admin.css"]}

    @admin.display(description=_("month"), ordering="month")
    def month_display(self, obj):
        return f"{obj.month:%Y-%m}"

    @admin.display(description=_("light"), ordering="light")
    def light_display(self, obj):
        return light_badge(obj.light, obj.light_reason)


@admin.register(BriefingDispatch)
class BriefingDispatchAdmin(ReadOnlyAdmin):
    list_display = [
        "month_display",
        "requested_by",
        "requested_at",
        "recipient_count",
        "sent_at",
        "error",
    ]
    list_filter = ["month"]
    list_select_related = ["requested_by"]
    fields = ["month", "requested_by", "requested_at", "recipients", "sent_at", "error"]

    @admin.display(description=_("month"), ordering="month")
    def month_display(self, obj):
        return f"{obj.month:%Y-%m}"

    @admin.display(description=_("recipients"))
    def recipient_count(self, obj):
        return len(obj.recipient_list)
