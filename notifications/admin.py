"""Reminder settings (each person their own, the coordinating office everyone's) and the log
of reminders sent (read-only: what went to whom, when, and what failed)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from departments.roles import is_coordinator

from .models import NotificationProfile, ReminderLog


@admin.register(NotificationProfile)
class NotificationProfileAdmin(admin.ModelAdmin):
    """Everyone edits their own settings; the coordinating office edits everyone's."""

    list_display = ["user", "user_email", "channel", "mobile", "updated_at"]
    list_filter = ["channel"]
    search_fields = ["user__username", "user__last_name", "user__first_name", "mobile"]
    list_select_related = ["user"]
    fields = ["user", "channel", "mobile"]

    @admin.display(description=_("e-mail"), ordering="user__email")
    def user_email(self, obj):
        return obj.user.email

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_coordinator(request.user):
            return queryset
        return queryset.filter(user=request.user)

    def get_readonly_fields(self, request, obj=None):
        return ["user"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            users = get_user_model().objects.filter(is_active=True, is_staff=True)
            if not is_coordinator(request.user):
                users = users.filter(pk=request.user.pk)
                kwargs["initial"] = request.user.pk
            else:
                users = users.filter(notification_profile__isnull=True)
            kwargs["queryset"] = users.order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return is_coordinator(request.user) and super().has_delete_permission(request, obj)

    def _scoped_or_404(self, request, object_id):
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._scoped_or_404(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._scoped_or_404(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._scoped_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def get_urls(self):
        return [
            path(
                "mine/",
                self.admin_site.admin_view(self.mine_view),
                name="notifications_notificationprofile_mine",
            ),
            *super().get_urls(),
        ]

    def mine_view(self, request):
        """The signed-in person's own settings: the change page, or the add page the first time."""
        profile = NotificationProfile.objects.filter(user=request.user).first()
        if profile is not None:
            if not self.has_view_or_change_permission(request, profile):
                raise Http404
            target = reverse("admin:notifications_notificationprofile_change", args=[profile.pk])
        else:
            if not self.has_add_permission(request):
                raise Http404
            target = reverse("admin:notifications_notificationprofile_add")
        return HttpResponseRedirect(target)


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    """Read-only: the coordinating office sees every reminder, others those sent to them."""

    list_display = [
        "created_at",
        "kind",
        "project_number",
        "subject_short",
        "recipient",
        "channel",
        "address",
        "status",
        "attempts",
        "sent_at",
        "error_short",
    ]
    list_filter = ["status", "kind", "channel", "due_on"]
    search_fields = ["recipient__username", "recipient__last_name", "subject", "address", "error"]
    list_select_related = ["recipient", "project"]
    date_hierarchy = "created_at"
    list_per_page = 100
    fields = [
        "kind",
        "project",
        "subject",
        "deadline",
        "due_on",
        "recipient",
        "channel",
        "address",
        "status",
        "attempts",
        "error",
        "claimed_at",
        "sent_at",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_coordinator(request.user):
            return queryset
        return queryset.filter(recipient=request.user)

    @admin.display(description=_("project"), ordering="project__number")
    def project_number(self, obj):
        return obj.project.number if obj.project else "—"

    @admin.display(description=_("subject"))
    def subject_short(self, obj):
        return Truncator(obj.subject).chars(60)

    @admin.display(description=_("delivery error"))
    def error_short(self, obj):
        return Truncator(obj.error).chars(80)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404
        return super().change_view(request, object_id, form_url, extra_context)
