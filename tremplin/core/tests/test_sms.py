"""The SMS backends: console and file for development, in-memory for tests, and Brevo's HTTP API —
tried against a small HTTP server started here, which answers as Brevo documents."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured

from tremplin.core import sms
from tremplin.core.sms.backends import brevo, console, filebased


def test_the_console_backend_writes_the_message():
    stream = StringIO()
    sms.send_sms("+33612345678", "Rappel : atelier demain", connection=console.SmsBackend(stream=stream))
    assert "à +33612345678" in stream.getvalue()
    assert "Rappel : atelier demain" in stream.getvalue()


def test_the_file_backend_writes_one_file_per_message(tmp_path):
    backend = filebased.SmsBackend(file_path=tmp_path)
    sms.send_sms("+33612345678", "Premier", connection=backend)
    sms.send_sms("+33712345678", "Second", connection=backend)
    files = sorted(path.read_text() for path in tmp_path.iterdir())
    assert len(files) == 2
    assert any("To: +33612345678" in text and "Premier" in text for text in files)


def test_the_locmem_backend_is_the_tests_outbox(settings):
    sms.send_sms("+33612345678", "Bonjour")
    assert [(message.to, message.body, message.sender) for message in sms.outbox] == [
        ("+33612345678", "Bonjour", settings.SMS_SENDER)
    ]


class FakeBrevo(BaseHTTPRequestHandler):
    """Answers like Brevo's POST /v3/transactionalSMS/send; remembers what it received."""

    received: list = []
    answer = (201, {"messageId": 1511882900176220})

    def do_POST(self):  # noqa: N802 (the standard library's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        headers = {name: self.headers.get(name) for name in ("api-key", "content-type", "accept")}
        self.received.append({"path": self.path, "headers": headers, "body": json.loads(body)})
        status, payload = self.answer
        raw = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_brevo(settings):
    FakeBrevo.received = []
    FakeBrevo.answer = (201, {"messageId": 1511882900176220})
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeBrevo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_BACKEND = "tremplin.core.sms.backends.brevo.SmsBackend"
    settings.BREVO_API_KEY = "xkeysib-test"
    settings.BREVO_API_URL = f"http://127.0.0.1:{server.server_port}"
    settings.SMS_SENDER = "TremplinAteliers"
    yield FakeBrevo
    server.shutdown()
    server.server_close()


def test_brevo_receives_the_message_as_its_api_documents(fake_brevo):
    message_id = sms.send_sms("+33612345678", "Rappel : atelier « E-mail » jeudi 14 h")
    assert message_id == "1511882900176220"
    (request,) = fake_brevo.received
    assert request["path"] == "/v3/transactionalSMS/send"
    assert request["headers"] == {
        "api-key": "xkeysib-test",
        "content-type": "application/json",
        "accept": "application/json",
    }
    assert request["body"] == {
        "sender": "TremplinAte",
        "recipient": "33612345678",
        "content": "Rappel : atelier « E-mail » jeudi 14 h",
        "type": "transactional",
        "unicodeEnabled": True,
        "tag": "tremplin",
    }


def test_a_refusal_from_brevo_is_an_sms_error_naming_the_status_and_code_not_the_number(fake_brevo):
    fake_brevo.answer = (400, {"code": "invalid_parameter", "message": "Invalid phone number 33612345678"})
    with pytest.raises(sms.SmsError) as refused:
        sms.send_sms("+33612345678", "Bonjour")
    assert str(refused.value) == "Brevo a refusé le SMS (HTTP 400, invalid_parameter)."
    assert "612345678" not in str(refused.value)


def test_an_unreachable_brevo_is_an_sms_error(settings):
    settings.BREVO_API_KEY = "xkeysib-test"
    backend = brevo.SmsBackend(api_url="http://127.0.0.1:9", timeout=2)
    with pytest.raises(sms.SmsError) as refused:
        sms.send_sms("+33612345678", "Bonjour", connection=backend)
    assert "Brevo injoignable" in str(refused.value)


def test_brevo_without_a_key_is_refused_at_start(settings):
    settings.BREVO_API_KEY = ""
    with pytest.raises(ImproperlyConfigured):
        brevo.SmsBackend()
