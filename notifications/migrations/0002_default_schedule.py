"""The default beat schedule: the daily reminder scan and the weekly digest for leadership.

The coordinating office sees and changes both under "Periodic tasks" in the admin. Times
are in the district's time zone.
"""

from django.db import migrations
from django.utils import timezone

TIME_ZONE = "Asia/Shanghai"
ENTRIES = [
    {
        "name": "每日提醒扫描",
        "task": "notifications.reminders_send",
        "crontab": {"minute": "0", "hour": "8", "day_of_week": "*"},
        "description": (
            "Every morning: milestones due in 7, 3 and 1 days and overdue ones, monthly "
            "progress reports, comments awaiting a reply. Each reminder is sent once."
        ),
    },
    {
        "name": "每周领导摘要",
        "task": "notifications.digest_send",
        "crontab": {"minute": "30", "hour": "8", "day_of_week": "1"},
        "description": (
            "Monday morning: counts by light, red and yellow projects, overdue milestones and "
            "comments awaiting replies, for leadership."
        ),
    },
]


def _touch(apps):
    # Tells a running beat that the schedule changed.
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for entry in ENTRIES:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            day_of_month="*", month_of_year="*", timezone=TIME_ZONE, **entry["crontab"]
        )
        PeriodicTask.objects.get_or_create(
            name=entry["name"],
            defaults={
                "task": entry["task"],
                "crontab": crontab,
                "description": entry["description"],
                "enabled": True,
            },
        )
    _touch(apps)


def remove_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for entry in ENTRIES:
        PeriodicTask.objects.filter(name=entry["name"], task=entry["task"]).delete()
        CrontabSchedule.objects.filter(
            day_of_month="*",
            month_of_year="*",
            timezone=TIME_ZONE,
            periodictask__isnull=True,
            **entry["crontab"],
        ).delete()
    _touch(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
