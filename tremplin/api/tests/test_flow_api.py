"""The queue API: a tablet adds visits idempotently, moves them along, calls the next person and reads
the queue with estimated waits; only the staff of the operator covering the site; French errors."""

import json
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from tremplin.accounts.services import api_token_create
from tremplin.core.roles import Role
from tremplin.flow import services
from tremplin.flow.models import State, Visit
from tremplin.mediation.tests.helpers import at_work
from tremplin.territory.tests.factories import SiteFactory

PARIS = ZoneInfo("Europe/Paris")
MORNING = datetime(2026, 3, 9, 9, 0, tzinfo=PARIS)


def api_client(membership) -> Client:
    _token, raw = api_token_create(actor=membership.user, membership=membership, name="tablette")
    return Client(headers={"authorization": f"Bearer {raw}"})


def post(client, url, payload=None):
    body = "" if payload is None else json.dumps(payload)
    return client.post(url, body, content_type="application/json")


def visits_url(site) -> str:
    return f"/api/v1/sites/{site.pk}/visits"


def transitions_url(visit_id) -> str:
    return f"/api/v1/visits/{visit_id}/transitions"


def call_next_url(site) -> str:
    return f"/api/v1/sites/{site.pk}/call-next"


def queue_url(site) -> str:
    return f"/api/v1/sites/{site.pk}/queue"


def assert_error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    return body


def field_errors(response) -> dict[str, list[str]]:
    body = assert_error(response, 422)
    assert body["errors"], body
    return body["errors"]


def new(**fields) -> dict:
    return {"client_uuid": str(uuid.uuid4()), "reasons": ["parcel_pickup"]} | fields


@pytest.fixture(autouse=True)
def _morning():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def work_a(tenant_a):
    return at_work(tenant_a)


@pytest.fixture
def tablet(work_a):
    return api_client(work_a.tenant.members[Role.MEDIATOR])


def add(tablet, site, **fields) -> dict:
    response = post(tablet, visits_url(site), new(**fields))
    assert response.status_code == 201, response.content
    return response.json()


# --- Adding a visit ------------------------------------------------------------------------------


def test_adding_a_visit_twice_with_the_same_uuid_makes_one_visit(work_a, tablet):
    payload = new(reasons=["banking", "mobile"], first_name="  Léa  ", group_size=2)
    first = post(tablet, visits_url(work_a.site), payload)
    again = post(tablet, visits_url(work_a.site), payload)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    body = first.json()
    assert body["ticket"] == 1 and body["label"] == "001 Léa"
    assert body["first_name"] == "Léa" and body["group_size"] == 2
    assert body["state"] == "waiting" and body["route"] is None
    assert body["reasons"] == ["banking", "mobile"]
    assert body["arrived_at"] == body["state_since"]
    assert body["called_at"] is None and body["waited_minutes"] == 0
    assert Visit.objects.count() == 1
    assert add(tablet, work_a.site)["ticket"] == 2


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_coordinators_and_admins_add_visits_at_their_contract_sites(work_a, role):
    client = api_client(work_a.tenant.members[role])
    response = post(client, visits_url(work_a.site), new())
    assert response.status_code == 201, response.content
    assert Visit.objects.get().operator == work_a.tenant.operator


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"reasons": []}, "reasons", "Choisissez au moins un motif."),
        ({"reasons": ["teleportation"]}, "reasons", "Valeur inconnue : teleportation"),
        ({"reasons": "banking"}, "reasons", "Une liste est attendue."),
        ({"group_size": 0}, "group_size", "Le nombre de personnes doit être compris entre 1 et 20."),
        ({"group_size": 21}, "group_size", "Le nombre de personnes doit être compris entre 1 et 20."),
        ({"group_size": "beaucoup"}, "group_size", "Un nombre entier est attendu."),
        ({"group_size": 10**30}, "group_size", "compris entre 1 et 20"),
        ({"first_name": "x" * 31}, "first_name", "Le prénom tient en 30 caractères au plus."),
        ({"first_name": "x" * 201}, "first_name", "Au plus 200 caractères."),
        ({"first_name": "Lé\x00a"}, "first_name", "Le caractère nul"),
        ({"client_uuid": "pas-un-uuid"}, "client_uuid", "Un UUID est attendu"),
        ({"client_uuid": None}, "client_uuid", "Un UUID est attendu"),
        ({"surname": "Dupont"}, "surname", "Champ inconnu."),
    ],
)
def test_bad_visits_are_refused_field_by_field_in_french(work_a, tablet, fields, field, message):
    errors = field_errors(post(tablet, visits_url(work_a.site), new(**fields)))
    assert any(message in text for text in errors[field]), errors
    assert not Visit.objects.exists()


def test_a_missing_body_or_unreadable_json_is_a_4xx_not_a_500(work_a, tablet):
    assert field_errors(post(tablet, visits_url(work_a.site)))
    response = tablet.post(visits_url(work_a.site), "{nope", content_type="application/json")
    assert assert_error(response, 400)["detail"] == "Corps de la requête illisible : du JSON est attendu."
    errors = field_errors(post(tablet, visits_url(work_a.site), {}))
    assert errors["client_uuid"] == ["Ce champ est obligatoire."]
    assert errors["reasons"] == ["Ce champ est obligatoire."]


def test_a_uuid_of_another_site_is_not_handed_back(work_a, tablet):
    other = SiteFactory(commune=work_a.site.commune, name="Bureau voisin")
    payload = new()
    services.visit_create(
        actor=None,
        operator=work_a.tenant.operator,
        site=other,
        reasons=["banking"],
        first_name="Autre",
        client_uuid=uuid.UUID(payload["client_uuid"]),
    )
    body = assert_error(post(tablet, visits_url(work_a.site), payload), 409)
    assert "Autre" not in json.dumps(body)


# --- Who may act -------------------------------------------------------------------------------


def test_funders_are_refused_and_other_sites_are_not_found(work_a, tenant_b, tablet):
    funder = api_client(work_a.tenant.members[Role.FUNDER])
    for response in (
        post(funder, visits_url(work_a.site), new()),
        post(funder, call_next_url(work_a.site)),
        funder.get(queue_url(work_a.site)),
    ):
        assert "financeurs" in assert_error(response, 403)["detail"]
    # Tenant B's site, and a site nobody has a contract for: not found, whatever the body says.
    uncovered = SiteFactory(commune=work_a.site.commune, name="Bureau sans contrat")
    for site in (tenant_b.site, uncovered):
        assert_error(post(tablet, visits_url(site), {"bad": True}), 404)
        assert_error(post(tablet, call_next_url(site)), 404)
        assert_error(tablet.get(queue_url(site)), 404)
    assert_error(post(tablet, f"/api/v1/sites/{10**20}/visits", new()), 404)
    assert not Visit.objects.exists()


def test_a_visit_of_tenant_b_cannot_be_moved(work_a, tenant_b, tablet):
    work_b = at_work(tenant_b)
    visit, _ = services.visit_create(
        actor=None, operator=tenant_b.operator, site=work_b.site, reasons=["banking"], first_name="Zoé"
    )
    response = post(tablet, transitions_url(visit.pk), {"action": "call"})
    assert "Zoé" not in assert_error(response, 404)["detail"]
    assert_error(post(tablet, transitions_url(10**20), {"action": "call"}), 404)
    visit.refresh_from_db()
    assert visit.state == State.WAITING


def test_without_a_token_the_api_answers_401(work_a):
    response = post(Client(), visits_url(work_a.site), new())
    assert_error(response, 401)


# --- Transitions -------------------------------------------------------------------------------


def test_a_visit_is_called_served_and_closed_with_its_times(work_a, tablet, _morning):
    visit = add(tablet, work_a.site, reasons=["mobile"])
    _morning.shift(6 * 60)
    called = post(tablet, transitions_url(visit["id"]), {"action": "call"})
    assert called.status_code == 200, called.content
    assert called.json()["state"] == "called" and called.json()["waited_minutes"] == 6
    _morning.shift(60)
    served = post(tablet, transitions_url(visit["id"]), {"action": "serve"}).json()
    assert served["state"] == "serving" and served["served_at"] is not None
    _morning.shift(10 * 60)
    closed = post(tablet, transitions_url(visit["id"]), {"action": "close", "route": "mediator"})
    assert closed.status_code == 200, closed.content
    body = closed.json()
    assert body["state"] == "done" and body["route"] == "mediator"
    assert datetime.fromisoformat(body["closed_at"]) == MORNING.replace(minute=17)
    assert datetime.fromisoformat(body["called_at"]) == MORNING.replace(minute=6)


def test_hold_and_requeue_go_back_to_the_queue(work_a, tablet):
    visit = add(tablet, work_a.site)
    assert post(tablet, transitions_url(visit["id"]), {"action": "hold"}).json()["state"] == "on_hold"
    assert post(tablet, transitions_url(visit["id"]), {"action": "requeue"}).json()["state"] == "waiting"


def test_a_tension_is_noted_without_moving_the_visit(work_a, tablet):
    visit = add(tablet, work_a.site)
    noted = post(tablet, transitions_url(visit["id"]), {"action": "tension"})
    assert noted.status_code == 200, noted.content
    assert (noted.json()["tension"], noted.json()["state"]) == (True, "waiting")
    assert Visit.objects.get().tension is True


def test_serving_a_closed_visit_is_a_409_with_a_french_reason(work_a, tablet):
    visit = add(tablet, work_a.site)
    post(tablet, transitions_url(visit["id"]), {"action": "close", "route": "left"})
    body = assert_error(post(tablet, transitions_url(visit["id"]), {"action": "serve"}), 409)
    assert body["detail"] == "Impossible : la visite 001 est « Terminé »."
    assert Visit.objects.get().state == State.DONE


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"action": "close"}, "route", "Choisissez où la personne a été orientée."),
        ({"action": "call", "route": "counter"}, "route", "ne se donne qu'en terminant"),
        ({"action": "close", "route": "moon"}, "route", "Valeur inconnue : moon"),
        ({"action": "teleport"}, "action", "Valeur inconnue : teleport"),
        ({}, "action", "Ce champ est obligatoire."),
        ({"action": "call", "extra": 1}, "extra", "Champ inconnu."),
    ],
)
def test_bad_transitions_are_422_with_french_messages(work_a, tablet, payload, field, message):
    visit = add(tablet, work_a.site)
    errors = field_errors(post(tablet, transitions_url(visit["id"]), payload))
    assert any(message in text for text in errors[field]), errors
    assert Visit.objects.get().state == State.WAITING


# --- Calling the next person and reading the queue ---------------------------------------------


def test_call_next_takes_the_longest_waiting_then_answers_204(work_a, tablet, _morning):
    first = add(tablet, work_a.site, reasons=["banking"])
    _morning.shift(60)
    second = add(tablet, work_a.site, reasons=["mobile"])
    by_reason = tablet.post(call_next_url(work_a.site) + "?reason=mobile")
    assert by_reason.status_code == 200 and by_reason.json()["id"] == second["id"]
    response = tablet.post(call_next_url(work_a.site))  # no body, no content type
    assert response.status_code == 200 and response.json()["id"] == first["id"]
    assert response.json()["state"] == "called"
    nobody = post(tablet, call_next_url(work_a.site))
    assert nobody.status_code == 204 and nobody.content == b""
    errors = field_errors(tablet.post(call_next_url(work_a.site) + "?reason=x"))
    assert errors["reason"][0].startswith("Valeur inconnue : x ; valeurs possibles : parcel_pickup")


def test_the_queue_lists_open_visits_and_estimated_waits(work_a, tablet, _morning):
    done = add(tablet, work_a.site, reasons=["banking"])
    post(tablet, transitions_url(done["id"]), {"action": "close", "route": "counter"})
    add(tablet, work_a.site, reasons=["mobile"], first_name="Léa")
    add(tablet, work_a.site, reasons=["mobile", "banking"])
    _morning.shift(5 * 60)
    response = tablet.get(queue_url(work_a.site))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["site_id"] == work_a.site.pk and body["day"] == "2026-03-09"
    assert [(v["ticket"], v["first_name"], v["waited_minutes"]) for v in body["visits"]] == [
        (2, "Léa", 5),
        (3, "", 5),
    ]
    waits = {w["reason"]: w for w in body["waits"]}
    # Two wait for the mobile reason (10 min each, the mediator on shift serves it): 20 minutes.
    assert (waits["mobile"]["waiting"], waits["mobile"]["minutes"]) == (2, 20)
    # One waits for banking (8 min, at the counter).
    assert (waits["banking"]["waiting"], waits["banking"]["minutes"]) == (1, 8)
    assert waits["banking"]["label"] == "Banque"


def test_the_queue_of_another_operator_at_the_same_site_is_not_shown(work_a, tenant_b, tablet):
    services.visit_create(
        actor=None, operator=tenant_b.operator, site=work_a.site, reasons=["banking"], first_name="Zoé"
    )
    body = tablet.get(queue_url(work_a.site)).json()
    assert body["visits"] == []
    assert "Zoé" not in json.dumps(body)
    assert post(tablet, call_next_url(work_a.site)).status_code == 204
