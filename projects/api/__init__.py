"""The projects part of the REST API (``/api/v1/``)."""
