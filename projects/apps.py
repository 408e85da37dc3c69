from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Livelihood projects")

    def ready(self):
        from django.conf import settings
        from PIL import Image

        # One pixel cap for every image the process opens (uploads, thumbnails, PDFs that
        # embed them), so that Pillow refuses the same bombs the upload check does.
        Image.MAX_IMAGE_PIXELS = settings.ATTACHMENT_MAX_PIXELS
