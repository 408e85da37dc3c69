"""Create the four staff roles as auth groups with their model permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REPORTER = "填报员"
HEAD = "单位负责人"
COORDINATOR = "民生工程股"
LEADERSHIP = "区领导"

VIEW_ONLY_MODELS = [
    ("departments", "department"),
    ("departments", "area"),
    ("projects", "plan"),
    ("projects", "category"),
    ("projects", "beneficiarygroup"),
]
DEPARTMENT_STAFF = {
    ("projects", "project"): ["view", "change"],
    ("projects", "milestone"): ["view", "add", "change", "delete"],
    ("projects", "indicator"): ["view", "add", "change", "delete"],
    ("projects", "attachment"): ["view", "add", "change", "delete"],
    ("projects", "progressreport"): ["view", "add", "change", "delete"],
    **{model: ["view"] for model in VIEW_ONLY_MODELS},
}
ALL_DOMAIN_MODELS = [
    ("departments", "department"),
    ("departments", "membership"),
    ("departments", "area"),
    ("projects", "plan"),
    ("projects", "category"),
    ("projects", "beneficiarygroup"),
    ("projects", "project"),
    ("projects", "milestone"),
    ("projects", "indicator"),
    ("projects", "progressreport"),
    ("projects", "attachment"),
]
COORDINATOR_EXTRA = [
    ("auth", "user", "view"),
    ("auth", "user", "add"),
    ("auth", "user", "change"),
    ("auth", "group", "view"),
    ("projects", "progressreport", "review"),
]


def _permissions(apps, app_label, model, actions):
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for action in actions]
    found = list(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
    if len(found) != len(codenames):
        raise RuntimeError(f"missing permissions for {app_label}.{model}: {codenames}")
    return found


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")

    staff_perms = []
    for (app_label, model), actions in DEPARTMENT_STAFF.items():
        staff_perms += _permissions(apps, app_label, model, actions)
    for name in (REPORTER, HEAD):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(staff_perms)

    coordinator_perms = []
    for app_label, model in ALL_DOMAIN_MODELS:
        coordinator_perms += _permissions(apps, app_label, model, ["view", "add", "change", "delete"])
    for app_label, model, action in COORDINATOR_EXTRA:
        coordinator_perms += _permissions(apps, app_label, model, [action])
    group, _ = Group.objects.get_or_create(name=COORDINATOR)
    group.permissions.set(coordinator_perms)

    leadership_perms = []
    for app_label, model in ALL_DOMAIN_MODELS:
        leadership_perms += _permissions(apps, app_label, model, ["view"])
    group, _ = Group.objects.get_or_create(name=LEADERSHIP)
    group.permissions.set(leadership_perms)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[REPORTER, HEAD, COORDINATOR, LEADERSHIP]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("departments", "0001_initial"),
        ("projects", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
