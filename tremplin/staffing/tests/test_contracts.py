"""Contracts: who sees and who changes them, and the create / edit form."""

from datetime import date

import pytest
from django.urls import reverse

from tremplin.accounts.tests.factories import MembershipFactory, OperatorFactory
from tremplin.core.models import JournalEntry
from tremplin.core.roles import Role
from tremplin.staffing.models import Contract
from tremplin.territory.tests.factories import SiteFactory

from .factories import ContractFactory, RotationFactory


@pytest.fixture
def la_poste(db):
    from tremplin.accounts.models import Operator

    return OperatorFactory(name="La Poste — DR Allier", kind=Operator.Kind.LA_POSTE)


def contract_data(site, client, **overrides) -> dict:
    data = {
        "reference": "CTR-2026-01",
        "title": "Médiation à Molinet",
        "client": str(client.pk),
        "starts_on": "2026-01-05",
        "ends_on": "2026-12-31",
        "status": "active",
        "reporting_period": "monthly",
        "total_hours": "936",
        "total_minutes": "",
        "sites-TOTAL_FORMS": "3",
        "sites-INITIAL_FORMS": "0",
        "sites-MIN_NUM_FORMS": "0",
        "sites-MAX_NUM_FORMS": "1000",
        "sites-0-site": str(site.pk),
        "sites-0-hours": "18",
        "sites-0-minutes": "30",
        "sites-1-site": "",
        "sites-1-hours": "",
        "sites-1-minutes": "",
        "sites-2-site": "",
        "sites-2-hours": "",
        "sites-2-minutes": "",
    }
    data.update(overrides)
    return data


def test_a_coordinator_creates_a_contract_with_sites_and_weekly_hours(tenant_a, la_poste):
    client = tenant_a.client(Role.COORDINATOR)
    page = client.get(reverse("staffing:contract_create"))
    assert page.status_code == 200
    assert "La Poste — DR Allier" in page.content.decode()

    response = client.post(reverse("staffing:contract_create"), contract_data(tenant_a.site, la_poste))

    contract = Contract.objects.get(reference="CTR-2026-01")
    assert response.status_code == 302
    assert response["Location"] == reverse("staffing:contract_detail", args=[contract.pk])
    assert contract.operator == tenant_a.operator
    assert contract.client == la_poste
    assert contract.contracted_minutes == 936 * 60
    [contract_site] = contract.contract_sites.all()
    assert (contract_site.site, contract_site.weekly_minutes) == (tenant_a.site, 18 * 60 + 30)
    assert JournalEntry.objects.filter(
        action="staffing.contract.created", object_id=str(contract.pk)
    ).exists()

    detail = client.get(response["Location"]).content.decode()
    assert "18\u00a0h\u00a030" in detail
    assert "936\u00a0h" in detail
    assert reverse("staffing:contract_planning", args=[contract.pk]) in detail


def test_bad_input_is_shown_in_french_and_what_was_typed_is_kept(tenant_a, la_poste):
    ContractFactory(operator=tenant_a.operator, reference="CTR-PRIS")
    client = tenant_a.client(Role.COORDINATOR)
    data = contract_data(
        tenant_a.site,
        la_poste,
        reference="CTR-PRIS",
        title="Un intitulé à garder",
        starts_on="2026-06-01",
        ends_on="2026-05-01",
        **{"sites-0-minutes": "75"},
    )

    response = client.post(reverse("staffing:contract_create"), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Un autre de vos contrats porte déjà cette référence." in page
    assert "La fin du contrat doit suivre son début." in page
    assert "inférieure ou égale à 59" in page
    assert 'value="Un intitulé à garder"' in page
    assert 'value="2026-05-01"' in page
    assert f'<option value="{tenant_a.site.pk}" selected>' in page
    assert not Contract.objects.filter(title="Un intitulé à garder").exists()


def test_a_contract_needs_a_site_and_the_same_site_only_once(tenant_a, la_poste):
    client = tenant_a.client(Role.COORDINATOR)
    no_site = contract_data(
        tenant_a.site, la_poste, **{"sites-0-site": "", "sites-0-hours": "", "sites-0-minutes": ""}
    )
    page = client.post(reverse("staffing:contract_create"), no_site).content.decode()
    assert "Indiquez au moins un site couvert par le contrat." in page

    twice = contract_data(tenant_a.site, la_poste, **{"sites-1-site": str(tenant_a.site.pk)})
    page = client.post(reverse("staffing:contract_create"), twice).content.decode()
    assert "Ce site figure déjà plus haut." in page
    assert not Contract.objects.exists()


def test_a_site_from_another_departement_cannot_be_chosen(tenant_a, tenant_b, la_poste):
    client = tenant_a.client(Role.COORDINATOR)
    data = contract_data(tenant_b.site, la_poste)
    page = client.post(reverse("staffing:contract_create"), data).content.decode()
    assert "Sélectionnez un choix valide" in page
    assert tenant_b.site.name not in page
    assert not Contract.objects.exists()


def test_more_rows_keeps_the_input_and_saves_nothing(tenant_a, la_poste):
    client = tenant_a.client(Role.COORDINATOR)
    data = contract_data(tenant_a.site, la_poste, more_rows="1")
    page = client.post(reverse("staffing:contract_create"), data).content.decode()
    assert 'name="sites-5-site"' in page
    assert 'value="CTR-2026-01"' in page
    assert "Le formulaire contient des erreurs" not in page
    assert not Contract.objects.exists()


def test_editing_changes_hours_adds_a_site_and_removes_one(plan_a, tenant_a):
    contract = plan_a.contract
    third = SiteFactory(commune=tenant_a.site.commune, name="Relais poste du marché")
    client = tenant_a.client(Role.COORDINATOR)
    page = client.get(reverse("staffing:contract_edit", args=[contract.pk])).content.decode()
    assert 'name="sites-INITIAL_FORMS" value="2"' in page
    rows = sorted(contract.contract_sites.select_related("site"), key=lambda cs: cs.site.name)
    data = {
        "reference": contract.reference,
        "title": "Nouvel intitulé",
        "client": str(contract.client_id),
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "status": "active",
        "reporting_period": "quarterly",
        "total_hours": "",
        "total_minutes": "",
        "sites-TOTAL_FORMS": "3",
        "sites-INITIAL_FORMS": "2",
        "sites-MIN_NUM_FORMS": "0",
        "sites-MAX_NUM_FORMS": "1000",
        "sites-2-site": str(third.pk),
        "sites-2-hours": "4",
        "sites-2-minutes": "",
    }
    for index, row in enumerate(rows):
        data[f"sites-{index}-site"] = str(row.site_id)
        data[f"sites-{index}-hours"] = "12" if row.site == plan_a.site else "3"
        data[f"sites-{index}-minutes"] = ""
        if row.site == plan_a.other_site:
            data[f"sites-{index}-DELETE"] = "on"

    response = client.post(reverse("staffing:contract_edit", args=[contract.pk]), data)

    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.title == "Nouvel intitulé"
    assert contract.reporting_period == "quarterly"
    assert contract.contracted_minutes is None
    weekly = {cs.site: cs.weekly_minutes for cs in contract.contract_sites.all()}
    assert weekly == {plan_a.site: 12 * 60, third: 4 * 60}


def test_a_site_with_planned_presences_cannot_be_removed(plan_a, tenant_a):
    contract = plan_a.contract
    client = tenant_a.client(Role.COORDINATOR)
    rows = sorted(contract.contract_sites.select_related("site"), key=lambda cs: cs.site.name)
    data = {
        "reference": contract.reference,
        "title": contract.title,
        "client": str(contract.client_id),
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "status": "active",
        "reporting_period": "monthly",
        "sites-TOTAL_FORMS": "2",
        "sites-INITIAL_FORMS": "2",
        "sites-MIN_NUM_FORMS": "0",
        "sites-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data[f"sites-{index}-site"] = str(row.site_id)
        data[f"sites-{index}-hours"] = "6"
        if row.site == plan_a.site:
            data[f"sites-{index}-DELETE"] = "on"
    page = client.post(reverse("staffing:contract_edit", args=[contract.pk]), data).content.decode()
    assert "Des présences sont planifiées à" in page
    assert contract.contract_sites.count() == 2


# --- Who sees, who changes ---------------------------------------------------------------------------


@pytest.fixture
def client_coordinator(plan_a):
    return MembershipFactory(operator=plan_a.contract.client, role=Role.COORDINATOR)


def test_the_provider_coordinator_lists_reads_and_edits(plan_a, tenant_a):
    client = tenant_a.client(Role.COORDINATOR)
    listing = client.get(reverse("staffing:contract_list")).content.decode()
    assert plan_a.contract.reference in listing
    assert reverse("staffing:contract_create") in listing
    detail = client.get(reverse("staffing:contract_detail", args=[plan_a.contract.pk])).content.decode()
    assert reverse("staffing:contract_edit", args=[plan_a.contract.pk]) in detail
    assert client.get(reverse("staffing:contract_edit", args=[plan_a.contract.pk])).status_code == 200


def test_the_client_coordinator_reads_but_does_not_edit(plan_a, client_coordinator):
    from conftest import verified_client

    client = verified_client(client_coordinator.user)
    contract = plan_a.contract
    listing = client.get(reverse("staffing:contract_list")).content.decode()
    assert contract.reference in listing
    detail = client.get(reverse("staffing:contract_detail", args=[contract.pk]))
    assert detail.status_code == 200
    assert reverse("staffing:contract_edit", args=[contract.pk]) not in detail.content.decode()
    assert client.get(reverse("staffing:contract_edit", args=[contract.pk])).status_code == 403
    assert client.post(reverse("staffing:contract_edit", args=[contract.pk]), {}).status_code == 403
    assert client.get(reverse("staffing:contract_create")).status_code == 200  # their own contracts


def test_a_funder_of_the_scope_reads(plan_a, tenant_a):
    client = tenant_a.client(Role.FUNDER)
    contract = plan_a.contract
    assert contract.reference in client.get(reverse("staffing:contract_list")).content.decode()
    assert client.get(reverse("staffing:contract_detail", args=[contract.pk])).status_code == 200
    assert client.get(reverse("staffing:contract_edit", args=[contract.pk])).status_code == 403
    assert client.get(reverse("staffing:contract_create")).status_code == 403


def test_others_get_404_and_mediators_get_no_contract_pages(plan_a, tenant_a, tenant_b):
    contract = plan_a.contract
    for role in (Role.COORDINATOR, Role.ADMIN, Role.FUNDER):
        client = tenant_b.client(role)
        assert contract.reference not in client.get(reverse("staffing:contract_list")).content.decode()
        for name in ("contract_detail", "contract_edit", "contract_planning"):
            assert client.get(reverse(f"staffing:{name}", args=[contract.pk])).status_code == 404
    mediator = tenant_a.client(Role.MEDIATOR)
    assert mediator.get(reverse("staffing:contract_list")).status_code == 403
    assert mediator.get(reverse("staffing:contract_detail", args=[contract.pk])).status_code == 403


def test_a_funder_outside_the_scope_does_not_see_it(plan_a, tenant_b):
    other_funder = MembershipFactory(
        operator=OperatorFactory(), role=Role.FUNDER, departements=[tenant_b.departement]
    )
    from conftest import verified_client

    client = verified_client(other_funder.user)
    assert client.get(reverse("staffing:contract_detail", args=[plan_a.contract.pk])).status_code == 404


def test_the_client_is_chosen_among_la_poste_public_bodies_and_local_operators(tenant_a, tenant_b, la_poste):
    page = tenant_a.client(Role.COORDINATOR).get(reverse("staffing:contract_create")).content.decode()
    select = page[page.index('name="client"') : page.index("</select>", page.index('name="client"'))]
    assert la_poste.name in select
    assert tenant_b.operator.name not in page
    assert tenant_a.operator.name not in select


def test_the_detail_links_to_the_hours_page(plan_a, tenant_a):
    page = tenant_a.client(Role.COORDINATOR).get(
        reverse("staffing:contract_detail", args=[plan_a.contract.pk])
    )
    assert reverse("staffing:contract_hours", args=[plan_a.contract.pk]) in page.content.decode()


def test_planned_hours_per_site_use_the_busiest_week_not_the_sum_of_successive_presences(plan_a):
    from tremplin.staffing import selectors

    contract = plan_a.contract
    plan_a.rotation.valid_until = date(2026, 6, 30)
    plan_a.rotation.save()
    RotationFactory(
        contract=contract, mediator=plan_a.mediator, site=plan_a.site, valid_from=date(2026, 7, 1)
    )
    weekly = selectors.planned_weekly_minutes(contract, today=date(2026, 3, 2))
    assert weekly[plan_a.site.pk] == 180
