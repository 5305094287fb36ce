"""The second factor (TOTP): required for coordinators, funders and administrators, optional for mediators."""

import re
from base64 import b32encode
from html import unescape

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tremplin.accounts.tests.factories import PASSWORD
from tremplin.core.roles import Role

ENROL = "/compte/double-authentification/activer/"
VERIFY = "/compte/double-authentification/"
REMOVE = "/compte/double-authentification/desactiver/"
REQUIRED_ROLES = [Role.ADMIN, Role.COORDINATOR, Role.FUNDER]


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine):
    """Codes change every 30 seconds; a frozen clock keeps « a wrong code » wrong."""
    time_machine.move_to("2026-03-02 10:00:05 +01:00", tick=False)


def signed_in(user) -> Client:
    """A client past the password step only, as after the sign-in form."""
    client = Client()
    response = client.post("/connexion/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def code(device: TOTPDevice, drift: int = 0) -> str:
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift)
    return f"{value:0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    valid = {code(device, drift) for drift in (-1, 0, 1)}
    return next(c for c in (f"{n:06d}" for n in range(0, 10**6, 7919)) if c not in valid)


def text(response) -> str:
    return unescape(response.content.decode())


def pending_device(user) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user, confirmed=False)


@pytest.mark.parametrize("role", REQUIRED_ROLES)
def test_a_role_that_requires_it_is_sent_to_enrolment_from_every_page(tenant_a, role):
    client = signed_in(tenant_a.members[role].user)
    assert client.get("/")["Location"] == ENROL
    for page in ("/sites/", "/compte/securite/", "/compte/jetons/", "/journal/"):
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"].startswith(ENROL + "?next=")
    assert client.get(ENROL).status_code == 200


def _shown_secret(page: str) -> str:
    return re.search(r'data-testid="totp-secret">([^<]*)<', page).group(1).replace(" ", "")


def test_the_enrolment_page_shows_a_qr_code_and_the_secret_that_stay_the_same(tenant_a):
    user = tenant_a.members[Role.COORDINATOR].user
    client = signed_in(user)
    page = text(client.get(ENROL))
    device = pending_device(user)
    assert "Activer la double authentification" in page
    assert re.search(r'<div class="qr"[^>]*>\s*<svg', page)
    assert _shown_secret(page) == b32encode(device.bin_key).decode().rstrip("=")

    assert _shown_secret(text(client.get(ENROL))) == _shown_secret(page)


def test_a_valid_code_activates_the_second_factor_and_lands_on_the_home_page(tenant_a):
    user = tenant_a.members[Role.COORDINATOR].user
    client = signed_in(user)
    client.get(ENROL)
    device = pending_device(user)

    response = client.post(ENROL, {"token": code(device)}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    page = text(response)
    assert "Double authentification activée." in page
    assert "<h1>Coordination</h1>" in page
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/sites/").status_code == 200


def test_enrolment_returns_to_the_page_that_was_asked_for(tenant_a):
    user = tenant_a.members[Role.FUNDER].user
    client = signed_in(user)
    enrol_url = client.get("/sites/")["Location"]
    client.get(enrol_url)
    response = client.post(enrol_url, {"token": code(pending_device(user)), "next": "/sites/"})
    assert response["Location"] == "/sites/"


def test_a_wrong_code_is_refused_with_a_french_message(tenant_a):
    user = tenant_a.members[Role.ADMIN].user
    client = signed_in(user)
    client.get(ENROL)
    device = pending_device(user)

    response = client.post(ENROL, {"token": wrong_code(device)})
    assert response.status_code == 200
    assert "Ce code n'est pas valable." in text(response)
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert client.get("/")["Location"] == ENROL

    letters = client.post(ENROL, {"token": "12a456"})
    assert "Le code ne contient que des chiffres." in text(letters)


def test_a_user_with_a_device_must_give_a_code_at_each_sign_in(tenant_a, time_machine):
    user = tenant_a.members[Role.COORDINATOR].user
    device = TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
    client = signed_in(user)
    assert client.get("/")["Location"] == VERIFY
    assert client.get("/sites/")["Location"] == VERIFY + "?next=%2Fsites%2F"

    wrong = client.post(VERIFY, {"token": wrong_code(device)})
    assert "Ce code n'est pas valable. Attendez le code suivant et réessayez." in text(wrong)
    assert client.get("/")["Location"] == VERIFY

    time_machine.shift(2)  # after a wrong code the device waits a second before the next try
    response = client.post(VERIFY, {"token": code(device), "next": "/sites/"})
    assert response["Location"] == "/sites/"
    assert client.get("/").status_code == 200


def test_a_code_cannot_be_used_twice(tenant_a):
    user = tenant_a.members[Role.COORDINATOR].user
    device = TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
    used = code(device)
    assert signed_in(user).post(VERIFY, {"token": used})["Location"] == "/"

    replay = signed_in(user)
    response = replay.post(VERIFY, {"token": used})
    assert response.status_code == 200
    assert replay.get("/")["Location"] == VERIFY


def test_verification_never_sends_the_user_to_another_site(tenant_a):
    user = tenant_a.members[Role.COORDINATOR].user
    device = TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
    response = signed_in(user).post(VERIFY, {"token": code(device), "next": "https://ailleurs.example/"})
    assert response["Location"] == "/"


def test_a_mediator_is_not_forced_but_can_enrol_and_remove_it(tenant_a):
    user = tenant_a.members[Role.MEDIATOR].user
    client = signed_in(user)
    assert client.get("/").status_code == 200
    security = client.get("/compte/securite/").content.decode()
    assert "Non activée." in security

    client.get(ENROL)
    client.post(ENROL, {"token": code(pending_device(user))})
    security = client.get("/compte/securite/").content.decode()
    assert "Active : un code à 6 chiffres vous est demandé à chaque connexion." in security
    assert "Désactiver la double authentification" in security
    assert signed_in(user).get("/")["Location"] == VERIFY

    response = client.post(REMOVE, follow=True)
    assert "Double authentification désactivée." in text(response)
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert signed_in(user).get("/").status_code == 200


@pytest.mark.parametrize("role", REQUIRED_ROLES)
def test_a_role_that_requires_it_cannot_remove_it(tenant_a, role):
    user = tenant_a.members[role].user
    client = tenant_a.client(role)
    security = client.get("/compte/securite/").content.decode()
    assert "Votre rôle l'impose : elle ne peut pas être désactivée." in security
    assert REMOVE not in security

    response = client.post(REMOVE, follow=True)
    assert "Votre rôle impose la double authentification." in text(response)
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_removing_it_is_refused_without_a_post(tenant_a):
    client = tenant_a.client(Role.MEDIATOR)
    assert client.get(REMOVE).status_code == 405
    assert TOTPDevice.objects.filter(user=tenant_a.members[Role.MEDIATOR].user).exists()
