"""Cell converters for the project spreadsheets (django-import-export widgets).

Each widget turns one spreadsheet cell into a Python value on import and back on export.
A cell that cannot be read raises :class:`CellError` (a ``ValueError``) whose message names
the value, so the import page can say which row, which column and why.

Names (departments, categories, areas, beneficiary groups, plan years, projects) are looked up
in :class:`ImportLookups`, which loads each table once per import instead of querying the
database for every cell; the stock ``ForeignKeyWidget``/``ManyToManyWidget`` query per row and
the latter silently drops unknown names, which would lose data without a word.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.translation import gettext as _
from import_export import widgets

from departments.models import Area, Department
from minsheng.spreadsheets import read_cell

from .models import BeneficiaryGroup, Category, Plan, Project

# Several names in one cell: 、 is what officials write; commas and semicolons
# (half or full width) and line breaks are accepted too.
NAME_SEPARATORS = re.compile(r"[、,，;；\r\n]+")
NAME_JOINER = "、"


class CellError(ValueError):
    """A cell that cannot be read. ``field`` redirects the error to another column's field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def name_key(value) -> str:
    """How names are compared: width-folded (NFKC), without any whitespace, case-folded."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value))).casefold()


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value) -> str:
    """A cell as text: numbers typed into text columns lose a spurious ``.0``; the apostrophe
    an export put before a formula-like text is dropped (``'=1+1`` reads as ``=1+1``)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date() if value.time() == datetime.time() else value
    # Surrounding spaces are dropped, also those an apostrophe kept from a formula's reach.
    return read_cell(str(value).strip()).strip()


def parse_whole_number(value) -> int | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": value})
    if isinstance(value, int):
        number = Decimal(value)
    else:
        text = re.sub(r"[\s,]", "", unicodedata.normalize("NFKC", cell_text(value)))
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
    if number is None or not number.is_finite() or number != number.to_integral_value():
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": cell_text(value)})
    if abs(number) > 10**9:
        raise CellError(_("“%(value)s” is too large.") % {"value": cell_text(value)})
    return int(number)


def parse_year(value) -> int | None:
    """A plan year as typed: 2024, 2024.0, “2024” or “2024年”."""
    if isinstance(value, str):
        value = value.strip().removesuffix("年")
    return parse_whole_number(value)


class ImportLookups:
    """Name → object tables for one import, each loaded with one query on first use."""

    def __init__(self):
        self.reset()

    def reset(self) -> None:
        self._exact: dict[type, dict[str, object]] = {}
        self._folded: dict[type, dict[str, list]] = {}
        self._department_short_names: dict[str, list[Department]] | None = None
        self._plans: dict[int, Plan] | None = None
        self._projects: dict[int, dict[int, Project]] = {}
        self._children: dict[tuple[type, int], dict[tuple[int, str], list]] = {}

    # --- names ---

    def _load(self, model) -> None:
        if model not in self._exact:
            objects = list(model.objects.all())
            self._exact[model] = {obj.name.strip(): obj for obj in objects}
            folded = defaultdict(list)
            for obj in objects:
                folded[name_key(obj.name)].append(obj)
            self._folded[model] = folded

    def named(self, model, name: str):
        """The object of ``model`` called ``name``, or ``None``.

        The exact name wins; otherwise a name that differs only in spaces or in full- and
        half-width forms, as long as it fits one object only.
        """
        self._load(model)
        obj = self._exact[model].get(name.strip())
        if obj is None:
            found = self._folded[model].get(name_key(name), [])
            obj = found[0] if len(found) == 1 else None
        if obj is None and model is Department:
            obj = self._department_by_short_name(name)
        return obj

    def _department_by_short_name(self, name: str):
        # Short names (教体局) are a convenience: used only when exactly one department has it.
        if self._department_short_names is None:
            self._department_short_names = defaultdict(list)
            self._load(Department)
            for department in self._exact[Department].values():
                if department.short_name:
                    self._department_short_names[name_key(department.short_name)].append(department)
        found = self._department_short_names.get(name_key(name), [])
        return found[0] if len(found) == 1 else None

    # --- plans and projects ---

    def plan(self, year: int) -> Plan | None:
        if self._plans is None:
            self._plans = {plan.year: plan for plan in Plan.objects.all()}
        return self._plans.get(year)

    def projects_of(self, year: int) -> dict[int, Project]:
        """The projects of a plan year by number, with what the spreadsheet shows of them."""
        if year not in self._projects:
            self._projects[year] = {
                project.number: project
                for project in Project.objects.filter(plan__year=year)
                .select_related("plan", "category", "lead_department")
                .prefetch_related("cooperating_departments", "areas", "beneficiary_groups")
            }
        return self._projects[year]

    def project(self, year: int, number: int) -> Project | None:
        return self.projects_of(year).get(number)

    def children_of(self, model, year: int, name_field: str) -> dict[tuple[int, str], list]:
        """Milestones or indicators of a plan year by (project number, name)."""
        key = (model, year)
        if key not in self._children:
            table = defaultdict(list)
            for child in model.objects.filter(project__plan__year=year).select_related(
                "project__plan"
            ):
                table[(child.project.number, getattr(child, name_field).strip())].append(child)
            self._children[key] = table
        return self._children[key]


class LookupWidget(widgets.Widget):
    """A widget that resolves names; its resource hands it the import's lookups."""

    lookups: ImportLookups | None = None

    def _lookups(self) -> ImportLookups:
        if self.lookups is None:
            self.lookups = ImportLookups()
        return self.lookups


class TextWidget(widgets.Widget):
    """Free text; surrounding spaces are dropped, an empty cell is an empty string."""

    def clean(self, value, row=None, **kwargs):
        return cell_text(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class WholeNumberWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return parse_whole_number(value)

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value if kwargs.get("force_native_type") else str(value)


class AmountWidget(widgets.Widget):
    """A decimal amount (万元, %, a target value); thousands separators and a % sign are allowed."""

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        if isinstance(value, bool):
            raise CellError(_("“%(value)s” is not a number.") % {"value": value})
        if isinstance(value, Decimal):
            return value
        if isinstance(value, int | float):
            # repr of a float is its shortest round-tripping form: 12.3 stays 12.3.
            return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        text = re.sub(r"[\s,，]", "", unicodedata.normalize("NFKC", str(value))).removesuffix("%")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite():
            raise CellError(_("“%(value)s” is not a number.") % {"value": cell_text(value)})
        return amount

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        if kwargs.get("force_native_type"):
            return value
        return format(value, "f")


class DateCellWidget(widgets.Widget):
    """A date: a spreadsheet date cell, or text such as 2024-06-30, 2024/6/30, 2024年6月30日."""

    INPUT_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = unicodedata.normalize("NFKC", cell_text(value))
        # A date typed with a time of midnight, as some programs write it.
        text = re.sub(r"\s+00:00(:00)?$", "", text)
        for input_format in self.INPUT_FORMATS:
            try:
                return datetime.datetime.strptime(text, input_format).date()
            except ValueError:
                continue
        raise CellError(_("“%(value)s” is not a date; write it as 2024-06-30.") % {"value": text})

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        if kwargs.get("force_native_type"):
            return value
        return value.isoformat()


class ChoiceLabelWidget(widgets.Widget):
    """A choice written by its Chinese label; the stored code and the English label are accepted too.

    The labels are kept here, not taken from the model's gettext labels, because a
    spreadsheet is Chinese whatever language the person exporting it has chosen.
    """

    def __init__(self, choices, labels: dict[str, str], aliases: dict[str, str] | None = None):
        super().__init__()
        self.choices = choices
        self.labels = labels
        self.aliases = aliases or {}
        self._accepted: dict[str, str] | None = None

    def accepted(self) -> dict[str, str]:
        if self._accepted is None:
            accepted = {}
            with translation.override(None):  # the English msgid of each label
                for value, label in self.choices.choices:
                    accepted[name_key(value)] = value
                    accepted[name_key(label)] = value
            for value, label in self.labels.items():
                accepted[name_key(label)] = value
            for alias, value in self.aliases.items():
                accepted[name_key(alias)] = value
            self._accepted = accepted
        return self._accepted

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        found = self.accepted().get(name_key(value))
        if found is None:
            raise CellError(
                _("Unknown value “%(value)s”; use one of: %(labels)s.")
                % {"value": cell_text(value), "labels": NAME_JOINER.join(self.labels.values())}
            )
        return found

    def render(self, value, obj=None, **kwargs):
        return self.labels.get(value, value or "")


class YesNoWidget(widgets.Widget):
    """是 / 否 (1/0, true/false and yes/no are accepted too)."""

    TRUE = {"是", "公开", "1", "true", "yes", "y", "√", "✓"}
    FALSE = {"否", "不公开", "0", "false", "no", "n", "×", "✗"}

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        if isinstance(value, bool):
            return value
        key = name_key(cell_text(value))
        if key in self.TRUE:
            return True
        if key in self.FALSE:
            return False
        raise CellError(_("“%(value)s” is neither 是 nor 否.") % {"value": cell_text(value)})

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return "是" if value else "否"


class NameWidget(LookupWidget):
    """One related object by its name (a category, a lead department)."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        obj = self._lookups().named(self.model, cell_text(value))
        if obj is None:
            raise CellError(unknown_message(self.model, [cell_text(value)]))
        return obj

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.name


class NamesWidget(LookupWidget, widgets.ManyToManyWidget):
    """Several related objects by name in one cell, separated by 、 , or ；.

    Every name must exist: an unknown name is an error, never silently dropped.
    """

    def __init__(self, model):
        widgets.ManyToManyWidget.__init__(self, model, separator=NAME_JOINER, field="name")

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return []
        found, unknown, seen = [], [], set()
        for name in NAME_SEPARATORS.split(cell_text(value)):
            name = name.strip()
            if not name:
                continue
            obj = self._lookups().named(self.model, name)
            if obj is None:
                unknown.append(name)
            elif obj.pk not in seen:
                seen.add(obj.pk)
                found.append(obj)
        if unknown:
            raise CellError(unknown_message(self.model, unknown))
        return found

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return NAME_JOINER.join(related.name for related in value.all())


def unknown_message(model, names: list[str]) -> str:
    joined = NAME_JOINER.join(f"“{name}”" for name in names)
    messages = {
        Department: _("Unknown department: %(names)s."),
        Category: _("Unknown category: %(names)s."),
        Area: _("Unknown area: %(names)s."),
        BeneficiaryGroup: _("Unknown beneficiary group: %(names)s."),
    }
    return messages[model] % {"names": joined}


class PlanYearWidget(LookupWidget):
    """The annual plan, written as its year."""

    def clean(self, value, row=None, **kwargs):
        year = parse_year(value)
        if year is None:
            return None
        plan = self._lookups().plan(year)
        if plan is None:
            raise CellError(_("There is no annual plan for %(year)s.") % {"year": year})
        return plan

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value.year if kwargs.get("force_native_type") else str(value.year)


class ProjectNumberWidget(LookupWidget):
    """A project, written as its number within the plan whose year is in ``year_column``.

    An unknown year is reported on the year's column (through ``year_field``).
    """

    def __init__(self, year_column: str, year_field: str):
        super().__init__()
        self.year_column = year_column
        self.year_field = year_field

    def clean(self, value, row=None, **kwargs):
        number = parse_whole_number(value)
        try:
            year = parse_year((row or {}).get(self.year_column))
        except CellError as exc:
            raise CellError(str(exc), field=self.year_field) from exc
        if year is None:
            raise CellError(_("The plan year is missing."), field=self.year_field)
        if self._lookups().plan(year) is None:
            raise CellError(
                _("There is no annual plan for %(year)s.") % {"year": year}, field=self.year_field
            )
        if number is None:
            return None
        project = self._lookups().project(year, number)
        if project is None:
            raise CellError(
                _("The %(year)s plan has no project number %(number)s.")
                % {"year": year, "number": number}
            )
        return project

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value.number if kwargs.get("force_native_type") else str(value.number)
