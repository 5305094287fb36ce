"""The public agenda: per post office and per commune, booking without an account, the registrant's own
page behind a signed link, the calendar file and the printable poster."""

import os
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tremplin.core.roles import Role
from tremplin.territory.tests.factories import CommuneFactory
from tremplin.workshops import services
from tremplin.workshops.links import registration_token
from tremplin.workshops.models import Registration, Session

from .helpers import book, in_days, schedule

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()


@pytest.fixture
def public():
    return Client()


def booking(public, session, **fields):
    data = {"first_name": "Ginette", "phone": "", "email": "ginette@exemple.fr", "consent": "on"} | fields
    return public.post(reverse("workshops:public_session", args=[session.pk]), data)


def test_the_site_agenda_lists_upcoming_sessions_with_seats_left_and_no_names(public, work, session):
    book(session, "Ginette")
    schedule(work, starts_at=in_days(5), is_published=False)
    past = schedule(work, starts_at=in_days(9))
    services.session_cancel(actor=work.user, session=past)
    response = public.get(reverse("workshops:agenda_site", args=[work.site.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="agenda-session"') == 1
    assert "Créer son adresse e-mail" in html and "2 places libres" in html
    assert "Ginette" not in html and "exemple.fr" not in html
    assert "<script" not in html and "style=" not in html
    assert len(response.content) < 100_000


def test_the_commune_agenda_has_the_sessions_held_in_it_outside_the_office_too(public, work, session):
    other = CommuneFactory(departement=work.site.commune.departement, code="03888", name="Bourg-Voisin")
    outside = schedule(
        work,
        starts_at=in_days(6),
        venue=Session.Venue.OUTSIDE,
        venue_name="Centre social des Bruyères",
        venue_address="3 rue des Écoles",
        venue_commune=other,
    )
    here = public.get(reverse("workshops:agenda_commune", args=[work.site.commune.code])).content.decode()
    there = public.get(reverse("workshops:agenda_commune", args=[other.code])).content.decode()
    assert f"agenda-session-{session.pk}" in here and f"agenda-session-{outside.pk}" not in here
    assert f"agenda-session-{outside.pk}" in there and "Centre social des Bruyères, 3 rue des Écoles" in there
    index = public.get(reverse("workshops:agenda")).content.decode()
    assert "Bourg-Voisin" in index and work.site.commune.name in index


def test_a_full_session_shows_full_and_offers_the_waiting_list(public, work):
    session = schedule(work, capacity=1)
    book(session, "Ginette")
    page = public.get(reverse("workshops:public_session", args=[session.pk])).content.decode()
    assert "Complet" in page and "M'inscrire sur la liste d'attente" in page


def test_a_member_of_the_public_books_and_lands_on_their_own_page(
    public, session, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = booking(public, session, phone="06 12 34 56 78")
    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "workshops:public_registration", args=[registration_token(registration)]
    )
    assert (registration.first_name, registration.phone, registration.source) == (
        "Ginette",
        "+33612345678",
        "public",
    )
    assert registration.consent_at is not None
    page = public.get(response["Location"])
    assert "Ginette, votre place est réservée." in page.content.decode()
    assert page["X-Robots-Tag"] == "noindex, nofollow" and "no-store" in page["Cache-Control"]
    assert [message.subject for message in mail.outbox] == [
        "Atelier « Créer son adresse e-mail » : votre place est réservée"
    ]


def test_a_bad_number_is_refused_and_the_form_keeps_what_was_typed(public, session):
    response = booking(public, session, phone="01 45 67 89 10", email="")
    assert response.status_code == 422
    html = response.content.decode()
    assert "Ce numéro n&#x27;est pas un numéro de portable" in html
    assert 'value="01 45 67 89 10"' in html and 'value="Ginette"' in html
    assert not Registration.objects.exists()
    nothing = booking(public, session, email="", phone="")
    assert "Indiquez un numéro de portable ou une adresse e-mail" in nothing.content.decode()
    no_consent = booking(public, session, consent="")
    assert "Votre accord est nécessaire" in no_consent.content.decode()
    assert not Registration.objects.exists()


def test_a_form_posted_twice_books_once(public, session):
    key = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
    first = booking(public, session, client_uuid=key)
    second = booking(public, session, client_uuid=key)
    assert first["Location"] == second["Location"]
    assert Registration.objects.count() == 1


def test_robots_filling_the_hidden_field_book_nothing(public, session):
    assert booking(public, session, website="http://spam.example").status_code == 404
    assert not Registration.objects.exists()


def test_one_connection_books_a_limited_number_of_times_per_hour(public, work, settings):
    settings.TREMPLIN_WORKSHOP_PUBLIC_BOOKINGS_PER_HOUR = 2
    session = schedule(work, capacity=10)
    for index in range(2):
        assert booking(public, session, email=f"personne{index}@exemple.fr").status_code == 302
    refused = booking(public, session, email="personne9@exemple.fr")
    assert refused.status_code == 429
    assert "Trop d&#x27;inscriptions depuis cette connexion" in refused.content.decode()
    assert Registration.objects.count() == 2


def test_with_redis_as_the_cache_every_worker_counts_the_same_bookings(public, work, settings):
    """Production sets CACHE_URL to Redis: a limit kept in each process's memory would let a connection
    book the limit once per gunicorn worker."""
    import uuid

    import redis
    from django.core.cache.backends.redis import RedisCache

    location = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(location, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis does not answer at {location} (set TEST_REDIS_URL)")
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
        }
    }
    settings.TREMPLIN_WORKSHOP_PUBLIC_BOOKINGS_PER_HOUR = 2
    session = schedule(work, capacity=10)
    for index in range(2):
        assert booking(public, session, email=f"personne{index}@exemple.fr").status_code == 302

    # Another worker process has its own connection to the same Redis: it sees both bookings.
    other_worker = RedisCache(location, {"KEY_PREFIX": prefix})
    assert other_worker.get("workshops:public-bookings:127.0.0.1") == 2
    assert booking(public, session, email="personne9@exemple.fr").status_code == 429
    assert Registration.objects.count() == 2
    other_worker.delete("workshops:public-bookings:127.0.0.1")


def test_the_signed_link_cancels_and_the_next_person_is_offered_the_seat(public, work):
    session = schedule(work, capacity=1)
    ginette, paul = book(session, "Ginette"), book(session, "Paul")
    page = reverse("workshops:public_registration", args=[registration_token(paul)])
    assert "en position 1" in public.get(page).content.decode()

    response = public.post(
        reverse("workshops:public_registration", args=[registration_token(ginette)]), {"action": "annuler"}
    )
    assert response.status_code == 302
    assert "Votre inscription est annulée" in public.get(response["Location"]).content.decode()
    offered = public.get(page).content.decode()
    assert "Une place s'est libérée pour vous" in offered
    public.post(page, {"action": "confirmer"})
    paul.refresh_from_db()
    assert paul.status == Registration.Status.CONFIRMED


def test_a_forged_or_altered_link_is_a_plain_404(public, session):
    registration = book(session, "Ginette")
    token = registration_token(registration)
    other_pk = f"{registration.pk + 1}:{token.split(':', 1)[1]}"
    for wrong in (other_pk, "123", token + "x", "pas-un-jeton"):
        assert public.get(reverse("workshops:public_registration", args=[wrong])).status_code == 404
        assert (
            public.post(
                reverse("workshops:public_registration", args=[wrong]), {"action": "annuler"}
            ).status_code
            == 404
        )
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_the_calendar_file_follows_rfc_5545(public, session):
    registration = book(session, "Ginette")
    response = public.get(
        reverse("workshops:public_registration_ics", args=[registration_token(registration)])
    )
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    lines = body.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert all(len(line.encode()) <= 75 for line in lines)
    local = timezone.localtime(session.starts_at)
    assert f"DTSTART;TZID=Europe/Paris:{local:%Y%m%dT%H%M%S}" in body
    assert "BEGIN:VTIMEZONE" in body and "TZID:Europe/Paris" in body
    assert "STATUS:CONFIRMED" in body
    services.registration_cancel(actor=None, registration=registration)
    cancelled = public.get(
        reverse("workshops:public_registration_ics", args=[registration_token(registration)])
    )
    assert "STATUS:CANCELLED" in cancelled.content.decode()


def test_a_session_that_began_or_is_not_published_has_no_public_page(public, work):
    hidden = schedule(work, is_published=False)
    assert public.get(reverse("workshops:public_session", args=[hidden.pk])).status_code == 404
    started = schedule(work, starts_at=timezone.now() - timedelta(minutes=5))
    assert public.get(reverse("workshops:public_session", args=[started.pk])).status_code == 404


def test_the_poster_is_a_pdf_with_a_qr_code_to_the_agenda(work, session):
    client = work.tenant.client(Role.COORDINATOR)
    response = client.get(reverse("workshops:poster_site", args=[work.site.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    commune = client.get(reverse("workshops:poster_commune", args=[work.site.commune.code]))
    assert commune.content.startswith(b"%PDF-")


def test_the_poster_html_carries_the_agenda_address_and_its_qr_code(work, session, monkeypatch):
    """What the PDF is drawn from: the agenda template with the QR code of the agenda's address."""
    import segno

    from tremplin.workshops.views import public as public_views

    seen = {}

    def fake_render(template, context, request=None):
        seen["template"], seen["context"] = template, context
        return "<html><body>affiche</body></html>"

    monkeypatch.setattr(public_views, "render_to_string", fake_render)
    client = work.tenant.client(Role.MEDIATOR)
    assert client.get(reverse("workshops:poster_site", args=[work.site.pk])).status_code == 200
    address = seen["context"]["agenda_url"]
    assert seen["template"] == "workshops/public/agenda.html" and seen["context"]["poster"]
    assert address == f"http://localhost{reverse('workshops:agenda_site', args=[work.site.pk])}"
    assert seen["context"]["qr_svg"] == segno.make(address, error="m").svg_inline(
        scale=4, dark="#1b1b1b", light="#ffffff"
    )
    assert [s.pk for _day, sessions in seen["context"]["days"] for s in sessions] == [session.pk]


def test_only_the_operators_members_print_its_posters(tenant_b, work, session):
    assert Client().get(reverse("workshops:poster_site", args=[work.site.pk])).status_code == 302
    stranger = tenant_b.client(Role.COORDINATOR)
    assert stranger.get(reverse("workshops:poster_site", args=[work.site.pk])).status_code == 404
    assert (
        tenant_b.client(Role.FUNDER).get(reverse("workshops:poster_site", args=[work.site.pk])).status_code
        == 403
    )


def test_agenda_pages_are_light_and_need_no_script(public, work):
    for index in range(8):
        schedule(work, starts_at=in_days(index + 1))
    for url in (
        reverse("workshops:agenda"),
        reverse("workshops:agenda_site", args=[work.site.pk]),
        reverse("workshops:agenda_commune", args=[work.site.commune.code]),
    ):
        response = public.get(url)
        assert response.status_code == 200
        assert len(response.content) < 100_000
        assert not re.search(r"<script|<style|\sstyle=", response.content.decode())
