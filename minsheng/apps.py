from django.apps import AppConfig
from django.core.signals import request_finished, request_started
from django.utils.translation import gettext_lazy as _


class MinshengConfig(AppConfig):
    name = "minsheng"
    verbose_name = _("Portal")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import (
            clientip,  # noqa: F401 - registers its deployment check
            tasks,
        )
        from .middleware import stamp_activity

        # Without a broker, tasks a request enqueues run once its response has been sent.
        request_started.connect(
            tasks.collect_until_response_sent, dispatch_uid="tasks-after-response-collect"
        )
        request_finished.connect(tasks.run_after_response, dispatch_uid="tasks-after-response-run")
        user_logged_in.connect(stamp_activity, dispatch_uid="minsheng-idle-clock")
        # The models whose changes empty the public page cache are registered by the apps
        # that own them (minsheng.public_pages.register in their ready()).
