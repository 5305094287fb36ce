"""Brevo's transactional SMS API (a French provider): `POST {BREVO_API_URL}/v3/transactionalSMS/send`
with the account's key in the `api-key` header. Configured by `SMS_BACKEND=brevo`, `BREVO_API_KEY` and
`SMS_SENDER` (11 letters or digits at most, as operators allow); `BREVO_API_URL` points elsewhere only
for tests. Errors name the HTTP status and Brevo's code, never the number or the text."""

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .. import SmsError
from .base import BaseSmsBackend

logger = logging.getLogger(__name__)

PATH = "/v3/transactionalSMS/send"


class SmsBackend(BaseSmsBackend):
    def __init__(self, api_key=None, api_url=None, timeout=None, **kwargs):
        super().__init__(**kwargs)
        self.api_key = api_key or settings.BREVO_API_KEY
        self.url = (api_url or settings.BREVO_API_URL) + PATH
        self.timeout = timeout or settings.SMS_TIMEOUT
        if not self.api_key:
            raise ImproperlyConfigured("SMS_BACKEND=brevo needs BREVO_API_KEY.")
        if not self.url.startswith(("https://", "http://")):
            raise ImproperlyConfigured("BREVO_API_URL must be an http(s) URL.")

    def send(self, message) -> str:
        body = {
            "sender": message.sender[:11],
            # Brevo wants the country code without "+": 33612345678.
            "recipient": message.to.removeprefix("+"),
            "content": message.body,
            "type": "transactional",
            "unicodeEnabled": not message.body.isascii(),
            "tag": "tremplin",
        }
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
            self.url,
            data=json.dumps(body).encode(),
            method="POST",
            headers={
                "api-key": self.api_key,
                "accept": "application/json",
                "content-type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = _json(response.read())
        except urllib.error.HTTPError as error:
            code = _json(error.read()).get("code", "")
            raise SmsError(
                f"Brevo a refusé le SMS (HTTP {error.code}{', ' + code if code else ''})."
            ) from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise SmsError(f"Brevo injoignable ({type(error).__name__}).") from error
        message_id = str(answer.get("messageId", ""))
        logger.info("SMS handed to Brevo, message id %s", message_id or "?")
        return message_id


def _json(raw: bytes) -> dict:
    try:
        value = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
