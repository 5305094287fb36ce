"""A site's page leads to what else Tremplin knows of the office: its public agenda of workshops when
sessions are coming, and its statistics for those who may read them."""

import re

import pytest
from django.urls import reverse

from conftest import verified_client
from tremplin.accounts.tests.factories import MembershipFactory, OperatorFactory
from tremplin.core.roles import Role
from tremplin.mediation.tests.helpers import at_work
from tremplin.workshops.tests.helpers import schedule

pytestmark = pytest.mark.django_db


def site_links(client, site) -> list[str]:
    response = client.get(reverse("territory:site_detail", args=[site.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    if 'data-testid="site-links"' not in html:
        return []
    return re.findall(r'href="([^"]+)"', html.split('data-testid="site-links"')[1].split("</ul>")[0])


def test_the_site_page_links_the_coming_workshops_and_the_statistics(tenant_a):
    work = at_work(tenant_a)
    statistics = reverse("reporting:scope", args=["site", work.site.pk])
    coordinator = tenant_a.client(Role.COORDINATOR)
    assert site_links(coordinator, work.site) == [statistics]

    schedule(work)
    agenda = reverse("workshops:agenda_site", args=[work.site.pk])
    assert site_links(coordinator, work.site) == [agenda, statistics]
    assert agenda in site_links(tenant_a.client(Role.FUNDER), work.site)
    html = coordinator.get(reverse("territory:site_detail", args=[work.site.pk])).content.decode()
    assert "1 atelier à venir (agenda public)" in html


def test_a_coordinator_of_another_operator_in_the_departement_gets_no_statistics_link(tenant_a):
    work = at_work(tenant_a)
    neighbour = OperatorFactory(name="Voisin", departements=[tenant_a.departement])
    coordinator = verified_client(MembershipFactory(operator=neighbour, role=Role.COORDINATOR).user)
    response = coordinator.get(reverse("territory:site_detail", args=[work.site.pk]))
    assert response.status_code == 200
    assert reverse("reporting:scope", args=["site", work.site.pk]) not in response.content.decode()
