"""Let the coordinating office and leadership read the snapshots and the briefings sent.

Both are written by the portal itself (the nightly task, the briefing button), so nobody is
given add, change or delete.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

COORDINATOR = "民生工程股"
LEADERSHIP = "区领导"
CODENAMES = ["view_projectsnapshot", "view_briefingdispatch"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("dashboard")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    found = list(Permission.objects.filter(content_type__app_label="dashboard", codename__in=CODENAMES))
    if len(found) != len(CODENAMES):
        raise RuntimeError("missing dashboard permissions")
    for name in (COORDINATOR, LEADERSHIP):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*found)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="dashboard")
    for group in Group.objects.filter(name__in=(COORDINATOR, LEADERSHIP)):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0002_snapshot_schedule"),
        ("departments", "0002_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
