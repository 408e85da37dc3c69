"""Thin Celery tasks of the notifications: parse the input, call a service inside the task,
retry what failed.

Every task is idempotent (the reminder log sends each reminder once), so they run with
``acks_late``: a worker lost mid-scan leaves the message to another worker, which sends only
what is still missing. Deliveries that failed (mail server down) make the task retry with
exponential backoff, capped by ``CELERY_RETRY_BACKOFF_MAX``, below the broker's visibility
timeout so that a waiting retry is never handed to a second worker as well.
"""

from __future__ import annotations

import datetime

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.db import DatabaseError

from minsheng import clock

TASK_OPTIONS = {
    "bind": True,
    "acks_late": True,
    # A database hiccup (or a deadlock between two scans) is worth another go.
    "autoretry_for": (DatabaseError,),
    "retry_backoff": 60,
    "retry_backoff_max": settings.CELERY_RETRY_BACKOFF_MAX,
    "retry_jitter": True,
    "max_retries": 4,
}


def _date(on_date: str | None) -> datetime.date:
    return datetime.date.fromisoformat(on_date) if on_date else clock.today()


def _retry_failed(task, result) -> dict:
    if result.failed and task.request.retries < task.max_retries:
        countdown = get_exponential_backoff_interval(
            factor=60,
            retries=task.request.retries,
            maximum=settings.CELERY_RETRY_BACKOFF_MAX,
            full_jitter=True,
        )
        # The retry scans the same day, even when it runs after midnight.
        raise task.retry(kwargs={"on_date": result.on_date.isoformat()}, countdown=countdown)
    return result.as_dict()


def _run(task, service, on_date: str | None) -> dict:
    day = _date(on_date)
    try:
        result = service(on_date=day)
    except SoftTimeLimitExceeded:
        # A long scan stopped at its time limit (what it did not send was handed back):
        # carry on in a fresh run, which skips everything already sent.
        raise task.retry(kwargs={"on_date": day.isoformat()}, countdown=5) from None
    return _retry_failed(task, result)


@shared_task(name="notifications.reminders_send", **TASK_OPTIONS)
def reminders_send_task(self, on_date: str | None = None) -> dict:
    from .services import reminders_send

    return _run(self, reminders_send, on_date)


@shared_task(name="notifications.digest_send", **TASK_OPTIONS)
def digest_send_task(self, on_date: str | None = None) -> dict:
    from .services import digest_send

    return _run(self, digest_send, on_date)


@shared_task(name="notifications.change_decision_notify", **TASK_OPTIONS)
def change_decision_notify_task(self, request_id: int) -> dict:
    """Tell the requester of a change request the office's decision (sent once, by the log)."""
    from .services import change_decision_notify

    return _retry_delivery(self, change_decision_notify(request_id=request_id))


# Named as when feedback queued it: messages queued before an upgrade still find their task.
@shared_task(name="feedback.tasks.comment_notify_task", **TASK_OPTIONS)
def comment_notify_task(self, comment_id: int) -> dict:
    """Tell the lead department of a new comment (each person once, as they chose)."""
    from .services import comment_notify

    return _retry_delivery(self, comment_notify(comment_id=comment_id))


class DeliveryFailed(Exception):
    """Messages of a notice did not go out, and the task has no retry left."""


def _retry_delivery(task, result) -> dict:
    if result.failed or result.errors:
        if task.request.retries < task.max_retries:
            raise task.retry(countdown=60 * 2**task.request.retries)
        # Out of retries (or without a broker, where there are none): fail where the worker's
        # log shows it; the sent-once log keeps each person's error.
        raise DeliveryFailed("; ".join(result.errors) or "delivery failed")
    return result.as_dict()
