"""Serializer pieces shared by the apps' APIs."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

UNKNOWN_FIELD = _("Unknown field.")
READ_ONLY_FIELD = _("This field cannot be changed here.")


class StrictFieldsMixin:
    """Refuse a body with a field the serializer does not take, naming the field.

    DRF ignores unknown keys by default, so a typo (``progres``) would be dropped in silence
    and the client would believe it was saved. A known but read-only field is refused too.
    """

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            errors = {}
            for name in data:
                field = self.fields.get(name)
                if field is None:
                    errors[name] = [UNKNOWN_FIELD]
                elif field.read_only:
                    errors[name] = [READ_ONLY_FIELD]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class EmptySerializer(StrictFieldsMixin, serializers.Serializer):
    """The body of an action that takes none (submit, approve): empty, or ``{}``."""


MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^\d{4}-\d{2}$",
        "example": "2024-09",
        "description": "月份，格式 YYYY-MM（也接受 YYYY-MM-DD，按所在月份计）/ "
        "A month as YYYY-MM (YYYY-MM-DD is accepted and stands for its month).",
    }
)
class MonthField(serializers.Field):
    """A month as ``YYYY-MM``; read as the first day of that month."""

    default_error_messages = {"invalid": _("Enter a month as YYYY-MM, e.g. 2024-09.")}

    def to_internal_value(self, data):
        match = MONTH.match(data) if isinstance(data, str) else None
        if not match:
            self.fail("invalid")
        try:
            return datetime.date(int(match[1]), int(match[2]), int(match[3] or 1)).replace(day=1)
        except ValueError:
            self.fail("invalid")

    def to_representation(self, value):
        return f"{value:%Y-%m}"
