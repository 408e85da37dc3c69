"""Public pages: the home page, the project list, a project's page, the accessibility note, and
the uploaded files (to those who may see each).

Anonymous visitors get cached pages (``public_page``); on a cache miss each view first
brings the stored lights up to today. Every page runs a fixed number of queries.
"""

import re
from pathlib import PurePath
from urllib.parse import quote

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from minsheng import clock
from minsheng.cache import public_page
from minsheng.paging import page_numbers

from . import page_sections, selectors
from .attachments import served_content_type
from .choices import Light, ProjectStatus
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
    try:
        plan = selectors.plan_for(plans, request.GET.get("year"))
    except selectors.NoSuchPlan:
        raise Http404("No such plan") from None
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
    changes = selectors.plan_changes(project)
    decision = selectors.project_decision(project, changes)
    delay = project.delay_days
    context = {
        "project": project,
        "changes": changes,
        "decision": decision,
        "acceptance_documents": selectors.acceptance_documents(project, decision)
        if project.status == ProjectStatus.COMPLETED
        else [],
        # Where the planned end moved from the baseline: 较原计划推迟 / 提前 N 天.
        "days_later": max(delay, 0),
        "days_earlier": max(-delay, 0),
        "light": selectors.live_light(project, today),
        "timeline": selectors.milestone_timeline(project, today),
        "indicators": project.indicator_list,
        "reports": project.approved_reports,
        "photos": selectors.project_photos(project),
        "history": selectors.project_change_history(project),
        "explained_lights": EXPLAINED_LIGHTS,
        "today": today,
        "department_prefix": _url_prefix("departments:detail"),
        # Residents' satisfaction and comments (feedback's, registered in its ready()).
        **page_sections.project_page_context(project),
    }
    return render(request, "projects/project_detail.html", context)


@public_page
def accessibility(request):
    lights_ensure_current()
    return render(request, "projects/accessibility.html")


# Public files live under random names that never take other content, but a project can
# be unpublished: a day's caching is the compromise.
PUBLIC_FILE_MAX_AGE = 24 * 60 * 60
UNSAFE_IN_FILE_NAMES = re.compile(r'[\x00-\x1f\x7f/\\"]')


def _download_name(attachment, stored_name: str) -> str:
    """The name a browser saves a document under: its title with the stored suffix."""
    suffix = PurePath(stored_name).suffix
    title = UNSAFE_IN_FILE_NAMES.sub("_", attachment.title).strip()
    return f"{title}{suffix}" if title else PurePath(stored_name).name


@require_safe
def attachment_file(request, path):
    """An uploaded photo, document or thumbnail, to those who may see it.

    Photos are shown in the page; documents are always downloaded, never opened as a page.
    Every file is sent with the type its content was checked to be, ``nosniff`` and a
    policy that lets nothing in it run, whatever the file holds.
    """
    attachment, public = selectors.attachment_by_stored_name(path, request.user)
    is_thumbnail = attachment.thumbnail.name == path
    content_type = "image/jpeg" if is_thumbnail else served_content_type(attachment)
    is_image = content_type.startswith("image/")
    stored = attachment.thumbnail if is_thumbnail else attachment.file
    prefix = settings.ATTACHMENT_ACCEL_REDIRECT_PREFIX
    if prefix:
        # nginx sends the file from its internal location, keeping these headers.
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = f"{prefix.rstrip('/')}/{quote(stored.name)}"
    else:
        try:
            handle = stored.storage.open(stored.name, "rb")
        except FileNotFoundError:
            raise Http404("No such file") from None
        response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        not is_image, _download_name(attachment, stored.name)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if public:
        patch_cache_control(response, public=True, max_age=PUBLIC_FILE_MAX_AGE)
    else:
        patch_cache_control(response, private=True, no_store=True)
    return response
