"""Tests: messages are kept in `tremplin.core.sms.outbox`, like Django's `mail.outbox`."""

from .. import outbox
from .base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    def send(self, message) -> str:
        outbox.append(message)
        return str(len(outbox))
