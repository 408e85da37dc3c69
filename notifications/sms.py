"""Text messages through a small backend interface, like Django's e-mail backends.

``settings.MINSHENG_SMS_BACKEND`` names the class. The portal ships a console backend, which
writes each message to the log (the default: until a gateway is contracted, nothing leaves
the machine), and an in-memory one for tests. A gateway plugs in by subclassing
``BaseSmsBackend`` and raising ``SmsDeliveryError`` when a message does not go out.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# Messages the in-memory backend "sent", like ``django.core.mail.outbox``.
outbox: list[SmsMessage] = []
_outbox_lock = threading.Lock()


@dataclass(frozen=True)
class SmsMessage:
    to: str
    body: str


class SmsDeliveryError(Exception):
    """A message did not go out. ``permanent`` means trying again will not help (a bad number)."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


class BaseSmsBackend:
    """Sends text messages; subclasses implement ``send_messages``."""

    def __init__(self, **options):
        self.options = options

    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        """Send the messages; return how many went out, raise ``SmsDeliveryError`` otherwise."""
        raise NotImplementedError

    def close(self) -> None:
        """Release a connection to the gateway, if the backend keeps one."""


def mask(number: str) -> str:
    """A mobile number as logs show it: 138****5678."""
    return f"{number[:3]}****{number[-4:]}" if len(number) >= 8 else "****"


class ConsoleSmsBackend(BaseSmsBackend):
    """Writes each message to the log (logger ``notifications.sms``) instead of sending it."""

    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        for message in messages:
            logger.info("text message to %s: %s", mask(message.to), message.body)
        return len(messages)


class LocmemSmsBackend(BaseSmsBackend):
    """Keeps messages in ``notifications.sms.outbox`` (tests)."""

    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        with _outbox_lock:
            outbox.extend(messages)
        return len(messages)


def get_backend(path: str | None = None, **options) -> BaseSmsBackend:
    backend_class = import_string(path or settings.MINSHENG_SMS_BACKEND)
    return backend_class(**options)


def send_sms(to: str, body: str, *, backend: BaseSmsBackend | None = None) -> int:
    return (backend or get_backend()).send_messages([SmsMessage(to=to, body=body)])
