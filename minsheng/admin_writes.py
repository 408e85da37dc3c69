"""Admin change forms whose saves go through services, and whose refusals show on the form.

Django's admin validates the form and its inline formsets, then saves them; a service that
refuses at save time (a department moving its baseline, a completion still to come, a close
the office did not approve) has no place there to say so. Here the save runs in a
transaction: when a service refuses, ``save_model`` / ``save_formset`` raise
``ServiceRefused``, everything is rolled back, and the same POST is shown again with the
service's messages on the fields (or the inline rows) they are about. Nothing is saved.

A field the form shows read-only is not in the form, so Django would silently drop a value
posted for it. ``posted_values`` picks such values up so that they go to the service too,
which refuses them as it would refuse them from the API: a forged POST gets the same answer
as a forged API call.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from minsheng.services import ServiceError

NOTHING_SAVED = _("Nothing was saved: correct what is marked below.")


class ServiceRefused(Exception):
    """A service refused part of an admin save: form prefix (None: the main form) → error."""

    def __init__(self, errors: dict):
        super().__init__(errors)
        self.errors = errors

    @classmethod
    def of(cls, error: ValidationError, prefix=None) -> ServiceRefused:
        return cls({prefix: error})


def error_items(error: ValidationError, rename: dict | None = None):
    """``(field name or None, messages)`` pairs of a service's error."""
    rename = rename or {}
    if hasattr(error, "error_dict"):
        for name, found in error.message_dict.items():
            yield (None if name == NON_FIELD_ERRORS else rename.get(name, name)), found
    else:
        yield None, error.messages


def _label(form, name) -> str:
    model = getattr(getattr(form, "_meta", None), "model", None)
    if model is not None:
        try:
            return str(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:  # a name the service uses that is not the model's
            return name
    return name


def place_errors(form, error: ValidationError, rename: dict | None = None) -> list[str]:
    """Put a service's messages on the fields of ``form``; return those that fit none."""
    leftover = []
    for name, found in error_items(error, rename):
        if name is not None and name in form.fields:
            form.add_error(name, found)
        elif name is None:
            leftover += found
        else:
            leftover += [f"{_label(form, name)}: {message}" for message in found]
    return leftover


def posted_values(request, model, names, prefix: str | None = None) -> dict:
    """Values posted for ``names`` (fields the form does not hold), read as the model's own
    form field would read them (a checkbox's "" is False); a value it cannot read goes to
    the service as sent, for the service to refuse."""
    found = {}
    for name in names:
        key = f"{prefix}-{name}" if prefix else name
        if key not in request.POST:
            continue
        model_field = model._meta.get_field(name)
        raw = request.POST.getlist(key) if model_field.many_to_many else request.POST[key]
        form_field = model_field.formfield()
        try:
            found[name] = form_field.clean(raw) if form_field is not None else raw
        except ValidationError:
            found[name] = raw
    return found


class _RefusedForm:
    refusal = None
    refusal_rename: dict = {}

    def clean(self):
        cleaned = super().clean()
        if self.refusal is not None:
            for message in place_errors(self, self.refusal, self.refusal_rename):
                self.add_error(None, message)
        # Whatever else was refused, the main form is what stops the second save.
        self.add_error(None, str(NOTHING_SAVED))
        return cleaned


class _RefusedFormSet:
    refusals: dict = {}

    def clean(self):
        super().clean()
        leftover = []
        for form in self.forms:
            error = self.refusals.get(form.prefix)
            if error is None:
                continue
            if self.can_delete and self._should_delete_form(form):
                leftover += [f"{form.instance}: {m}" for _n, ms in error_items(error) for m in ms]
            else:
                leftover += [f"{form.instance}: {m}" for m in place_errors(form, error)]
        if leftover:
            raise ValidationError(leftover)


class ServiceWritesAdminMixin:
    """Change forms saved by services (``save_model`` / ``save_formset`` raise
    ``ServiceRefused``); the refusal is shown on the same page and nothing is saved."""

    #: The service's names for errors → the form's field names.
    refusal_rename: dict = {}

    def _refusal(self, request):
        return getattr(request, "_service_refusal", None)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST" or self._refusal(request) is not None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        try:
            with transaction.atomic():
                return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceRefused as refused:
            request._service_refusal = refused.errors
        # The same POST again: its forms now carry the refusal, so nothing is saved.
        for upload in request.FILES.values():
            upload.seek(0)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        refusal = self._refusal(request)
        if refusal is None:
            return form
        return type(
            form.__name__,
            (_RefusedForm, form),
            {"refusal": refusal.get(None), "refusal_rename": self.refusal_rename},
        )

    def get_formsets_with_inlines(self, request, obj=None):
        refusal = self._refusal(request)
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            if refusal is not None:
                formset = type(formset.__name__, (_RefusedFormSet, formset), {"refusals": refusal})
            yield formset, inline

    def _show_refusal(self, request, refused: ServiceRefused) -> None:
        for error in refused.errors.values():
            for name, found in error_items(error, self.refusal_rename):
                for message in found:
                    self.message_user(
                        request, f"{name}: {message}" if name else message, messages.ERROR
                    )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Restoring an old version is a save like any other: the service may refuse it.
        try:
            with transaction.atomic():
                return super().history_form_view(request, object_id, version_id, extra_context)
        except ServiceRefused as refused:
            self._show_refusal(request, refused)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ServiceError as error:
            self._show_refusal(request, ServiceRefused.of(error))
            return HttpResponseRedirect(request.get_full_path())
