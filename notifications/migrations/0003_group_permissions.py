"""Give the four staff roles their permissions on reminders and on the beat schedule.

Everyone keeps their own reminder settings and sees the reminders sent to them (the admin
narrows the rows); the coordinating office sees all of them and manages the schedule.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REPORTER = "填报员"
HEAD = "单位负责人"
COORDINATOR = "民生工程股"
LEADERSHIP = "区领导"

OWN_SETTINGS = [
    ("notifications", "view_notificationprofile"),
    ("notifications", "add_notificationprofile"),
    ("notifications", "change_notificationprofile"),
    ("notifications", "view_reminderlog"),
]
BEAT_MODELS = ["periodictask", "crontabschedule", "intervalschedule", "clockedschedule", "solarschedule"]
PERMISSIONS = {
    REPORTER: OWN_SETTINGS,
    HEAD: OWN_SETTINGS,
    LEADERSHIP: OWN_SETTINGS,
    COORDINATOR: [
        *OWN_SETTINGS,
        ("notifications", "delete_notificationprofile"),
        *(
            ("django_celery_beat", f"{action}_{model}")
            for model in BEAT_MODELS
            for action in ("view", "add", "change", "delete")
        ),
    ],
}


def _permissions(apps, pairs):
    Permission = apps.get_model("auth", "Permission")
    found = []
    for app_label, codename in pairs:
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found


def grant(apps, schema_editor):
    for label in ("notifications", "django_celery_beat"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    for name, pairs in PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*_permissions(apps, pairs))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=PERMISSIONS):
        group.permissions.remove(*_permissions(apps, PERMISSIONS[group.name]))


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_default_schedule"),
        ("departments", "0002_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
