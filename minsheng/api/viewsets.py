"""Base view sets of the apps' APIs: every read is tagged (ETag) and answers 304 when unchanged."""

from rest_framework import mixins, viewsets

from .conditional import ConditionalReadMixin


class SchemaHints:
    #: A read that takes query parameters which may be refused (400), besides a list's.
    filters_reads = False
    #: A write without an id in its address that may still answer 404 (it names an object).
    write_may_not_find = False


class ReadViewSet(SchemaHints, ConditionalReadMixin, viewsets.ReadOnlyModelViewSet):
    """List and retrieve."""


class ReadGenericViewSet(SchemaHints, ConditionalReadMixin, viewsets.GenericViewSet):
    """No action but those a view set defines itself."""


class ReadListViewSet(
    SchemaHints, ConditionalReadMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    """List only (plus the actions a view set defines itself)."""
