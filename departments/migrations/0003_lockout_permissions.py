"""Let the coordinating office see and lift sign-in lockouts (django-axes' records) in the admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

COORDINATOR = "民生工程股"
CODENAMES = [
    "view_accessattempt",
    "delete_accessattempt",
    "view_accessfailurelog",
    "delete_accessfailurelog",
    "view_accesslog",
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("axes")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=COORDINATOR)
    found = list(Permission.objects.filter(content_type__app_label="axes", codename__in=CODENAMES))
    if len(found) != len(CODENAMES):
        raise RuntimeError("missing django-axes permissions")
    group.permissions.add(*found)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    found = Permission.objects.filter(content_type__app_label="axes", codename__in=CODENAMES)
    for group in Group.objects.filter(name=COORDINATOR):
        group.permissions.remove(*found)


class Migration(migrations.Migration):
    dependencies = [
        ("departments", "0002_groups"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
