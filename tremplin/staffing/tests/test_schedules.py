"""Schedules per mediator and per site (page and ICS file), « Mon planning », and the next presence."""

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from conftest import verified_client
from tremplin.accounts.tests.factories import MembershipFactory, UserFactory
from tremplin.core.roles import Role
from tremplin.staffing import ics
from tremplin.staffing.models import Absence, Contract, MediatorProfile, Replacement

from .factories import RotationFactory

PARIS = ZoneInfo("Europe/Paris")
NBSP = "\u00a0"


def travel(*args):
    return time_machine.travel(datetime(*args, tzinfo=PARIS), tick=False)


def unfold(body: str) -> list[str]:
    return body.replace("\r\n ", "").split("\r\n")


def events(body: str) -> list[dict]:
    found, current = [], None
    for line in unfold(body):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            found.append(current)
            current = None
        elif current is not None and ":" in line:
            key, value = line.split(":", 1)
            current[key] = value
    return found


# --- The ICS writer ----------------------------------------------------------------------------------


def test_text_values_are_escaped():
    assert ics.escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_long_lines_are_folded_at_75_octets_without_cutting_a_character():
    line = "SUMMARY:" + "Médiation à Hénin-Beaumont — " * 6
    folded = ics.fold(line)
    physical = folded.split("\r\n")
    assert len(physical) > 1
    assert all(len(part.encode()) <= 75 for part in physical)
    assert all(part.startswith(" ") for part in physical[1:])
    assert folded.replace("\r\n ", "") == line


# --- A mediator's and a site's files -----------------------------------------------------------------


def test_the_mediators_file_is_valid_icalendar_with_paris_times_across_the_clock_change(plan_a, tenant_a):
    # Mondays 9:00-12:00; on 25 October 2026 the clocks go back an hour.
    with travel(2026, 10, 19, 8, 0):
        response = tenant_a.client(Role.MEDIATOR).get(
            reverse("staffing:mediator_schedule_ics", args=[plan_a.mediator.pk])
        )
    body = response.content.decode()

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert body.endswith("END:VCALENDAR\r\n")
    assert "\n" not in body.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    assert body.count("BEGIN:VEVENT") == body.count("END:VEVENT") == 8
    assert "BEGIN:VTIMEZONE\r\nTZID:Europe/Paris" in body
    lines = unfold(body)
    assert lines.count("BEGIN:VCALENDAR") == lines.count("END:VCALENDAR") == 1
    found = {event["DTSTART;TZID=Europe/Paris"]: event for event in events(body)}
    before, after = found["20261019T090000"], found["20261026T090000"]
    assert before["DTEND;TZID=Europe/Paris"] == "20261019T120000"
    assert after["DTEND;TZID=Europe/Paris"] == "20261026T120000"
    assert after["UID"] == f"rotation-{plan_a.rotation.pk}-20261026@tremplin"
    assert re.fullmatch(r"\d{8}T\d{6}Z", after["DTSTAMP"])
    assert after["STATUS"] == "CONFIRMED"


def test_uids_stay_the_same_from_one_download_to_the_next(plan_a, tenant_a):
    url = reverse("staffing:mediator_schedule_ics", args=[plan_a.mediator.pk])
    client = tenant_a.client(Role.COORDINATOR)
    with travel(2026, 3, 2, 8, 0):
        first = [e["UID"] for e in events(client.get(url).content.decode())]
    with travel(2026, 3, 3, 8, 0):
        second = [e["UID"] for e in events(client.get(url).content.decode())]
    assert first[1:] == second[: len(first) - 1]


def test_the_sites_file_escapes_names_and_marks_cancelled_and_uncovered_days(plan_a, tenant_a):
    site = plan_a.site
    site.name = "Bureau de poste, place; du \\ marché — accueil des personnes âgées et des familles"
    site.save()
    Replacement.objects.create(rotation=plan_a.rotation, date=date(2026, 3, 9), replacement=None)
    Absence.objects.create(
        mediator=plan_a.mediator, starts_on=date(2026, 3, 16), ends_on=date(2026, 3, 16), reason="leave"
    )
    with travel(2026, 3, 2, 8, 0):
        body = (
            tenant_a.client(Role.COORDINATOR)
            .get(reverse("staffing:site_schedule_ics", args=[site.pk]))
            .content.decode()
        )
    by_day = {e["DTSTART;TZID=Europe/Paris"][:8]: e for e in events(body)}
    assert "Bureau de poste\\, place\\; du \\\\ marché" in by_day["20260302"]["SUMMARY"]
    assert by_day["20260302"]["DESCRIPTION"].startswith(f"Médiateur : {plan_a.mediator}\\nContrat")
    assert by_day["20260309"]["STATUS"] == "CANCELLED"
    assert by_day["20260316"]["STATUS"] == "TENTATIVE"
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


# --- The printable pages ------------------------------------------------------------------------------


def test_the_site_schedule_page_lists_eight_weeks_with_replacements(plan_a, tenant_a):
    colleague = MediatorProfile.objects.create(
        user=UserFactory(first_name="Colette", last_name="Remplaçante"), operator=tenant_a.operator
    )
    Replacement.objects.create(rotation=plan_a.rotation, date=date(2026, 3, 9), replacement=colleague)
    with travel(2026, 3, 2, 8, 0):
        page = (
            tenant_a.client(Role.COORDINATOR)
            .get(reverse("staffing:site_schedule", args=[plan_a.site.pk]))
            .content.decode()
        )
    assert page.count('class="schedule-day"') == 8
    assert "Lundi 2 mars</h2>" in page
    assert 'id="jour-20260420"' in page and 'id="jour-20260427"' not in page
    assert f"9{NBSP}h – 12{NBSP}h" in page
    assert "Colette Remplaçante" in page
    assert f"en remplacement de {plan_a.mediator}" in page
    assert reverse("staffing:site_schedule_ics", args=[plan_a.site.pk]) in page


def test_a_draft_contract_is_not_in_the_schedules(plan_a, tenant_a):
    Contract.objects.filter(pk=plan_a.contract.pk).update(status=Contract.Status.DRAFT)
    with travel(2026, 3, 2, 8, 0):
        page = tenant_a.client(Role.MEDIATOR).get(reverse("staffing:my_schedule")).content.decode()
    assert "Aucune permanence prévue" in page


def test_the_shift_screen_does_not_announce_a_presence_of_a_closed_contract(plan_a, tenant_a):
    Contract.objects.filter(pk=plan_a.contract.pk).update(status=Contract.Status.CLOSED)
    with travel(2026, 3, 2, 8, 0):
        page = tenant_a.client(Role.MEDIATOR).get(reverse("staffing:shift_home")).content.decode()
    assert "Prévu aujourd'hui" not in page
    assert "Aucune présence n'est planifiée pour vous aujourd'hui." in page


def test_who_sees_a_sites_schedule(plan_a, tenant_a, tenant_b):
    url = reverse("staffing:site_schedule", args=[plan_a.site.pk])
    client_coordinator = MembershipFactory(operator=plan_a.contract.client, role=Role.COORDINATOR)
    for client in (
        tenant_a.client(Role.COORDINATOR),
        tenant_a.client(Role.FUNDER),
        tenant_a.client(Role.MEDIATOR),
        verified_client(client_coordinator.user),
    ):
        assert client.get(url).status_code == 200
    for role in (Role.COORDINATOR, Role.FUNDER, Role.MEDIATOR):
        assert tenant_b.client(role).get(url).status_code == 404
    # A site no contract covers has no schedule.
    assert (
        tenant_a.client(Role.COORDINATOR)
        .get(reverse("staffing:site_schedule", args=[tenant_b.site.pk]))
        .status_code
        == 404
    )


def test_who_sees_a_mediators_schedule(plan_a, tenant_a, tenant_b):
    url = reverse("staffing:mediator_schedule", args=[plan_a.mediator.pk])
    assert tenant_a.client(Role.MEDIATOR).get(url).status_code == 200
    assert tenant_a.client(Role.COORDINATOR).get(url).status_code == 200
    assert tenant_a.client(Role.FUNDER).get(url).status_code == 404
    other = MembershipFactory(operator=tenant_a.operator, role=Role.MEDIATOR)
    assert verified_client(other.user).get(url).status_code == 404
    assert tenant_b.client(Role.COORDINATOR).get(url).status_code == 404


def test_my_schedule_shows_two_weeks_without_absent_days_and_with_replacements(plan_a, tenant_a):
    colleague_user = UserFactory(first_name="Colette", last_name="Remplaçante")
    MembershipFactory(user=colleague_user, operator=tenant_a.operator, role=Role.MEDIATOR)
    colleague = MediatorProfile.objects.create(user=colleague_user, operator=tenant_a.operator)
    Absence.objects.create(
        mediator=plan_a.mediator, starts_on=date(2026, 3, 9), ends_on=date(2026, 3, 9), reason="leave"
    )
    Replacement.objects.create(rotation=plan_a.rotation, date=date(2026, 3, 9), replacement=colleague)
    with travel(2026, 3, 2, 8, 0):
        mine = tenant_a.client(Role.MEDIATOR).get(reverse("staffing:my_schedule")).content.decode()
        theirs = verified_client(colleague_user).get(reverse("staffing:my_schedule")).content.decode()
    assert 'id="jour-20260302"' in mine and 'id="jour-20260309"' not in mine
    assert reverse("staffing:mediator_schedule_ics", args=[plan_a.mediator.pk]) in mine
    assert 'id="jour-20260309"' in theirs and 'id="jour-20260302"' not in theirs
    assert f"en remplacement de {plan_a.mediator}" in theirs


def test_my_schedule_without_a_profile_says_so(tenant_a):
    page = tenant_a.client(Role.MEDIATOR).get(reverse("staffing:my_schedule")).content.decode()
    assert "Aucune fiche médiateur" in page
    assert tenant_a.client(Role.FUNDER).get(reverse("staffing:my_schedule")).status_code == 403


# --- The next presence on the site page ---------------------------------------------------------------


@pytest.fixture
def tuesday_morning(plan_a):
    plan_a.rotation.weekday = 1
    plan_a.rotation.save()
    return plan_a


def test_the_site_page_shows_the_next_presence_without_the_mediators_name(tuesday_morning, tenant_a):
    with travel(2026, 11, 23, 13, 0):
        page = (
            tenant_a.client(Role.FUNDER)
            .get(reverse("territory:site_detail", args=[tenant_a.site.pk]))
            .content.decode()
        )
    assert f"Prochaine permanence de médiation : mardi 24 novembre, 9{NBSP}h – 12{NBSP}h" in page
    assert str(tuesday_morning.mediator) not in page


def test_the_next_presence_skips_a_day_the_mediator_is_absent(tuesday_morning, tenant_a):
    Absence.objects.create(
        mediator=tuesday_morning.mediator,
        starts_on=date(2026, 11, 24),
        ends_on=date(2026, 11, 24),
        reason="leave",
    )
    with travel(2026, 11, 23, 13, 0):
        page = (
            tenant_a.client(Role.MEDIATOR)
            .get(reverse("territory:site_detail", args=[tenant_a.site.pk]))
            .content.decode()
        )
    assert "mardi 1 décembre" in page


def test_the_site_page_says_when_nothing_is_planned(tenant_a):
    page = (
        tenant_a.client(Role.MEDIATOR)
        .get(reverse("territory:site_detail", args=[tenant_a.site.pk]))
        .content.decode()
    )
    assert "Aucune permanence prévue" in page


def test_a_presence_planned_later_in_the_day_is_the_next_one(plan_a, tenant_a):
    RotationFactory(
        contract=plan_a.contract,
        mediator=plan_a.mediator,
        site=plan_a.site,
        starts_at=time(14, 0),
        ends_at=time(17, 30),
    )
    with travel(2026, 11, 23, 12, 30):
        page = (
            tenant_a.client(Role.MEDIATOR)
            .get(reverse("territory:site_detail", args=[tenant_a.site.pk]))
            .content.decode()
        )
    assert f"lundi 23 novembre, 14{NBSP}h – 17{NBSP}h{NBSP}30" in page
