"""Attendance on the tablet and the group interaction a session becomes: tap to tick (twice is once),
walk-ins, anonymous counts, closing, re-closing and corrections that update the same interaction."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tremplin.core.roles import Role
from tremplin.mediation import services as mediation_services
from tremplin.mediation.models import Accompaniment, Interaction
from tremplin.mediation.tests.helpers import follow
from tremplin.staffing import services as staffing_services
from tremplin.territory.tests.factories import CommuneFactory
from tremplin.workshops import services
from tremplin.workshops.models import Registration, Session

from .helpers import book, catalogue_entry, schedule

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
STARTS = datetime(2026, 3, 12, 14, 0, tzinfo=PARIS)
DURING = STARTS + timedelta(minutes=20)
AFTER = STARTS + timedelta(hours=2)


@pytest.fixture
def clock():
    with time_machine.travel(DURING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def held(work, clock):
    """Thursday's session at 14:00 (Créer son adresse e-mail, themes e-mail and navigation), booked
    the week before by two people and a followed person; the clock is 20 minutes in."""
    workshop = catalogue_entry(work, themes=("email", "navigation_sur_internet"))
    clock.move_to(STARTS - timedelta(days=7))
    session = schedule(work, workshop, starts_at=STARTS, capacity=4)
    ginette, mamadou = book(session, "Ginette"), book(session, "Mamadou")
    jeanne = follow(work, "Jeanne", gender="feminin", social_status="retraite")
    followed, _created = services.registration_create(
        actor=work.user, session=session, source="staff", beneficiary=jeanne
    )
    clock.move_to(DURING)
    return session, ginette, mamadou, followed


def test_ticking_twice_is_one_presence(work, held):
    session, ginette, *_rest = held
    first = services.registration_mark_attendance(actor=work.user, registration=ginette, present=True)
    again = services.registration_mark_attendance(actor=work.user, registration=ginette, present=True)
    assert first.attended and again.attended
    assert again.checked_in_at == first.checked_in_at == DURING
    assert session.registrations.filter(attended=True).count() == 1


def test_attendance_opens_on_the_day_of_the_session(work, held, clock):
    session, ginette, *_rest = held
    clock.move_to(STARTS - timedelta(days=1))
    with pytest.raises(services.WorkshopError) as refused:
        services.registration_mark_attendance(actor=work.user, registration=ginette, present=True)
    assert "L'appel s'ouvre le jour de la séance" in str(refused.value)


def test_closing_makes_one_group_interaction_in_the_facilitators_records(work, held, clock):
    session, ginette, mamadou, followed = held
    for registration in (ginette, followed):
        services.registration_mark_attendance(actor=work.user, registration=registration, present=True)
    services.walk_in_add(actor=work.user, session=session, first_name="Rémi")
    services.extra_participants_set(
        actor=work.user, session=session, count=2, age_bracket="soixante_dix_plus", gender="feminin"
    )
    clock.move_to(AFTER)
    services.session_close(actor=work.user, session=session)

    session.refresh_from_db()
    interaction = session.interaction
    assert session.status == Session.Status.DONE
    assert interaction.mediator == work.mediator and interaction.site == work.site
    assert interaction.kind == "individual_accompaniment"
    assert interaction.time_category == "digital_assistance"
    assert interaction.place == "bureau_de_poste"
    assert interaction.started_at == STARTS and interaction.duration_minutes == 90
    assert sorted(interaction.theme_codes) == ["email", "navigation_sur_internet"]
    people = list(interaction.accompaniments.order_by("pk"))
    assert len(people) == 5  # Ginette, Jeanne, Rémi, and two anonymous women over 70; Mamadou stayed away
    assert [row.beneficiary_id for row in people].count(followed.beneficiary_id) == 1
    assert sorted((row.age_bracket, row.gender) for row in people if not row.beneficiary_id) == [
        ("", ""),
        ("", ""),
        ("soixante_dix_plus", "feminin"),
        ("soixante_dix_plus", "feminin"),
    ]
    jeanne_row = next(row for row in people if row.beneficiary_id)
    assert (jeanne_row.gender, jeanne_row.social_status) == ("feminin", "retraite")


def test_closing_again_or_correcting_updates_the_same_interaction(work, held, clock):
    session, ginette, mamadou, followed = held
    services.registration_mark_attendance(actor=work.user, registration=ginette, present=True)
    clock.move_to(AFTER)
    services.session_close(actor=work.user, session=session)
    session.refresh_from_db()
    interaction_id = session.interaction_id
    assert Accompaniment.objects.filter(interaction_id=interaction_id).count() == 1

    # Mamadou had come after all; a correction after closing follows into the interaction.
    services.registration_mark_attendance(actor=work.user, registration=mamadou, present=True)
    assert Accompaniment.objects.filter(interaction_id=interaction_id).count() == 2
    services.extra_participants_set(actor=work.user, session=session, count=3)
    assert Accompaniment.objects.filter(interaction_id=interaction_id).count() == 5
    services.session_close(actor=work.user, session=session)
    services.session_close(actor=work.user, session=session)
    assert Interaction.objects.count() == 1
    assert Interaction.objects.get().pk == interaction_id
    assert Accompaniment.objects.filter(interaction_id=interaction_id).count() == 5


def test_a_session_nobody_came_to_closes_without_an_interaction(work, held, clock):
    session, ginette, *_rest = held
    clock.move_to(AFTER)
    services.session_close(actor=work.user, session=session)
    session.refresh_from_db()
    assert session.status == Session.Status.DONE and session.interaction is None
    assert not Interaction.objects.exists()
    # Ginette had been there: ticking her now creates it; un-ticking takes it back.
    services.registration_mark_attendance(actor=work.user, registration=ginette, present=True)
    session.refresh_from_db()
    assert session.interaction.accompaniments.count() == 1
    services.registration_mark_attendance(actor=work.user, registration=ginette, present=False)
    session.interaction.refresh_from_db()
    assert session.interaction.is_deleted


def test_a_session_cannot_close_before_it_starts(work, held, clock):
    session, *_rest = held
    clock.move_to(STARTS - timedelta(minutes=30))
    with pytest.raises(services.WorkshopError) as refused:
        services.session_close(actor=work.user, session=session)
    assert "pas encore commencé" in str(refused.value)


def test_a_session_outside_the_office_is_recorded_hors_bureau(work, clock):
    mediatheque = CommuneFactory(departement=work.site.commune.departement, code="03999", name="Bourg")
    clock.move_to(STARTS - timedelta(days=2))
    session = schedule(
        work,
        starts_at=STARTS,
        venue=Session.Venue.OUTSIDE,
        venue_name="Médiathèque Jacques-Prévert",
        venue_commune=mediatheque,
    )
    clock.move_to(DURING)
    services.walk_in_add(actor=work.user, session=session, first_name="Rémi")
    services.session_close(actor=work.user, session=session)
    session.refresh_from_db()
    assert session.interaction.place == "hors_bureau"
    assert session.interaction.site == work.site
    assert session.interaction.shift is None


def test_the_interaction_joins_the_facilitators_shift_under_way_at_the_site(work, clock):
    clock.move_to(STARTS - timedelta(days=2))
    session = schedule(work, starts_at=STARTS)
    shift = staffing_services.shift_start(
        actor=work.user, mediator=work.mediator, site=work.site, at=STARTS - timedelta(hours=1)
    )
    clock.move_to(DURING)
    services.walk_in_add(actor=work.user, session=session, first_name="Rémi")
    services.session_close(actor=work.user, session=session)
    session.refresh_from_db()
    assert session.interaction.shift == shift


def test_a_walk_in_already_registered_is_ticked_not_added_twice(work, held):
    session, _ginette, _mamadou, followed = held
    registration, created = services.walk_in_add(
        actor=work.user, session=session, beneficiary=followed.beneficiary
    )
    assert not created and registration.pk == followed.pk and registration.attended
    assert session.registrations.count() == 3


def test_someone_from_the_waiting_list_who_comes_anyway_is_seated(work, clock):
    clock.move_to(STARTS - timedelta(days=2))
    session = schedule(work, starts_at=STARTS, capacity=1)
    book(session, "Ginette")
    paul = book(session, "Paul")
    clock.move_to(DURING)
    paul = services.registration_mark_attendance(actor=work.user, registration=paul, present=True)
    assert (paul.status, paul.attended) == (Registration.Status.CONFIRMED, True)


def test_a_merged_followed_person_counts_as_the_card_kept(work, held, clock):
    session, _ginette, _mamadou, followed = held
    keep = follow(work, "Jeanne M.")
    mediation_services.beneficiary_merge(actor=work.user, keep=keep, duplicate=followed.beneficiary)
    services.registration_mark_attendance(actor=work.user, registration=followed, present=True)
    clock.move_to(AFTER)
    services.session_close(actor=work.user, session=session)
    session.refresh_from_db()
    assert list(session.interaction.accompaniments.values_list("beneficiary_id", flat=True)) == [keep.pk]


# --- The tablet pages ------------------------------------------------------------------------------


def test_the_tablet_ticks_a_person_with_htmx_and_without(work, held):
    session, ginette, mamadou, _followed = held
    client = work.tenant.client(Role.MEDIATOR)
    page = client.get(reverse("workshops:attendance", args=[session.pk]))
    assert page.status_code == 200
    assert "Ginette" in page.content.decode() and "Mamadou" in page.content.decode()

    url = reverse("workshops:attendance_mark", args=[session.pk, ginette.pk])
    fragment = client.post(url, {"present": "1"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert f'id="inscription-{ginette.pk}"' in html and "attendance__row--present" in html
    assert 'hx-swap-oob="true"' in html and "1 inscrit présent sur 3" in html

    plain = client.post(reverse("workshops:attendance_mark", args=[session.pk, mamadou.pk]), {"present": "1"})
    assert plain.status_code == 302
    assert plain["Location"].endswith(f"/appel/#inscription-{mamadou.pk}")
    assert session.registrations.filter(attended=True).count() == 2


def test_the_tablet_adds_walk_ins_counts_anonymous_people_and_closes(work, held, clock):
    session, *_rest = held
    client = work.tenant.client(Role.MEDIATOR)
    base = reverse("workshops:attendance", args=[session.pk])
    assert (
        client.post(reverse("workshops:walk_in", args=[session.pk]), {"first_name": "Rémi"}).status_code
        == 302
    )
    refused = client.post(reverse("workshops:walk_in", args=[session.pk]), {"first_name": "  "})
    assert refused.status_code == 422
    assert "Indiquez un prénom, ou choisissez une personne suivie." in refused.content.decode()

    extras = reverse("workshops:extra_participants", args=[session.pk])
    client.post(extras, {"mode": "add", "count": "2", "age_bracket": "soixante_soixante_neuf", "gender": ""})
    client.post(extras, {"mode": "add", "count": "1", "age_bracket": "soixante_soixante_neuf", "gender": ""})
    # The + button posts the number wanted: a repeated tap does not count twice.
    for _tap in range(2):
        client.post(
            extras, {"mode": "set", "count": "4", "age_bracket": "soixante_soixante_neuf", "gender": ""}
        )
    assert session.extra_participants.get().count == 4
    bad = client.post(extras, {"mode": "add", "count": "-3"})
    assert bad.status_code == 422

    clock.move_to(AFTER)
    closed = client.post(reverse("workshops:session_close", args=[session.pk]), follow=True)
    assert closed.redirect_chain[-1][0] == base
    assert "interaction de groupe de 5 personnes" in closed.content.decode()

    records = client.get(reverse("mediation:interaction_list"))
    assert records.status_code == 200
    assert [row.pk for row in records.context["page"].object_list] == [Session.objects.get().interaction_id]


def test_another_operator_cannot_take_the_attendance(held, tenant_b):
    session, ginette, *_rest = held
    stranger = tenant_b.client(Role.MEDIATOR)
    assert stranger.get(reverse("workshops:attendance", args=[session.pk])).status_code == 404
    response = stranger.post(
        reverse("workshops:attendance_mark", args=[session.pk, ginette.pk]), {"present": "1"}
    )
    assert response.status_code == 404
    assert not Registration.objects.filter(attended=True).exists()


def test_the_attendance_page_reads_in_a_fixed_number_of_queries(work, held, django_assert_max_num_queries):
    session, *_rest = held
    for index in range(10):
        services.walk_in_add(actor=work.user, session=session, first_name=f"Personne {index}")
    client = work.tenant.client(Role.MEDIATOR)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("workshops:attendance", args=[session.pk])).status_code == 200


def test_the_group_interaction_opens_in_the_record_screen_like_any_other(work, held, clock):
    session, ginette, mamadou, _followed = held
    for registration in (ginette, mamadou):
        services.registration_mark_attendance(actor=work.user, registration=registration, present=True)
    clock.move_to(AFTER)
    services.session_close(actor=work.user, session=session)
    session.refresh_from_db()
    page = work.tenant.client(Role.MEDIATOR).get(
        reverse("mediation:interaction_edit", args=[session.interaction_id])
    )
    assert page.status_code == 200
    assert "2 personnes accompagnées (groupe)" in page.content.decode()
