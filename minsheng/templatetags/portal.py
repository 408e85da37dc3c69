"""Numbers and percentages as officials write them, and the page helpers every app uses.

The light's badge is ``projects``' (``{% load lights %}``); what a role opens is
``departments``' (``{% load roles %}``): the project package imports no feature app.
"""

from decimal import Decimal

from django import template
from django.template.defaulttags import querystring
from django.utils.html import format_html

from minsheng import numbers

register = template.Library()


@register.filter
def pct(value):
    """A percentage with at most one decimal and no trailing zero: 55, 55.5 (no % sign)."""
    return numbers.format_percent(value)


@register.filter
def amount(value):
    """An amount (万元 or a count) with thousands separators and at most two decimals."""
    return numbers.format_amount(value)


@register.filter
def percent_of(part, whole):
    """``part`` as a percentage of ``whole`` (one decimal), or None when whole is zero."""
    return numbers.percent(part, whole)


@register.filter
def bar_width(value):
    """A progress value clamped to 0–100 for a bar's width."""
    number = numbers.to_decimal(value) or Decimal(0)
    return f"{max(Decimal(0), min(Decimal(100), number)):f}"


@register.simple_tag(takes_context=True)
def page_query(context, number, param=""):
    """Django's ``{% querystring %}`` with ``param`` (default ``page``) set to ``number``.

    ``{% querystring %}`` names the parameter in the template; a page with two paginated
    lists passes it in a variable.
    """
    return querystring(context, **{param or "page": number})


@register.simple_tag
def csrf_input():
    """A form's CSRF field that leaves the page cacheable (see ``minsheng.cache``)."""
    from minsheng.cache import CSRF_PLACEHOLDER

    return format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', CSRF_PLACEHOLDER
    )
