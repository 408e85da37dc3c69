from django.db import models
from django.utils.translation import gettext_lazy as _


class DepartmentKind(models.TextChoices):
    BUREAU = "bureau", _("District bureau")
    TOWNSHIP = "township", _("Township")
    COMMUNITY = "community", _("Sub-district / community")
    OTHER = "other", _("Other")


class MembershipRole(models.TextChoices):
    REPORTER = "reporter", _("Reporter")
    HEAD = "head", _("Department head")


class AreaKind(models.TextChoices):
    TOWNSHIP = "township", _("Township")
    COMMUNITY = "community", _("Community")
    SCENIC = "scenic", _("Scenic area")
    DISTRICT = "district", _("Whole district")
