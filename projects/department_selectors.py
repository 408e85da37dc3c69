"""Reads behind the public department pages: who leads what, and how it stands.

Every figure comes from aggregate queries (``Count``/``Avg`` with ``filter=Q``), so a page
runs the same number of queries whatever the number of departments and projects, and each
query reads the plan's projects once.
Only published projects of a published plan count; contact details never leave here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Avg, Count, Q
from django.utils import translation

from departments.choices import DepartmentKind
from departments.models import Department

from .choices import Light, ProjectStatus
from .models import TO_DELIVER, Plan, Project
from .selectors import relabel_lights

# What the public pages may show of a department: never the contact person, phone or e-mail.
PUBLIC_FIELDS = ("pk", "name", "short_name", "kind")
# Rows of each project table on a department's page.
PROJECTS_PER_PAGE = 50


@dataclass
class Figures:
    """How the projects a department leads in a plan stand, and how many it helps on."""

    lead_count: int = 0
    completed_count: int = 0
    green_count: int = 0
    yellow_count: int = 0
    red_count: int = 0
    average_progress: Decimal | None = None
    cooperating_count: int = 0


def plan_figures(plan: Plan, department_id: int | None = None) -> dict[int, Figures]:
    """Figures of every department with a published project in ``plan``, by department id.

    Two aggregate queries whatever the number of projects: one pass over the plan's
    projects grouped by lead department, one over the cooperation links. (A single query
    annotating departments would join both relations, or run a correlated subquery per
    joined row, and grows with departments times projects.)
    """
    led = Project.objects.filter(plan=plan, published=True)
    links = Project.cooperating_departments.through.objects.filter(
        project__plan=plan, project__published=True
    )
    if department_id is not None:
        led = led.filter(lead_department_id=department_id)
        links = links.filter(department_id=department_id)

    def light(value):
        return Count("pk", filter=Q(light=value))

    figures: dict[int, Figures] = defaultdict(Figures)
    for row in (
        led.order_by()
        .values("lead_department_id")
        .annotate(
            # A terminated project (终止) stays listed but is no longer one to deliver.
            lead_count=Count("pk", filter=TO_DELIVER),
            completed_count=Count("pk", filter=Q(status=ProjectStatus.COMPLETED)),
            green_count=light(Light.GREEN),
            yellow_count=light(Light.YELLOW),
            red_count=light(Light.RED),
            average_progress=Avg("progress_percent", filter=TO_DELIVER),
        )
    ):
        department = row.pop("lead_department_id")
        figures[department] = Figures(**row)
    for department, count in (
        links.order_by()
        .values("department_id")
        .annotate(count=Count("project_id"))
        .values_list("department_id", "count")
    ):
        figures[department].cooperating_count = count
    return dict(figures)


@dataclass
class KindGroup:
    """The departments of one kind (区直部门, 乡镇 …) on the department list."""

    kind: str
    label: str
    departments: list[Department] = field(default_factory=list)


def departments_by_kind(plan: Plan) -> list[KindGroup]:
    """Active departments that lead or help on a published project of ``plan``, by kind.

    Three queries; each department carries its ``figures``. Groups follow the order of
    ``DepartmentKind``; empty groups are left out.
    """
    figures = plan_figures(plan)
    departments = (
        Department.objects.active().filter(pk__in=figures).only(*PUBLIC_FIELDS).order_by("name")
    )
    groups = {kind: KindGroup(kind, label) for kind, label in DepartmentKind.choices}
    for department in departments:
        department.figures = figures[department.pk]
        groups.get(department.kind, groups[DepartmentKind.OTHER]).departments.append(department)
    return [group for group in groups.values() if group.departments]


def department_with_figures(pk: int, plan: Plan | None) -> Department | None:
    """The active department ``pk`` with its ``figures`` in ``plan`` (three queries), or None."""
    department = Department.objects.active().only(*PUBLIC_FIELDS).filter(pk=pk).first()
    if department is not None:
        department.figures = (
            plan_figures(plan, department.pk).get(department.pk, Figures())
            if plan is not None
            else Figures()
        )
    return department


_PROJECT_FIELDS = (
    "pk",
    "number",
    "title",
    "light",
    "light_reason",
    "progress_percent",
    "planned_start",
    "planned_end",
    "status",
)


def _public_projects(plan: Plan):
    return Project.objects.published().filter(plan=plan).only(*_PROJECT_FIELDS).order_by("number")


def department_projects(
    department: Department, plan: Plan, *, led_page=None, helping_page=None
) -> tuple[Page, Page]:
    """The pages asked for of the published projects of ``plan`` the department leads, and
    of those it helps on, by number, ``PROJECTS_PER_PAGE`` a page.

    A page number that is not one shows the first page; one past the end, the last. Four
    queries (a count and a page for each list), or six when the visitor reads another
    language than the one the stored light reasons are written in (they are worked out
    again in the visitor's language).
    """
    led = Paginator(_public_projects(plan).filter(lead_department=department), PROJECTS_PER_PAGE)
    cooperating = Paginator(
        _public_projects(plan)
        .filter(cooperating_departments=department)
        .select_related("lead_department")
        .only(
            *_PROJECT_FIELDS, "lead_department", "lead_department__name", "lead_department__active"
        ),
        PROJECTS_PER_PAGE,
    )
    pages = led.get_page(led_page), cooperating.get_page(helping_page)
    for page in pages:
        page.object_list = list(page.object_list)
    if translation.get_language() != settings.LANGUAGE_CODE:
        relabel_lights(pages[0].object_list + pages[1].object_list)
    return pages
