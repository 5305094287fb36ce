"""What coordinators read: fill rates, no-show rates, waiting lists, progression along pathways; and the
erasure of registrants' data after the retention period."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from tremplin.core.roles import Role
from tremplin.mediation import services as mediation_services
from tremplin.mediation.tests.helpers import follow
from tremplin.workshops import selectors, services
from tremplin.workshops.models import Registration

from .helpers import book, catalogue_entry, schedule

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=PARIS)


def held_session(work, workshop, day: int, *, booked: int, present: int, extras: int = 0, capacity=8):
    """A session on 2 + `day` March at 14:00, `booked` people registered, `present` of them came."""
    starts = datetime(2026, 3, 2 + day, 14, 0, tzinfo=PARIS)
    with time_machine.travel(starts - timedelta(days=3), tick=False):
        session = schedule(work, workshop, starts_at=starts, capacity=capacity)
        people = [book(session, f"Personne {day} {index}") for index in range(booked)]
    with time_machine.travel(starts + timedelta(minutes=30), tick=False):
        for registration in people[:present]:
            services.registration_mark_attendance(actor=work.user, registration=registration, present=True)
        if extras:
            services.extra_participants_set(actor=work.user, session=session, count=extras)
        services.session_close(actor=work.user, session=session)
    return session


def test_fill_and_no_show_rates_and_waiting_lists(work):
    email = catalogue_entry(work, "Créer son adresse e-mail")
    bank = catalogue_entry(work, "Sa banque en ligne", themes=("banque_et_achats_en_ligne",))
    held_session(work, email, 0, booked=8, present=6, extras=1)  # full; 2 no-shows
    held_session(work, email, 1, booked=4, present=4)  # half full
    held_session(work, bank, 2, booked=2, present=1)
    with time_machine.travel(MONDAY + timedelta(days=5), tick=False):
        upcoming = schedule(work, bank, starts_at=MONDAY + timedelta(days=9), capacity=2)
        for name in ("A", "B", "C", "D", "E"):
            book(upcoming, f"Personne {name}")
        viewer = work.tenant.members[Role.COORDINATOR]
        from tremplin.accounts.selectors import viewer_for_membership

        figures = selectors.programme_figures(
            viewer_for_membership(viewer.user, viewer),
            start=MONDAY.date(),
            end=(MONDAY + timedelta(days=4)).date(),
        )
    total = figures.total
    assert (total.sessions, total.capacity, total.booked, total.attended, total.no_shows) == (
        3,
        24,
        14,
        11,
        3,
    )
    assert total.participants == 12
    assert total.fill_rate == pytest.approx(14 / 24)
    assert total.no_show_rate == pytest.approx(3 / 14)
    assert (total.upcoming, total.upcoming_seated, total.waiting) == (1, 2, 3)
    by_workshop = {row.label: row for row in figures.by_workshop}
    assert by_workshop["Créer son adresse e-mail"].fill_rate == pytest.approx(12 / 16)
    assert by_workshop["Sa banque en ligne"].no_show_rate == pytest.approx(1 / 2)
    assert [session.pk for session in figures.waiting_lists] == [upcoming.pk]


def test_progression_follows_followed_people_from_one_step_to_the_next(work):
    steps = [
        catalogue_entry(work, "Prendre en main sa tablette", themes=("prendre_en_main_du_materiel",)),
        catalogue_entry(work, "Créer son adresse e-mail"),
        catalogue_entry(work, "Sa banque en ligne", themes=("banque_et_achats_en_ligne",)),
    ]
    pathway = services.pathway_save(
        actor=work.user,
        operator_id=work.tenant.operator.pk,
        title="Premiers pas",
        description="",
        workshops=steps,
    )
    people = [follow(work, name) for name in ("Ginette", "Mamadou", "Jeanne", "Odette")]

    def attend(workshop, day, who):
        starts = datetime(2026, 3, day, 14, 0, tzinfo=PARIS)
        with time_machine.travel(starts - timedelta(days=2), tick=False):
            session = schedule(work, workshop, starts_at=starts)
            registrations = [
                services.registration_create(
                    actor=work.user, session=session, source="staff", beneficiary=person
                )[0]
                for person in who
            ]
        with time_machine.travel(starts + timedelta(hours=1), tick=False):
            for registration in registrations:
                services.registration_mark_attendance(
                    actor=work.user, registration=registration, present=True
                )
            services.session_close(actor=work.user, session=session)

    attend(steps[0], 3, people)  # all four start
    attend(steps[1], 10, people[:3])  # three go on
    attend(steps[2], 17, people[:1])  # one finishes
    # Odette's card turns out to be a duplicate of Mamadou's: merged, they are one person, who went on.
    mediation_services.beneficiary_merge(actor=work.user, keep=people[1], duplicate=people[3])

    from tremplin.accounts.selectors import viewer_for_membership

    membership = work.tenant.members[Role.COORDINATOR]
    progress = selectors.pathway_progression(viewer_for_membership(membership.user, membership), pathway)
    assert [(step.position, step.people, step.continued) for step in progress] == [
        (1, 3, 3),
        (2, 3, 1),
        (3, 1, None),
    ]
    assert progress[1].continued_rate == pytest.approx(1 / 3)


def test_the_figures_page_is_for_coordinators(work):
    held_session(work, catalogue_entry(work), 0, booked=3, present=2)
    page = work.tenant.client(Role.COORDINATOR).get(
        reverse("workshops:figures"), {"du": "2026-03-01", "au": "2026-03-31"}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Chiffres des ateliers" in html and "33\u00a0%" in html  # one no-show out of three
    assert work.tenant.client(Role.MEDIATOR).get(reverse("workshops:figures")).status_code == 403


def test_registrants_data_is_erased_after_the_retention_period(work, settings):
    settings.TREMPLIN_WORKSHOP_RETENTION_DAYS = 30
    session = held_session(work, catalogue_entry(work), 0, booked=2, present=1)
    with time_machine.travel(session.starts_at + timedelta(days=29), tick=False):
        call_command("workshops_sweep", stdout=StringIO())
    assert Registration.objects.filter(personal_data_erased_at__isnull=True).count() == 2
    with time_machine.travel(session.starts_at + timedelta(days=31), tick=False):
        out = StringIO()
        call_command("workshops_sweep", stdout=out)
    assert "Inscriptions dont les coordonnées ont été effacées : 2." in out.getvalue()
    rows = Registration.objects.values_list("first_name", "phone", "email", "attended")
    assert sorted(rows) == [("", "", "", False), ("", "", "", True)]
    # The figures stay.
    session.refresh_from_db()
    assert session.interaction.accompaniments.count() == 1
