"""The data of the dashboard's charts, embedded in the page as JSON (``json_script``).

Labels are written here in the active language; ``static/dashboard/dashboard.js`` only
draws. Each bar or point carries the link of the projects behind it, so that a click on a
chart goes where the same number in the table below it goes.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from projects.choices import Light

from .links import Links
from .selectors import Figures

# The lights in the order charts stack them.
CHART_LIGHTS = (
    Light.RED,
    Light.YELLOW,
    Light.GREEN,
    Light.COMPLETED,
    Light.NOT_STARTED,
    Light.SUSPENDED,
    Light.TERMINATED,
)


def _number(value) -> float | None:
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal) else value


def _light_series(rows, links: Links, key: str) -> list[dict]:
    return [
        {
            "key": light.value,
            "name": str(light.label),
            "values": [row.totals.lights[light] for row in rows],
            "links": [links.projects(light=light.value, **{key: row.key}) for row in rows],
        }
        for light in CHART_LIGHTS
        if any(row.totals.lights[light] for row in rows)
    ]


def chart_data(figures: Figures, links: Links) -> dict:
    categories, areas = figures.categories, figures.areas
    departments = figures.departments
    return {
        "units": {"percent": "%", "points": _("points"), "money": _("10k yuan")},
        "categories": {
            "labels": [row.name for row in categories],
            "lights": _light_series(categories, links, "category"),
            "progress": {
                "name": _("Average progress (%)"),
                "values": [_number(row.totals.average_progress) for row in categories],
            },
            "axis": {"count": _("Number of projects"), "percent": _("Progress (%)")},
        },
        "departments": {
            "labels": [row.department.short_name or row.department.name for row in departments],
            "series": [
                {
                    "key": "milestones",
                    "name": _("On-time milestone rate (%)"),
                    "values": [_number(row.milestones.on_time_rate) for row in departments],
                },
                {
                    "key": "reports",
                    "name": _("Reports on time (%)"),
                    "values": [_number(row.totals.reports_on_time_rate) for row in departments],
                },
                {
                    "key": "replies",
                    "name": _("Reply rate (%)"),
                    "values": [_number(row.comments.reply_rate) for row in departments],
                },
                {
                    "key": "lag",
                    "name": _("Average lag (points)"),
                    "values": [_number(row.totals.average_lag) for row in departments],
                },
            ],
            "links": [links.projects(department=row.department.pk) for row in departments],
            "axis": {"percent": _("Rate (%)"), "points": _("Lag (points)")},
        },
        "areas": {
            "labels": [row.name for row in areas],
            "lights": _light_series(areas, links, "area"),
            "axis": {"count": _("Number of projects")},
        },
        "trend": {
            "labels": [date_format(point.month, "YEAR_MONTH_FORMAT") for point in figures.trend],
            "progress": {
                "name": _("Average progress (%)"),
                "values": [_number(point.totals.average_progress) for point in figures.trend],
            },
            "weighted": {
                "name": _("Investment-weighted progress (%)"),
                "values": [_number(point.totals.weighted_progress) for point in figures.trend],
            },
            "funds": {
                "name": _("Funds disbursed (10k yuan)"),
                "values": [_number(point.totals.funds_disbursed) for point in figures.trend],
            },
            "links": [links.briefing(point.month) for point in figures.trend],
            "axis": {"percent": _("Progress (%)"), "money": _("10k yuan")},
        },
        "behind": {
            "labels": [
                f"{row['project_number']}. {row['project_title']}"
                for row in figures.furthest_behind
            ],
            "expected": {
                "name": _("Expected progress (%)"),
                "values": [_number(row["expected_progress"]) for row in figures.furthest_behind],
            },
            "actual": {
                "name": _("Actual progress (%)"),
                "values": [_number(row["progress_percent"]) for row in figures.furthest_behind],
            },
            "links": [links.project(row["project_pk"]) for row in figures.furthest_behind],
            "axis": {"percent": _("Progress (%)")},
        },
    }
