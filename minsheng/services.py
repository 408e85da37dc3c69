"""Shared pieces of the service layer."""

from django.core.exceptions import ValidationError


class ServiceError(ValidationError):
    """A write refused for a reason the person asking should read (e.g. a double approval)."""
