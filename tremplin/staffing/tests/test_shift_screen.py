"""The mediator's shift screen: one tap to start, one tap to end, a forgotten shift closed first."""

import re
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tremplin.core.models import JournalEntry
from tremplin.core.roles import Role
from tremplin.staffing import selectors, services
from tremplin.staffing.models import Shift
from tremplin.staffing.templatetags.hours_format import minutes

PARIS = ZoneInfo("Europe/Paris")
HOME = reverse("staffing:shift_home")
START = reverse("staffing:shift_start")
END = reverse("staffing:shift_end")
FORGOTTEN = reverse("staffing:shift_close_forgotten")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


@pytest.fixture
def mediator(plan_a, tenant_a):
    return tenant_a.client(Role.MEDIATOR)


def page(client) -> str:
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def start_form(client) -> dict:
    """The start form as the page draws it: its UUID and the pre-selected site."""
    html = page(client)
    client_uuid = re.search(r'name="client_uuid" value="([0-9a-f-]{36})"', html).group(1)
    checked = re.search(r'name="site" value="(\d+)" checked', html)
    return {"client_uuid": client_uuid, "site": checked.group(1) if checked else ""}


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_without_a_mediator_profile_the_screen_says_so_in_french(tenant_a):
    html = page(tenant_a.client(Role.MEDIATOR))
    assert "pas de fiche de médiateur" in html
    assert "Commencer ma permanence" not in html


def test_without_a_profile_posting_is_refused(tenant_a):
    response = tenant_a.client(Role.MEDIATOR).post(START, {"client_uuid": str(uuid.uuid4())})
    assert response.status_code == 403
    assert not Shift.objects.exists()


def test_the_navigation_offers_the_shift_screen_to_mediators(plan_a, tenant_a):
    html = tenant_a.client(Role.MEDIATOR).get(reverse("core:home")).content.decode()
    assert f'href="{HOME}"' in html
    assert "Ma permanence" in html


def test_the_planned_site_is_pre_selected_and_another_site_can_be_chosen(plan_a, mediator):
    with time_machine.travel(at(2026, 3, 9, 8, 50), tick=False):
        html = page(mediator)
        form = start_form(mediator)
    assert form["site"] == str(plan_a.site.pk)
    assert "Prévu aujourd'hui : " in html
    assert "Autre site" in html
    assert f'name="site" value="{plan_a.other_site.pk}"' in html
    assert html.count("Commencer ma permanence") == 1


def test_start_then_end_in_one_post_each(plan_a, mediator):
    with time_machine.travel(at(2026, 3, 9, 9, 2), tick=False):
        form = start_form(mediator)
        response = mediator.post(START, form, follow=True)
    shift = Shift.objects.get()
    assert (shift.mediator, shift.site, shift.rotation, shift.contract) == (
        plan_a.mediator,
        plan_a.site,
        plan_a.rotation,
        plan_a.contract,
    )
    assert str(shift.client_uuid) == form["client_uuid"]
    assert shift.is_open
    assert "Permanence commencée à 9 h 02" in " ".join(messages_of(response))

    with time_machine.travel(at(2026, 3, 9, 10, 32), tick=False):
        html = page(mediator)
        assert "Terminer ma permanence" in html
        assert "Commencer ma permanence" not in html
        assert "1\xa0h\xa030" in html  # elapsed
        assert plan_a.site.name in html
        response = mediator.post(END, {"shift": str(shift.client_uuid)}, follow=True)
    shift.refresh_from_db()
    assert shift.ended_at == at(2026, 3, 9, 10, 32)
    assert shift.minutes == 90
    assert "Permanence terminée" in " ".join(messages_of(response))
    assert JournalEntry.objects.filter(action="staffing.shift.ended", object_id=str(shift.pk)).exists()


def test_a_double_tap_or_a_resent_form_starts_one_shift(plan_a, mediator):
    with time_machine.travel(at(2026, 3, 9, 9, 0), tick=False):
        form = start_form(mediator)
        first = mediator.post(START, form)
        second = mediator.post(START, form)
    assert first.status_code == second.status_code == 302
    assert Shift.objects.count() == 1
    shift = Shift.objects.get()
    with time_machine.travel(at(2026, 3, 9, 12, 0), tick=False):
        mediator.post(END, {"shift": str(shift.client_uuid)})
        mediator.post(END, {"shift": str(shift.client_uuid)})
        resent = mediator.post(START, form, follow=True)
    assert Shift.objects.count() == 1
    shift.refresh_from_db()
    assert shift.minutes == 180
    assert "déjà terminée" in " ".join(messages_of(resent))
    assert JournalEntry.objects.filter(action="staffing.shift.started").count() == 1
    assert JournalEntry.objects.filter(action="staffing.shift.ended").count() == 1


def test_starting_at_another_site(plan_a, mediator):
    with time_machine.travel(at(2026, 3, 9, 14, 0), tick=False):
        form = start_form(mediator) | {"site": str(plan_a.other_site.pk)}
        mediator.post(START, form)
    shift = Shift.objects.get()
    assert shift.site == plan_a.other_site
    assert shift.rotation is None
    assert shift.contract == plan_a.contract


def test_a_site_outside_the_mediators_contracts_is_refused_in_french(plan_a, mediator, tenant_b):
    with time_machine.travel(at(2026, 3, 9, 9, 0), tick=False):
        form = start_form(mediator) | {"site": str(tenant_b.site.pk)}
        response = mediator.post(START, form, follow=True)
    assert response.status_code == 200
    assert not Shift.objects.exists()
    assert "ne fait pas partie de vos sites" in " ".join(messages_of(response))


@pytest.mark.parametrize("client_uuid", ["", "pas-un-uuid", "1234"])
def test_a_broken_form_never_fails_with_a_server_error(plan_a, mediator, client_uuid):
    with time_machine.travel(at(2026, 3, 9, 9, 0), tick=False):
        response = mediator.post(
            START, {"client_uuid": client_uuid, "site": str(plan_a.site.pk)}, follow=True
        )
        ended = mediator.post(END, {"shift": client_uuid}, follow=True)
        forgotten = mediator.post(FORGOTTEN, {"shift": client_uuid, "ended_time": "25:99"})
    assert response.status_code == ended.status_code == forgotten.status_code == 200
    assert "rechargez la page" in " ".join(messages_of(response))
    assert not Shift.objects.exists()


def test_without_a_planned_presence_the_last_site_is_suggested(plan_a, mediator):
    with time_machine.travel(at(2026, 3, 10, 9, 0), tick=False):  # a Tuesday: nothing planned
        html = page(mediator)
        assert "Aucune présence n'est planifiée" in html
        mediator.post(START, start_form(mediator) | {"site": str(plan_a.other_site.pk)})
        services.shift_end(actor=None, shift=Shift.objects.get(), at=at(2026, 3, 10, 12, 0))
    with time_machine.travel(at(2026, 3, 11, 9, 0), tick=False):
        assert start_form(mediator)["site"] == str(plan_a.other_site.pk)


def test_a_forgotten_shift_blocks_a_new_start_and_asks_for_its_real_end(plan_a, mediator):
    with time_machine.travel(at(2026, 3, 9, 9, 0), tick=False):
        mediator.post(START, start_form(mediator))
    forgotten = Shift.objects.get()
    with time_machine.travel(at(2026, 3, 10, 8, 55), tick=False):
        html = page(mediator)
        assert "n'a pas été terminée" in html
        assert "Enregistrer l'heure de fin" in html
        assert "Commencer ma permanence" not in html
        assert "Terminer ma permanence" not in html
        assert 'value="2026-03-09"' in html  # the day it started, pre-filled
        assert 'value="12:00"' in html  # the planned end, pre-filled

        blocked = mediator.post(
            START, {"client_uuid": str(uuid.uuid4()), "site": str(plan_a.site.pk)}, follow=True
        )
        assert Shift.objects.count() == 1
        assert "indiquez d'abord son heure de fin" in " ".join(messages_of(blocked))
        ending = mediator.post(END, {"shift": str(forgotten.client_uuid)}, follow=True)
        assert "indiquez l'heure" in " ".join(messages_of(ending))
        assert Shift.objects.get().is_open

        response = mediator.post(
            FORGOTTEN,
            {"shift": str(forgotten.client_uuid), "ended_on": "2026-03-09", "ended_time": "12:30"},
            follow=True,
        )
        forgotten.refresh_from_db()
        assert (forgotten.ended_at, forgotten.minutes, forgotten.end_was_forgotten) == (
            at(2026, 3, 9, 12, 30),
            210,
            True,
        )
        assert "Commencer ma permanence" in response.content.decode()
        mediator.post(START, start_form(mediator) | {"site": str(plan_a.site.pk)})
    assert Shift.objects.count() == 2


def test_a_wrong_forgotten_end_is_explained_and_the_input_kept(plan_a, mediator):
    with time_machine.travel(at(2026, 3, 9, 9, 0), tick=False):
        mediator.post(START, start_form(mediator))
    shift = Shift.objects.get()
    with time_machine.travel(at(2026, 3, 10, 8, 0), tick=False):
        response = mediator.post(
            FORGOTTEN, {"shift": str(shift.client_uuid), "ended_on": "2026-03-09", "ended_time": "08:15"}
        )
        future = mediator.post(
            FORGOTTEN, {"shift": str(shift.client_uuid), "ended_on": "2026-03-10", "ended_time": "17:00"}
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert "L&#x27;heure de fin doit suivre le début de la permanence." in html
    assert 'value="08:15"' in html
    assert "ne peut pas être dans le futur" in future.content.decode()
    assert Shift.objects.get().is_open


def test_the_week_lists_the_shifts_with_their_durations_and_total(plan_a, mediator):
    for start, end in [
        (at(2026, 3, 9, 9, 0), at(2026, 3, 9, 12, 15)),
        (at(2026, 3, 12, 13, 30), at(2026, 3, 12, 17, 0)),
    ]:
        with time_machine.travel(start, tick=False):
            shift = services.shift_start(actor=None, mediator=plan_a.mediator, site=plan_a.site)
        services.shift_end(actor=None, shift=shift, at=end)
    with time_machine.travel(at(2026, 3, 13, 10, 0), tick=False):
        response = mediator.get(HOME)
        week = selectors.mediator_week(plan_a.mediator)
    html = response.content.decode()
    assert week.minutes == 195 + 210
    assert minutes(195) in html and minutes(210) in html
    assert re.search(r'data-testid="week-total">6\xa0h\xa045<', html)
    assert "Mes permanences du lundi 9 mars au dimanche 15 mars 2026" in html
