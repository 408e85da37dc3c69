"""The monthly briefing (月度通报) as files: an Excel workbook and a PDF.

The workbook has one sheet per table with headers in the active language (Chinese by
default); numbers are numeric cells and dates date cells, so that the coordinating office
can sort and sum them, and no text is a formula (``minsheng.spreadsheets``: project titles,
reasons and residents' comments are written as typed, never run). The PDF is the briefing page's notice printed by WeasyPrint, with
the same print stylesheet (A4); it fetches nothing: the stylesheet is read from the static
files and every other URL is refused.
"""

from __future__ import annotations

import datetime
import logging
from io import BytesIO

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from minsheng.spreadsheets import safe_row
from projects.choices import Light, ProjectStatus

from .selectors import Briefing

PERCENT_FORMAT = "0.0"
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
SHEET_TITLE_MAX = 31

# WeasyPrint logs every step of every page at INFO; its warnings and errors still show.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class PdfUnavailable(Exception):
    """WeasyPrint (or the system's Pango it needs) is not installed."""


def file_name(month: datetime.date) -> str:
    return f"briefing-{month:%Y-%m}"


def title(briefing: Briefing) -> str:
    return _("Monthly briefing on the livelihood projects: %(month)s") % {
        "month": date_format(briefing.month, "YEAR_MONTH_FORMAT")
    }


def overview_rows(briefing: Briefing) -> list[tuple[str, object, str]]:
    """The briefing's headline figures as (label, value, unit) rows."""
    headline = briefing.figures.headline
    totals, milestones, comments = headline.totals, headline.milestones, headline.comments
    projects_unit = pgettext("unit after a number of projects", "projects")
    percent = "%"
    return [
        (_("Number of projects"), totals.projects, projects_unit),
        (_("Completed"), totals.statuses[ProjectStatus.COMPLETED], projects_unit),
        (_("In progress"), totals.statuses[ProjectStatus.IN_PROGRESS], projects_unit),
        (_("Not started"), totals.statuses[ProjectStatus.NOT_STARTED], projects_unit),
        (_("Suspended"), totals.statuses[ProjectStatus.SUSPENDED], projects_unit),
        # Counted apart: a terminated project is not among the projects the plan delivers.
        (_("Terminated"), totals.statuses[ProjectStatus.TERMINATED], projects_unit),
        (str(Light.GREEN.label), totals.lights[Light.GREEN], projects_unit),
        (str(Light.YELLOW.label), totals.lights[Light.YELLOW], projects_unit),
        (str(Light.RED.label), totals.lights[Light.RED], projects_unit),
        (_("Average progress"), totals.average_progress, percent),
        (_("Investment-weighted progress"), totals.weighted_progress, percent),
        (_("Planned investment"), totals.planned_investment, _("10k yuan")),
        (_("Funds disbursed"), totals.funds_disbursed, _("10k yuan")),
        (_("Execution rate"), totals.execution_rate, percent),
        (_("On-time milestone rate"), milestones.on_time_rate, percent),
        (_("Overdue milestones"), milestones.overdue, _("milestones")),
        (_("Reports due this month"), totals.reports_due, _("reports")),
        (_("Reports not submitted"), totals.reports_missing, _("reports")),
        (_("Comments awaiting a reply"), comments.awaiting, _("comments")),
        (_("Comments overdue for a reply"), comments.overdue, _("comments")),
        (_("Reply rate"), comments.reply_rate, percent),
        (_("Satisfaction rate"), headline.satisfaction.rate, percent),
        (_("Ratings"), headline.satisfaction.total, _("ratings")),
    ]


def _sheet(workbook, name: str, headers: list[str], rows: list[list], formats: dict[int, str]):
    sheet = workbook.create_sheet(title=name[:SHEET_TITLE_MAX])
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in rows:
        sheet.append(safe_row(row))
    for column, number_format in formats.items():
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = number_format
    for index, header in enumerate(headers, start=1):
        widest = max([len(str(header))] + [len(str(row[index - 1] or "")) for row in rows])
        sheet.column_dimensions[get_column_letter(index)].width = min(60, max(8, widest * 1.6))
    sheet.freeze_panes = "A2"
    return sheet


def workbook(briefing: Briefing) -> bytes:
    """The briefing as an .xlsx file: overview, ranking, behind projects, milestones, comments,
    and the month's plan changes and decisions (调整、销号、暂缓、终止)."""
    book = Workbook()
    book.remove(book.active)
    figures = briefing.figures

    overview = _sheet(
        book,
        _("Overview"),
        [_("Figure"), _("Value"), _("Unit")],
        [list(row) for row in overview_rows(briefing)],
        {},
    )
    for (cell,) in overview.iter_rows(min_row=2, min_col=2, max_col=2):
        if not isinstance(cell.value, int):
            cell.number_format = PERCENT_FORMAT if cell.value is not None else "General"
    overview.append([])
    overview.append(safe_row([_("As of"), briefing.as_of, ""]))
    overview.cell(row=overview.max_row, column=2).number_format = DATE_FORMAT
    overview.append(safe_row([_("Plan"), str(briefing.plan) if briefing.plan else "", ""]))

    _sheet(
        book,
        _("Department ranking"),
        [
            _("Rank"),
            _("Lead department"),
            _("Number of projects"),
            str(Light.RED.label),
            str(Light.YELLOW.label),
            _("On-time milestone rate (%)"),
            _("Average lag (points)"),
            _("Reports on time (%)"),
            _("Reply rate (%)"),
            _("Score"),
        ],
        [
            [
                row.rank,
                row.department.name,
                row.totals.projects,
                row.totals.lights[Light.RED],
                row.totals.lights[Light.YELLOW],
                row.milestones.on_time_rate,
                row.totals.average_lag,
                row.totals.reports_on_time_rate,
                row.comments.reply_rate,
                row.score,
            ]
            for row in figures.departments
        ],
        {
            6: PERCENT_FORMAT,
            7: PERCENT_FORMAT,
            8: PERCENT_FORMAT,
            9: PERCENT_FORMAT,
            10: PERCENT_FORMAT,
        },
    )

    _sheet(
        book,
        _("Red and yellow projects"),
        [
            _("Number"),
            _("Project"),
            _("Lead department"),
            _("Light"),
            _("Progress (%)"),
            _("Expected progress (%)"),
            _("Lag (points)"),
            _("Reason"),
        ],
        [
            [
                row["project_number"],
                row["project_title"],
                row["department_name"],
                str(Light(row["light"]).label),
                row["progress_percent"],
                row["expected_progress"],
                row["lag"],
                row["light_reason"],
            ]
            for row in figures.behind_projects
        ],
        {5: PERCENT_FORMAT, 6: PERCENT_FORMAT, 7: PERCENT_FORMAT},
    )

    _sheet(
        book,
        _("Overdue milestones"),
        [
            _("Number"),
            _("Project"),
            _("Lead department"),
            _("Milestone"),
            _("Planned date"),
            _("Days overdue"),
        ],
        [
            [
                row["project_number"],
                row["project_title"],
                row["department_name"],
                row["milestone"],
                row["planned_date"],
                row["days_overdue"],
            ]
            for row in figures.overdue_milestones
        ],
        {5: DATE_FORMAT},
    )

    _sheet(
        book,
        _("Comments not answered in time"),
        [
            _("Number"),
            _("Project"),
            _("Lead department"),
            _("Posted on"),
            _("Reply due on"),
            _("Replied on"),
            _("Comment"),
        ],
        [
            [
                row["project_number"],
                row["project_title"],
                row["department_name"],
                timezone.localtime(row["created_at"]).date(),
                row["reply_due_on"],
                timezone.localtime(row["replied_at"]).date() if row["replied_at"] else None,
                row["body"],
            ]
            for row in figures.late_comments
        ],
        {4: DATE_FORMAT, 5: DATE_FORMAT, 6: DATE_FORMAT},
    )

    _sheet(
        book,
        _("Plan changes and decisions"),
        [
            _("Decided on"),
            _("Number"),
            _("Project"),
            _("Lead department"),
            _("Decision"),
            _("What changed"),
            # A change's own reason, not a light's (亮灯原因).
            pgettext("plan change", "Reason"),
            _("Document No."),
        ],
        [
            [
                timezone.localtime(row["decided_at"]).date(),
                row["project_number"],
                row["project_title"],
                row["department_name"],
                row["kind_label"],
                row["what"],
                row["reason"],
                row["decision_number"],
            ]
            for row in figures.decisions
        ],
        {1: DATE_FORMAT},
    )

    book.properties.title = title(briefing)
    book.properties.creator = settings.SITE_ORGANISER
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def document_context(briefing: Briefing) -> dict:
    """What the notice template needs (the page, the PDF and the e-mail share it)."""
    return {
        "briefing": briefing,
        "figures": briefing.figures,
        "headline": briefing.figures.headline,
        "overview": overview_rows(briefing),
        "title": title(briefing),
        "SITE_NAME": settings.SITE_NAME,
        "SITE_ORGANISER": settings.SITE_ORGANISER,
        "SITE_CONTACT_PHONE": settings.SITE_CONTACT_PHONE,
    }


def pdf(briefing: Briefing) -> bytes:
    """The notice as an A4 PDF (WeasyPrint; no network: only data: URLs may be fetched)."""
    try:
        from weasyprint import CSS, HTML
        from weasyprint.urls import URLFetcher
    except (ImportError, OSError) as error:  # OSError: the system's Pango is missing
        raise PdfUnavailable(str(error)) from error
    html = render_to_string("dashboard/briefing_document.html", document_context(briefing))
    fetcher = URLFetcher(allowed_protocols={"data"})
    with open(finders.find("dashboard/briefing.css"), encoding="utf-8") as css:
        stylesheet = CSS(string=css.read(), url_fetcher=fetcher)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[stylesheet])
