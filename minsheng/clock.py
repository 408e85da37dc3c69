"""The portal's notion of today, in the district's time zone."""

import datetime

from django.conf import settings
from django.utils import timezone


def today() -> datetime.date:
    """Return the date lights and deadlines are judged on.

    ``MINSHENG_AS_OF_DATE`` pins it (the demo looks at the 2024 plan in mid-year);
    otherwise it is the local date in ``TIME_ZONE``.
    """
    if settings.MINSHENG_AS_OF_DATE:
        return datetime.date.fromisoformat(settings.MINSHENG_AS_OF_DATE)
    return timezone.localdate()
