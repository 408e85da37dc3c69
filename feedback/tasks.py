"""Thin Celery tasks of the feedback app: load by id, call a service."""

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
    from .services import comment_notify

    comment = (
        Comment.objects.select_related("project__lead_department").filter(pk=comment_id).first()
    )
    if comment is None:  # deleted before the worker got to it
        return 0
    return comment_notify(comment=comment)
