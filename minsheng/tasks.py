"""Enqueueing tasks safely from web requests and services."""

from __future__ import annotations

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Send ``task`` to the broker once the current transaction commits.

    After the commit, so that the worker finds the rows the task is about. A broker that is
    down costs the request a few seconds at most (publish timeouts) and never its data: the
    failure is logged, and work derived from the database (the reminder scan) catches up.
    Without a broker the task runs here, after the commit; its errors are logged, not raised.
    """

    def send():
        try:
            task.apply_async(args=args, kwargs=kwargs)
        except Exception:
            logger.exception("could not enqueue %s%r", task.name, args)

    transaction.on_commit(send)
