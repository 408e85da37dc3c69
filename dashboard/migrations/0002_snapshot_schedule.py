"""The beat schedule of the monthly snapshot: every night, the current month's row of each project.

Taken every night rather than once a month, so that a month keeps the figures of its last day
even when a night is missed. The coordinating office sees and changes it under "Periodic
tasks" in the admin. The time is in the district's time zone.
"""

from django.db import migrations
from django.utils import timezone

TIME_ZONE = "Asia/Shanghai"
NAME = "每月项目快照"
TASK = "dashboard.snapshot_take"
CRONTAB = {"minute": "45", "hour": "23", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}
DESCRIPTION = (
    "Every night: records each project's progress, funds and light in the current month's "
    "snapshot (the leadership dashboard's monthly trend). The month keeps its last night's figures."
)


def _touch(apps):
    # Tells a running beat that the schedule changed.
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(timezone=TIME_ZONE, **CRONTAB)
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={"task": TASK, "crontab": crontab, "description": DESCRIPTION, "enabled": True},
    )
    _touch(apps)


def remove_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=NAME, task=TASK).delete()
    CrontabSchedule.objects.filter(
        timezone=TIME_ZONE, periodictask__isnull=True, **CRONTAB
    ).delete()
    _touch(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
