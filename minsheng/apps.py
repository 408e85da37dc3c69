from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MinshengConfig(AppConfig):
    name = "minsheng"
    verbose_name = _("Portal")
