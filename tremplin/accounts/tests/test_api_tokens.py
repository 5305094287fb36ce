"""Personal API tokens: created on « Mon compte », shown once, stored hashed, revocable."""

import hashlib
import re
from html import unescape

from django.test import Client

from tremplin.accounts.models import ApiToken
from tremplin.core.roles import Role

PAGE = "/compte/jetons/"


def _api(raw: str):
    return Client(headers={"authorization": f"Bearer {raw}"}).get("/api/v1/sites")


def _shown_secret(response) -> str | None:
    found = re.search(r'data-testid="api-token">([^<]+)<', response.content.decode())
    return found.group(1) if found else None


def test_a_token_is_shown_once_and_stored_only_as_a_hash(tenant_a):
    membership = tenant_a.members[Role.COORDINATOR]
    client = tenant_a.client(Role.COORDINATOR)
    response = client.post(PAGE, {"name": "Export tableur", "membership": membership.pk})
    assert response.status_code == 200
    assert "Copiez-le maintenant : il ne sera plus jamais affiché." in unescape(response.content.decode())
    raw = _shown_secret(response)
    assert raw.startswith("trm_")

    token = ApiToken.objects.get(membership=membership)
    assert token.name == "Export tableur"
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    stored = [str(value) for value in ApiToken.objects.filter(pk=token.pk).values().get().values()]
    assert raw not in stored

    listing = client.get(PAGE)
    assert _shown_secret(listing) is None
    assert raw not in listing.content.decode()
    page = unescape(listing.content.decode())
    assert "Export tableur" in page
    assert f"{token.prefix}…" in page
    assert "Coordinateur · Opérateur A" in page


def test_the_token_reads_the_api_then_is_refused_once_revoked(tenant_a):
    membership = tenant_a.members[Role.MEDIATOR]
    client = tenant_a.client(Role.MEDIATOR)
    raw = _shown_secret(client.post(PAGE, {"name": "Tablette", "membership": membership.pk}))
    reading = _api(raw)
    assert reading.status_code == 200
    assert [item["name"] for item in reading.json()["items"]] == [tenant_a.site.name]

    token = ApiToken.objects.get(membership=membership)
    response = client.post(f"{PAGE}{token.pk}/revoquer/", follow=True)
    page = unescape(response.content.decode())
    assert "Jeton révoqué : il ne permet plus d'accéder à l'API." in page
    assert "Révoqué le" in page

    refused = _api(raw)
    assert refused.status_code == 401
    assert refused["Content-Type"] == "application/json; charset=utf-8"
    assert refused.json() == {"detail": "Jeton d'API absent, invalide ou révoqué."}


def test_a_token_can_only_be_made_for_ones_own_membership(tenant_a, tenant_b):
    client = tenant_a.client(Role.MEDIATOR)
    response = client.post(PAGE, {"name": "Intrus", "membership": tenant_b.members[Role.ADMIN].pk})
    assert response.status_code == 200
    assert _shown_secret(response) is None
    assert not ApiToken.objects.exists()


def test_a_token_needs_a_name(tenant_a):
    membership = tenant_a.members[Role.MEDIATOR]
    response = tenant_a.client(Role.MEDIATOR).post(PAGE, {"name": "", "membership": membership.pk})
    assert "Ce champ est obligatoire." in unescape(response.content.decode())
    assert not ApiToken.objects.exists()


def test_nobody_else_can_revoke_a_token(tenant_a):
    membership = tenant_a.members[Role.MEDIATOR]
    raw = _shown_secret(
        tenant_a.client(Role.MEDIATOR).post(PAGE, {"name": "Tablette", "membership": membership.pk})
    )
    token = ApiToken.objects.get(membership=membership)
    response = tenant_a.client(Role.ADMIN).post(f"{PAGE}{token.pk}/revoquer/")
    assert response.status_code == 404
    assert _api(raw).status_code == 200
