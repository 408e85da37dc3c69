"""Password rules for staff accounts (``AUTH_PASSWORD_VALIDATORS``).

Staff accounts open the admin of every department's projects; a guessable password is the
shortest way in. Django's validators are kept, with two changes:

- the common-password check also reads the portal's own list (``data/common-passwords.txt.gz``:
  passwords common among Chinese users and words of this site: its name, the district, the
  city) and looks through the dressing people add to a weak word: capitals, a year or digits,
  symbols, digits for letters (``Passw0rd2024``, ``minsheng@2024``);
- the minimum-length message is our own: Django 5.2 words it with ``%d``, its Chinese catalogue
  still has only the older ``%(min_length)d`` wording, and the Chinese admin showed English.
"""

from __future__ import annotations

import functools
import gzip
import re
from pathlib import Path

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

PORTAL_PASSWORD_LIST_PATH = Path(__file__).resolve().parent / "data" / "common-passwords.txt.gz"

# Digits and symbols before or after a word: a year, "123", "!", "@2024", "#1".
_LEADING = re.compile(r"^[\W\d_]+")
_TRAILING = re.compile(r"[\W\d_]+$")
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
)
# A word shorter than this left after removing the dressing says little ("a1234567890!"
# is not "a"); such passwords stand or fall by their length.
_MIN_WORD = 4


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule, with a message the Chinese catalogue translates."""

    def get_error_message(self):
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}


@functools.cache
def _read_list(path: str) -> frozenset[str]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip().lower() for line in lines if line.strip())


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    """Refuse a password from Django's list or the portal's, however it is dressed up."""

    def __init__(self, password_list_path=None, extra_list_path=PORTAL_PASSWORD_LIST_PATH):
        # Read once per process: the lists are some 30,000 lines, and validators are built
        # again for every form that checks a password.
        django_list = password_list_path or self.DEFAULT_PASSWORD_LIST_PATH
        self.passwords = _read_list(str(django_list)) | _read_list(str(extra_list_path))

    def validate(self, password, user=None):
        if any(candidate in self.passwords for candidate in candidates(password)):
            raise ValidationError(self.get_error_message(), code="password_too_common")


def candidates(password: str) -> set[str]:
    """The forms of ``password`` looked up in the lists: as typed, undressed, letters for digits."""
    typed = password.strip().lower()
    words = {
        typed,
        _TRAILING.sub("", typed),  # "1qaz2wsx2024": the digits are part of the word
        _LEADING.sub("", typed),
        _TRAILING.sub("", _LEADING.sub("", typed)),
    }
    # Dressing inside the word too: "min-sheng", "yu_hui".
    words |= {re.sub(r"[\W_]+", "", word) for word in words}
    words = {word for word in words if word == typed or len(word) >= _MIN_WORD}
    return words | {word.translate(_LEET) for word in words}
