"""Give the four staff roles their permissions on public feedback."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REPORTER = "填报员"
HEAD = "单位负责人"
COORDINATOR = "民生工程股"
LEADERSHIP = "区领导"

MODELS = ["comment", "reply", "rating", "suggestion", "sensitiveword"]
PERMISSIONS = {
    # Department staff read the comments on their projects and answer them.
    REPORTER: ["view_comment", "view_reply", "add_reply", "change_reply", "view_rating"],
    HEAD: ["view_comment", "view_reply", "add_reply", "change_reply", "view_rating"],
    COORDINATOR: [f"{action}_{model}" for model in MODELS for action in ("view", "add", "change", "delete")],
    LEADERSHIP: [f"view_{model}" for model in MODELS],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("feedback")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        found = list(Permission.objects.filter(content_type__app_label="feedback", codename__in=codenames))
        if len(found) != len(codenames):
            raise RuntimeError(f"missing feedback permissions for {name}")
        group.permissions.add(*found)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    feedback_permissions = Permission.objects.filter(content_type__app_label="feedback")
    for group in Group.objects.filter(name__in=PERMISSIONS):
        group.permissions.remove(*feedback_permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_initial"),
        ("departments", "0002_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
