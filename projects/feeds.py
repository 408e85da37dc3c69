"""Atom feeds of approved progress updates: one per published plan, one per published project.

Only approved reports appear, and only for projects residents may see. Each entry links to
the report on the project's page and is dated when the coordinating office approved it.
"""

import uuid

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.translation import gettext as _

from minsheng.templatetags.portal import amount, pct

from . import selectors

ITEMS = 30


class _UpdatesFeed(Feed):
    feed_type = Atom1Feed

    def author_name(self):
        return settings.SITE_ORGANISER

    def item_title(self, report):
        return _("No. %(number)s %(title)s: progress for %(period)s") % {
            "number": report.project.number,
            "title": report.project.title,
            "period": date_format(report.period, "YEAR_MONTH_FORMAT"),
        }

    def item_description(self, report):
        lines = [
            _("Progress %(progress)s%%, funds disbursed to date %(funds)s (10k yuan).")
            % {
                "progress": pct(report.reported_progress),
                "funds": amount(report.funds_disbursed_to_date),
            },
            report.work_done,
        ]
        if report.next_steps:
            lines.append(_("Next steps: %(steps)s") % {"steps": report.next_steps})
        # Atom summaries of type "html": one paragraph per line, the data escaped.
        return format_html_join("", "<p>{}</p>", ((line,) for line in lines))

    def item_link(self, report):
        return f"{reverse('projects:detail', args=[report.project_id])}#report-{report.pk}"

    def item_guid(self, report):
        # Atom ids must be absolute and never change: a name-based UUID of the report.
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'minsheng:progress-report:{report.pk}')}"

    item_guid_is_permalink = False

    def item_pubdate(self, report):
        return report.reviewed_at

    def item_updateddate(self, report):
        return report.reviewed_at or report.created_at


class PlanUpdatesFeed(_UpdatesFeed):
    """The latest approved updates of every published project of a published plan."""

    def get_object(self, request, year):
        return selectors.public_plan(year)

    def title(self, plan):
        return _("%(plan)s: latest progress") % {"plan": plan.title}

    def subtitle(self, plan):
        return _(
            "Approved progress updates of the livelihood projects of %(year)s, newest first."
        ) % {"year": plan.year}

    def link(self, plan):
        return f"{reverse('projects:home')}?year={plan.year}"

    def items(self, plan):
        return selectors.approved_reports_of_plan(plan)[:ITEMS]


class ProjectUpdatesFeed(_UpdatesFeed):
    """The approved updates of one published project."""

    def get_object(self, request, pk):
        return selectors.public_project(pk)

    def title(self, project):
        return _("No. %(number)s %(title)s: progress updates") % {
            "number": project.number,
            "title": project.title,
        }

    def subtitle(self, project):
        return _("Approved progress updates of this livelihood project, newest first.")

    def link(self, project):
        return reverse("projects:detail", args=[project.pk])

    def items(self, project):
        return selectors.approved_reports_of_project(project)[:ITEMS]
