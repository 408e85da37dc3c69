"""The settings every test starts from (tests/conftest.py), in one place.

Data built once for a whole module (tests/test_admin.py's matrix) is built before the per-test
fixtures run, so it asks for the same settings here.
"""

from __future__ import annotations

from django.test import override_settings

#: Tests judge lights on a fixed date in the middle of the 2024 plan unless they say otherwise.
AS_OF_DATE = "2024-09-30"
#: Hashing a password the production way takes a good part of a second; tests need not.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def usual_test_settings() -> override_settings:
    """The fixed date and the fast hashing, for code that runs outside a single test."""
    return override_settings(MINSHENG_AS_OF_DATE=AS_OF_DATE, PASSWORD_HASHERS=PASSWORD_HASHERS)
