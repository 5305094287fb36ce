"""A person who works for two operators switches between them; each shows only its own data."""

import re
from html import unescape

import pytest

from conftest import verified_client
from tremplin.accounts.tests.factories import MembershipFactory, UserFactory
from tremplin.core.models import JournalEntry
from tremplin.core.roles import Role


def _role_label(page: str) -> str:
    return re.search(r'<span class="chip chip--role">([^<]*)</span>', page).group(1)


@pytest.fixture
def two_hats(tenant_a, tenant_b):
    user = UserFactory()
    in_a = MembershipFactory(user=user, operator=tenant_a.operator, role=Role.COORDINATOR)
    in_b = MembershipFactory(user=user, operator=tenant_b.operator, role=Role.MEDIATOR)
    return user, in_a, in_b


def test_the_first_membership_is_active_and_the_switch_is_offered(two_hats, tenant_a, tenant_b):
    user, in_a, in_b = two_hats
    page = unescape(verified_client(user).get("/").content.decode())
    assert _role_label(page) == "Coordinateur · Opérateur A"
    assert "Travailler en tant que" in page
    assert f'<option value="{in_b.pk}">Médiateur · Opérateur B</option>' in page
    assert tenant_a.site.name in page
    assert tenant_b.site.name not in page


def test_switching_changes_the_header_and_the_data(two_hats, tenant_a, tenant_b):
    user, in_a, in_b = two_hats
    client = verified_client(user)
    response = client.post("/compte/rattachement/", {"membership": in_b.pk})
    assert response["Location"] == "/"

    page = unescape(client.get("/").content.decode())
    assert _role_label(page) == "Médiateur · Opérateur B"
    assert tenant_b.site.name in page
    assert tenant_a.site.name not in page
    assert client.get(f"/sites/{tenant_a.site.pk}/").status_code == 404
    assert client.get(f"/sites/{tenant_b.site.pk}/").status_code == 200
    assert client.get("/compte/securite/").status_code == 200
    assert JournalEntry.objects.filter(
        action="accounts.membership.switched", actor=user, operator=tenant_b.operator
    ).exists()

    client.post("/compte/rattachement/", {"membership": in_a.pk})
    assert _role_label(unescape(client.get("/").content.decode())) == "Coordinateur · Opérateur A"


def test_switching_to_a_membership_of_someone_else_is_refused(two_hats, tenant_b):
    user, in_a, in_b = two_hats
    client = verified_client(user)
    response = client.post(
        "/compte/rattachement/", {"membership": tenant_b.members[Role.ADMIN].pk}, follow=True
    )
    page = unescape(response.content.decode())
    assert "Ce rattachement n'existe pas ou n'est plus actif." in page
    assert _role_label(page) == "Coordinateur · Opérateur A"
    assert client.get("/journal/").status_code == 403


def test_a_deactivated_membership_can_no_longer_be_chosen(two_hats):
    user, in_a, in_b = two_hats
    in_b.is_active = False
    in_b.save()
    client = verified_client(user)
    page = unescape(client.get("/").content.decode())
    assert "Travailler en tant que" not in page

    response = client.post("/compte/rattachement/", {"membership": in_b.pk}, follow=True)
    assert "Ce rattachement n'existe pas ou n'est plus actif." in unescape(response.content.decode())


def test_the_switch_needs_a_post(two_hats):
    user, in_a, in_b = two_hats
    assert verified_client(user).get("/compte/rattachement/").status_code == 405
