"""Row-level access in the admin: department staff see their department's rows only.

Model permissions (the auth groups) say *what kind* of object a user may view or change;
this mixin says *which rows*: the coordinating office and leadership see every row,
department staff see the projects their department leads or cooperates on (and what hangs
off them), and change only the ones it leads. A URL or POST naming a row outside that scope
answers 404, never a redirect that would tell the row exists; an admin action naming one
does nothing and says so.

It is ``projects``' because the scope is the project's departments (``projects.permissions``);
feedback's admin, whose rows hang off a project, uses it from here.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from departments.roles import is_coordinator
from projects.permissions import projects_editable_by, projects_visible_to


class DepartmentScopedAdminMixin:
    #: Path from the admin's model to its Project ("" when the model is Project).
    project_path: str = "project"
    #: Whether the coordinating office may restore an old version from the history page.
    history_revert: bool = True

    def _prefix(self) -> str:
        return f"{self.project_path}__" if self.project_path else ""

    def _project_of(self, obj):
        return getattr(obj, self.project_path) if self.project_path else obj

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        # The rule lives in projects/permissions.py, with its object-permission form.
        return projects_visible_to(queryset, request.user, self._prefix())

    def editable_queryset(self, request, queryset):
        """The part of ``queryset`` the user may change (their department leads it)."""
        return projects_editable_by(queryset, request.user, self._prefix())

    def can_edit_object(self, request, obj) -> bool:
        project = self._project_of(obj)
        return project is not None and request.user.has_perm("projects.report_on_project", project)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or self.can_edit_object(request, obj)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or self.can_edit_object(request, obj)

    def get_scoped_object_or_404(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        return obj

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self.get_scoped_object_or_404(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self.get_scoped_object_or_404(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        # The coordinating office may also read the history of deleted rows.
        if not is_coordinator(request.user):
            self.get_scoped_object_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        obj = self.get_scoped_object_or_404(request, object_id)
        # Reverting restores every field of an old version, protected ones included, so it
        # is for the coordinating office only; others may look at old versions.
        if request.method == "POST" and not (
            self.history_revert
            and is_coordinator(request.user)
            and self.has_change_permission(request, obj)
        ):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        if not (self.history_revert and is_coordinator(request.user)):
            return True
        return super().revert_disabled(request, obj)

    def changelist_view(self, request, extra_context=None):
        # Django ignores an action POSTed by a user who has no actions at all (leadership)
        # and shows the list again as if nothing was asked; answer it as the refusal it is.
        if request.method == "POST" and "action" in request.POST and not self.get_actions(request):
            raise PermissionDenied
        return super().changelist_view(request, extra_context)

    def response_action(self, request, queryset):
        # Django runs an action on those selected ids that are in the user's list and silently
        # drops the others. An id outside the list is forged (or gone): do nothing and say so.
        across = request.POST.get("select_across") in ("1", "True", "true", "on")
        selected = set(request.POST.getlist(helpers.ACTION_CHECKBOX_NAME))
        if selected and not across:
            try:
                found = queryset.filter(pk__in=selected).count()
            except (ValueError, TypeError, ValidationError):
                found = None
            if found != len(selected):
                self.message_user(
                    request,
                    _(
                        "Some of the selected items do not exist or are not yours to see. "
                        "No items have been changed."
                    ),
                    messages.ERROR,
                )
                return None
        return super().response_action(request, queryset)

    def delete_queryset(self, request, queryset):
        # Bulk delete acts only on rows the user may change; the admin already refuses when
        # a selected row is outside that, this keeps the rule in one more place.
        if queryset.exclude(pk__in=self.editable_queryset(request, queryset).values("pk")).exists():
            raise PermissionDenied
        super().delete_queryset(request, queryset)
