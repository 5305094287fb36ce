"""Development: each SMS is written to the console (the worker's output under `make run`)."""

import sys
import threading

from .base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    _lock = threading.Lock()

    def __init__(self, stream=None, **kwargs):
        super().__init__(**kwargs)
        self.stream = stream or sys.stdout

    def send(self, message) -> str:
        with self._lock:
            self.stream.write(f"SMS de {message.sender} à {message.to}\n{message.body}\n{'-' * 79}\n")
            self.stream.flush()
        return ""
