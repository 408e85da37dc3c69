"""Public pages of the departments responsible for the projects: the list and one department.

They live in ``projects`` because what they show is the projects' data, counted by department;
``departments`` keeps the departments themselves (models, roles, admin). URLs are unchanged:
``/departments/`` (``projects.department_urls``, namespace ``departments``).
"""

from django.http import Http404
from django.shortcuts import render

from minsheng.cache import public_page
from minsheng.paging import page_numbers

from . import department_selectors as selectors
from .selectors import NoSuchPlan, plan_for, public_plans
from .services import lights_ensure_current


def _year_query(plans, plan) -> str:
    """The query string that keeps an older plan chosen on links between department pages."""
    if plan is None or plan == plans[0]:
        return ""
    return f"?year={plan.year}"


def _chosen_plan(request):
    """The published plans and the one the page shows: ``?year=``, else the newest.

    A year that is malformed or has no published plan is a page that does not exist.
    """
    plans = public_plans()
    try:
        return plans, plan_for(plans, request.GET.get("year"))
    except NoSuchPlan:
        raise Http404("no such plan") from None


@public_page
def department_list(request):
    """Every department with projects in the plan, grouped by kind, with how they stand."""
    lights_ensure_current()
    plans, plan = _chosen_plan(request)
    groups = selectors.departments_by_kind(plan) if plan is not None else []
    return render(
        request,
        "departments/list.html",
        {
            "plans": plans,
            "plan": plan,
            "year_query": _year_query(plans, plan),
            "groups": groups,
        },
    )


@public_page
def department_detail(request, pk: int):
    """One department: the projects it leads and those it helps on, in the chosen plan."""
    lights_ensure_current()
    plans, plan = _chosen_plan(request)
    department = selectors.department_with_figures(pk, plan)
    if department is None:
        raise Http404("no such department")
    pages = {}
    if plan is not None:
        led, cooperating = selectors.department_projects(
            department,
            plan,
            led_page=request.GET.get("led"),
            helping_page=request.GET.get("helping"),
        )
        pages = {
            "led": led,
            "led_range": page_numbers(led),
            "cooperating": cooperating,
            "cooperating_range": page_numbers(cooperating),
        }
    return render(
        request,
        "departments/detail.html",
        {
            "plans": plans,
            "plan": plan,
            "year_query": _year_query(plans, plan),
            "department": department,
            **pages,
        },
    )
