"""The feedback part of the REST API (``/api/v1/``)."""
