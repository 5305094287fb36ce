"""The weekly grid of a contract: presences, conflicts shown while editing and after saving, readers."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from conftest import verified_client
from tremplin.accounts.tests.factories import MembershipFactory, OperatorFactory, UserFactory
from tremplin.core.roles import Role
from tremplin.staffing.models import Absence, MediatorProfile, Replacement, Rotation
from tremplin.territory.tests.factories import SiteFactory

from .factories import ContractFactory, ContractSiteFactory, RotationFactory

PARIS = ZoneInfo("Europe/Paris")
NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def _monday_2_march_2026():
    with time_machine.travel(datetime(2026, 3, 2, 8, 0, tzinfo=PARIS), tick=False):
        yield


def planning_url(contract) -> str:
    return reverse("staffing:contract_planning", args=[contract.pk])


def presence(plan, **overrides) -> dict:
    data = {
        "mediator": str(plan.mediator.pk),
        "site": str(plan.other_site.pk),
        "weekday": "0",
        "starts_at": "10:00",
        "ends_at": "11:00",
        "valid_from": "",
        "valid_until": "",
    }
    data.update(overrides)
    return data


def test_the_grid_shows_each_presence_in_its_site_and_day(plan_a, tenant_a):
    page = tenant_a.client(Role.COORDINATOR).get(planning_url(plan_a.contract)).content.decode()
    assert f'id="presence-{plan_a.rotation.pk}"' in page
    assert str(plan_a.mediator) in page
    assert f"9{NBSP}h – 12{NBSP}h" in page
    assert "Lundi" in page and "Samedi" in page and "Dimanche" not in page
    assert f"3{NBSP}h / 6{NBSP}h" in page  # planned / contracted per week at the first site
    assert reverse("staffing:rotation_edit", args=[plan_a.contract.pk, plan_a.rotation.pk]) in page
    assert "Aucun conflit" in page


def test_sunday_appears_when_someone_works_on_sunday(plan_a, tenant_a):
    RotationFactory(contract=plan_a.contract, mediator=plan_a.mediator, site=plan_a.site, weekday=6)
    page = tenant_a.client(Role.COORDINATOR).get(planning_url(plan_a.contract)).content.decode()
    assert "Dimanche" in page


def test_a_presence_limited_in_time_shows_its_validity(plan_a, tenant_a):
    plan_a.rotation.valid_until = date(2026, 6, 30)
    plan_a.rotation.save()
    page = tenant_a.client(Role.COORDINATOR).get(planning_url(plan_a.contract)).content.decode()
    assert "du 1 janvier 2026 au 30 juin 2026" in page


def test_a_double_booking_across_the_operators_contracts_is_shown_and_marked(plan_a, tenant_a):
    other_contract = ContractFactory(operator=tenant_a.operator, reference="CTR-AUTRE")
    far_site = SiteFactory(commune=tenant_a.site.commune, name="Agence postale de Noyant")
    ContractSiteFactory(contract=other_contract, site=far_site)
    clash = RotationFactory(
        contract=other_contract,
        mediator=plan_a.mediator,
        site=far_site,
        starts_at=time(11, 0),
        ends_at=time(14, 0),
    )

    page = tenant_a.client(Role.COORDINATOR).get(planning_url(plan_a.contract)).content.decode()

    assert "1 conflit dans le planning" in page
    assert "Double réservation" in page
    assert "Agence postale de Noyant" in page
    assert f'presence--conflict" id="presence-{plan_a.rotation.pk}"' in page
    # The other contract's grid shows it too.
    other = tenant_a.client(Role.COORDINATOR).get(planning_url(other_contract)).content.decode()
    assert f'presence--conflict" id="presence-{clash.pk}"' in other


def test_the_check_reports_a_double_booking_before_saving(plan_a, tenant_a):
    client = tenant_a.client(Role.COORDINATOR)
    url = reverse("staffing:rotation_check", args=[plan_a.contract.pk])

    response = client.get(url, presence(plan_a), headers={"HX-Request": "true"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert "Cette présence créerait un conflit" in page
    assert "Double réservation" in page
    assert f"{plan_a.mediator} est déjà prévu(e) le lundi de 9{NBSP}h à 12{NBSP}h" in page.replace(
        " h", f"{NBSP}h"
    )
    assert Rotation.objects.count() == 1

    free = client.get(url, presence(plan_a, weekday="1"), headers={"HX-Request": "true"}).content.decode()
    assert "Pas de conflit" in free


def test_the_check_of_an_edited_presence_ignores_its_saved_self(plan_a, tenant_a):
    url = reverse("staffing:rotation_check", args=[plan_a.contract.pk])
    data = presence(
        plan_a, site=str(plan_a.site.pk), starts_at="9:30", ends_at="12:30", rotation=plan_a.rotation.pk
    )
    page = tenant_a.client(Role.COORDINATOR).get(url, data).content.decode()
    assert "Pas de conflit" in page


def test_the_check_button_works_without_javascript_and_saves_nothing(plan_a, tenant_a):
    response = tenant_a.client(Role.COORDINATOR).post(
        planning_url(plan_a.contract), {**presence(plan_a), "check": "1"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Cette présence créerait un conflit" in page
    assert 'value="10:00"' in page
    assert Rotation.objects.count() == 1


def test_a_conflicting_presence_can_be_saved_then_moved_to_clear_the_conflict(plan_a, tenant_a):
    client = tenant_a.client(Role.COORDINATOR)

    response = client.post(planning_url(plan_a.contract), presence(plan_a), follow=True)

    added = Rotation.objects.exclude(pk=plan_a.rotation.pk).get()
    page = response.content.decode()
    assert "Présence ajoutée." in page
    assert "Cette présence est en conflit avec le planning" in page
    assert "1 conflit dans le planning" in page
    assert f'presence--conflict" id="presence-{added.pk}"' in page
    assert (added.valid_from, added.valid_until) == (plan_a.contract.starts_on, plan_a.contract.ends_on)

    edit_url = reverse("staffing:rotation_edit", args=[plan_a.contract.pk, added.pk])
    edit_page = client.get(edit_url).content.decode()
    assert "Cette présence créerait un conflit" in edit_page  # the current state of the presence

    moved = client.post(edit_url, presence(plan_a, weekday="1"), follow=True).content.decode()

    added.refresh_from_db()
    assert added.weekday == 1
    assert "Présence modifiée." in moved
    assert "Aucun conflit" in moved
    assert "presence--conflict" not in moved


def test_a_site_planned_over_its_contracted_hours_is_a_conflict(plan_a, tenant_a):
    client = tenant_a.client(Role.COORDINATOR)
    url = reverse("staffing:rotation_check", args=[plan_a.contract.pk])
    client.post(
        planning_url(plan_a.contract), presence(plan_a, weekday="1", starts_at="09:00", ends_at="11:00")
    )

    check = client.get(
        url, presence(plan_a, weekday="2", starts_at="14:00", ends_at="16:00")
    ).content.decode()
    assert "Au-delà du contrat" in check
    assert "4 h planifiées par semaine pour 3 h prévues au contrat" in check

    page = client.post(
        planning_url(plan_a.contract),
        presence(plan_a, weekday="2", starts_at="14:00", ends_at="16:00"),
        follow=True,
    ).content.decode()
    assert "Au-delà du contrat" in page
    assert "load--over" in page
    assert f"4{NBSP}h / 3{NBSP}h" in page


def test_bad_times_are_refused_in_french_and_kept(plan_a, tenant_a):
    page = (
        tenant_a.client(Role.COORDINATOR)
        .post(planning_url(plan_a.contract), presence(plan_a, starts_at="14:00", ends_at="13:00"))
        .content.decode()
    )
    assert "L&#x27;heure de fin doit suivre l&#x27;heure de début." in page
    assert 'value="14:00"' in page
    assert Rotation.objects.count() == 1


def test_a_mediator_of_another_operator_cannot_be_planned(plan_a, tenant_a, tenant_b):
    stranger = MediatorProfile.objects.create(user=UserFactory(), operator=tenant_b.operator)
    tenant_a.client(Role.COORDINATOR).post(
        planning_url(plan_a.contract), presence(plan_a, mediator=str(stranger.pk))
    )
    assert Rotation.objects.count() == 1


def test_deleting_a_presence(plan_a, tenant_a):
    url = reverse("staffing:rotation_delete", args=[plan_a.contract.pk, plan_a.rotation.pk])
    client = tenant_a.client(Role.COORDINATOR)
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert "Présence supprimée." in response.content.decode()
    assert not Rotation.objects.exists()


def test_the_client_and_the_funder_read_the_grid_without_forms_and_cannot_write(plan_a, tenant_a):
    client_coordinator = MembershipFactory(operator=plan_a.contract.client, role=Role.COORDINATOR)
    readers = [verified_client(client_coordinator.user), tenant_a.client(Role.FUNDER)]
    contract = plan_a.contract
    for reader in readers:
        page = reader.get(planning_url(contract)).content.decode()
        assert str(plan_a.mediator) in page
        assert "Ajouter la présence" not in page
        assert reverse("staffing:rotation_edit", args=[contract.pk, plan_a.rotation.pk]) not in page
        assert reader.post(planning_url(contract), presence(plan_a)).status_code == 403
        edit = reverse("staffing:rotation_edit", args=[contract.pk, plan_a.rotation.pk])
        assert reader.post(edit, presence(plan_a)).status_code == 403
        delete = reverse("staffing:rotation_delete", args=[contract.pk, plan_a.rotation.pk])
        assert reader.post(delete).status_code == 403
        assert reader.get(reverse("staffing:rotation_check", args=[contract.pk])).status_code == 403
        assert reader.get(reverse("staffing:contract_replacements", args=[contract.pk])).status_code == 403
    assert Rotation.objects.get() == plan_a.rotation


def test_readers_do_not_see_conflicts_with_the_providers_other_contracts(plan_a, tenant_a):
    other_contract = ContractFactory(operator=tenant_a.operator, reference="CTR-AUTRE")
    far_site = SiteFactory(commune=tenant_a.site.commune, name="Agence postale de Noyant")
    ContractSiteFactory(contract=other_contract, site=far_site)
    RotationFactory(contract=other_contract, mediator=plan_a.mediator, site=far_site, starts_at=time(11, 0))
    client_coordinator = MembershipFactory(operator=plan_a.contract.client, role=Role.COORDINATOR)
    page = verified_client(client_coordinator.user).get(planning_url(plan_a.contract)).content.decode()
    assert "Agence postale de Noyant" not in page
    assert "Aucun conflit" in page


# --- Absences and replacements -----------------------------------------------------------------------


@pytest.fixture
def colleague(plan_a, tenant_a):
    user = UserFactory(first_name="Colette", last_name="Remplaçante")
    MembershipFactory(user=user, operator=tenant_a.operator, role=Role.MEDIATOR)
    return MediatorProfile.objects.create(user=user, operator=tenant_a.operator)


def test_the_replacement_flow(plan_a, tenant_a, colleague):
    Absence.objects.create(
        mediator=plan_a.mediator, starts_on=date(2026, 3, 9), ends_on=date(2026, 3, 9), reason="sickness"
    )
    # Colette already works at the other site on Mondays 11:00-13:00: replacing is a double booking.
    RotationFactory(
        contract=plan_a.contract,
        mediator=colleague,
        site=plan_a.other_site,
        starts_at=time(11, 0),
        ends_at=time(13, 0),
    )
    client = tenant_a.client(Role.COORDINATOR)
    url = reverse("staffing:contract_replacements", args=[plan_a.contract.pk])

    page = client.get(url).content.decode()
    assert "Lundi 9 mars" in page
    assert "est absent(e) ce jour-là" in page
    assert "Colette Remplaçante — déjà prévu(e) à ce moment" in page

    prefix = f"r{plan_a.rotation.pk}-20260309"
    form = {
        "row": prefix,
        f"{prefix}-rotation": plan_a.rotation.pk,
        f"{prefix}-date": "2026-03-09",
        f"{prefix}-replacement": "",
        f"{prefix}-action": "replace",
    }
    refused = client.post(url, form).content.decode()
    assert "Choisissez qui remplace" in refused
    assert not Replacement.objects.exists()

    done = client.post(url, {**form, f"{prefix}-replacement": colleague.pk}, follow=True).content.decode()
    record = Replacement.objects.get()
    assert record.replacement == colleague
    assert "Colette Remplaçante remplace le 09/03/2026" in done
    assert "Attention : Colette Remplaçante est aussi prévu(e) ce jour-là" in done
    assert "Remplacé(e) par Colette Remplaçante" in done
    assert "Aucune permanence à remplacer" in done

    undone = client.post(
        reverse("staffing:replacement_clear", args=[plan_a.contract.pk, record.pk]), follow=True
    ).content.decode()
    assert not Replacement.objects.exists()
    assert "est absent(e) ce jour-là" in undone

    cancelled = client.post(url, {**form, f"{prefix}-action": "cancel"}, follow=True).content.decode()
    assert Replacement.objects.get().replacement is None
    assert "Permanence annulée" in cancelled


def test_a_replacement_is_refused_for_another_contract_rotation(plan_a, tenant_a, colleague):
    other = RotationFactory(
        mediator=MediatorProfile.objects.create(user=UserFactory(), operator=OperatorFactory())
    )
    prefix = f"r{other.pk}-20260309"
    client = tenant_a.client(Role.COORDINATOR)
    client.post(
        reverse("staffing:contract_replacements", args=[plan_a.contract.pk]),
        {
            "row": prefix,
            f"{prefix}-rotation": other.pk,
            f"{prefix}-date": "2026-03-09",
            f"{prefix}-replacement": colleague.pk,
            f"{prefix}-action": "replace",
        },
    )
    assert not Replacement.objects.exists()
