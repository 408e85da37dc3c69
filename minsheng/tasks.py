"""Enqueueing tasks safely from web requests and services.

With a broker, a task is published after the commit and a worker runs it, retrying as the
task says. Without one (``CELERY_TASK_ALWAYS_EAGER``, the ``make run`` set-up) there is no
worker to wait in: a retry would run inline, back to back, and a mail server that accepts
and never answers once held a resident's comment for six timeouts. So without a broker a
task runs once, as its own last attempt, and in a web request only after the response has
been sent (``request_finished``, which the WSGI server sends when it closes the response).
What fails is logged; the reminder scan, which reads what is due from the database and
sends each reminder once, catches up the next time it runs.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar

from django.db import transaction

logger = logging.getLogger(__name__)

# Tasks waiting for the end of the current request; None outside a request (a management
# command, the shell), where a task runs as soon as its transaction commits.
_after_response: ContextVar[list | None] = ContextVar("minsheng_after_response", default=None)


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Send ``task`` to the broker once the current transaction commits.

    After the commit, so that the worker finds the rows the task is about. A broker that is
    down costs the request well under a second (publish timeouts) and never its data: the
    failure is logged, and work derived from the database (the reminder scan) catches up.
    Without a broker the task runs in this process once, after the response (see above).
    """
    if task.max_retries is None:
        # Run here as "the last attempt", a task that retries for ever would never stop.
        raise ValueError(f"{task.name} retries without limit; give it max_retries")

    def send():
        if task.app.conf.task_always_eager:
            run_without_broker(task, args, kwargs)
            return
        try:
            task.apply_async(args=args, kwargs=kwargs)
        except Exception:
            logger.exception("could not enqueue %s%r", task.name, args)

    transaction.on_commit(send)


def run_without_broker(task, args: tuple, kwargs: dict) -> None:
    """Run ``task`` after the current request's response, or at once outside a request."""
    pending = _after_response.get()
    if pending is None:
        run_once(task, args, kwargs)
    else:
        pending.append((task, args, kwargs))


def run_once(task, args: tuple, kwargs: dict) -> None:
    """Run ``task`` here, once: a retry it asks for gives up at once instead of running inline.

    The task runs as if its retries were used up (``retries=max_retries``), so that
    ``autoretry_for`` and ``self.retry()`` raise the error rather than run the task again.
    Errors are logged, never raised: the caller's work is done and kept.
    """
    try:
        result = task.apply(args=args, kwargs=kwargs, retries=task.max_retries, throw=False)
    except Exception:
        logger.exception("%s%r failed; without a broker it is not retried", task.name, args)
        return
    if result.failed():
        logger.error(
            "%s%r failed; without a broker it is not retried: %r", task.name, args, result.result
        )


def collect_until_response_sent(sender, **signal_kwargs) -> None:
    """``request_started``: tasks of this request wait until its response has gone out."""
    # A WSGI server always closes a response (PEP 3333); a test client's streamed download
    # left unread does not. What that request left is run now rather than lost.
    for task, args, kwargs in _after_response.get() or ():
        run_once(task, args, kwargs)
    _after_response.set([])


def run_after_response(sender, **signal_kwargs) -> None:
    """``request_finished``: the response is sent; run what the request left, one by one."""
    pending = _after_response.get()
    _after_response.set(None)
    for task, args, kwargs in pending or ():
        run_once(task, args, kwargs)
