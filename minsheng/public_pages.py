"""Which changes empty the public page cache: those to what the public sees, or saw.

Each app registers the models whose rows appear on public pages, in its ``AppConfig.ready()``,
with a test of whether one row is shown (``shown``) and the fields that test reads. A row
saved or deleted empties the cached pages when it is shown now or was shown as loaded, so a
comment waiting for review changes nothing public, while publishing it, or rejecting one
that was published, does. Without a test every change of the model counts.

The test reads only the row's own fields, so that knowing costs no query; what depends on
another row (a milestone of an unpublished project) counts as shown: a needless refresh of
the pages is harmless, a stale page is not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models.signals import m2m_changed, post_delete, post_init, post_save

from .cache import invalidate_public_pages

_WAS_SHOWN = "_public_pages_was_shown"


class _Rule:
    def __init__(self, shown: Callable | None, fields: Iterable[str]):
        self.shown = shown
        self.fields = frozenset(fields)

    def shows(self, instance) -> bool:
        if self.shown is None:
            return True
        if self.fields & instance.get_deferred_fields():
            return True  # not loaded: reading it would cost a query; assume the worst
        return bool(self.shown(instance))


_rules: dict[type, _Rule] = {}


def register(model, *, shown: Callable | None = None, fields: Iterable[str] = ()) -> None:
    """Changes to ``model``'s rows empty the public pages when the row is, or was, ``shown``."""
    if shown is not None and not fields:
        raise ValueError("name the fields the shown() test reads")
    label = model._meta.label
    _rules[model] = _Rule(shown, fields)
    if shown is not None:
        post_init.connect(_remember, sender=model, dispatch_uid=f"public-pages-init-{label}")
    post_save.connect(_saved, sender=model, dispatch_uid=f"public-pages-save-{label}")
    post_delete.connect(_deleted, sender=model, dispatch_uid=f"public-pages-delete-{label}")
    for field in model._meta.many_to_many:
        m2m_changed.connect(
            _m2m_changed,
            sender=field.remote_field.through,
            dispatch_uid=f"public-pages-m2m-{label}-{field.name}",
        )


def is_shown(instance) -> bool:
    """Whether the public pages show ``instance`` as it is now (unregistered models: no)."""
    rule = _rules.get(type(instance))
    return rule is not None and rule.shows(instance)


def _remember(sender, instance, **_kwargs) -> None:
    instance.__dict__[_WAS_SHOWN] = _rules[sender].shows(instance)


def _was_shown(instance) -> bool:
    return instance.__dict__.get(_WAS_SHOWN, True)


def _saved(sender, instance, created=False, **_kwargs) -> None:
    shown = _rules[sender].shows(instance)
    if shown or (not created and _was_shown(instance)):
        invalidate_public_pages()
    if _rules[sender].shown is not None:
        instance.__dict__[_WAS_SHOWN] = shown  # the next save compares with this one


def _deleted(sender, instance, **_kwargs) -> None:
    if _was_shown(instance) or _rules[sender].shows(instance):
        invalidate_public_pages()


def _m2m_changed(sender, instance, action, **_kwargs) -> None:
    if not action.startswith("post_"):
        return
    # Either side may be changed (project.areas.add(area) or area.projects.add(project)): the
    # side that is a registered model decides; any other counts as shown.
    rule = _rules.get(type(instance))
    if rule is None or rule.shows(instance) or _was_shown(instance):
        invalidate_public_pages()
