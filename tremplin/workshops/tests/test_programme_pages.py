"""The coordinator's pages: catalogue, pathways, scheduling once or as a series, changing and cancelling
a session; the mediator's: the programme, a session's page, registering people from the office."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tremplin.core.models import JournalEntry
from tremplin.core.roles import Role
from tremplin.mediation.models import Beneficiary
from tremplin.mediation.tests.helpers import follow
from tremplin.workshops import services
from tremplin.workshops.models import Pathway, Registration, Session, Workshop

from .helpers import book, catalogue_entry, in_days, schedule

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def coordinator(work):
    return work.tenant.client(Role.COORDINATOR)


@pytest.fixture
def mediator(work):
    return work.tenant.client(Role.MEDIATOR)


def test_a_coordinator_adds_a_workshop_to_the_catalogue(coordinator):
    response = coordinator.post(
        reverse("workshops:workshop_create"),
        {
            "title": "Faire ses démarches en ligne",
            "description": "Se connecter à France Connect et remplir un formulaire.",
            "level": "intermediaire",
            "themes": ["aide_aux_demarches_administratives", "papiers_elections_citoyennete"],
            "duration_minutes": "120",
            "max_participants": "8",
            "prerequisites": "Avoir une adresse e-mail.",
            "equipment_provided": "Ordinateurs prêtés.",
            "is_active": "on",
        },
    )
    workshop = Workshop.objects.get()
    assert response.status_code == 302
    assert (workshop.level, workshop.duration_minutes, workshop.max_participants) == ("intermediaire", 120, 8)
    assert sorted(workshop.theme_codes) == [
        "aide_aux_demarches_administratives",
        "papiers_elections_citoyennete",
    ]
    assert JournalEntry.objects.filter(action="workshops.workshop.created").exists()


def test_a_workshop_form_with_mistakes_comes_back_with_what_was_typed(coordinator):
    response = coordinator.post(
        reverse("workshops:workshop_create"),
        {"title": "Banque en ligne", "description": "", "level": "debutant", "duration_minutes": "5"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Décrivez l&#x27;atelier en quelques phrases simples." in html
    assert "Choisissez au moins une thématique." in html
    assert 'value="Banque en ligne"' in html
    assert not Workshop.objects.exists()


def test_mediators_read_the_catalogue_but_do_not_change_it(mediator, workshop):
    assert mediator.get(reverse("workshops:catalogue")).status_code == 200
    assert mediator.get(reverse("workshops:workshop_detail", args=[workshop.pk])).status_code == 200
    assert mediator.get(reverse("workshops:workshop_create")).status_code == 403
    assert mediator.post(reverse("workshops:workshop_edit", args=[workshop.pk]), {}).status_code == 403
    assert mediator.get(reverse("workshops:session_create")).status_code == 403


def test_funders_read_no_workshop_page(work, workshop, session):
    funder = work.tenant.client(Role.FUNDER)
    for url in (
        reverse("workshops:programme"),
        reverse("workshops:catalogue"),
        reverse("workshops:session_detail", args=[session.pk]),
    ):
        assert funder.get(url).status_code == 403


def test_a_pathway_links_workshops_in_order(work, coordinator):
    first = catalogue_entry(work, "Prendre en main sa tablette", themes=("prendre_en_main_du_materiel",))
    second = catalogue_entry(work, "Créer son adresse e-mail")
    third = catalogue_entry(work, "Sa banque en ligne", themes=("banque_et_achats_en_ligne",))
    response = coordinator.post(
        reverse("workshops:pathway_create"),
        {
            "title": "Premiers pas",
            "description": "",
            "step_1": first.pk,
            "step_2": second.pk,
            "step_3": third.pk,
        },
    )
    assert response.status_code == 302
    pathway = Pathway.objects.get()
    assert [step.workshop for step in pathway.steps.order_by("position")] == [first, second, third]
    twice = coordinator.post(
        reverse("workshops:pathway_edit", args=[pathway.pk]),
        {"title": "Premiers pas", "step_1": first.pk, "step_2": first.pk},
    )
    assert "Un même atelier ne peut être deux étapes du parcours." in twice.content.decode()
    assert pathway.steps.count() == 3


def session_form(workshop, work, **fields) -> dict:
    return {
        "workshop": workshop.pk,
        "day": (timezone.localdate() + timedelta(days=7)).isoformat(),
        "start": "14:00",
        "duration_minutes": "",
        "capacity": "",
        "venue": "site",
        "site": work.site.pk,
        "facilitators": [work.mediator.pk],
        "is_published": "on",
        "repeat": "0",
        "count": "1",
    } | fields


def test_a_coordinator_schedules_a_series_every_week_at_the_same_local_time(work, coordinator, workshop):
    response = coordinator.post(
        reverse("workshops:session_create"),
        session_form(workshop, work, day="2026-03-17", repeat="1", count="4"),
    )
    assert response.status_code == 302
    sessions = list(Session.objects.order_by("starts_at"))
    assert len(sessions) == 4 and len({session.series_id for session in sessions}) == 1
    # Across the clock change of 29 March, the session stays at 14:00 in Paris.
    assert [timezone.localtime(session.starts_at) for session in sessions] == [
        datetime.combine(date(2026, 3, 17) + timedelta(weeks=index), time(14), tzinfo=PARIS)
        for index in range(4)
    ]
    assert all(session.capacity == workshop.max_participants for session in sessions)
    assert all(session.duration_minutes == workshop.duration_minutes for session in sessions)


def test_an_outside_venue_needs_its_name_and_commune(work, coordinator, workshop):
    response = coordinator.post(
        reverse("workshops:session_create"), session_form(workshop, work, venue="outside")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Indiquez le nom du lieu" in html and "Indiquez la commune du lieu." in html
    ok = coordinator.post(
        reverse("workshops:session_create"),
        session_form(
            workshop,
            work,
            venue="outside",
            venue_name="Médiathèque",
            venue_address="1 place de la Mairie",
            venue_commune=work.site.commune.code,
        ),
    )
    assert ok.status_code == 302
    session = Session.objects.get()
    assert (session.venue, session.venue_commune, session.place) == (
        "outside",
        work.site.commune,
        "hors_bureau",
    )


def test_a_session_cannot_seat_more_than_the_workshop_allows_nor_be_held_at_another_operators_site(
    work, coordinator, workshop, tenant_b
):
    response = coordinator.post(
        reverse("workshops:session_create"), session_form(workshop, work, capacity="40")
    )
    assert "Cet atelier accueille au plus 12 participants" in response.content.decode()
    elsewhere = coordinator.post(
        reverse("workshops:session_create"), session_form(workshop, work, site=tenant_b.site.pk)
    )
    assert elsewhere.status_code == 200
    assert not Session.objects.exists()


def test_moving_a_session_tells_the_people_registered(
    work, coordinator, session, django_capture_on_commit_callbacks
):
    book(session, "Ginette")
    mail.outbox.clear()
    local = timezone.localtime(session.starts_at)
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(
            reverse("workshops:session_edit", args=[session.pk]),
            session_form(
                session.workshop, work, day=(local.date() + timedelta(days=1)).isoformat(), capacity="3"
            ),
        )
    assert response.status_code == 302
    assert [message.subject for message in mail.outbox] == [
        "Changement : atelier « Créer son adresse e-mail »"
    ]


def test_cancelling_a_session_tells_everyone_registered_or_waiting(
    work, coordinator, session, django_capture_on_commit_callbacks
):
    for name in ("Ginette", "Mamadou", "Léa", "Paul"):
        book(session, name)
    mail.outbox.clear()
    assert (
        "4 personnes inscrites ou en attente"
        in coordinator.get(reverse("workshops:session_cancel", args=[session.pk])).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        coordinator.post(reverse("workshops:session_cancel", args=[session.pk]))
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    assert len(mail.outbox) == 4
    assert all(message.subject.startswith("Annulé : atelier") for message in mail.outbox)
    assert all(not message.attachments for message in mail.outbox)


def test_the_programme_shows_the_month_with_seats_and_the_mediators_own_sessions(mediator, work, session):
    book(session, "Ginette")
    month = timezone.localtime(session.starts_at).strftime("%Y-%m")
    response = mediator.get(reverse("workshops:programme"), {"mois": month})
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 / 3 places" in html
    assert "Mes prochaines séances" in html
    assert [s.pk for s in response.context["mine"]] == [session.pk]


def test_the_programme_reads_in_a_fixed_number_of_queries(
    mediator, work, workshop, django_assert_max_num_queries
):
    for index in range(12):
        session = schedule(work, workshop, starts_at=in_days(1 + index % 20))
        book(session, f"Personne {index}")
    with django_assert_max_num_queries(20):
        assert mediator.get(reverse("workshops:programme")).status_code == 200


def test_a_mediator_registers_a_followed_person_found_by_name(mediator, work, session):
    ginette = follow(work, "Ginette Dupuis", consent_reminders=True, email="ginette@exemple.fr")
    search = mediator.get(
        reverse("workshops:beneficiary_search"), {"q": "gi"}, headers={"HX-Request": "true"}
    )
    assert f'value="{ginette.pk}"' in search.content.decode()
    no_js = mediator.get(reverse("workshops:session_register", args=[session.pk]), {"q": "gin"})
    assert "Ginette Dupuis" in no_js.content.decode()

    response = mediator.post(
        reverse("workshops:session_register", args=[session.pk]),
        {"mode": "followed", "beneficiary": ginette.pk},
    )
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (registration.beneficiary, registration.source, registration.registered_by) == (
        ginette,
        "staff",
        work.user,
    )
    assert registration.email == "" and services.contact_of(registration) == ("ginette@exemple.fr", "")


def test_a_mediator_follows_a_new_person_with_consent_and_registers_them(mediator, work, session):
    url = reverse("workshops:session_register", args=[session.pk])
    refused = mediator.post(
        url, {"mode": "new", "new-display_name": "Mauricette", "new-consent_scope": "mediator"}
    )
    assert "pas de fiche" in refused.content.decode()
    assert not Beneficiary.objects.exists()
    response = mediator.post(
        url,
        {
            "mode": "new",
            "new-display_name": "Mauricette",
            "new-birth_year": "1948",
            "new-phone": "06 98 76 54 32",
            "new-consent_reminders": "on",
            "new-consent_scope": "structure",
            "new-consent_given": "on",
        },
    )
    assert response.status_code == 302
    person = Beneficiary.objects.get()
    assert (person.display_name, person.consent_by, person.phone) == ("Mauricette", work.user, "+33698765432")
    assert Registration.objects.get().beneficiary == person


def test_a_mediator_registers_someone_by_first_name_and_contact(mediator, work):
    session = schedule(work, capacity=1)
    book(session, "Ginette")
    url = reverse("workshops:session_register", args=[session.pk])
    bad = mediator.post(
        url,
        {"mode": "contact", "contact-first_name": "Paul", "contact-phone": "123", "contact-consent": "on"},
    )
    assert "Numéro de portable invalide" in bad.content.decode()
    response = mediator.post(
        url,
        {
            "mode": "contact",
            "contact-first_name": "Paul",
            "contact-phone": "0612345678",
            "contact-consent": "on",
        },
        follow=True,
    )
    assert (
        "La séance est complète : Paul est en liste d&#x27;attente (position 1)." in response.content.decode()
    )


def test_staff_cancel_a_registration_and_confirm_a_seat_for_the_next_person(mediator, work):
    session = schedule(work, capacity=1)
    ginette, paul = book(session, "Ginette"), book(session, "Paul")
    mediator.post(reverse("workshops:registration_cancel", args=[ginette.pk]))
    page = mediator.get(reverse("workshops:session_detail", args=[session.pk])).content.decode()
    assert "Place proposée, en attente de réponse" in page and "Confirmer pour la personne" in page
    mediator.post(reverse("workshops:registration_confirm", args=[paul.pk]))
    paul.refresh_from_db()
    assert paul.status == Registration.Status.CONFIRMED


def test_another_operators_session_is_a_404(tenant_b, session):
    stranger = tenant_b.client(Role.COORDINATOR)
    for url in (
        reverse("workshops:session_detail", args=[session.pk]),
        reverse("workshops:session_edit", args=[session.pk]),
        reverse("workshops:session_register", args=[session.pk]),
    ):
        assert stranger.get(url).status_code == 404
