"""Reminders the day before, by e-mail and SMS: sent once each, at the right time, to the right people.

The clock is fixed (time-machine). The whole path is the production one: the booking writes the
messages and queues their tasks after the commit, deferred with `run_after` in the database backend;
the worker (`db_worker --batch`) runs what is due at each moment of the test."""

from datetime import datetime, timedelta
from io import StringIO
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from tremplin.core import sms
from tremplin.mediation.tests.helpers import follow
from tremplin.workshops import services
from tremplin.workshops.links import registration_token
from tremplin.workshops.models import Registration, RegistrationMessage

from .helpers import book, schedule

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
#: Monday 9 March 2026, 9:00: registrations open; the session is on Thursday 12 March at 14:00.
MONDAY = datetime(2026, 3, 9, 9, 0, tzinfo=PARIS)
SESSION_AT = datetime(2026, 3, 12, 14, 0, tzinfo=PARIS)
#: The reminder's time: the day before at 10:00.
REMINDER_AT = datetime(2026, 3, 11, 10, 0, tzinfo=PARIS)

Kind = RegistrationMessage.Kind


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def run_worker() -> None:
    """The database backend's worker, until nothing is due. Between tasks it recycles old connections;
    inside the test's transaction that would close it (on PostgreSQL), so that housekeeping is off."""
    options = ("--batch", "--no-startup-delay", "--no-reload", "-v", "0")
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", *options, stdout=StringIO())


def reminders_sent() -> tuple[list, list]:
    emails = [message for message in mail.outbox if message.subject.startswith("Rappel")]
    texts = [message for message in sms.outbox if message.body.startswith("Rappel")]
    return emails, texts


@pytest.fixture
def bookings(work, django_capture_on_commit_callbacks):
    """At Monday 9:00, for Thursday's session (3 seats): four people book, one followed person who
    accepted reminders is registered by the mediator, another one who did not; the last one waits."""
    with time_machine.travel(MONDAY, tick=False):
        session = schedule(work, starts_at=SESSION_AT, capacity=4)
        with django_capture_on_commit_callbacks(execute=True):
            ginette = book(session, "Ginette", email="ginette@exemple.fr", phone="06 11 11 11 11")
            mamadou = book(session, "Mamadou", phone="07 22 22 22 22")
            reminded = follow(work, "Jeanne", consent_reminders=True, email="jeanne@exemple.fr")
            silent = follow(work, "Odette", email="odette@exemple.fr")
            for person in (reminded, silent):
                services.registration_create(
                    actor=work.user, session=session, source="staff", beneficiary=person
                )
            waiting = book(session, "Paul", email="paul@exemple.fr")
    return session, ginette, mamadou, waiting


def test_reminders_go_out_once_the_day_before_at_ten_to_the_right_people(database_tasks, bookings):
    session, ginette, mamadou, waiting = bookings
    assert waiting.status == Registration.Status.WAITLISTED

    with time_machine.travel(MONDAY + timedelta(minutes=1), tick=False):
        run_worker()
    # Monday: confirmations and the waiting-list notice are out, no reminder yet.
    assert sorted(message.to[0] for message in mail.outbox) == [
        "ginette@exemple.fr",
        "jeanne@exemple.fr",
        "paul@exemple.fr",
    ]
    assert sorted(message.to for message in sms.outbox) == ["+33611111111", "+33722222222"]
    assert reminders_sent() == ([], [])

    with time_machine.travel(REMINDER_AT - timedelta(minutes=1), tick=False):
        run_worker()
    assert reminders_sent() == ([], [])

    with time_machine.travel(REMINDER_AT, tick=False):
        run_worker()
    emails, texts = reminders_sent()
    assert sorted(message.to[0] for message in emails) == ["ginette@exemple.fr", "jeanne@exemple.fr"]
    assert sorted(message.to for message in texts) == ["+33611111111", "+33722222222"]

    # Later runs of the worker and of the sweep send nothing again.
    with time_machine.travel(REMINDER_AT + timedelta(hours=3), tick=False):
        run_worker()
        call_command("workshops_sweep", "--no-purge", stdout=StringIO())
    assert reminders_sent() == (emails, texts)
    assert RegistrationMessage.objects.filter(kind=Kind.REMINDER, status="sent").count() == 4


def test_a_cancelled_registration_is_not_reminded_and_the_promoted_person_is(
    database_tasks, bookings, django_capture_on_commit_callbacks
):
    session, ginette, mamadou, waiting = bookings
    with time_machine.travel(MONDAY + timedelta(hours=5), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            services.registration_cancel(actor=None, registration=mamadou)
        run_worker()
    offers = [message for message in mail.outbox if message.to == ["paul@exemple.fr"]]
    assert [message.subject for message in offers][-1].startswith("Une place s'est libérée")
    token = registration_token(waiting)
    assert f"/agenda/inscription/{token}/" in offers[-1].body

    with time_machine.travel(MONDAY + timedelta(hours=6), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            services.registration_confirm_offer(actor=None, registration=waiting)
        run_worker()

    with time_machine.travel(REMINDER_AT, tick=False):
        run_worker()
    emails, texts = reminders_sent()
    assert sorted(message.to[0] for message in emails) == [
        "ginette@exemple.fr",
        "jeanne@exemple.fr",
        "paul@exemple.fr",
    ]
    assert [message.to for message in texts] == ["+33611111111"]


def test_a_moved_session_moves_its_reminders_and_tells_people(
    database_tasks, work, django_capture_on_commit_callbacks
):
    with time_machine.travel(MONDAY, tick=False):
        session = schedule(work, starts_at=SESSION_AT, capacity=4)
        with django_capture_on_commit_callbacks(execute=True):
            book(session, "Ginette", email="ginette@exemple.fr")
        with django_capture_on_commit_callbacks(execute=True):
            services.session_update(
                actor=work.user,
                session=session,
                data=services.SessionData(
                    workshop=session.workshop,
                    starts_at=SESSION_AT + timedelta(days=2),
                    site=session.site,
                    capacity=4,
                    facilitators=[work.mediator],
                ),
            )
        run_worker()
    assert [message.subject for message in mail.outbox] == [
        "Atelier « Créer son adresse e-mail » : votre place est réservée",
        "Changement : atelier « Créer son adresse e-mail »",
    ]
    with time_machine.travel(REMINDER_AT, tick=False):
        run_worker()
    assert reminders_sent() == ([], [])
    with time_machine.travel(REMINDER_AT + timedelta(days=2), tick=False):
        run_worker()
    emails, _texts = reminders_sent()
    assert len(emails) == 1 and "samedi 14 mars" in emails[0].subject


def test_without_a_worker_the_sweep_sends_what_is_due_once(bookings):
    """The immediate backend cannot defer: reminders wait for `workshops_sweep`, run by cron."""
    with time_machine.travel(REMINDER_AT - timedelta(hours=1), tick=False):
        call_command("workshops_sweep", "--no-purge", stdout=StringIO())
    assert reminders_sent() == ([], [])
    with time_machine.travel(REMINDER_AT + timedelta(minutes=5), tick=False):
        out = StringIO()
        call_command("workshops_sweep", "--no-purge", stdout=out)
        call_command("workshops_sweep", "--no-purge", stdout=StringIO())
    emails, texts = reminders_sent()
    assert (len(emails), len(texts)) == (2, 2)
    assert "4 envoyés" in out.getvalue()


def test_a_message_claimed_by_another_worker_is_not_sent_twice(bookings):
    reminder = RegistrationMessage.objects.filter(kind=Kind.REMINDER).first()
    with time_machine.travel(REMINDER_AT, tick=False):
        RegistrationMessage.objects.filter(pk=reminder.pk).update(status="sending", claimed_at=REMINDER_AT)
        assert services.message_send(message_id=reminder.pk) == "sending"
    assert reminders_sent() == ([], [])
    # A claim left by a worker that died is taken back by the sweep after a quarter of an hour.
    with time_machine.travel(REMINDER_AT + timedelta(minutes=20), tick=False):
        services.messages_send_due()
    assert RegistrationMessage.objects.get(pk=reminder.pk).status == "sent"


def test_the_reminder_is_plain_french_with_the_cancel_link_and_a_calendar_file(bookings, settings):
    settings.TREMPLIN_PUBLIC_URL = "https://ateliers.exemple.org"
    session, ginette, *_rest = bookings
    with time_machine.travel(REMINDER_AT, tick=False):
        services.messages_send_due()
    emails, texts = reminders_sent()
    email = next(message for message in emails if message.to == ["ginette@exemple.fr"])
    link = f"https://ateliers.exemple.org/agenda/inscription/{registration_token(ginette)}/"
    # Subjects and SMS are one line with plain spaces (a no-break space would cost an SMS its charset).
    assert email.subject == "Rappel : atelier « Créer son adresse e-mail » jeudi 12 mars à 14 h"
    assert "Bonjour Ginette," in email.body
    assert "jeudi 12 mars, 14\u00a0h – 15\u00a0h\u00a030" in email.body
    assert link in email.body
    ((name, content, mimetype),) = email.attachments
    assert (name, mimetype) == ("atelier.ics", "text/calendar")
    assert "BEGIN:VTIMEZONE" in content and "DTSTART;TZID=Europe/Paris:20260312T140000" in content
    assert "DTEND;TZID=Europe/Paris:20260312T153000" in content
    assert f"UID:atelier-inscription-{ginette.pk}@tremplin" in content
    text = next(message for message in texts if message.to == "+33611111111")
    assert text.body.startswith("Rappel : atelier « Créer son adresse e-mail » jeudi 12 mars, 14 h – 15 h 30")
    assert link in text.body and "\n" not in text.body


def test_a_failing_provider_is_retried_later_then_given_up(bookings, settings):
    settings.SMS_BACKEND = "tremplin.core.sms.backends.brevo.SmsBackend"
    settings.BREVO_API_KEY = "cle-de-test"
    settings.BREVO_API_URL = "http://127.0.0.1:9"  # nothing listens there
    settings.SMS_TIMEOUT = 2
    reminder = RegistrationMessage.objects.get(
        kind=Kind.REMINDER, channel="sms", registration__first_name="Ginette"
    )
    moment = REMINDER_AT
    for attempt in range(1, 5):
        with time_machine.travel(moment, tick=False):
            status = services.message_send(message_id=reminder.pk)
        reminder.refresh_from_db()
        assert reminder.attempts == attempt
        assert "Brevo injoignable" in reminder.error
        moment = reminder.due_at
    assert status == "failed"
