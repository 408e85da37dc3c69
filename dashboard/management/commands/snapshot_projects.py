"""``manage.py snapshot_projects``: the projects' monthly snapshots, taken now or rebuilt.

snapshot_projects                       # the current month, from the live data
snapshot_projects --month 2024-06       # one month (an earlier one is rebuilt)
snapshot_projects --backfill            # every month since the first planned start
snapshot_projects --backfill --month 2024-06 --replace
"""

import argparse

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from dashboard.services import snapshot_take, snapshots_backfill
from minsheng import clock
from minsheng.months import month_start, parse_month
from minsheng.services import ServiceError


def _month(text: str):
    month = parse_month(text)
    if month is None:
        raise argparse.ArgumentTypeError(f"not a month in the form YYYY-MM: {text!r}")
    return month


class Command(BaseCommand):
    help = (
        "Record every project's progress, funds and light in a month's snapshot (the "
        "dashboard's monthly trend). Earlier months are rebuilt from the change history and "
        "approved progress reports."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--month",
            type=_month,
            default=None,
            help="The month, YYYY-MM (default: the current month); with --backfill, the last one.",
        )
        parser.add_argument(
            "--backfill",
            action="store_true",
            help="Fill every month from the earliest planned start of any project.",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="With --backfill, rebuild months that already have snapshots too.",
        )

    def handle(self, *args, month, backfill, replace, **options):
        if replace and not backfill:
            raise CommandError(_("--replace goes with --backfill."))
        try:
            if backfill:
                written = snapshots_backfill(until=month, replace=replace)
            else:
                target = month or month_start(clock.today())
                written = {target: snapshot_take(month=target)}
        except ServiceError as error:
            raise CommandError(" ".join(error.messages)) from error
        for each, count in written.items():
            self.stdout.write(
                _("%(month)s: %(count)s snapshots written")
                % {"month": f"{each:%Y-%m}", "count": count}
            )
        if not written:
            self.stdout.write(_("No projects: nothing to record."))
