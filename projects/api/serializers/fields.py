"""Fields the API's serializers share: percentages, amounts and page addresses."""

from __future__ import annotations

from decimal import ROUND_HALF_UP

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

API_URL = "本条数据的接口地址 / This object's address in the API."
PAGE_URL = "公开网页地址 / Address of the public page."


def percent(help_text: str, **kwargs) -> serializers.DecimalField:
    """A derived percentage, one decimal. No ceiling (``max_digits=None``): a ratio of stored
    values has none, e.g. an indicator exceeded tenfold or more disbursed than planned."""
    return serializers.DecimalField(
        max_digits=None,
        decimal_places=1,
        rounding=ROUND_HALF_UP,
        read_only=True,
        help_text=help_text,
        **kwargs,
    )


def amount(help_text: str, **kwargs) -> serializers.DecimalField:
    """A sum of money over many projects: as many digits as the sum needs."""
    return serializers.DecimalField(
        max_digits=None, decimal_places=2, read_only=True, help_text=help_text, **kwargs
    )


@extend_schema_field({"type": "string", "format": "uri"})
class PageUrlField(serializers.Field):
    """The absolute address of an object's public page (``get_absolute_url``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", PAGE_URL)
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        request = self.context.get("request")
        path = value.get_absolute_url()
        return request.build_absolute_uri(path) if request else path
