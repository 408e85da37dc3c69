"""Thin Celery tasks of the feedback app: load by id, do the work."""

from celery import shared_task
from django.conf import settings

from .models import Comment


@shared_task(
    bind=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=settings.CELERY_RETRY_BACKOFF_MAX,
    max_retries=5,
)
def comment_notify_task(self, comment_id: int) -> int:
    """E-mail the lead department about a new comment; returns the number of messages sent."""
    from .notifications import send_new_comment_mail

    comment = (
        Comment.objects.select_related("project__lead_department").filter(pk=comment_id).first()
    )
    if comment is None:  # deleted before the worker got to it
        return 0
    return send_new_comment_mail(comment)
