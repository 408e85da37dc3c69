from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MinshengConfig(AppConfig):
    name = "minsheng"
    verbose_name = _("Portal")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import stamp_activity

        user_logged_in.connect(stamp_activity, dispatch_uid="minsheng-idle-clock")
        # The models whose changes empty the public page cache are registered by the apps
        # that own them (minsheng.public_pages.register in their ready()).
