"""What the apps above projects add to a project's public page.

The page shows residents' comments and satisfaction, which are feedback's: feedback registers
a provider in its ``ready()`` and the page asks for it here, so that projects does not import
the app that stands on it.
"""

from __future__ import annotations

from collections.abc import Callable

_providers: list[Callable[[object], dict]] = []


def register(provider: Callable[[object], dict]) -> None:
    """Add ``provider(project) -> dict`` to every project page's context (once)."""
    if provider not in _providers:
        _providers.append(provider)


def project_page_context(project) -> dict:
    context: dict = {}
    for provider in _providers:
        context.update(provider(project))
    return context
