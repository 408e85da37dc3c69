from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _tell_requester(sender, request, **kwargs) -> None:
    # Projects cannot import this app (it stands above it): the deciding service sends a
    # signal inside its transaction, and the notice is queued for after the commit.
    from minsheng.tasks import enqueue_on_commit

    from .tasks import change_decision_notify_task

    enqueue_on_commit(change_decision_notify_task, request.pk)


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Reminders")

    def ready(self):
        from projects.commitments import change_request_decided

        change_request_decided.connect(_tell_requester, dispatch_uid="notifications.decision")
