"""``manage.py send_reminders``: the daily reminder scan, without any broker.

Run it once a day (cron, or by hand) where no Celery worker and beat run; it is the same
scan the beat schedules. Running it twice sends nothing twice. On the digest weekday
(``MINSHENG_DIGEST_WEEKDAY``, Monday by default) it also sends leadership's weekly summary.
"""

import argparse
import datetime

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from minsheng import clock
from notifications.choices import ReminderKind
from notifications.services import ScanResult, digest_send, reminders_send


def _iso_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("not a date in the form YYYY-MM-DD: %(value)r") % {"value": text}
        ) from None


class Command(BaseCommand):
    help = (
        "Send the reminders due on a date: milestones, monthly progress reports, comments "
        "awaiting a reply, and on the digest weekday the weekly summary for leadership."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            type=_iso_date,
            default=None,
            help="Scan as of this date, YYYY-MM-DD (default: the portal's today).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List what would be sent; send nothing and write nothing.",
        )
        parser.add_argument(
            "--digest",
            action="store_true",
            help="Also send this week's leadership summary whatever the weekday.",
        )

    def handle(self, *args, date, dry_run, digest, **options):
        on_date = date or clock.today()
        result = reminders_send(on_date=on_date, dry_run=dry_run)
        if digest or on_date.weekday() == settings.MINSHENG_DIGEST_WEEKDAY:
            result.merge(digest_send(on_date=on_date, dry_run=dry_run))
        self._report(result)

    def _report(self, result: ScanResult) -> None:
        if result.dry_run:
            for delivery in result.deliveries:
                self.stdout.write(
                    f"{delivery.due_on:%Y-%m-%d}  {delivery.channel:5}  "
                    f"{delivery.recipient:20}  {delivery.subject}"
                )
            if result.planned > len(result.deliveries):
                self.stdout.write(
                    _("… and %(count)s more.") % {"count": result.planned - len(result.deliveries)}
                )
            self.stdout.write(
                _("Dry run for %(date)s: %(planned)s reminders would be sent; nothing was sent.")
                % {"date": result.on_date.isoformat(), "planned": result.planned}
            )
            return
        kinds = _("; ").join(
            f"{ReminderKind(kind).label} {count}" for kind, count in sorted(result.by_kind.items())
        )
        summary = _(
            "Reminders for %(date)s: %(sent)s sent, %(failed)s failed and will be retried, "
            "%(undeliverable)s failed for good."
        ) % {
            "date": result.on_date.isoformat(),
            "sent": result.sent,
            "failed": result.failed,
            "undeliverable": result.undeliverable,
        }
        style = (
            self.style.SUCCESS
            if not (result.failed or result.undeliverable)
            else self.style.WARNING
        )
        self.stdout.write(style(summary))
        if kinds:
            self.stdout.write(kinds)
