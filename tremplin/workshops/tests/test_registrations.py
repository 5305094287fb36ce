"""Booking a seat, the waiting list promoted in order with a hold that expires, and what is refused."""

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tremplin.core.models import JournalEntry
from tremplin.mediation.tests.helpers import follow
from tremplin.workshops import services
from tremplin.workshops.models import Registration, RegistrationMessage

from .helpers import book, in_days, schedule, statuses

Status = Registration.Status
pytestmark = pytest.mark.django_db


def test_seats_are_given_until_the_session_is_full_then_people_wait_in_order(session):
    names = ["Ginette", "Mamadou", "Léa", "Paul", "Chantal"]
    for name in names:
        book(session, name)
    assert statuses(session) == [
        ("Ginette", Status.CONFIRMED),
        ("Mamadou", Status.CONFIRMED),
        ("Léa", Status.CONFIRMED),
        ("Paul", Status.WAITLISTED),
        ("Chantal", Status.WAITLISTED),
    ]
    assert services.seats_taken(session) == 3


def test_the_same_booking_sent_twice_is_one_registration(session):
    key = uuid.uuid4()
    first = book(session, "Ginette", client_uuid=key)
    again = book(session, "Ginette", client_uuid=key)
    assert again.pk == first.pk
    assert session.registrations.count() == 1
    assert JournalEntry.objects.filter(action="workshops.registration.created").count() == 1


def test_a_uuid_of_another_session_is_refused_not_revealed(work, session):
    key = uuid.uuid4()
    book(session, "Ginette", client_uuid=key)
    other = schedule(work, session.workshop, starts_at=in_days(10))
    with pytest.raises(services.WorkshopError) as refused:
        book(other, "Ginette", client_uuid=key)
    assert "déjà utilisé" in str(refused.value)


@pytest.mark.parametrize(
    ("phone", "email", "field", "message"),
    [
        ("06 12 34", "", "phone", "Numéro de portable invalide"),
        ("01 45 67 89 10", "", "phone", "n'est pas un numéro de portable"),
        ("+44 7911 123456", "", "phone", "Numéro de portable invalide"),
        ("", "ginette@", "email", "Adresse e-mail invalide"),
        ("", "ginette.exemple.fr", "email", "Adresse e-mail invalide"),
        ("", "", "contact", "Indiquez un numéro de portable ou une adresse e-mail"),
    ],
)
def test_a_bad_phone_number_or_e_mail_is_refused_at_booking_with_a_clear_message(
    session, phone, email, field, message
):
    with pytest.raises(services.WorkshopError) as refused:
        services.registration_create(
            actor=None,
            session=session,
            source=Registration.Source.PUBLIC,
            first_name="Ginette",
            phone=phone,
            email=email,
            consent=True,
        )
    assert message in " ".join(refused.value.message_dict[field])
    assert not session.registrations.exists()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("07.12.34.56.78", "+33712345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("0033612345678", "+33612345678"),
        ("0692 12 34 56", "+262692123456"),
        ("+596 696 12 34 56", "+596696123456"),
    ],
)
def test_french_mobiles_are_kept_in_international_form(session, typed, stored):
    registration = book(session, "Ginette", phone=typed, email="")
    assert registration.phone == stored


def test_without_consent_nothing_is_kept(session):
    with pytest.raises(services.WorkshopError) as refused:
        services.registration_create(
            actor=None,
            session=session,
            source=Registration.Source.PUBLIC,
            first_name="Ginette",
            email="ginette@exemple.fr",
            consent=False,
        )
    assert "accord" in refused.value.message_dict["consent"][0]
    assert not session.registrations.exists()


def test_the_same_contact_cannot_book_the_same_session_twice(session):
    book(session, "Ginette", email="ginette@exemple.fr")
    with pytest.raises(services.WorkshopError) as refused:
        book(session, "Ginou", email="GINETTE@exemple.fr")
    assert "déjà inscrites" in str(refused.value)


def test_a_followed_person_is_registered_once(work, session):
    ginette = follow(work, "Ginette")
    services.registration_create(actor=work.user, session=session, source="staff", beneficiary=ginette)
    with pytest.raises(services.WorkshopError) as refused:
        services.registration_create(actor=work.user, session=session, source="staff", beneficiary=ginette)
    assert "déjà inscrite" in refused.value.message_dict["beneficiary"][0]


def test_another_operators_followed_person_cannot_be_registered(session, tenant_b):
    from tremplin.mediation.tests.helpers import at_work

    stranger = follow(at_work(tenant_b, start_shift=False), "Zoé")
    with pytest.raises(services.WorkshopError):
        services.registration_create(actor=None, session=session, source="staff", beneficiary=stranger)


def test_nobody_books_a_session_that_began_or_was_cancelled(work, session):
    with pytest.raises(services.WorkshopError) as refused:
        book(session, "Ginette", now=session.starts_at + timedelta(minutes=1))
    assert "déjà commencé" in str(refused.value)
    services.session_cancel(actor=work.user, session=session)
    with pytest.raises(services.WorkshopError) as refused:
        book(session, "Ginette")
    assert "annulée" in str(refused.value)


def test_an_unpublished_session_takes_no_public_booking_but_takes_staff_ones(work):
    session = schedule(work, is_published=False)
    with pytest.raises(services.WorkshopError):
        book(session, "Ginette")
    registration, created = services.registration_create(
        actor=work.user,
        session=session,
        source="staff",
        first_name="Ginette",
        email="ginette@exemple.fr",
        consent=True,
    )
    assert created and registration.status == Status.CONFIRMED


def test_a_cancellation_offers_the_seat_to_the_first_person_waiting_with_a_hold(session, settings):
    settings.TREMPLIN_WORKSHOP_HOLD_HOURS = 24
    ginette, *_others = [book(session, name) for name in ("Ginette", "Mamadou", "Léa")]
    paul, chantal = book(session, "Paul"), book(session, "Chantal")
    now = timezone.now()
    services.registration_cancel(actor=None, registration=ginette, now=now)

    paul.refresh_from_db()
    chantal.refresh_from_db()
    ginette.refresh_from_db()
    assert ginette.status == Status.CANCELLED and ginette.email == ""
    assert paul.status == Status.OFFERED
    assert paul.hold_expires_at == now + timedelta(hours=24)
    assert chantal.status == Status.WAITLISTED
    assert services.seats_taken(session) == 3  # the seat is held for Paul

    services.registration_confirm_offer(actor=None, registration=paul, now=now + timedelta(hours=2))
    paul.refresh_from_db()
    assert paul.status == Status.CONFIRMED and paul.hold_expires_at is None


def test_cancelling_twice_changes_nothing(session):
    ginette = book(session, "Ginette")
    services.registration_cancel(actor=None, registration=ginette)
    services.registration_cancel(actor=None, registration=ginette)
    assert JournalEntry.objects.filter(action="workshops.registration.cancelled").count() == 1


def test_the_hold_never_outlasts_the_session_start(work, settings):
    settings.TREMPLIN_WORKSHOP_HOLD_HOURS = 24
    session = schedule(work, starts_at=in_days(1, hour=14), capacity=1)
    ginette, paul = book(session, "Ginette"), book(session, "Paul")
    services.registration_cancel(actor=None, registration=ginette, now=in_days(1, hour=9))
    paul.refresh_from_db()
    assert paul.hold_expires_at == session.starts_at


def test_an_expired_hold_passes_the_seat_to_the_next_person(session, settings):
    settings.TREMPLIN_WORKSHOP_HOLD_HOURS = 12
    first = [book(session, name) for name in ("Ginette", "Mamadou", "Léa")]
    paul, chantal = book(session, "Paul"), book(session, "Chantal")
    start = timezone.now()
    services.registration_cancel(actor=None, registration=first[0], now=start)

    assert services.holds_release_expired(now=start + timedelta(hours=11)) == 0
    assert services.holds_release_expired(now=start + timedelta(hours=12)) == 1
    paul.refresh_from_db()
    chantal.refresh_from_db()
    assert paul.status == Status.EXPIRED and paul.email == ""
    assert chantal.status == Status.OFFERED
    assert chantal.hold_expires_at == start + timedelta(hours=24)
    with pytest.raises(services.WorkshopError) as refused:
        services.registration_confirm_offer(actor=None, registration=paul, now=start + timedelta(hours=13))
    assert "Le délai pour confirmer est passé" in str(refused.value)


def test_a_booking_releases_expired_holds_first_without_waiting_for_the_worker(session, settings):
    settings.TREMPLIN_WORKSHOP_HOLD_HOURS = 1
    ginette, *_rest = [book(session, name) for name in ("Ginette", "Mamadou", "Léa")]
    paul = book(session, "Paul")
    start = timezone.now()
    services.registration_cancel(actor=None, registration=ginette, now=start)
    # Two hours later Paul never answered; a newcomer arrives: Paul's seat lapsed, but the queue
    # order still stands: the seat goes to the next person waiting, so the newcomer waits.
    chantal = book(session, "Chantal", now=start + timedelta(minutes=30))
    assert chantal.status == Status.WAITLISTED
    later = book(session, "Rémi", now=start + timedelta(hours=2))
    paul.refresh_from_db()
    chantal.refresh_from_db()
    assert paul.status == Status.EXPIRED
    assert chantal.status == Status.OFFERED
    assert later.status == Status.WAITLISTED


def test_the_hold_is_released_by_the_deferred_task_at_its_end(
    session, settings, django_capture_on_commit_callbacks
):
    """With a backend that defers (the database one), a task is queued for the end of the hold."""
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.TREMPLIN_WORKSHOP_HOLD_HOURS = 6
    ginette, *_rest = [book(session, name) for name in ("Ginette", "Mamadou", "Léa")]
    paul, chantal = book(session, "Paul"), book(session, "Chantal")
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(actor=None, registration=ginette)
    holds = [result for result in default_task_backend.results if result.task.name == "release_hold"]
    assert len(holds) == 1
    paul.refresh_from_db()
    assert holds[0].task.run_after == paul.hold_expires_at
    with time_machine.travel(paul.hold_expires_at + timedelta(seconds=1)):
        holds[0].task.call(*holds[0].args)
    paul.refresh_from_db()
    chantal.refresh_from_db()
    assert (paul.status, chantal.status) == (Status.EXPIRED, Status.OFFERED)


def test_more_seats_go_to_the_people_waiting(work, session):
    for name in ("Ginette", "Mamadou", "Léa", "Paul", "Chantal", "Rémi"):
        book(session, name)
    data = services.SessionData(
        workshop=session.workshop,
        starts_at=session.starts_at,
        site=session.site,
        capacity=5,
        facilitators=[work.mediator],
    )
    services.session_update(actor=work.user, session=session, data=data)
    assert [status for _name, status in statuses(session)] == [
        Status.CONFIRMED,
        Status.CONFIRMED,
        Status.CONFIRMED,
        Status.OFFERED,
        Status.OFFERED,
        Status.WAITLISTED,
    ]


def test_fewer_seats_than_people_seated_is_refused(work, session):
    for name in ("Ginette", "Mamadou", "Léa"):
        book(session, name)
    data = services.SessionData(
        workshop=session.workshop, starts_at=session.starts_at, site=session.site, capacity=2
    )
    with pytest.raises(services.WorkshopError) as refused:
        services.session_update(actor=work.user, session=session, data=data)
    assert "3 personnes ont déjà une place" in refused.value.message_dict["capacity"][0]


def test_journal_entries_hold_no_name_or_contact(session):
    ginette = book(session, "Ginette", phone="06 12 34 56 78", email="ginette@exemple.fr")
    services.registration_cancel(actor=None, registration=ginette)
    for entry in JournalEntry.objects.filter(action__startswith="workshops."):
        text = str(entry.payload)
        assert "Ginette" not in text and "exemple.fr" not in text and "612345678" not in text


def test_messages_hold_no_address(session, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        book(session, "Ginette", phone="06 12 34 56 78", email="ginette@exemple.fr")
    fields = {field.name for field in RegistrationMessage._meta.get_fields()}
    assert not fields & {"email", "phone", "address", "to"}


def test_merging_two_records_of_one_person_moves_their_registrations(work, workshop):
    """Jeanne was entered twice. Her duplicate's registrations follow the merge; where both records were
    registered to one session, the better registration stays and the other seat goes to the next person."""
    from tremplin.mediation import services as mediation_services

    jeanne = follow(work, "Jeanne Martin", year=1948)
    duplicate = follow(work, "Jeanne Martine", year=1948)
    both = schedule(work, workshop, capacity=1)
    only_duplicate = schedule(work, workshop, starts_at=in_days(10), capacity=5)

    def staff(session, person):
        registration, _created = services.registration_create(
            actor=work.user, session=session, source=Registration.Source.STAFF, beneficiary=person
        )
        return registration

    seated = staff(both, duplicate)  # the only seat
    waiting = staff(both, jeanne)  # waits behind her own duplicate
    paul = book(both, "Paul")  # waits too
    later = staff(only_duplicate, duplicate)

    mediation_services.beneficiary_merge(actor=work.user, keep=jeanne, duplicate=duplicate)

    for registration in (seated, waiting, paul, later):
        registration.refresh_from_db()
    assert (seated.beneficiary_id, seated.status) == (jeanne.pk, Registration.Status.CONFIRMED)
    assert waiting.status == Registration.Status.CANCELLED  # never two seats for one person
    assert paul.status == Registration.Status.WAITLISTED  # the seat was not freed: Jeanne keeps it
    assert (later.beneficiary_id, later.status) == (jeanne.pk, Registration.Status.CONFIRMED)
    assert not Registration.objects.filter(beneficiary=duplicate).exists()
