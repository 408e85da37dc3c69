"""The page numbers the public lists link to (``templates/includes/pagination.html``)."""

from __future__ import annotations

from django.core.paginator import Page


def page_numbers(page: Page):
    """Numbers to link to around ``page``: the first, two either side, the last, … between."""
    return page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
