from django.apps import AppConfig, apps
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _

# Models whose rows appear on public pages: any change drops the cached pages.
PUBLIC_MODELS = [
    "departments.Department",
    "departments.Area",
    "projects.Plan",
    "projects.Category",
    "projects.BeneficiaryGroup",
    "projects.Project",
    "projects.Milestone",
    "projects.Indicator",
    "projects.ProgressReport",
    "projects.Attachment",
    "feedback.Comment",
    "feedback.Reply",
    "feedback.Rating",
    "feedback.Suggestion",
]


class MinshengConfig(AppConfig):
    name = "minsheng"
    verbose_name = _("Portal")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .cache import invalidate_public_pages
        from .middleware import stamp_activity

        user_logged_in.connect(stamp_activity, dispatch_uid="minsheng-idle-clock")

        for label in PUBLIC_MODELS:
            model = apps.get_model(label)
            post_save.connect(
                invalidate_public_pages, sender=model, dispatch_uid=f"cache-save-{label}"
            )
            post_delete.connect(
                invalidate_public_pages, sender=model, dispatch_uid=f"cache-delete-{label}"
            )
            for field in model._meta.many_to_many:
                m2m_changed.connect(
                    invalidate_public_pages,
                    sender=field.remote_field.through,
                    dispatch_uid=f"cache-m2m-{label}-{field.name}",
                )
