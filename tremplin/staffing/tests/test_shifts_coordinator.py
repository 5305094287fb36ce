"""The coordinator's shift list of a contract and the correction of a shift, with its reason."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from conftest import verified_client
from tremplin.accounts.tests.factories import MembershipFactory, UserFactory
from tremplin.core.models import JournalEntry
from tremplin.core.roles import Role
from tremplin.staffing import services
from tremplin.staffing.models import MediatorProfile, Shift

PARIS = ZoneInfo("Europe/Paris")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def work(mediator, site, start: datetime, end: datetime | None) -> Shift:
    with time_machine.travel(start, tick=False):
        shift = services.shift_start(actor=None, mediator=mediator, site=site)
    if end is not None:
        shift = services.shift_end(actor=None, shift=shift, at=end)
    return shift


@pytest.fixture
def client_coordinator(plan_a):
    """A coordinator of the contract's client (La Poste's direction)."""
    return verified_client(MembershipFactory(operator=plan_a.contract.client, role=Role.COORDINATOR).user)


@pytest.fixture
def shifts(plan_a, tenant_a):
    colleague = MediatorProfile.objects.create(
        user=UserFactory(last_name="Collègue"), operator=tenant_a.operator
    )
    return {
        "monday": work(plan_a.mediator, plan_a.site, at(2026, 3, 9, 9, 0), at(2026, 3, 9, 12, 0)),
        "other_site": work(colleague, plan_a.other_site, at(2026, 3, 10, 14, 0), at(2026, 3, 10, 16, 30)),
        "february": work(plan_a.mediator, plan_a.site, at(2026, 2, 23, 9, 0), at(2026, 2, 23, 11, 0)),
        "forgotten": work(colleague, plan_a.site, at(2026, 3, 16, 9, 0), None),
    }


def list_url(plan, **params) -> str:
    url = reverse("staffing:contract_shifts", args=[plan.contract.pk])
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{url}?{query}" if query else url


def correct_url(shift) -> str:
    return reverse("staffing:shift_correct", args=[shift.pk])


def test_the_list_shows_the_period_flags_open_shifts_and_adds_up(plan_a, tenant_a, shifts):
    with time_machine.travel(at(2026, 3, 20, 10, 0), tick=False):
        response = tenant_a.client(Role.COORDINATOR).get(list_url(plan_a))
    assert response.status_code == 200
    html = response.content.decode()
    listed = {row["shift"].pk for row in response.context["rows"]}
    assert listed == {shifts["monday"].pk, shifts["other_site"].pk, shifts["forgotten"].pk}
    assert "Permanences encore ouvertes" in html
    assert "Fin oubliée" in html
    assert 'data-testid="shifts-total">5\xa0h\xa030<' in html
    assert correct_url(shifts["forgotten"]) in html
    assert correct_url(shifts["monday"]) in html


def test_the_filters_narrow_the_list(plan_a, tenant_a, shifts):
    coordinator = tenant_a.client(Role.COORDINATOR)
    with time_machine.travel(at(2026, 3, 20, 10, 0), tick=False):
        by_site = coordinator.get(list_url(plan_a, site=plan_a.other_site.pk))
        by_mediator = coordinator.get(list_url(plan_a, mediator=plan_a.mediator.pk))
        february = coordinator.get(list_url(plan_a, start="2026-02-01", end="2026-02-28"))
        wrong = coordinator.get(list_url(plan_a, start="2026-03-31", end="2026-03-01"))
    assert {r["shift"].pk for r in by_site.context["rows"]} == {shifts["other_site"].pk}
    assert {r["shift"].pk for r in by_mediator.context["rows"]} == {shifts["monday"].pk}
    assert {r["shift"].pk for r in february.context["rows"]} == {shifts["february"].pk}
    assert wrong.status_code == 200
    assert "La fin de la période doit suivre son début." in wrong.content.decode()


def test_the_client_and_the_funder_read_without_correcting(plan_a, tenant_a, shifts, client_coordinator):
    with time_machine.travel(at(2026, 3, 20, 10, 0), tick=False):
        for reader in (client_coordinator, tenant_a.client(Role.FUNDER)):
            response = reader.get(list_url(plan_a))
            assert response.status_code == 200
            assert len(response.context["rows"]) == 3
            assert "/corriger/" not in response.content.decode()


def test_mediators_and_other_operators_do_not_read_a_contracts_shifts(plan_a, tenant_a, tenant_b, shifts):
    assert tenant_a.client(Role.MEDIATOR).get(list_url(plan_a)).status_code == 403
    assert tenant_b.client(Role.COORDINATOR).get(list_url(plan_a)).status_code == 404
    assert tenant_b.client(Role.FUNDER).get(list_url(plan_a)).status_code == 404


def test_a_coordinator_corrects_a_shift_with_a_reason(plan_a, tenant_a, shifts):
    coordinator = tenant_a.members[Role.COORDINATOR].user
    shift = shifts["monday"]
    with time_machine.travel(at(2026, 3, 20, 10, 0), tick=False):
        client = tenant_a.client(Role.COORDINATOR)
        form = client.get(correct_url(shift))
        assert 'value="09:00"' in form.content.decode() and 'value="12:00"' in form.content.decode()
        response = client.post(
            correct_url(shift),
            {
                "started_on": "2026-03-09",
                "started_time": "09:00",
                "ended_on": "2026-03-09",
                "ended_time": "13:30",
                "reason": "Resté pour un atelier",
            },
        )
    assert response.status_code == 302
    assert response["Location"].startswith(list_url(plan_a))
    shift.refresh_from_db()
    assert (shift.ended_at, shift.minutes) == (at(2026, 3, 9, 13, 30), 270)
    correction = shift.corrections.get()
    assert (correction.previous_started_at, correction.previous_ended_at) == (
        at(2026, 3, 9, 9, 0),
        at(2026, 3, 9, 12, 0),
    )
    assert correction.corrected_by == coordinator
    entry = JournalEntry.objects.get(action="staffing.shift.corrected", object_id=str(shift.pk))
    assert entry.actor == coordinator
    assert entry.payload == {"previous_minutes": 180, "minutes": 270}
    history = tenant_a.client(Role.COORDINATOR).get(correct_url(shift)).content.decode()
    assert "Resté pour un atelier" in history
    assert str(coordinator) in history


def test_a_forgotten_shift_is_closed_by_a_correction(plan_a, tenant_a, shifts):
    shift = shifts["forgotten"]
    with time_machine.travel(at(2026, 3, 20, 10, 0), tick=False):
        client = tenant_a.client(Role.COORDINATOR)
        assert "restée ouverte" in client.get(correct_url(shift)).content.decode()
        client.post(
            correct_url(shift),
            {
                "started_on": "2026-03-16",
                "started_time": "09:00",
                "ended_on": "2026-03-16",
                "ended_time": "12:00",
                "reason": "Fin oubliée, confirmée par téléphone",
            },
        )
    shift.refresh_from_db()
    assert shift.minutes == 180
    assert shift.corrections.get().previous_ended_at is None


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_correction_without_reason_is_refused_in_french_and_the_input_kept(
    plan_a, tenant_a, shifts, reason
):
    shift = shifts["monday"]
    with time_machine.travel(at(2026, 3, 20, 10, 0), tick=False):
        response = tenant_a.client(Role.COORDINATOR).post(
            correct_url(shift),
            {
                "started_on": "2026-03-09",
                "started_time": "08:45",
                "ended_on": "2026-03-09",
                "ended_time": "13:10",
                "reason": reason,
            },
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Indiquez le motif de la correction." in html
    assert 'value="08:45"' in html and 'value="13:10"' in html
    shift.refresh_from_db()
    assert shift.minutes == 180
    assert not shift.corrections.exists()
    assert not JournalEntry.objects.filter(action="staffing.shift.corrected").exists()


def test_an_end_before_the_start_is_refused_beside_the_end(plan_a, tenant_a, shifts):
    shift = shifts["monday"]
    with time_machine.travel(at(2026, 3, 20, 10, 0), tick=False):
        response = tenant_a.client(Role.COORDINATOR).post(
            correct_url(shift),
            {
                "started_on": "2026-03-09",
                "started_time": "12:00",
                "ended_on": "2026-03-09",
                "ended_time": "09:00",
                "reason": "Inversion",
            },
        )
    assert response.status_code == 200
    assert response.context["form"].errors["ended_time"] == ["La fin doit suivre le début."]
    assert not shift.corrections.exists()


def test_only_the_providers_coordinators_and_admins_correct(
    plan_a, tenant_a, tenant_b, shifts, client_coordinator
):
    shift = shifts["monday"]
    data = {
        "started_on": "2026-03-09",
        "started_time": "09:00",
        "ended_on": "2026-03-09",
        "ended_time": "10:00",
        "reason": "Essai",
    }
    mediator = tenant_a.client(Role.MEDIATOR)  # the mediator who worked it
    assert client_coordinator.get(correct_url(shift)).status_code == 403
    assert client_coordinator.post(correct_url(shift), data).status_code == 403
    assert mediator.post(correct_url(shift), data).status_code == 403
    assert tenant_a.client(Role.MEDIATOR).get(correct_url(shifts["other_site"])).status_code == 404
    assert tenant_a.client(Role.FUNDER).post(correct_url(shift), data).status_code == 403
    assert tenant_b.client(Role.COORDINATOR).post(correct_url(shift), data).status_code == 404
    shift.refresh_from_db()
    assert shift.minutes == 180
    with time_machine.travel(at(2026, 3, 20, 10, 0), tick=False):
        assert tenant_a.client(Role.ADMIN).post(correct_url(shift), data).status_code == 302
