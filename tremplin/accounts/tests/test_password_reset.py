"""A forgotten password: an e-mail with a link that sets a new one."""

import re
from html import unescape

from django.core import mail
from django.test import Client

from tremplin.accounts.tests.factories import PASSWORD
from tremplin.core.roles import Role

NEW_PASSWORD = "un-nouveau-mot-de-passe-solide"


def _link(message) -> str:
    return re.search(r"https?://[^/\s]+(/mot-de-passe/nouveau/\S+/)", message.body).group(1)


def _sign_in(email, password):
    return Client().post("/connexion/", {"username": email, "password": password})


def test_the_e_mail_holds_a_link_that_sets_a_new_password(tenant_a):
    user = tenant_a.members[Role.MEDIATOR].user
    client = Client(HTTP_HOST="localhost")
    response = client.post("/mot-de-passe/oublie/", {"email": user.email.upper()})
    assert response["Location"] == "/mot-de-passe/oublie/envoye/"
    assert "Vérifiez votre messagerie" in client.get(response["Location"]).content.decode()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.subject == "Tremplin : choisir un nouveau mot de passe"
    assert "http://localhost/mot-de-passe/nouveau/" in message.body

    form_page = client.get(_link(message), follow=True)
    assert "Enregistrer le mot de passe" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Mot de passe changé" in done.content.decode()

    assert _sign_in(user.email, NEW_PASSWORD).status_code == 302
    assert _sign_in(user.email, PASSWORD).status_code == 200


def test_the_link_works_only_once(tenant_a):
    user = tenant_a.members[Role.MEDIATOR].user
    client = Client(HTTP_HOST="localhost")
    client.post("/mot-de-passe/oublie/", {"email": user.email})
    link = _link(mail.outbox[0])
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    again = Client().get(link, follow=True)
    assert "Ce lien n'est plus valable" in unescape(again.content.decode())


def test_a_weak_password_is_refused_in_french(tenant_a):
    user = tenant_a.members[Role.MEDIATOR].user
    client = Client(HTTP_HOST="localhost")
    client.post("/mot-de-passe/oublie/", {"email": user.email})
    form_url = client.get(_link(mail.outbox[0]), follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "court", "new_password2": "court"})
    page = unescape(response.content.decode())
    assert "Ce mot de passe est trop court." in page
    assert _sign_in(user.email, PASSWORD).status_code == 302


def test_an_unknown_address_sends_nothing_and_says_the_same(tenant_a):
    response = Client().post("/mot-de-passe/oublie/", {"email": "inconnu@exemple.test"})
    assert response["Location"] == "/mot-de-passe/oublie/envoye/"
    assert mail.outbox == []
