"""SMS, sent through a pluggable backend like Django's e-mail: `settings.SMS_BACKEND` names the class.

Backends: `console` (written to the console, for development), `filebased` (one file per message, for
development and tests), `locmem` (kept in `tremplin.core.sms.outbox`, for tests) and `brevo` (Brevo's
transactional SMS API, the real provider). Numbers are in international form (`+33612345678`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

#: What the `locmem` backend sent, in order (tests read it; `outbox.clear()` empties it).
outbox: list[SmsMessage] = []


class SmsError(Exception):
    """The message could not be handed to the provider; the text says why, without the number."""


@dataclass(frozen=True)
class SmsMessage:
    to: str
    body: str
    sender: str = ""


def get_connection(backend: str | None = None, **kwargs):
    return import_string(backend or settings.SMS_BACKEND)(**kwargs)


def send_sms(to: str, body: str, *, connection=None) -> str:
    """Send one SMS; returns the provider's message id ("" when it gives none). Raises SmsError."""
    message = SmsMessage(to=to, body=body, sender=settings.SMS_SENDER)
    return (connection or get_connection()).send(message)
