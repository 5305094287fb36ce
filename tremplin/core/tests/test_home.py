"""Each role lands on its own home page, filled with its own operator's or territory's data."""

import re
from html import unescape

import pytest
from django.test import Client

from conftest import verified_client
from tremplin.accounts.services import membership_create
from tremplin.accounts.tests.factories import UserFactory
from tremplin.core.roles import Role
from tremplin.territory.tests.factories import CommuneFactory, DepartementFactory, SiteFactory


def page_of(client, url="/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return unescape(response.content.decode())


def departement_row(page: str, label: str) -> list[str]:
    """The figures of one département's row in the funder's table, in column order."""
    row = re.search(rf">{re.escape(label)}</a></th>(.*?)</tr>", page, re.S)
    assert row, f"no row for {label}"
    return re.findall(r'<td class="num">([^<]*)</td>', row.group(1))


@pytest.fixture
def more_sites(tenant_a):
    """Around tenant A's site: a kiosk site, a site without mediation, and one in a QPV of a town."""
    commune = tenant_a.site.commune
    town = CommuneFactory(departement=tenant_a.departement, name="Montluçon", is_rural=False)
    return {
        "kiosk": SiteFactory(commune=commune, name="Agence de Molinet", has_kiosk=True),
        "no_mediation": SiteFactory(
            commune=commune, name="Relais du Bourg", has_mediation=False, has_etape_numerique=True
        ),
        "qpv": SiteFactory(commune=town, name="Bureau de Fontbouillant", is_qpv=True),
    }


def test_a_mediator_sees_the_sites_with_mediation_of_its_operator(tenant_a, tenant_b, more_sites):
    user = tenant_a.members[Role.MEDIATOR].user
    page = page_of(tenant_a.client(Role.MEDIATOR))
    assert f"Bonjour {user.first_name}" in page
    assert "Les sites de médiation de votre structure" in page
    for name in (tenant_a.site.name, "Agence de Molinet", "Bureau de Fontbouillant"):
        assert name in page
    assert "Relais du Bourg" not in page
    assert tenant_b.site.name not in page
    assert "Mon équipe" not in page


def test_a_coordinator_sees_its_sites_and_its_team(tenant_a, tenant_b, more_sites):
    page = page_of(tenant_a.client(Role.COORDINATOR))
    assert "<h1>Coordination</h1>" in page
    figures = re.findall(r'<p class="figure">(\d+)</p><p class="figure-label">([^<]+)</p>', page)
    assert figures == [("3", "sites avec médiation"), ("4", "personnes dans l'équipe")]
    assert "Agence de Molinet" in page
    assert "Relais du Bourg" not in page
    for membership in tenant_a.members.values():
        assert membership.user.email in page
    for membership in tenant_b.members.values():
        assert membership.user.email not in page
    assert tenant_b.site.name not in page


def test_a_funder_sees_a_table_per_departement_with_the_right_counts(tenant_a, tenant_b, more_sites):
    creuse = DepartementFactory(code="23", name="Creuse")
    SiteFactory(commune=CommuneFactory(departement=creuse, name="Guéret"), has_kiosk=True)
    funder = tenant_a.members[Role.FUNDER]
    funder.departements.add(creuse)

    page = page_of(tenant_a.client(Role.FUNDER))
    assert "Mon territoire" in page
    assert "Périmètre : les départements que vous suivez." in page
    # points of contact, with mediation, kiosk, Étape numérique, in QPV, in a rural commune
    assert departement_row(page, "03 – Département 03") == ["4", "3", "1", "1", "1", "3"]
    assert departement_row(page, "23 – Creuse") == ["1", "1", "1", "0", "0", "1"]
    assert "92 – Département 92" not in page


def test_a_national_funder_sees_every_departement(tenant_a, tenant_b):
    funder = tenant_a.members[Role.FUNDER]
    funder.is_national = True
    funder.save()
    page = page_of(tenant_a.client(Role.FUNDER))
    assert "Périmètre : national." in page
    assert departement_row(page, "03 – Département 03") == ["1", "1", "0", "0", "0", "1"]
    assert departement_row(page, "92 – Département 92") == ["1", "1", "0", "0", "0", "1"]


def test_an_admin_sees_its_members_and_its_journal(tenant_a, tenant_b):
    admin = tenant_a.members[Role.ADMIN]
    newcomer = UserFactory(email="recrue@operateur-a.test")
    membership_create(actor=admin.user, user=newcomer, operator=tenant_a.operator, role=Role.MEDIATOR)
    membership_create(
        actor=tenant_b.members[Role.ADMIN].user,
        user=UserFactory(email="recrue@operateur-b.test"),
        operator=tenant_b.operator,
        role=Role.MEDIATOR,
    )

    page = page_of(tenant_a.client(Role.ADMIN))
    assert "<h1>Administration</h1>" in page
    assert "recrue@operateur-a.test" in page
    assert "Dernières actions" in page
    assert "accounts.membership.created" in page
    assert admin.user.email in page
    assert "recrue@operateur-b.test" not in page
    assert tenant_b.members[Role.ADMIN].user.email not in page


def test_someone_without_a_membership_is_told_to_ask_for_one(db):
    page = page_of(verified_client(UserFactory()))
    assert "Votre compte n'est rattaché à aucune structure" in page


def test_the_navigation_fits_the_role(tenant_a):
    admin_page = page_of(tenant_a.client(Role.ADMIN))
    mediator_page = page_of(tenant_a.client(Role.MEDIATOR))
    assert 'href="/journal/"' in admin_page
    assert 'href="/journal/"' not in mediator_page
    assert 'href="/sites/"' in mediator_page


def test_the_home_page_asks_to_sign_in_first():
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"] == "/connexion/?next=/"
