"""Give the staff roles their rights on change requests (调整申请).

Department staff (填报员, 单位负责人) see and file requests on their projects; the
coordinating office (民生工程股) also decides them ("change"); leadership (区领导) reads
them. Which rows and which decisions is projects/permissions.py's answer.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "填报员": ["view_changerequest", "add_changerequest"],
    "单位负责人": ["view_changerequest", "add_changerequest"],
    "民生工程股": ["view_changerequest", "add_changerequest", "change_changerequest"],
    "区领导": ["view_changerequest"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("projects")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        found = list(
            Permission.objects.filter(content_type__app_label="projects", codename__in=codenames)
        )
        if len(found) != len(codenames):
            raise RuntimeError(f"missing change request permissions: {codenames}")
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*found)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        found = Permission.objects.filter(
            content_type__app_label="projects", codename__in=codenames
        )
        for group in Group.objects.filter(name=name):
            group.permissions.remove(*found)


class Migration(migrations.Migration):
    dependencies = [
        ("departments", "0003_lockout_permissions"),
        ("projects", "0004_baseline_existing_plans"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
