"""Public pages: the home page, the project list, a project's page and the accessibility note.

Anonymous visitors get cached pages (``public_page``); on a cache miss each view first
brings the stored lights up to today. Every page runs a fixed number of queries.
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext

from feedback import selectors as feedback_selectors
from minsheng import clock
from minsheng.cache import public_page
from minsheng.paging import page_numbers

from . import selectors
from .choices import Light
from .filters import ProjectFilter
from .services import lights_ensure_current

PAGE_SIZE = 20
# Lights whose reason says more than the badge does.
EXPLAINED_LIGHTS = {Light.GREEN, Light.YELLOW, Light.RED}


def _url_prefix(name: str) -> str:
    """A page's address without its id: rows build links without a ``{% url %}`` each."""
    return reverse(name, args=[0]).removesuffix("0/")


@public_page
def home(request):
    lights_ensure_current()
    plans = selectors.public_plans()
    if not plans:
        return render(request, "projects/home.html", {"plan": None})
    year = request.GET.get("year")
    if year:
        plan = next((p for p in plans if str(p.year) == year.strip()), None)
        if plan is None:
            raise Http404("No such plan")
    else:
        plan = plans[0]
    context = {
        "plan": plan,
        "plans": plans,
        "headline": selectors.plan_headline(plan),
        "categories": selectors.category_cards(plan),
        "updates": selectors.latest_updates(plan),
    }
    return render(request, "projects/home.html", context)


@public_page
def project_list(request):
    lights_ensure_current()
    project_filter = ProjectFilter(request.GET, queryset=selectors.listed_projects())
    paginator = Paginator(project_filter.qs, PAGE_SIZE)
    # Past the end shows the last page; anything not a number shows the first.
    page = paginator.get_page(request.GET.get("page"))
    projects = list(page.object_list)
    if translation.get_language() != settings.LANGUAGE_CODE:
        selectors.relabel_lights(projects)
    # The same words as a {% blocktranslate %} would give, composed once per row here:
    # sixty template tags a page cost more than the rest of the list.
    category, department, planned_end = (
        gettext("Category: %(name)s"),
        gettext("Lead department: %(name)s"),
        gettext("Planned end: %(date)s"),
    )
    for project in projects:
        project.meta = format_html(
            "<span>{}</span>\n          <span>{}</span>\n          <span>{}</span>",
            category % {"name": project.category.name},
            department % {"name": project.lead_department.display_name},
            planned_end % {"date": date_format(project.planned_end, "DATE_FORMAT")},
        )
    active = {
        name
        for name, value in project_filter.form.cleaned_data.items()
        if value not in (None, "") and name not in ("year", "sort")
    }
    context = {
        "filter": project_filter,
        "form": project_filter.form,
        "controls": project_filter.controls(),
        "list_url": reverse("projects:list"),
        "detail_prefix": _url_prefix("projects:detail"),
        "plan": project_filter.plan,
        "page": page,
        "projects": projects,
        "page_range": page_numbers(page),
        "filtered": bool(active),
        "explained_lights": EXPLAINED_LIGHTS,
    }
    return render(request, "projects/project_list.html", context)


@public_page
def project_detail(request, pk):
    lights_ensure_current()
    project = selectors.project_for_public(pk)
    today = clock.today()
    context = {
        "project": project,
        "light": selectors.live_light(project, today),
        "timeline": selectors.milestone_timeline(project, today),
        "indicators": project.indicator_list,
        "reports": project.approved_reports,
        "photos": selectors.project_photos(project),
        "history": selectors.project_change_history(project),
        "explained_lights": EXPLAINED_LIGHTS,
        "today": today,
        "department_prefix": _url_prefix("departments:detail"),
        "satisfaction": feedback_selectors.project_satisfaction(project.pk),
    }
    context["comments"], context["more_comments"] = feedback_selectors.project_page_comments(
        project.pk
    )
    return render(request, "projects/project_detail.html", context)


@public_page
def accessibility(request):
    lights_ensure_current()
    return render(request, "projects/accessibility.html")
