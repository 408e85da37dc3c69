from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Livelihood projects")

    def ready(self):
        from django.conf import settings
        from PIL import Image
        from simple_history.signals import pre_create_historical_record

        from minsheng import public_pages

        from . import models
        from .choices import ChangeState, ReportState

        # One pixel cap for every image the process opens (uploads, thumbnails, PDFs that
        # embed them), so that Pillow refuses the same bombs the upload check does.
        Image.MAX_IMAGE_PIXELS = settings.ATTACHMENT_MAX_PIXELS

        # A plan or project being drafted is not public; publishing it, or withdrawing a
        # published one, is a change the public sees.
        public_pages.register(models.Plan, shown=lambda plan: plan.published, fields=["published"])
        public_pages.register(
            models.Project, shown=lambda project: project.published, fields=["published"]
        )
        # Only approved reports appear on the project page; drafts, submitted and returned
        # reports are the department's and the office's business.
        public_pages.register(
            models.ProgressReport,
            shown=lambda report: report.state == ReportState.APPROVED,
            fields=["state"],
        )
        # Approved changes and decisions appear on the project page (计划调整); pending,
        # rejected and withdrawn requests never do.
        public_pages.register(
            models.ChangeRequest,
            shown=lambda request: request.state == ChangeState.APPROVED,
            fields=["state"],
        )
        # Shown with their project; whether it is public is another row's business.
        for model in (
            models.Category,
            models.BeneficiaryGroup,
            models.Milestone,
            models.Indicator,
            models.Attachment,
        ):
            public_pages.register(model)

        def record_history_source(sender, instance, history_instance, **kwargs):
            if isinstance(instance, models.Project):
                history_instance.history_source = getattr(instance, "_history_source", "")

        pre_create_historical_record.connect(
            record_history_source, dispatch_uid="projects-history-source", weak=False
        )
