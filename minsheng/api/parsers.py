"""The API's JSON parser: DRF's, refusing bodies nested deeper than any request needs.

Python's ``json`` parses nested arrays and objects recursively: a body of a thousand ``[``
raises ``RecursionError``, which DRF does not expect and which would answer a 500; a
shallower but still deep body would reach the serializers and the error formatting, which
recurse too. No request of the API nests more than a few levels, so deeper bodies are
refused as unparseable (400, code ``parse_error``) before anything reads them.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# Far above the deepest request body (an object holding a list of objects), far below the
# interpreter's recursion limit.
MAX_DEPTH = 32

TOO_DEEP_MESSAGE = _("The JSON sent is nested more than %(limit)d levels deep.")


def nested_deeper_than(data, limit: int) -> bool:
    """Whether arrays and objects in ``data`` nest more than ``limit`` levels (no recursion)."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if depth > limit:
            return True
        children = value.values() if isinstance(value, dict) else value
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


class JSONParser(parsers.JSONParser):
    max_depth = MAX_DEPTH

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(TOO_DEEP_MESSAGE % {"limit": self.max_depth}) from None
        if isinstance(data, dict | list) and nested_deeper_than(data, self.max_depth):
            raise ParseError(TOO_DEEP_MESSAGE % {"limit": self.max_depth})
        return data
