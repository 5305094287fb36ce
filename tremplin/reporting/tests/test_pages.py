"""The reporting pages per role: what each shows, its tables and exports, and what it refuses."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tremplin.core.roles import Role
from tremplin.reporting.models import ScopeKind

from .known import build

MARCH = "du=2026-03&au=2026-03"


@pytest.fixture
def world(tenant_a, tenant_b):
    return build(tenant_a, tenant_b)


def test_a_coordinator_reads_the_figures_of_their_operator_with_the_previous_period(world):
    page = world.a.client(Role.COORDINATOR).get(f"{reverse('reporting:dashboard')}?{MARCH}")
    html = page.content.decode()

    assert page.status_code == 200
    assert 'data-testid="figure-hours">8\u00a0h<' in html
    assert 'data-testid="figure-accompaniments">7<' in html
    assert 'data-testid="figure-people">6<' in html
    assert "personnes suivies comptées une fois" in html
    assert "février 2026" in html  # the previous period, compared
    assert "03 – Département 03" in html  # one level down: the départements where A works


def test_a_funder_drills_down_from_their_territory_to_a_site(world):
    client = world.a.client(Role.FUNDER)
    home = client.get(f"{reverse('reporting:dashboard')}?{MARCH}").content.decode()
    departement_url = reverse("reporting:scope", kwargs={"kind": "departement", "pk": world.a.departement.pk})
    assert departement_url in home
    assert "Sites avec médiation" in home and "Sites avec îlot" in home
    departement = client.get(f"{departement_url}?{MARCH}").content.decode()
    site_url = reverse("reporting:scope", kwargs={"kind": "site", "pk": world.s1.pk})
    assert site_url in departement
    site = client.get(f"{site_url}?{MARCH}")
    assert site.status_code == 200
    assert 'data-testid="figure-hours">5\u00a0h<' in site.content.decode()
    # a funder sees no mediator's name
    assert str(world.mediator) not in site.content.decode()


def test_the_mediator_sees_their_week_and_their_months_only(world):
    client = world.a.client(Role.MEDIATOR)
    page = client.get(f"{reverse('reporting:dashboard')}?{MARCH}")
    assert page.status_code == 200
    assert 'data-testid="figure-interactions">5<' in page.content.decode()
    assert (
        client.get(reverse("reporting:scope", kwargs={"kind": "site", "pk": world.s1.pk})).status_code == 404
    )
    assert client.get(reverse("reporting:objectives")).status_code == 403


def test_every_table_downloads_as_csv_and_xlsx_with_the_pages_numbers(world):
    client = world.a.client(Role.COORDINATOR)
    url = reverse("reporting:dashboard")
    lines = client.get(f"{url}?{MARCH}&table=par-kind&format=csv").content.decode("utf-8-sig").splitlines()
    rows = list(csv.reader(lines, delimiter=";"))
    assert rows[0][:2] == ["Types d'action", "Interactions"]
    assert rows[1][:2] == ["Information et orientation", "2"] or rows[1][:2] == [
        "Accompagnement individualisé",
        "2",
    ]
    workbook = load_workbook(io.BytesIO(client.get(f"{url}?{MARCH}&table=par-mois&format=xlsx").content))
    sheet = workbook.worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][0] == "mars 2026"
    assert values[0][1:4] == ("Heures d'intervention (heures)", "Heures prévues (heures)", "Interactions")
    assert values[1][1:4] == (8, 0, 5)  # hours worked, none planned, interactions
    assert client.get(f"{url}?{MARCH}&table=inconnu&format=csv").status_code == 404


def test_a_wrong_period_says_what_to_fix(world):
    page = world.a.client(Role.COORDINATOR).get(f"{reverse('reporting:dashboard')}?du=2026-05&au=2026-03")
    assert page.status_code == 200
    assert "Le dernier mois doit suivre le premier." in page.content.decode()
    assert 'value="2026-05"' in page.content.decode()


def test_the_map_shades_departements_and_communes(world):
    client = world.a.client(Role.FUNDER)
    page = client.get(f"{reverse('reporting:map')}?{MARCH}&indicateur=hours")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<path ") >= 90  # metropolitan départements
    assert "8\u00a0h" in html
    other = client.get(f"{reverse('reporting:map')}?departement={world.b.departement.pk}")
    assert other.status_code == 404


def test_objectives_show_progress_and_projection(world):
    client = world.a.client(Role.COORDINATOR)
    response = client.post(
        reverse("reporting:objectives"),
        {
            "name": "Cent personnes en 2026",
            "metric": "people",
            "scope": ScopeKind.NATION,
            "target": 100,
            "starts_on": "2026-03-01",
            "ends_on": "2026-04-30",
        },
    )
    assert response.status_code == 302
    bad = client.post(
        reverse("reporting:objectives"),
        {
            "name": "x",
            "metric": "people",
            "scope": "nation",
            "target": 0,
            "starts_on": "2026-03-01",
            "ends_on": "2026-01-01",
        },
    )
    assert bad.status_code == 400
    assert "échéance doit suivre le début" in bad.content.decode()
    import time_machine

    with time_machine.travel(date(2026, 3, 31)):
        page = client.get(reverse("reporting:objectives")).content.decode()
    assert 'data-testid="objective-value">6<' in page
    assert "Au rythme actuel : 12" in page  # 6 in 31 days, 61 days in all


def test_share_links_show_figures_without_sign_in_until_revoked(world, client):
    coordinator = world.a.client(Role.COORDINATOR)
    response = coordinator.post(
        reverse("reporting:share_list"),
        {
            "label": "Pour la CDPPT",
            "scope": f"contract:{world.contract.pk}",
            "du": "2026-03",
            "au": "2026-03",
        },
    )
    assert response.status_code == 302
    from tremplin.reporting.models import ShareLink

    link = ShareLink.objects.get()
    public = client.get(reverse("reporting:share_page", kwargs={"secret": link.secret}))
    assert public.status_code == 200
    assert public["X-Robots-Tag"] == "noindex, nofollow"
    assert 'data-testid="figure-hours">8\u00a0h<' in public.content.decode()
    assert str(world.mediator) not in public.content.decode()
    coordinator.post(reverse("reporting:share_revoke", kwargs={"pk": link.pk}))
    assert client.get(reverse("reporting:share_page", kwargs={"secret": link.secret})).status_code == 404


def test_a_mediator_without_a_card_is_told_why_there_are_no_figures(tenant_a):
    page = tenant_a.client(Role.MEDIATOR).get(reverse("reporting:dashboard"))
    assert page.status_code == 200
    assert "est pas encore créée" in page.content.decode()
