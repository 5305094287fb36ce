"""The workshops API: catalogue and sessions with their seats, registrations booked idempotently and
cancelled, attendance from a tablet and closing into a group interaction; French errors, pagination,
and nothing of another operator."""

import json
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from tremplin.accounts.services import api_token_create
from tremplin.core.roles import Role
from tremplin.mediation.models import Interaction
from tremplin.mediation.tests.helpers import at_work, follow
from tremplin.workshops.models import Registration
from tremplin.workshops.tests.helpers import book, catalogue_entry, schedule

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
STARTS = datetime(2026, 3, 12, 14, 0, tzinfo=PARIS)


def api_client(membership) -> Client:
    _token, raw = api_token_create(actor=membership.user, membership=membership, name="tablette")
    return Client(headers={"authorization": f"Bearer {raw}"})


def send(client, method, url, payload=None):
    body = "" if payload is None else json.dumps(payload)
    return getattr(client, method)(url, body, content_type="application/json")


def assert_error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["detail"]
    return body


@pytest.fixture
def work(tenant_a):
    return at_work(tenant_a, start_shift=False)


@pytest.fixture
def tablet(work):
    return api_client(work.tenant.members[Role.MEDIATOR])


@pytest.fixture
def session(work):
    with time_machine.travel(STARTS - timedelta(days=3), tick=False):
        return schedule(work, catalogue_entry(work), starts_at=STARTS, capacity=2)


def test_the_catalogue_and_the_sessions_with_their_seats(work, tablet, session):
    with time_machine.travel(STARTS - timedelta(days=3), tick=False):
        book(session, "Ginette")
        book(session, "Mamadou")
        book(session, "Paul")
    catalogue = tablet.get("/api/v1/workshops").json()
    assert [item["title"] for item in catalogue["items"]] == ["Créer son adresse e-mail"]
    assert catalogue["items"][0]["themes"] == ["email"] and catalogue["items"][0]["level"] == "debutant"
    one = tablet.get(f"/api/v1/workshop-sessions/{session.pk}").json()
    assert (one["capacity"], one["seats_taken"], one["seats_left"], one["waiting"]) == (2, 2, 0, 1)
    assert one["place"] == "bureau_de_poste" and one["facilitator_ids"] == [work.mediator.pk]
    listed = tablet.get("/api/v1/workshop-sessions", {"starts_after": "2026-03-12T00:00:00+01:00"}).json()
    assert [item["id"] for item in listed["items"]] == [session.pk]
    assert tablet.get("/api/v1/workshop-sessions", {"starts_after": "2026-03-13T00:00"}).json()["items"] == []


def test_sessions_come_page_by_page(work, tablet):
    workshop = catalogue_entry(work)
    made = [schedule(work, workshop, starts_at=STARTS + timedelta(days=index)).pk for index in range(5)]
    first = tablet.get("/api/v1/workshop-sessions", {"limit": 3}).json()
    second = tablet.get("/api/v1/workshop-sessions", {"limit": 3, "cursor": first["next_cursor"]}).json()
    assert [item["id"] for item in first["items"] + second["items"]] == made
    assert second["next_cursor"] is None
    assert_error(tablet.get("/api/v1/workshop-sessions", {"cursor": "pas-un-curseur"}), 400)


def test_booking_is_idempotent_by_the_tablets_uuid_and_says_confirmed_or_waitlisted(tablet, session):
    url = f"/api/v1/workshop-sessions/{session.pk}/registrations"
    key = str(uuid.uuid4())
    payload = {"client_uuid": key, "first_name": "Ginette", "phone": "06 12 34 56 78", "consent": True}
    with time_machine.travel(STARTS - timedelta(days=2), tick=False):
        created = send(tablet, "post", url, payload)
        again = send(tablet, "post", url, payload)
        second = send(
            tablet,
            "post",
            url,
            payload | {"client_uuid": str(uuid.uuid4()), "first_name": "Léa", "phone": "0711111111"},
        )
        third = send(
            tablet,
            "post",
            url,
            payload | {"client_uuid": str(uuid.uuid4()), "first_name": "Paul", "phone": "0722222222"},
        )
    assert created.status_code == 201 and again.status_code == 200
    assert created.json()["id"] == again.json()["id"]
    assert created.json()["phone"] == "+33612345678" and created.json()["status"] == "confirmed"
    assert second.json()["status"] == "confirmed"
    assert (third.json()["status"], third.json()["waitlist_position"]) == ("waitlisted", 1)
    assert Registration.objects.count() == 3
    listed = tablet.get(url).json()
    assert [(item["first_name"], item["waitlist_position"]) for item in listed["items"]] == [
        ("Ginette", None),
        ("Léa", None),
        ("Paul", 1),
    ]


def test_bad_input_is_a_422_saying_what_is_wrong_in_french(tablet, session):
    url = f"/api/v1/workshop-sessions/{session.pk}/registrations"
    with time_machine.travel(STARTS - timedelta(days=2), tick=False):
        landline = assert_error(
            send(
                tablet,
                "post",
                url,
                {
                    "client_uuid": str(uuid.uuid4()),
                    "first_name": "Ginette",
                    "phone": "0145678910",
                    "consent": True,
                },
            ),
            422,
        )
        email = assert_error(
            send(
                tablet,
                "post",
                url,
                {
                    "client_uuid": str(uuid.uuid4()),
                    "first_name": "Ginette",
                    "email": "ginette@",
                    "consent": True,
                },
            ),
            422,
        )
        nothing = assert_error(
            send(
                tablet,
                "post",
                url,
                {"client_uuid": str(uuid.uuid4()), "first_name": "Ginette", "consent": True},
            ),
            422,
        )
        typo = assert_error(
            send(tablet, "post", url, {"client_uuid": str(uuid.uuid4()), "prenom": "Ginette"}), 422
        )
        no_uuid = assert_error(send(tablet, "post", url, {"first_name": "Ginette"}), 422)
        stranger = assert_error(
            send(tablet, "post", url, {"client_uuid": str(uuid.uuid4()), "beneficiary_id": 999999}), 422
        )
    assert "n'est pas un numéro de portable" in landline["errors"]["phone"][0]
    assert email["errors"]["email"] == ["Adresse e-mail invalide : par exemple prenom@exemple.fr."]
    assert "Indiquez un numéro de portable ou une adresse e-mail" in nothing["errors"]["phone"][0]
    assert typo["errors"]["prenom"] == ["Champ inconnu."]
    assert no_uuid["errors"]["client_uuid"] == ["Ce champ est obligatoire."]
    assert stranger["errors"]["beneficiary_id"] == ["Personne inconnue, ou qui n'est pas suivie par vous."]
    assert not Registration.objects.exists()
    assert_error(send(tablet, "post", url, None), 422)


def test_cancel_frees_the_seat_for_the_next_person_and_confirm_takes_it(tablet, session):
    with time_machine.travel(STARTS - timedelta(days=2), tick=False):
        ginette, _lea, paul = (book(session, name) for name in ("Ginette", "Léa", "Paul"))
        cancelled = send(tablet, "post", f"/api/v1/workshop-registrations/{ginette.pk}/cancel")
        offered = tablet.get(f"/api/v1/workshop-sessions/{session.pk}/registrations").json()["items"][2]
        confirmed = send(tablet, "post", f"/api/v1/workshop-registrations/{paul.pk}/confirm")
        twice = send(tablet, "post", f"/api/v1/workshop-registrations/{ginette.pk}/cancel")
    assert cancelled.json()["status"] == "cancelled" and cancelled.json()["email"] == ""
    assert offered["status"] == "offered" and offered["hold_expires_at"]
    assert confirmed.json()["status"] == "confirmed"
    assert twice.status_code == 200
    refused = assert_error(send(tablet, "post", f"/api/v1/workshop-registrations/{ginette.pk}/confirm"), 422)
    assert "Aucune place n'est proposée" in refused["detail"]


def test_a_tablet_takes_the_attendance_and_closes_the_session(work, tablet, session):
    jeanne = follow(work, "Jeanne")
    with time_machine.travel(STARTS - timedelta(days=2), tick=False):
        ginette = book(session, "Ginette")
    with time_machine.travel(STARTS + timedelta(minutes=15), tick=False):
        first = send(
            tablet, "put", f"/api/v1/workshop-registrations/{ginette.pk}/attendance", {"present": True}
        )
        again = send(
            tablet, "put", f"/api/v1/workshop-registrations/{ginette.pk}/attendance", {"present": True}
        )
        key = str(uuid.uuid4())
        walk_in = send(
            tablet,
            "post",
            f"/api/v1/workshop-sessions/{session.pk}/walk-ins",
            {"client_uuid": key, "beneficiary_id": jeanne.pk},
        )
        walk_in_again = send(
            tablet,
            "post",
            f"/api/v1/workshop-sessions/{session.pk}/walk-ins",
            {"client_uuid": key, "beneficiary_id": jeanne.pk},
        )
        extras = send(
            tablet,
            "put",
            f"/api/v1/workshop-sessions/{session.pk}/extra-participants",
            {"age_bracket": "soixante_dix_plus", "gender": "masculin", "count": 2},
        )
        bad_extras = send(
            tablet, "put", f"/api/v1/workshop-sessions/{session.pk}/extra-participants", {"count": 500}
        )
        closed = send(tablet, "post", f"/api/v1/workshop-sessions/{session.pk}/close")
        closed_again = send(tablet, "post", f"/api/v1/workshop-sessions/{session.pk}/close")
    assert first.json()["attended"] and first.json()["checked_in_at"] == again.json()["checked_in_at"]
    assert walk_in.status_code == 201 and walk_in_again.status_code == 200
    assert extras.json()["participants"] == 4
    assert "La valeur doit être inférieure ou égale à 99." in assert_error(bad_extras, 422)["errors"]["count"]
    assert closed.json()["status"] == "done" and closed.json()["interaction_id"]
    assert closed_again.json()["interaction_id"] == closed.json()["interaction_id"]
    interaction = Interaction.objects.get()
    assert interaction.accompaniments.count() == 4 and interaction.mediator == work.mediator
    attendance = tablet.get(f"/api/v1/workshop-sessions/{session.pk}/attendance").json()
    assert [row["first_name"] or row["beneficiary_id"] for row in attendance["present"]] == [
        "Ginette",
        jeanne.pk,
    ]


def test_a_long_list_of_registrations_reads_in_a_fixed_number_of_queries(
    tablet, session, django_assert_max_num_queries
):
    with time_machine.travel(STARTS - timedelta(days=2), tick=False):
        for index in range(12):
            book(session, f"Personne {index}")
    with django_assert_max_num_queries(12):
        listed = tablet.get(f"/api/v1/workshop-sessions/{session.pk}/registrations").json()
    assert [item["waitlist_position"] for item in listed["items"]][-3:] == [8, 9, 10]


def test_funders_and_other_operators_get_nothing(work, session, tenant_b):
    funder = api_client(work.tenant.members[Role.FUNDER])
    assert_error(funder.get("/api/v1/workshop-sessions"), 403)
    stranger = api_client(tenant_b.members[Role.COORDINATOR])
    assert stranger.get("/api/v1/workshop-sessions").json()["items"] == []
    assert stranger.get("/api/v1/workshops").json()["items"] == []
    assert_error(stranger.get(f"/api/v1/workshop-sessions/{session.pk}"), 404)
    body = {
        "client_uuid": str(uuid.uuid4()),
        "first_name": "Intrus",
        "email": "intrus@exemple.fr",
        "consent": True,
    }
    assert_error(send(stranger, "post", f"/api/v1/workshop-sessions/{session.pk}/registrations", body), 404)
    with time_machine.travel(STARTS - timedelta(days=1), tick=False):
        registration = book(session, "Ginette")
        assert_error(send(stranger, "post", f"/api/v1/workshop-registrations/{registration.pk}/cancel"), 404)
    assert_error(Client().get("/api/v1/workshop-sessions"), 401)
    registration.refresh_from_db()
    assert registration.status == "confirmed"
