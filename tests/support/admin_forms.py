"""The admin as a browser sees it: the data a page's form would post, and rows read again."""

from __future__ import annotations

from html.parser import HTMLParser

from django.conf import settings
from django.test import Client
from django.urls import reverse


def is_admin_form(attrs: dict) -> bool:
    """The change form of a model admin page: ``<form id="<model>_form">``."""
    return (attrs.get("id") or "").endswith("_form")


def is_post_form(attrs: dict) -> bool:
    """Any form that posts, except the logout button of the page header."""
    return (attrs.get("method") or "").lower() == "post" and attrs.get("id") != "logout-form"


class FormFields(HTMLParser):
    """What a browser would post from the first form of a page that ``pick`` accepts."""

    SKIPPED_INPUTS = {"submit", "button", "image", "reset", "file"}

    def __init__(self, pick=is_admin_form):
        super().__init__(convert_charrefs=True)
        self.pick = pick
        self.inside = False
        self.done = False
        self.fields: list[tuple[str, str]] = []
        self._select: dict | None = None
        self._option: list | None = None
        self._textarea: list | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            if not self.done and self.pick(attrs):
                self.inside = True
            return
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in self.SKIPPED_INPUTS:
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value") or "on"))
                return
            self.fields.append((name, attrs.get("value") or ""))
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in attrs, "options": []}
        elif tag == "option" and self._select is not None:
            self._option = [attrs.get("value"), "selected" in attrs, ""]
            self._select["options"].append(self._option)
        elif tag == "textarea" and name:
            self._textarea = [name, []]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1].append(data)
        elif self._option is not None:
            self._option[2] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside, self.done = False, True
        elif tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None:
            options = [
                (v if v is not None else text, sel) for v, sel, text in self._select["options"]
            ]
            chosen = [value for value, selected in options if selected]
            if not chosen and not self._select["multiple"] and options:
                chosen = [options[0][0]]  # a browser sends the first option
            self.fields += [(self._select["name"], value) for value in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, parts = self._textarea
            text = "".join(parts)
            self.fields.append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None


def form_data(client: Client, url: str, pick=is_admin_form) -> dict:
    """GET ``url`` and return the data its admin form would post, inline formsets included.

    Multi-valued fields (multiple selects) are lists; the inline formsets' empty templates
    (``__prefix__``) are left out as a browser leaves them out.
    """
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    parser = FormFields(pick)
    parser.feed(response.content.decode())
    assert parser.done, f"no admin form on {url}"
    data: dict[str, list[str]] = {}
    for name, value in parser.fields:
        if "__prefix__" in name or name == "csrfmiddlewaretoken":
            continue
        data.setdefault(name, []).append(value)
    return {name: values if len(values) > 1 else values[0] for name, values in data.items()}


def add_inline_row(data: dict, prefix: str, values: dict) -> None:
    """Append one new row to the inline formset ``prefix`` of posted form ``data``."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    for key, value in values.items():
        data[f"{prefix}-{index}-{key}"] = value


def row(obj) -> dict:
    """Every stored column of ``obj``, read again from the database."""
    fresh = type(obj).objects.get(pk=obj.pk)
    return {f.attname: getattr(fresh, f.attname) for f in fresh._meta.concrete_fields}


def change_url(model: str, pk) -> str:
    return reverse(f"admin:projects_{model}_change", args=[pk])


def changelist_url(model: str) -> str:
    return reverse(f"admin:projects_{model}_changelist")


def english_client() -> Client:
    """A client that chose English with the language switch (pages are Chinese otherwise)."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
