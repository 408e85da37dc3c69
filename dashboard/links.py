"""Where a dashboard number leads: the list of the projects behind it.

Staff who may read projects in the admin go to the admin's project list with the matching
filters (plan, category, lead department, area, light, status: what ``ProjectAdmin``'s
``list_filter`` offers). A number the admin cannot filter on (projects with an overdue
milestone, a missing report, a comment awaiting a reply), and every number for a user
without admin access, leads to the dashboard's own project list.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.urls import reverse

from .selectors import Scope

ADMIN_PARAMETERS = {
    "category": "category__id__exact",
    "department": "lead_department__id__exact",
    "area": "areas__id__exact",
    "light": "light",
    "status": "status__exact",
}


class Links:
    def __init__(self, scope: Scope, *, admin: bool):
        self.scope = scope
        self.admin = admin
        self._admin_projects = reverse("admin:projects_project_changelist")
        self._projects = reverse("dashboard:projects")
        # Prefixes, so that rows build their links without a reverse() each.
        self._admin_project = reverse("admin:projects_project_change", args=[0]).removesuffix(
            "0/change/"
        )
        self._admin_milestone = reverse("admin:projects_milestone_change", args=[0]).removesuffix(
            "0/change/"
        )
        self._briefing = reverse("dashboard:briefing", args=["2000-01"]).removesuffix("2000-01/")

    def _criteria(self, given: dict) -> dict:
        scope = self.scope
        criteria = {
            "category": scope.category_id,
            "department": scope.department_id,
            "area": scope.area_id,
        }
        criteria.update(given)
        return {key: value for key, value in criteria.items() if value not in (None, "")}

    def projects(self, **given) -> str:
        """The projects of the scope narrowed by ``given`` (light, status, having, category …)."""
        if self.scope.plan is None:
            return ""
        criteria = self._criteria(given)
        if self.admin and "having" not in criteria:
            query = {"plan__id__exact": self.scope.plan.pk}
            query.update({ADMIN_PARAMETERS[key]: value for key, value in criteria.items()})
            return f"{self._admin_projects}?{urlencode(query)}"
        query = {"plan": self.scope.plan.year, **criteria}
        return f"{self._projects}?{urlencode(query)}"

    def project(self, pk: int) -> str:
        return f"{self._admin_project}{pk}/change/" if self.admin else ""

    def milestone(self, pk: int) -> str:
        return f"{self._admin_milestone}{pk}/change/" if self.admin else ""

    def briefing(self, month: datetime.date) -> str:
        return f"{self._briefing}{month:%Y-%m}/"
