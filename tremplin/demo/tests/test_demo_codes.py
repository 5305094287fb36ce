from base64 import b32decode
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tremplin.accounts.tests.factories import UserFactory
from tremplin.demo import dataset
from tremplin.demo.selectors import demo_codes

pytestmark = pytest.mark.django_db


def _demo_codes() -> str:
    out = StringIO()
    call_command("demo_codes", stdout=out)
    return out.getvalue()


def test_prints_a_valid_code_for_each_demo_account_with_two_factor(demo):
    out = _demo_codes()

    lines = {line.split()[0]: line.split()[1] for line in out.splitlines() if "@" in line}
    assert set(lines) == dataset.DEMO_ACCOUNT_EMAILS - {"mediateur@demo.tremplin.test"}
    for email, code in lines.items():
        device = TOTPDevice.objects.get(user__email=email)
        assert device.verify_token(code), email
    assert "changent dans" in out


def test_a_code_already_used_is_marked(demo):
    device = TOTPDevice.objects.get(user__email="admin@demo.tremplin.test")
    with time_machine.travel(1_700_000_010, tick=False):
        assert device.verify_token(next(c.code for c in demo_codes() if c.email == device.user.email))

        codes = {c.email: c for c in demo_codes()}

    assert codes["admin@demo.tremplin.test"].already_used
    assert not codes["coordinateur@demo.tremplin.test"].already_used


def test_codes_are_those_an_app_holding_the_published_secret_shows(demo):
    """The base32 secret in the docs is what an authenticator app is given."""
    app = TOTP(b32decode(dataset.DEMO_TOTP_SECRET), step=30, digits=6)
    app.time = 1_700_000_000

    assert {c.code for c in demo_codes(at=app.time)} == {f"{app.token():06d}"}


def test_ignores_accounts_outside_the_demo(demo):
    stranger = UserFactory(email="quelquun@exemple.test")
    TOTPDevice.objects.create(
        user=stranger, name=dataset.DEMO_TOTP_DEVICE_NAME, key=dataset.DEMO_TOTP_KEY_HEX, confirmed=True
    )

    assert "quelquun@exemple.test" not in _demo_codes()


def test_refuses_in_production(demo, settings):
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="PRODUCTION"):
        _demo_codes()


def test_says_what_to_do_before_the_demo_is_loaded(db):
    with pytest.raises(CommandError, match="load_demo"):
        _demo_codes()
