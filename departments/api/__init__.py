"""The departments part of the REST API (``/api/v1/``)."""
