"""Numbers, percentages and lights as officials write them."""

from decimal import Decimal

from django import template
from django.template.defaulttags import querystring
from django.utils.html import format_html

from minsheng import numbers
from projects.choices import LIGHT_ICONS, Light

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


@register.simple_tag
def light_badge(light, reason=""):
    """The light as icon and word in its colour: colour is never the only signal."""
    try:
        label = Light(light).label
    except ValueError:
        return ""
    return format_html(
        '<span class="light light--{}"{}><span aria-hidden="true">{}</span> {}</span>',
        light,
        format_html(' title="{}"', reason) if reason else "",
        LIGHT_ICONS.get(light, ""),
        label,
    )


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


@register.filter
def sees_dashboard(user) -> bool:
    """Whether the leadership dashboard is open to ``user`` (leadership, coordinating office)."""
    from departments.roles import sees_everything

    return sees_everything(user)
