"""The leadership dashboard, its project lists and the monthly briefing (月度通报).

Leadership (区领导) and the coordinating office (民生工程股, superusers) only: a visitor who
is not signed in is sent to the sign-in page, any other staff gets 403. Nothing here is
cached: the pages are personal and always current. Filters live in the URL, so that a view
can be bookmarked and sent on.
"""

from __future__ import annotations

import functools
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from departments.roles import is_coordinator, sees_everything
from minsheng import clock
from minsheng.months import month_start, next_month, parse_month, previous_month
from minsheng.services import ServiceError
from projects.choices import Light, ProjectStatus
from projects.filters import CHANGED
from projects.selectors import plan_for
from projects.services import lights_ensure_current

from . import briefing as documents
from . import selectors, services
from .charts import chart_data
from .links import Links
from .models import BriefingDispatch

PAGE_SIZE = 50


def leadership_only(view):
    """Leadership and the coordinating office; the sign-in page for others not signed in."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not sees_everything(request.user):
            return render(request, "dashboard/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return never_cache(wrapper)


def _admin_links(user) -> bool:
    return user.is_staff and user.has_perm("projects.view_project")


# --------------------------------------------------------------------------------------
# Filters
# --------------------------------------------------------------------------------------


class FilterForm(forms.Form):
    """Plan (by year), category, lead department and area, all in the URL."""

    plan = forms.TypedChoiceField(
        label=gettext_lazy("Annual plan"), coerce=int, required=False, empty_value=None
    )
    category = forms.TypedChoiceField(
        label=gettext_lazy("Category"), coerce=int, required=False, empty_value=None
    )
    department = forms.TypedChoiceField(
        label=gettext_lazy("Lead department"), coerce=int, required=False, empty_value=None
    )
    area = forms.TypedChoiceField(
        label=gettext_lazy("Area"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, data, choices: selectors.Choices):
        super().__init__(data)
        self.fields["plan"].choices = [(plan.year, plan.title) for plan in choices.plans]
        self.fields["category"].choices = [("", _("All categories"))] + [
            (category.pk, category.name) for category in choices.categories
        ]
        self.fields["department"].choices = [("", _("All departments"))] + [
            (department.pk, department.name) for department in choices.departments
        ]
        self.fields["area"].choices = [("", _("All areas"))] + [
            (area.pk, area.name) for area in choices.areas
        ]

    def values(self) -> dict:
        """The valid filters; a filter that is not understood is left out (and shown)."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) for name in self.fields}


def _scope(request, choices: selectors.Choices) -> tuple[FilterForm, selectors.Scope]:
    form = FilterForm(request.GET, choices)
    values = form.values()
    plan = plan_for(choices.plans, values["plan"], strict=False)
    if plan is not None and plan.year != values["plan"]:
        # The form shows the plan in use, whatever was (or was not) asked for.
        form.data = form.data.copy()
        form.data["plan"] = str(plan.year)
    scope = selectors.Scope(
        plan=plan,
        as_of=clock.today(),
        category_id=values["category"],
        department_id=values["department"],
        area_id=values["area"],
    )
    return form, scope


def _chosen(scope: selectors.Scope, choices: selectors.Choices) -> list[str]:
    """The names of the filters in use, for headings."""
    chosen = []
    if scope.category_id:
        chosen.append(choices.category_by_id[scope.category_id].name)
    if scope.department_id:
        chosen.append(choices.department_by_id[scope.department_id].name)
    if scope.area_id:
        chosen.append(choices.area_by_id[scope.area_id].name)
    return chosen


# --------------------------------------------------------------------------------------
# The dashboard
# --------------------------------------------------------------------------------------


# The light columns of the tables, in the order the charts stack them.
LIGHT_COLUMNS = [
    Light.RED,
    Light.YELLOW,
    Light.GREEN,
    Light.COMPLETED,
    Light.NOT_STARTED,
    Light.SUSPENDED,
    Light.TERMINATED,
]

RANK_LABELS = {
    "score": gettext_lazy("score"),
    "milestones": gettext_lazy("on-time milestone rate"),
    "lag": gettext_lazy("average lag"),
    "reports": gettext_lazy("reports on time"),
    "replies": gettext_lazy("reply rate"),
}


@require_GET
@leadership_only
def dashboard(request):
    lights_ensure_current()
    choices = selectors.filter_choices()
    form, scope = _scope(request, choices)
    rank = request.GET.get("rank")
    if rank not in selectors.RANKINGS:
        rank = "score"
    figures = selectors.dashboard_figures(scope, choices, rank)
    links = Links(scope, admin=_admin_links(request.user))
    for row in figures.departments:
        row.links = {
            "projects": links.projects(department=row.department.pk),
            "red": links.projects(department=row.department.pk, light=Light.RED),
            "yellow": links.projects(department=row.department.pk, light=Light.YELLOW),
            "overdue": links.projects(department=row.department.pk, having="overdue_milestones"),
            "missing": links.projects(department=row.department.pk, having="missing_report"),
            "awaiting": links.projects(department=row.department.pk, having="awaiting_reply"),
        }
    for key, rows in (("category", figures.categories), ("area", figures.areas)):
        for row in rows:
            row.link = links.projects(**{key: row.key})
            row.light_cells = [
                {
                    "count": row.totals.lights[light],
                    "link": links.projects(light=light, **{key: row.key}),
                }
                for light in LIGHT_COLUMNS
            ]
    for row in figures.behind_projects + figures.furthest_behind:
        row["link"] = links.project(row["project_pk"])
    for row in figures.overdue_milestones:
        row["link"] = links.milestone(row["pk"])
    for point in figures.trend:
        point.link = links.briefing(point.month)
    context = {
        "form": form,
        "scope": scope,
        "plan": scope.plan,
        "chosen": _chosen(scope, choices),
        "figures": figures,
        "headline": figures.headline,
        "links": _headline_links(links),
        "charts": chart_data(figures, links) if scope.plan else None,
        "rank": rank,
        "rank_label": RANK_LABELS[rank],
        "rank_links": _rank_links(request),
        "light_cards": [
            {
                "light": light,
                "count": figures.headline.totals.lights[light],
                "link": links.projects(light=light),
            }
            for light in (Light.GREEN, Light.YELLOW, Light.RED)
        ],
        "lights": LIGHT_COLUMNS,
        "table_limit": selectors.TABLE_LIMIT,
        "due_day": settings.MINSHENG_REPORT_DUE_DAY,
        "is_coordinator": is_coordinator(request.user),
    }
    return render(request, "dashboard/dashboard.html", context)


def _headline_links(links: Links) -> dict:
    return {
        "all": links.projects(),
        **{f"light_{light}": links.projects(light=light) for light in Light.values},
        **{f"status_{status}": links.projects(status=status) for status in ProjectStatus.values},
        **{having: links.projects(having=having) for having in selectors.HAVING},
    }


def _rank_links(request) -> dict:
    links = {}
    for rank in selectors.RANKINGS:
        query = request.GET.copy()
        query["rank"] = rank
        links[rank] = f"?{query.urlencode()}#ranking"
    return links


# --------------------------------------------------------------------------------------
# The projects behind a number
# --------------------------------------------------------------------------------------

HAVING_LABELS = {
    "overdue_milestones": gettext_lazy("with an overdue milestone"),
    "due_milestones": gettext_lazy("with a milestone due in the next 30 days"),
    "missing_report": gettext_lazy("whose report for this month has not been submitted"),
    "awaiting_reply": gettext_lazy("with a comment awaiting a reply"),
    "overdue_reply": gettext_lazy("with a comment overdue for a reply"),
}


@require_GET
@leadership_only
def projects(request):
    """The live projects a dashboard number counts, one page at a time."""
    lights_ensure_current()
    choices = selectors.filter_choices()
    form, scope = _scope(request, choices)
    light = request.GET.get("light") if request.GET.get("light") in Light.values else None
    status = request.GET.get("status")
    status = status if status in ProjectStatus.values else None
    having = request.GET.get("having")
    having = having if having in selectors.HAVING else None
    # The public list's filter of the same name: projects whose plan was changed.
    changed = request.GET.get("changed") == CHANGED
    rows = (
        selectors.projects_behind(scope, light=light, status=status, having=having, changed=changed)
        if scope.plan
        else []
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    links = Links(scope, admin=_admin_links(request.user))
    for project in page.object_list:
        project.admin_link = links.project(project.pk)
    context = {
        "form": form,
        "scope": scope,
        "plan": scope.plan,
        "chosen": _chosen(scope, choices),
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number),
        "light_label": Light(light).label if light else "",
        "status_label": ProjectStatus(status).label if status else "",
        "having_label": HAVING_LABELS.get(having, ""),
        "changed": changed,
        "dashboard_url": f"{reverse('dashboard:index')}?{_filters_query(scope)}",
    }
    return render(request, "dashboard/projects.html", context)


def _filters_query(scope: selectors.Scope) -> str:
    query = {
        "plan": scope.plan.year if scope.plan else None,
        "category": scope.category_id,
        "department": scope.department_id,
        "area": scope.area_id,
    }
    return urlencode({key: value for key, value in query.items() if value})


# --------------------------------------------------------------------------------------
# The monthly briefing
# --------------------------------------------------------------------------------------


def _month_or_404(text: str):
    month = parse_month(text)
    if month is None or month > month_start(clock.today()):
        raise Http404("No briefing for this month")
    return month


@require_GET
@leadership_only
def briefing_index(request):
    """The current month's briefing, or the month asked for in ``?month=YYYY-MM``."""
    month = parse_month(request.GET.get("month")) or month_start(clock.today())
    month = min(month, month_start(clock.today()))
    return HttpResponseRedirect(reverse("dashboard:briefing", args=[f"{month:%Y-%m}"]))


@require_GET
@leadership_only
def briefing(request, month: str):
    month = _month_or_404(month)
    lights_ensure_current()
    data = selectors.briefing_figures(month, clock.today())
    links = Links(
        selectors.Scope(plan=data.plan, as_of=data.as_of), admin=_admin_links(request.user)
    )
    for row in data.figures.behind_projects:
        row["link"] = links.project(row["project_pk"])
    for row in data.figures.overdue_milestones:
        row["link"] = links.milestone(row["pk"])
    current = month_start(clock.today())
    following = next_month(month)
    context = {
        **documents.document_context(data),
        "month": month,
        "previous_month": previous_month(month),
        "next_month": following if following <= current else None,
        "current_month": current,
        "is_coordinator": is_coordinator(request.user),
        "dispatches": _recent_dispatches(month) if is_coordinator(request.user) else [],
    }
    return render(request, "dashboard/briefing.html", context)


def _recent_dispatches(month):
    return list(
        BriefingDispatch.objects.filter(month=month)
        .select_related("requested_by")
        .order_by("-requested_at")[:5]
    )


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@leadership_only
def briefing_xlsx(request, month: str):
    month = _month_or_404(month)
    lights_ensure_current()
    data = selectors.briefing_figures(month, clock.today())
    return _download(
        documents.workbook(data), services.XLSX_TYPE, f"{documents.file_name(month)}.xlsx"
    )


@require_GET
@leadership_only
def briefing_pdf(request, month: str):
    month = _month_or_404(month)
    lights_ensure_current()
    data = selectors.briefing_figures(month, clock.today())
    try:
        content = documents.pdf(data)
    except documents.PdfUnavailable:
        raise Http404("PDF output is not available on this server") from None
    return _download(content, "application/pdf", f"{documents.file_name(month)}.pdf")


@require_POST
@leadership_only
def briefing_send(request, month: str):
    """The coordinating office's one action: e-mail the briefing to every leader."""
    month = _month_or_404(month)
    try:
        dispatch = services.briefing_send(month=month, by=request.user)
    except PermissionDenied:
        return render(request, "dashboard/forbidden.html", status=403)
    except ServiceError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The briefing is being sent to %(count)s leadership accounts.")
            % {"count": len(dispatch.recipient_list)},
        )
    return HttpResponseRedirect(reverse("dashboard:briefing", args=[f"{month:%Y-%m}"]))
