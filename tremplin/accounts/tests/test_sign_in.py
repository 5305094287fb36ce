"""Signing in with an e-mail address and a password, and the lock after repeated failures."""

import pytest
from django.test import Client

from tremplin.accounts.tests.factories import PASSWORD
from tremplin.core.roles import Role

WRONG_PASSWORD_ERROR = "Adresse e-mail ou mot de passe incorrect."
LOCKED_TITLE = "Connexion bloquée pour 15 minutes"


def _sign_in(client, email, password=PASSWORD):
    return client.post("/connexion/", {"username": email, "password": password})


@pytest.fixture
def mediator(tenant_a):
    return tenant_a.members[Role.MEDIATOR].user


def test_the_sign_in_page_is_in_french():
    page = Client().get("/connexion/").content.decode()
    assert "Se connecter à Tremplin" in page
    assert "Adresse e-mail" in page
    assert "Mot de passe oublié ?" in page


def test_a_mediator_signs_in_with_the_e_mail_in_any_case(mediator):
    client = Client()
    response = _sign_in(client, f"  {mediator.email.upper()} ")
    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert f"Bonjour {mediator.first_name}" in home.content.decode()


def test_a_wrong_password_shows_the_form_again_with_the_e_mail_typed(mediator):
    client = Client()
    typed = mediator.email.upper()
    response = _sign_in(client, typed, "pas-le-bon-mot-de-passe")
    page = response.content.decode()
    assert response.status_code == 200
    assert WRONG_PASSWORD_ERROR in page
    assert f'value="{typed}"' in page
    assert client.get("/").status_code == 302


def test_an_unknown_address_gets_the_same_message_as_a_wrong_password(tenant_a):
    response = _sign_in(Client(), "personne@inconnu.test")
    assert response.status_code == 200
    assert WRONG_PASSWORD_ERROR in response.content.decode()


def test_a_deactivated_account_cannot_sign_in(mediator):
    mediator.is_active = False
    mediator.save()
    client = Client()
    _sign_in(client, mediator.email)
    assert client.get("/").status_code == 302


def test_five_failures_lock_the_account_even_with_the_right_password(mediator):
    client = Client()
    for email in (mediator.email, mediator.email.upper(), mediator.email, mediator.email.title()):
        assert _sign_in(client, email, "mauvais").status_code == 200
    locked = _sign_in(client, mediator.email, "mauvais")
    assert locked.status_code == 429
    assert LOCKED_TITLE in locked.content.decode()

    again = _sign_in(client, mediator.email)
    assert again.status_code == 429
    assert LOCKED_TITLE in again.content.decode()
    assert "Demandez-en un nouveau" in again.content.decode()
    assert client.get("/").status_code == 302


def test_the_lock_is_for_one_account_not_for_everyone_behind_the_same_address(tenant_a):
    """A post office shares one public address: one person's typos must not lock their colleagues."""
    mediator = tenant_a.members[Role.MEDIATOR].user
    colleague = tenant_a.members[Role.FUNDER].user
    for _attempt in range(5):
        _sign_in(Client(), mediator.email, "mauvais")
    assert _sign_in(Client(), mediator.email).status_code == 429

    typo = _sign_in(Client(), colleague.email, "mauvais")
    assert typo.status_code == 200
    assert WRONG_PASSWORD_ERROR in typo.content.decode()
    assert _sign_in(Client(), colleague.email).status_code == 302


def test_the_lock_ends_after_fifteen_minutes(mediator, time_machine):
    time_machine.move_to("2026-03-02 09:00 +01:00", tick=False)
    for _attempt in range(5):
        _sign_in(Client(), mediator.email, "mauvais")
    assert _sign_in(Client(), mediator.email).status_code == 429

    time_machine.move_to("2026-03-02 09:16 +01:00", tick=False)
    assert _sign_in(Client(), mediator.email).status_code == 302


def test_signing_out_needs_a_post_and_ends_the_session(tenant_a):
    client = tenant_a.client(Role.MEDIATOR)
    assert client.get("/deconnexion/").status_code == 405
    response = client.post("/deconnexion/")
    assert response.status_code == 302
    assert response["Location"] == "/connexion/"
    assert client.get("/").status_code == 302
