"""The light as a badge in a page: ``{% load lights %}``, ``{% light_badge project.light %}``."""

from django import template
from django.utils.html import format_html

from projects.choices import LIGHT_ICONS, Light

register = template.Library()


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
