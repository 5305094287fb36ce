"""Planned against worked hours, and the workshops' figures, on a small world with known answers.

Operator A's contract covers its site. In March 2026: the mediator is planned every Monday 9:00–12:00
(five Mondays: 2, 9, 16, 23 and 30), absent on the 9th with nobody to replace them, replaced on the 16th
by a colleague; they worked one shift, Monday 2 March 9:00–12:00. A session of three seats on Thursday
12 March: three people booked, a fourth waits; two of the three came, one came without booking, and two
anonymous people joined; a second session, on the 20th, was cancelled.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tremplin.accounts.selectors import viewer_for_membership
from tremplin.core.roles import Role
from tremplin.mediation.models import Accompaniment
from tremplin.mediation.tests.helpers import at_work
from tremplin.reporting import selectors
from tremplin.reporting.aggregates import aggregates_rebuild
from tremplin.reporting.models import ScopeKind
from tremplin.reporting.periods import Period
from tremplin.reporting.scopes import NATION, Scope
from tremplin.staffing import selectors as staffing_selectors
from tremplin.staffing import services as staffing_services
from tremplin.staffing.models import Contract, MediatorProfile
from tremplin.staffing.tests.factories import ContractFactory, ContractSiteFactory
from tremplin.workshops import selectors as workshop_selectors
from tremplin.workshops import services as workshop_services
from tremplin.workshops.tests.helpers import book, catalogue_entry, schedule

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
MARCH = Period(date(2026, 3, 1), date(2026, 3, 1))
THREE_HOURS = 180


def viewer(tenant, role):
    membership = tenant.members[role]
    return viewer_for_membership(membership.user, membership)


@pytest.fixture
def plan(tenant_a):
    work = at_work(tenant_a, start_shift=False)
    contract = Contract.objects.get(operator=tenant_a.operator)
    colleague = MediatorProfile.objects.create(
        user=tenant_a.members[Role.COORDINATOR].user, operator=tenant_a.operator
    )
    rotation = staffing_services.rotation_save(
        actor=None,
        contract=contract,
        mediator=work.mediator,
        site=work.site,
        weekday=0,
        starts_at=time(9),
        ends_at=time(12),
        valid_from=date(2026, 3, 1),
        valid_until=date(2026, 3, 31),
    )
    absence = staffing_services.absence_create(
        actor=None,
        mediator=work.mediator,
        starts_on=date(2026, 3, 9),
        ends_on=date(2026, 3, 9),
        reason="leave",
    )
    staffing_services.replacement_set(
        actor=None, rotation=rotation, on=date(2026, 3, 16), replacement=colleague
    )
    shift = staffing_services.shift_start(
        actor=None, mediator=work.mediator, site=work.site, at=datetime(2026, 3, 2, 9, tzinfo=PARIS)
    )
    staffing_services.shift_end(actor=None, shift=shift, at=datetime(2026, 3, 2, 12, tzinfo=PARIS))
    # A plan still in preparation is not due.
    draft = ContractFactory(operator=tenant_a.operator, status=Contract.Status.DRAFT)
    ContractSiteFactory(contract=draft, site=work.site)
    staffing_services.rotation_save(
        actor=None,
        contract=draft,
        mediator=work.mediator,
        site=work.site,
        weekday=2,
        starts_at=time(9),
        ends_at=time(12),
        valid_from=date(2026, 3, 1),
    )
    work.contract, work.colleague, work.absence = contract, colleague, absence
    return work


def test_planned_hours_follow_the_plan_its_absences_and_replacements(plan):
    coordinator = viewer(plan.tenant, Role.COORDINATOR)
    figures = selectors.figures(coordinator, NATION, MARCH)

    assert figures.planned_minutes == 4 * THREE_HOURS  # the 9th is not covered
    assert figures.worked_minutes == THREE_HOURS
    assert figures.hours_gap == -3 * THREE_HOURS
    staffing = staffing_selectors.planned_vs_worked(plan.contract, date(2026, 3, 1), date(2026, 3, 31))
    assert figures.planned_minutes == sum(row.planned for row in staffing)
    # Each mediator is planned for the presences they are to make: the colleague for the 16th.
    mine = selectors.figures(coordinator, Scope(ScopeKind.MEDIATOR, plan.mediator), MARCH)
    theirs = selectors.figures(coordinator, Scope(ScopeKind.MEDIATOR, plan.colleague), MARCH)
    assert (mine.planned_minutes, theirs.planned_minutes) == (3 * THREE_HOURS, THREE_HOURS)
    months = selectors.by_month(coordinator, Scope(ScopeKind.CONTRACT, plan.contract), MARCH)
    assert [row.figures.planned_minutes for row in months] == [4 * THREE_HOURS]


def test_a_change_to_the_plan_changes_the_figures_at_the_next_reading(plan):
    coordinator = viewer(plan.tenant, Role.COORDINATOR)
    assert selectors.figures(coordinator, NATION, MARCH).planned_minutes == 4 * THREE_HOURS

    staffing_services.absence_delete(actor=None, absence=plan.absence)
    assert selectors.figures(coordinator, NATION, MARCH).planned_minutes == 5 * THREE_HOURS

    Contract.objects.filter(pk=plan.contract.pk).update(status=Contract.Status.DRAFT)
    assert selectors.figures(coordinator, NATION, MARCH).planned_minutes == 0


def _held_session(work):
    """Thursday 12 March at 14:00, three seats; see the module's docstring."""
    starts = datetime(2026, 3, 12, 14, tzinfo=PARIS)
    workshop = catalogue_entry(work)
    with time_machine.travel(starts - timedelta(days=5), tick=False):
        session = schedule(work, workshop, starts_at=starts, capacity=3)
        booked = [book(session, name) for name in ("Ginette", "Paul", "Lucienne")]
        book(session, "Marcel")  # waits: the three seats are taken
        cancelled = schedule(work, workshop, starts_at=starts + timedelta(days=8), capacity=6)
        workshop_services.session_cancel(actor=work.user, session=cancelled)
    with time_machine.travel(starts + timedelta(minutes=20), tick=False):
        for registration in booked[:2]:
            workshop_services.registration_mark_attendance(
                actor=work.user, registration=registration, present=True
            )
        workshop_services.walk_in_add(actor=work.user, session=session, first_name="Josette")
        workshop_services.extra_participants_set(
            actor=work.user, session=session, count=2, age_bracket="soixante_dix_plus"
        )
        workshop_services.session_close(actor=work.user, session=session)
    session.refresh_from_db()
    return session


@pytest.fixture
def held(tenant_a):
    work = at_work(tenant_a, start_shift=False)
    work.session = _held_session(work)
    return work


def test_workshop_figures_equal_the_programme_figures(held):
    coordinator = viewer(held.tenant, Role.COORDINATOR)
    figures = selectors.figures(coordinator, NATION, MARCH)
    workshops = figures.workshops

    assert (workshops.sessions, workshops.cancelled, workshops.capacity) == (1, 1, 3)
    assert (workshops.booked, workshops.attended, workshops.no_shows) == (3, 3, 1)
    assert (workshops.walk_ins, workshops.extras, workshops.participants) == (1, 2, 5)
    assert workshops.waiting == 1
    assert workshops.fill_rate == pytest.approx(3 / 3)
    assert workshops.no_show_rate == pytest.approx(1 / 3)
    programme = workshop_selectors.programme_figures(
        coordinator, start=date(2026, 3, 1), end=date(2026, 3, 31)
    ).total
    assert (programme.sessions, programme.capacity, programme.booked, programme.no_shows) == (
        workshops.sessions,
        workshops.capacity,
        workshops.booked,
        workshops.no_shows,
    )
    assert programme.participants == workshops.participants


def test_accompaniments_in_workshops_are_told_apart_from_individual_ones(held):
    coordinator = viewer(held.tenant, Role.COORDINATOR)
    from tremplin.mediation.tests.helpers import record

    with time_machine.travel(datetime(2026, 3, 13, 10, tzinfo=PARIS), tick=False):
        record(held, started_at=datetime(2026, 3, 13, 10, tzinfo=PARIS))
    figures = selectors.figures(coordinator, NATION, MARCH)

    in_session = Accompaniment.objects.filter(interaction=held.session.interaction).count()
    assert in_session == 5  # three people ticked present and two anonymous
    assert figures.workshop_accompaniments == 5
    assert figures.individual_accompaniments == figures.accompaniments - 5 == 1
    # A rebuild from the raw rows gives the same figures as the refreshes along the way.
    aggregates_rebuild()
    again = selectors.figures(coordinator, NATION, MARCH)
    assert (again.workshop_accompaniments, again.workshops) == (5, figures.workshops)


def test_the_dashboard_and_the_contract_report_show_workshops_and_the_plan(held):
    contract = Contract.objects.get(operator=held.tenant.operator)
    staffing_services.rotation_save(
        actor=None,
        contract=contract,
        mediator=held.mediator,
        site=held.site,
        weekday=3,
        starts_at=time(14),
        ends_at=time(17),
        valid_from=date(2026, 3, 12),
        valid_until=date(2026, 3, 12),
    )
    client = held.tenant.client(Role.COORDINATOR)
    query = "?" + MARCH.query()
    page = client.get(reverse("reporting:dashboard") + query).content.decode()
    assert "Ateliers tenus" in page and "Taux d&#x27;absence des inscrits" in page
    assert "Heures prévues au planning" in page
    assert 'data-testid="figure-workshops">1<' in page
    assert "5 participants, 100 % des places réservées" in page.replace("\u00a0", " ")
    assert "pour 3 h prévues au planning" in page.replace("\u00a0", " ")
    assert "dont 0 individuels et 5 en atelier" in page

    from io import BytesIO

    from openpyxl import load_workbook

    report = client.get(reverse("reporting:contract_report_xlsx", args=[contract.pk]) + query)
    workbook = load_workbook(BytesIO(report.content))
    headline = {
        row[0]: row[1]
        for row in workbook["Chiffres clés"].iter_rows(min_row=2, values_only=True)
        if row and row[0]
    }
    assert headline["Ateliers tenus"] == 1
    assert headline["dont accompagnements en atelier"] == 5
    assert headline["Heures prévues au planning"] == 3


def test_the_statistics_api_gives_the_workshops_and_the_plan(held):
    from django.test import Client

    from tremplin.accounts.services import api_token_create

    membership = held.tenant.members[Role.COORDINATOR]
    _token, raw = api_token_create(actor=membership.user, membership=membership, name="tableur")
    body = (
        Client(headers={"authorization": f"Bearer {raw}"})
        .get("/api/v1/statistics?du=2026-03&au=2026-03")
        .json()
    )
    assert (body["workshop_accompaniments"], body["individual_accompaniments"]) == (5, 0)
    assert body["planned_minutes"] == 0
    workshops = body["workshops"]
    assert (workshops["sessions"], workshops["cancelled"], workshops["participants"]) == (1, 1, 5)
    assert workshops["no_show_rate"] == pytest.approx(1 / 3)


def test_planned_hours_count_the_days_so_far_and_grow_day_by_day(tenant_a):
    """On Tuesday 10 March, the Mondays 2 and 9 were due; the 16th counts from the 16th on."""
    from tremplin.reporting.models import PlanDay

    work = at_work(tenant_a, start_shift=False)
    contract = Contract.objects.get(operator=tenant_a.operator)
    coordinator = viewer(tenant_a, Role.COORDINATOR)
    with time_machine.travel(datetime(2026, 3, 10, 8, tzinfo=PARIS), tick=False):
        staffing_services.rotation_save(
            actor=None,
            contract=contract,
            mediator=work.mediator,
            site=work.site,
            weekday=0,
            starts_at=time(9),
            ends_at=time(12),
            valid_from=date(2026, 3, 1),
        )
        assert selectors.figures(coordinator, NATION, MARCH).planned_minutes == 2 * THREE_HOURS
    with time_machine.travel(datetime(2026, 3, 16, 7, tzinfo=PARIS), tick=False):
        # Nothing was written since: the new day alone brings the 16th's presence in.
        assert selectors.figures(coordinator, NATION, MARCH).planned_minutes == 3 * THREE_HOURS
        assert PlanDay.objects.get().day == date(2026, 3, 16)
    with time_machine.travel(datetime(2026, 4, 2, 7, tzinfo=PARIS), tick=False):
        assert selectors.figures(coordinator, NATION, MARCH).planned_minutes == 5 * THREE_HOURS
