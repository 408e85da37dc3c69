"""The project list's filters, shared by the public list page and the REST API.

Every filter lives in the query string, so a filtered list can be shared as a link. A value
that does not fit (an unknown id, ``light=purple``) becomes a form error and that filter
is ignored; the rest still apply. Without a valid ``year`` the list shows the newest
published plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import django_filters
from django import forms
from django.db.models import Q
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from departments.models import Area, Department

from .choices import Light, ProjectStatus
from .models import BeneficiaryGroup, Category, Plan, Project
from .selectors import plan_for

BEHIND = "behind"
LIGHT_CHOICES = [(BEHIND, _("Behind or seriously behind")), *Light.choices]

# "Projects whose plan was changed": at least one approved change of the baseline.
CHANGED = "1"
CHANGED_CHOICES = [(CHANGED, _("Plan changed"))]

SORT_CHOICES = [
    ("number", _("Number")),
    ("-progress", _("Progress, highest first")),
    ("progress", _("Progress, lowest first")),
    ("planned_end", _("Planned end, earliest first")),
    ("-planned_end", _("Planned end, latest first")),
]
SORT_ORDER = {
    "number": ["number"],
    "-progress": ["-progress_percent", "number"],
    "progress": ["progress_percent", "number"],
    "planned_end": ["planned_end", "number"],
    "-planned_end": ["-planned_end", "number"],
}

# "12", "第12项", "12号", "No. 12": a search for a number looks for that project number.
NUMBER_QUERY = re.compile(r"^(?:第|no\.?\s*|#)?\s*(\d{1,9})\s*(?:项|号)?$", re.IGNORECASE)
MAX_NUMBER = 2**31 - 1


def _led_departments():
    published = Project.objects.published()
    return Department.objects.filter(led_projects__in=published).distinct()


class ProjectFilter(django_filters.FilterSet):
    # The search box first: on a phone it is what most people reach for.
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Number, title or keyword")}
        ),
    )
    year = django_filters.ChoiceFilter(
        label=_("Year"), choices=(), empty_label=None, method="filter_year"
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=Category.objects.all(), empty_label=_("All categories")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ProjectStatus.choices, empty_label=_("All statuses")
    )
    light = django_filters.ChoiceFilter(
        label=_("Light"), choices=LIGHT_CHOICES, empty_label=_("All lights"), method="filter_light"
    )
    changed = django_filters.ChoiceFilter(
        label=_("Plan changes"),
        choices=CHANGED_CHOICES,
        empty_label=_("Changed or not"),
        method="filter_changed",
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Lead department"),
        field_name="lead_department",
        queryset=_led_departments(),
        empty_label=_("All departments"),
    )
    area = django_filters.ModelChoiceFilter(
        label=_("Area"),
        field_name="areas",
        queryset=Area.objects.all(),
        empty_label=_("All areas"),
    )
    group = django_filters.ModelChoiceFilter(
        label=_("Beneficiary group"),
        field_name="beneficiary_groups",
        queryset=BeneficiaryGroup.objects.all(),
        empty_label=_("All groups"),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=SORT_CHOICES, empty_label=None, method="sort_by"
    )

    class Meta:
        model = Project
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        # The published plans, newest first: they are the year choices and the default.
        self.plans = list(Plan.objects.published().order_by("-year"))
        if data is not None and not data.get("year") and self.plans:
            data = data.copy()
            data["year"] = str(self.plans[0].year)
        super().__init__(data, queryset, request=request, prefix=prefix)
        year = self.filters["year"]
        year.extra["choices"] = [(str(p.year), str(p.year)) for p in self.plans]
        # A form field built earlier from the class's filter (the API schema builds one) is
        # copied along with it and has no choices: build it again with this request's years.
        year.__dict__.pop("_field", None)

    @property
    def plan(self) -> Plan | None:
        """The plan listed: the chosen year's when valid, else the newest published one."""
        year = None
        if self.is_bound:
            self.form.errors  # noqa: B018 - validates; cleaned_data keeps the valid fields
            year = self.form.cleaned_data.get("year")
        return plan_for(self.plans, year, strict=False)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        plan = self.plan
        if plan is None:
            return queryset.none()
        return queryset.filter(plan=plan)

    # The year is applied in filter_queryset, valid or not, so a bad year falls back.
    def filter_year(self, queryset, name, value: str):
        return queryset

    def filter_light(self, queryset, name, value):
        if value == BEHIND:
            return queryset.filter(light__in=(Light.YELLOW, Light.RED))
        return queryset.filter(light=value)

    def filter_changed(self, queryset, name, value):
        return queryset.plan_changed() if value == CHANGED else queryset

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        number = NUMBER_QUERY.match(value)
        if number and int(number.group(1)) <= MAX_NUMBER:
            return queryset.filter(number=int(number.group(1)))
        for word in value.split():
            queryset = queryset.filter(Q(title__icontains=word) | Q(summary__icontains=word))
        return queryset

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*SORT_ORDER.get(value, ["number"]))

    def controls(self) -> list[FilterControl]:
        """The form's fields ready to render without Django's widget templates.

        Rendering nine ``<select>``s through the form renderer costs more than the rest of
        the list page; the choices and the validation still come from this FilterSet, so the
        page and the REST API filter alike. Model choices are read with ``values_list``.
        """
        form = self.form
        errors = form.errors if self.is_bound else {}
        controls = []
        for name, field in form.fields.items():
            raw = form[name].value() if self.is_bound else None
            value = "" if raw is None else str(raw)
            if hasattr(field, "queryset"):
                options = [("", str(field.empty_label))] if field.empty_label is not None else []
                options += [
                    (str(pk), label) for pk, label in field.queryset.values_list("pk", "name")
                ]
            elif hasattr(field, "choices"):
                options = [(str(k), str(v)) for k, v in field.choices]
            else:
                options = None
            controls.append(
                FilterControl(
                    name=name,
                    id=f"id_{name}",
                    label=str(field.label),
                    value=value,
                    options=None
                    if options is None
                    else [(key, label, key == value) for key, label in options],
                    errors=list(errors.get(name, ())),
                    attrs=field.widget.attrs,
                )
            )
        return controls


@dataclass(frozen=True)
class FilterControl:
    name: str
    id: str
    label: str
    value: str
    options: list | None  # (value, label, selected) for a <select>, None for the search box
    errors: list
    attrs: dict

    @property
    def options_html(self):
        """The ``<option>`` elements, escaped, built without a template per option."""
        return format_html_join(
            "",
            '\n  <option value="{}"{}>{}</option>',
            (
                (value, " selected" if selected else "", label)
                for value, label, selected in self.options
            ),
        )
