"""What a signed-in person's role opens to them, for templates: ``{% load roles %}``."""

from django import template

from departments.roles import sees_everything

register = template.Library()


@register.filter
def sees_dashboard(user) -> bool:
    """Whether the leadership dashboard is open to ``user`` (leadership, coordinating office)."""
    return sees_everything(user)
