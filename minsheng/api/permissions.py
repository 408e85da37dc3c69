"""Who may do what through the API.

Reading is open to everyone (what a reader sees is decided by each view's queryset). Writing
needs a signed-in, active staff user (session or token) whose group holds the model
permission the admin asks for the same change; which rows they may change is the services'
rule (the lead department, or the coordinating office), exactly as in the admin.
"""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission


class ReadOrStaffWrite(BasePermission):
    """Reads for all; writes for active staff holding ``view.write_permissions[action]``."""

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        user = request.user
        if not (user and user.is_authenticated and user.is_active and user.is_staff):
            return False
        required = getattr(view, "write_permissions", {}).get(getattr(view, "action", None))
        return required is None or user.has_perm(required)
