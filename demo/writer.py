"""How the demo writes: rows found by natural key and saved only when a value differs.

So a second run writes nothing and adds no history, and a row someone edited is put back
with one history row, signed by the demo's admin with the demo's change reason.
"""

from __future__ import annotations

from django.contrib.auth.hashers import check_password, make_password

from .dataset import CHANGE_REASON


class Writer:
    """Finds rows by natural key and saves only what differs, recording who and why in history."""

    def __init__(self):
        self.by = None
        self.created = 0
        self.updated = 0

    def _stamp(self, obj):
        obj._history_user = self.by
        obj._change_reason = CHANGE_REASON

    def row(self, model, lookup: dict, values: dict):
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            self._stamp(obj)
            obj.save()
            self.created += 1
            return obj
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            if any(f.name == "updated_at" for f in model._meta.concrete_fields):
                changed.append("updated_at")
            self._stamp(obj)
            obj.save(update_fields=changed)
            self.updated += 1
        return obj

    def many(self, obj, name: str, targets) -> None:
        manager = getattr(obj, name)
        wanted = {target.pk for target in targets}
        if set(manager.values_list("pk", flat=True)) != wanted:
            self._stamp(obj)
            manager.set(targets)
            self.updated += 1


class Passwords:
    """Hash the demo password once and check each distinct stored hash once.

    The demo accounts share one (printed) password, so sharing its salted hash costs
    nothing, and it keeps a run from spending a second per account on PBKDF2.
    """

    def __init__(self, password: str):
        self.password = password
        self._encoded = None
        self._checked: dict[str, bool] = {}

    def matches(self, encoded: str) -> bool:
        if encoded not in self._checked:
            self._checked[encoded] = check_password(self.password, encoded)
        return self._checked[encoded]

    def encoded(self) -> str:
        if self._encoded is None:
            self._encoded = make_password(self.password)
            self._checked[self._encoded] = True
        return self._encoded
