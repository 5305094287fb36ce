"""A coordinator enrols an authenticator app, then is asked for a code at every sign-in."""

import re
import time

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tremplin.core.roles import Role
from tremplin.core.tests.e2e_fixtures import axe_check, sign_in, sign_out, totp_key

pytestmark = pytest.mark.e2e


def _code_not_yet_used(key: bytes, user) -> str:
    """The current code, or the next one if the current step was already used (no replay)."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    current_step = int(time.time()) // device.step
    drift = max(0, device.last_t + 1 - current_step)
    return f"{totp(key, step=device.step, drift=drift):06d}"


def test_a_coordinator_enrols_totp_then_confirms_each_sign_in_with_a_code(page, live_server, tenant_a):
    coordinator = tenant_a.members[Role.COORDINATOR].user

    sign_in(page, coordinator.email)

    expect(page).to_have_url(re.compile(r"/compte/double-authentification/activer/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Activer la double authentification")
    expect(page.get_by_role("img", name="Code QR à scanner avec votre application")).to_be_visible()
    axe_check(page)
    key = totp_key(page.get_by_test_id("totp-secret").inner_text())

    page.get_by_label("Code à 6 chiffres").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Activer").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("status")).to_contain_text("Double authentification activée.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Coordination")
    axe_check(page)

    sign_out(page)
    sign_in(page, coordinator.email)

    expect(page).to_have_url(re.compile(r"/compte/double-authentification/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirmez votre identité")
    axe_check(page)
    page.get_by_label("Code à 6 chiffres").fill(_code_not_yet_used(key, coordinator))
    page.get_by_role("button", name="Valider").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Coordination")
