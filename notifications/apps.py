from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The apps below this one cannot import it: their services send a signal inside their
# transaction, and the message is queued here for after the commit. The tasks then call
# this app's services, the one gateway of every message to staff.


def _tell_requester(sender, request, **kwargs) -> None:
    from minsheng.tasks import enqueue_on_commit

    from .tasks import change_decision_notify_task

    enqueue_on_commit(change_decision_notify_task, request.pk)


def _tell_lead_department(sender, comment, **kwargs) -> None:
    from minsheng.tasks import enqueue_on_commit

    from .tasks import comment_notify_task

    enqueue_on_commit(comment_notify_task, comment.pk)


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Reminders")

    def ready(self):
        from feedback.services import comment_posted
        from projects.commitments import change_request_decided

        change_request_decided.connect(_tell_requester, dispatch_uid="notifications.decision")
        comment_posted.connect(_tell_lead_department, dispatch_uid="notifications.comment")
