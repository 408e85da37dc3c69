"""Thin Celery tasks of the dashboard: the nightly snapshot and the briefing e-mail.

The services enqueue these tasks; the tasks import the services inside their bodies, so
the import goes one way only.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError

from minsheng import clock
from minsheng.months import month_start, parse_month

from .models import BriefingDispatch

logger = logging.getLogger(__name__)


@shared_task(
    name="dashboard.snapshot_take",
    bind=True,
    acks_late=True,
    # A month's rows are replaced as a whole: running the task twice leaves the same rows.
    autoretry_for=(DatabaseError,),
    retry_backoff=60,
    retry_backoff_max=settings.CELERY_RETRY_BACKOFF_MAX,
    max_retries=3,
)
def snapshot_take_task(self, month: str | None = None) -> int:
    """Take the snapshot of ``month`` (``YYYY-MM``), by default the current month."""
    from .services import snapshot_take

    target = parse_month(month) if month else month_start(clock.today())
    if target is None:
        logger.error("snapshot_take_task: not a month in the form YYYY-MM: %r", month)
        return 0
    return snapshot_take(month=target)


@shared_task(
    name="dashboard.briefing_send",
    bind=True,
    # A mail server that is down or refuses (smtplib's errors are OSErrors) is tried again.
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=settings.CELERY_RETRY_BACKOFF_MAX,
    max_retries=5,
)
def briefing_send_task(self, dispatch_id: int) -> int:
    from .services import briefing_deliver

    dispatch = BriefingDispatch.objects.filter(pk=dispatch_id).first()
    if dispatch is None or dispatch.sent_at is not None:  # gone, or a retry after delivery
        return 0
    return briefing_deliver(dispatch=dispatch)
