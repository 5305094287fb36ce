"""Development and tests: each SMS becomes a text file in `settings.SMS_FILE_PATH`."""

import uuid
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    def __init__(self, file_path=None, **kwargs):
        super().__init__(**kwargs)
        self.path = Path(file_path or settings.SMS_FILE_PATH)

    def send(self, message) -> str:
        self.path.mkdir(parents=True, exist_ok=True)
        message_id = uuid.uuid4().hex
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        (self.path / f"{stamp}-{message_id}.txt").write_text(
            f"From: {message.sender}\nTo: {message.to}\n\n{message.body}\n", encoding="utf-8"
        )
        return message_id
