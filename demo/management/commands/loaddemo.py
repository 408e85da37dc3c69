"""``manage.py loaddemo``: the demo data of the 2024 plan and the demo accounts (idempotent)."""

import argparse
import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from demo.dataset import DEFAULT_PASSWORD
from demo.loader import DemoDataError, load_demo
from minsheng import clock
from projects.choices import Light


def _iso_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in the form YYYY-MM-DD: {text!r}") from None


class Command(BaseCommand):
    help = (
        "Create or update the sample 2024 plan (50 projects, departments, areas, reports) "
        "and the demo accounts; running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"Password of every demo account, reset on each run (default: {DEFAULT_PASSWORD}).",
        )
        parser.add_argument(
            "--date",
            type=_iso_date,
            default=None,
            help="Judge the lights on this date, YYYY-MM-DD (default: the portal's today, "
            "which MINSHENG_AS_OF_DATE pins).",
        )

    def handle(self, *args, password, date, **options):
        if not password or not password.strip():
            raise CommandError(_("The demo password cannot be empty."))
        on_date = date or clock.today()
        try:
            result = load_demo(password=password, on_date=on_date)
        except DemoDataError as error:
            raise CommandError(str(error)) from error

        self.stdout.write(
            _("Demo data of “%(plan)s” loaded: %(created)s rows created, %(updated)s updated.")
            % {"plan": result.plan, "created": result.created, "updated": result.updated}
        )
        lights = _("; ").join(
            f"{Light(light).label} {count}" for light, count in result.lights.items()
        )
        self.stdout.write(
            _("Lights on %(date)s: %(lights)s") % {"date": on_date.isoformat(), "lights": lights}
        )
        self.stdout.write(
            self.style.SUCCESS(
                _("Demo accounts (password: %(password)s): %(users)s")
                % {"password": password, "users": ", ".join(result.usernames)}
            )
        )
