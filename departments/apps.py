from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DepartmentsConfig(AppConfig):
    name = "departments"
    verbose_name = _("Departments and areas")

    def ready(self):
        from minsheng import public_pages

        from .models import Area, Department

        # Named on every project's page and listed on their own: every change shows.
        public_pages.register(Department)
        public_pages.register(Area)
