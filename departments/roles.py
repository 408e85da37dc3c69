"""The four staff roles, as auth groups, and who is asking.

Group names are the ones the district uses; the data migration
``departments/migrations/0002_groups.py`` creates them with their model permissions.
"""

REPORTER_GROUP = "填报员"
HEAD_GROUP = "单位负责人"
COORDINATOR_GROUP = "民生工程股"
LEADERSHIP_GROUP = "区领导"

ALL_GROUPS = (REPORTER_GROUP, HEAD_GROUP, COORDINATOR_GROUP, LEADERSHIP_GROUP)


def _group_names(user) -> frozenset[str]:
    cached = getattr(user, "_minsheng_group_names", None)
    if cached is None:
        cached = (
            frozenset(user.groups.values_list("name", flat=True))
            if user.is_authenticated
            else frozenset()
        )
        user._minsheng_group_names = cached
    return cached


def is_coordinator(user) -> bool:
    """The coordinating office (and superusers) own the plan and see everything."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or COORDINATOR_GROUP in _group_names(user))
    )


def is_leadership(user) -> bool:
    return bool(user.is_authenticated and user.is_active and LEADERSHIP_GROUP in _group_names(user))


def sees_everything(user) -> bool:
    return is_coordinator(user) or is_leadership(user)


def department_ids(user) -> frozenset[int]:
    """Ids of the departments the user works for (through memberships)."""
    if not (user.is_authenticated and user.is_active):
        return frozenset()
    cached = getattr(user, "_minsheng_department_ids", None)
    if cached is None:
        cached = frozenset(user.memberships.values_list("department_id", flat=True))
        user._minsheng_department_ids = cached
    return cached


def person_name(user) -> str:
    """A staff member as colleagues address them: family name first (李娜), else the user name."""
    if user is None:
        return ""
    name = f"{user.last_name}{user.first_name}".strip()
    return name or user.get_username()
