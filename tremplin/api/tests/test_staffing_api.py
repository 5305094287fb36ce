"""The staffing API: contracts, rotations and shifts read within the token's scope; a mediator's
tablet starts and ends shifts idempotently; every error is a 4xx JSON with a French detail."""

import json
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from tremplin.accounts.services import api_token_create
from tremplin.accounts.tests.factories import MembershipFactory
from tremplin.core.models import JournalEntry
from tremplin.core.roles import Role
from tremplin.staffing import services
from tremplin.staffing.models import Shift
from tremplin.staffing.tests.conftest import make_plan

PARIS = ZoneInfo("Europe/Paris")
START = "/api/v1/shifts/start"


def at(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def end_url(client_uuid) -> str:
    return f"/api/v1/shifts/{client_uuid}/end"


def api_client(membership) -> Client:
    _token, raw = api_token_create(actor=membership.user, membership=membership, name="tablette")
    return Client(headers={"authorization": f"Bearer {raw}"})


def post(client, url, payload=None):
    if payload is None:
        return client.post(url, "", content_type="application/json")
    return client.post(url, json.dumps(payload), content_type="application/json")


def assert_error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    return body


@pytest.fixture
def plan_a(tenant_a):
    from tremplin.accounts.tests.factories import OperatorFactory

    return make_plan(tenant_a, OperatorFactory(name="La Poste — client de A"))


@pytest.fixture
def tablet(plan_a, tenant_a):
    return api_client(tenant_a.members[Role.MEDIATOR])


@pytest.fixture
def plan_b(tenant_b):
    from tremplin.accounts.tests.factories import OperatorFactory

    plan = make_plan(tenant_b, OperatorFactory(name="La Poste — client de B"))
    with time_machine.travel(at(2026, 3, 9, 9, 0), tick=False):
        shift = services.shift_start(actor=None, mediator=plan.mediator, site=plan.site)
    services.shift_end(actor=None, shift=shift, at=at(2026, 3, 9, 12, 0))
    return plan


# --- Starting and ending ------------------------------------------------------------------------


def test_three_identical_starts_make_one_shift(plan_a, tablet):
    payload = {"client_uuid": str(uuid.uuid4()), "site_id": plan_a.site.pk}
    with time_machine.travel(at(2026, 3, 9, 9, 1), tick=False):
        answers = [post(tablet, START, payload) for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 200, 200]
    assert len({a.json()["id"] for a in answers}) == 1
    shift = Shift.objects.get()
    body = answers[0].json()
    assert body["client_uuid"] == payload["client_uuid"]
    assert (body["site_id"], body["rotation_id"], body["contract_id"]) == (
        plan_a.site.pk,
        plan_a.rotation.pk,
        plan_a.contract.pk,
    )
    assert body["is_open"] is True and body["minutes"] is None
    assert shift.mediator == plan_a.mediator
    assert JournalEntry.objects.filter(action="staffing.shift.started").count() == 1


def test_end_is_idempotent_too(plan_a, tablet):
    client_uuid = str(uuid.uuid4())
    with time_machine.travel(at(2026, 3, 9, 9, 0), tick=False):
        post(tablet, START, {"client_uuid": client_uuid, "site_id": plan_a.site.pk})
    with time_machine.travel(at(2026, 3, 9, 12, 10), tick=False):
        first = post(tablet, end_url(client_uuid))
        second = post(tablet, end_url(client_uuid), {})
    with time_machine.travel(at(2026, 3, 9, 15, 0), tick=False):
        third = post(tablet, end_url(client_uuid), {"ended_at": "2026-03-09T14:00:00+01:00"})
    assert [r.status_code for r in (first, second, third)] == [200, 200, 200]
    assert first.json() == second.json() == third.json()
    assert first.json()["minutes"] == 190
    assert JournalEntry.objects.filter(action="staffing.shift.ended").count() == 1


def test_an_end_recorded_offline_keeps_its_time(plan_a, tablet):
    client_uuid = str(uuid.uuid4())
    with time_machine.travel(at(2026, 3, 9, 9, 0), tick=False):
        post(tablet, START, {"client_uuid": client_uuid, "site_id": plan_a.site.pk})
    with time_machine.travel(at(2026, 3, 9, 18, 0), tick=False):
        naive = post(tablet, end_url(client_uuid), {"ended_at": "2026-03-09T12:15:00"})
    assert naive.status_code == 200
    assert naive.json()["minutes"] == 195
    assert naive.json()["end_was_forgotten"] is False


def test_a_forgotten_shift_blocks_a_start_and_is_closed_with_its_real_end(plan_a, tablet):
    forgotten = str(uuid.uuid4())
    with time_machine.travel(at(2026, 3, 9, 9, 0), tick=False):
        post(tablet, START, {"client_uuid": forgotten, "site_id": plan_a.site.pk})
    with time_machine.travel(at(2026, 3, 10, 9, 0), tick=False):
        listed = tablet.get("/api/v1/shifts").json()["items"]
        assert listed[0]["is_forgotten"] is True
        blocked = assert_error(
            post(tablet, START, {"client_uuid": str(uuid.uuid4()), "site_id": plan_a.site.pk}), 409
        )
        assert "indiquez d'abord son heure de fin" in blocked["detail"]
        assert blocked["open_shift"] == forgotten
        no_time = assert_error(post(tablet, end_url(forgotten)), 409)
        assert "indiquez l'heure" in no_time["detail"]
        closed = post(tablet, end_url(forgotten), {"ended_at": "2026-03-09T13:30:00+01:00"})
        assert closed.status_code == 200
        assert (closed.json()["minutes"], closed.json()["end_was_forgotten"]) == (270, True)
        again = post(tablet, START, {"client_uuid": str(uuid.uuid4()), "site_id": plan_a.site.pk})
    assert again.status_code == 201
    assert Shift.objects.count() == 2


def test_an_open_shift_blocks_another_start(plan_a, tablet):
    first = str(uuid.uuid4())
    with time_machine.travel(at(2026, 3, 9, 9, 0), tick=False):
        post(tablet, START, {"client_uuid": first, "site_id": plan_a.site.pk})
        body = assert_error(
            post(tablet, START, {"client_uuid": str(uuid.uuid4()), "site_id": plan_a.other_site.pk}), 409
        )
    assert body["detail"] == "Une permanence est déjà en cours : terminez-la avant d'en commencer une autre."
    assert body["open_shift"] == first


def test_a_rotation_can_be_named_when_it_is_the_mediators_today(plan_a, tablet):
    with time_machine.travel(at(2026, 3, 9, 9, 0), tick=False):
        wrong_site = post(
            tablet,
            START,
            {
                "client_uuid": str(uuid.uuid4()),
                "site_id": plan_a.other_site.pk,
                "rotation_id": plan_a.rotation.pk,
            },
        )
        right = post(
            tablet,
            START,
            {"client_uuid": str(uuid.uuid4()), "site_id": plan_a.site.pk, "rotation_id": plan_a.rotation.pk},
        )
    assert "présence planifiée" in assert_error(wrong_site, 422)["detail"]
    assert right.status_code == 201 and right.json()["rotation_id"] == plan_a.rotation.pk


def test_a_start_recorded_offline_keeps_its_time_within_reason(plan_a, tablet):
    def start(started_at):
        return post(
            tablet,
            START,
            {"client_uuid": str(uuid.uuid4()), "site_id": plan_a.site.pk, "started_at": started_at},
        )

    with time_machine.travel(at(2026, 3, 9, 11, 0), tick=False):
        future = start("2026-03-09T11:30:00+01:00")
        too_old = start("2026-03-08T10:59:00+01:00")
        offline = start("2026-03-09T09:05:00")
    assert assert_error(future, 422)["errors"] == {
        "started_at": ["L'heure de début ne peut pas être dans le futur."]
    }
    assert "plus de 24 heures" in assert_error(too_old, 422)["errors"]["started_at"][0]
    assert offline.status_code == 201, offline.content
    assert datetime.fromisoformat(offline.json()["started_at"]) == at(2026, 3, 9, 9, 5)
    assert offline.json()["rotation_id"] == plan_a.rotation.pk
    with time_machine.travel(at(2026, 3, 9, 12, 0), tick=False):
        post(tablet, end_url(offline.json()["client_uuid"]))
        inside = start("2026-03-09T10:00:00+01:00")
        drift = start("2026-03-09T12:03:00+01:00")
    assert assert_error(inside, 422)["errors"] == {
        "started_at": ["L'heure de début tombe pendant une permanence déjà enregistrée."]
    }
    assert drift.status_code == 201
    assert datetime.fromisoformat(drift.json()["started_at"]) == at(2026, 3, 9, 12, 0)
    assert Shift.objects.count() == 2


# --- Errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "status", "detail"),
    [
        ({"client_uuid": "pas-un-uuid", "site_id": 1}, 422, "Requête invalide."),
        ({"client_uuid": "1234", "site_id": 1}, 422, "Requête invalide."),
        ({"site_id": 1}, 422, "Requête invalide."),
        ({"client_uuid": str(uuid.uuid4()), "site_id": "un"}, 422, "Requête invalide."),
        ({"client_uuid": str(uuid.uuid4()), "site_id": 10**9}, 404, "Site inconnu."),
        ({"client_uuid": str(uuid.uuid4()), "site_id": 10**30}, 422, "Requête invalide."),
        ("[", 400, "Corps de la requête illisible : du JSON est attendu."),
    ],
)
def test_bad_start_input_is_a_4xx_in_french(plan_a, tablet, payload, status, detail):
    if isinstance(payload, str):
        response = tablet.post(START, payload, content_type="application/json")
    else:
        response = post(tablet, START, payload)
    assert assert_error(response, status)["detail"] == detail
    assert not Shift.objects.exists()


def test_a_site_the_mediator_does_not_work_at_is_refused(plan_a, tablet, tenant_b):
    body = assert_error(
        post(tablet, START, {"client_uuid": str(uuid.uuid4()), "site_id": tenant_b.site.pk}), 403
    )
    assert body["detail"] == "Ce site ne fait pas partie de vos sites de permanence."


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN, Role.FUNDER])
def test_only_a_mediators_token_starts_or_ends(plan_a, tenant_a, role):
    client = api_client(tenant_a.members[role])
    body = assert_error(
        post(client, START, {"client_uuid": str(uuid.uuid4()), "site_id": plan_a.site.pk}), 403
    )
    assert "médiateur" in body["detail"]
    assert_error(post(client, end_url(uuid.uuid4())), 403)


def test_a_mediator_without_profile_is_refused(tenant_a):
    client = api_client(tenant_a.members[Role.MEDIATOR])
    assert_error(post(client, START, {"client_uuid": str(uuid.uuid4()), "site_id": tenant_a.site.pk}), 403)


def test_bad_end_input_is_a_4xx_in_french(plan_a, tablet, plan_b):
    assert assert_error(post(tablet, end_url("pas-un-uuid")), 422)["detail"] == (
        "Identifiant de permanence invalide : un UUID est attendu."
    )
    assert assert_error(post(tablet, end_url(uuid.uuid4())), 404)["detail"] == "Permanence introuvable."
    someone_elses = Shift.objects.get(mediator=plan_b.mediator).client_uuid
    assert assert_error(post(tablet, end_url(someone_elses)), 404)["detail"] == "Permanence introuvable."
    client_uuid = str(uuid.uuid4())
    with time_machine.travel(at(2026, 3, 9, 9, 0), tick=False):
        post(tablet, START, {"client_uuid": client_uuid, "site_id": plan_a.site.pk})
        future = post(tablet, end_url(client_uuid), {"ended_at": "2026-03-09T18:00:00+01:00"})
        before = post(tablet, end_url(client_uuid), {"ended_at": "2026-03-09T08:00:00+01:00"})
        not_a_date = post(tablet, end_url(client_uuid), {"ended_at": "midi"})
    assert assert_error(future, 422)["detail"] == "L'heure de fin ne peut pas être dans le futur."
    assert "suivre le début" in assert_error(before, 422)["detail"]
    assert assert_error(not_a_date, 422)["detail"] == "Requête invalide."
    assert Shift.objects.get(client_uuid=client_uuid).is_open


def test_the_same_client_uuid_cannot_be_taken_by_another_mediator(plan_a, tablet, plan_b, tenant_b):
    taken = Shift.objects.get(mediator=plan_b.mediator).client_uuid
    body = assert_error(post(tablet, START, {"client_uuid": str(taken), "site_id": plan_a.site.pk}), 409)
    assert body["detail"] == "Cet identifiant de permanence est déjà utilisé."
    assert Shift.objects.filter(mediator=plan_a.mediator).count() == 0


def test_odd_input_never_causes_a_server_error(plan_a, tablet):
    for path in ("/api/v1/contracts/" + "9" * 40, "/api/v1/contracts/-1", "/api/v1/contracts/un"):
        assert tablet.get(path).status_code in (404, 422)
    odd = ["\x00", "'; DROP TABLE shifts; --", "é" * 500, "%", "[]", "{}", "-1", "9" * 40]
    for value in odd:
        for name in ("contract", "site", "mediator", "started_after", "started_before", "cursor", "limit"):
            response = tablet.get("/api/v1/shifts", {name: value})
            assert response.status_code < 500, (name, value)
            assert response["Content-Type"].startswith("application/json")
        for payload in ({"client_uuid": value, "site_id": value}, {"ended_at": value}):
            for url in (START, end_url(uuid.uuid4())):
                response = post(tablet, url, payload)
                assert response.status_code < 500, (url, payload)
                assert response["Content-Type"].startswith("application/json")


# --- Reads and tenancy --------------------------------------------------------------------------


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COORDINATOR, Role.MEDIATOR, Role.FUNDER])
def test_a_token_of_tenant_a_never_sees_tenant_bs_contracts_rotations_or_shifts(
    plan_a, plan_b, tenant_a, role
):
    with time_machine.travel(at(2026, 3, 9, 9, 0), tick=False):
        mine = services.shift_start(actor=None, mediator=plan_a.mediator, site=plan_a.site)
    client = api_client(tenant_a.members[role])
    assert ids(client.get("/api/v1/contracts")) == {plan_a.contract.pk}
    assert ids(client.get("/api/v1/rotations")) == {plan_a.rotation.pk}
    assert ids(client.get("/api/v1/shifts")) == {mine.pk}
    assert_error(client.get(f"/api/v1/contracts/{plan_b.contract.pk}"), 404)
    assert ids(client.get("/api/v1/shifts", {"contract": plan_b.contract.pk})) == set()
    assert ids(client.get("/api/v1/rotations", {"contract": plan_b.contract.pk})) == set()


def test_a_contracts_client_reads_the_contract_and_its_shifts(plan_a, plan_b):
    with time_machine.travel(at(2026, 3, 9, 9, 0), tick=False):
        shift = services.shift_start(actor=None, mediator=plan_a.mediator, site=plan_a.site)
    client = api_client(MembershipFactory(operator=plan_a.contract.client, role=Role.COORDINATOR))
    assert ids(client.get("/api/v1/contracts")) == {plan_a.contract.pk}
    assert ids(client.get("/api/v1/shifts")) == {shift.pk}
    detail = client.get(f"/api/v1/contracts/{plan_a.contract.pk}")
    assert detail.status_code == 200
    body = detail.json()
    assert body["reference"] == plan_a.contract.reference
    assert body["client"]["name"] == "La Poste — client de A"
    assert {s["site_id"]: s["weekly_minutes"] for s in body["sites"]} == {
        plan_a.site.pk: 360,
        plan_a.other_site.pk: 180,
    }
    assert body["status"] == "active"


def test_shift_filters(plan_a, tenant_a):
    made = {}
    for name, start, site in [
        ("mon", at(2026, 3, 9, 9, 0), plan_a.site),
        ("tue", at(2026, 3, 10, 9, 0), plan_a.other_site),
        ("wed", at(2026, 3, 11, 9, 0), plan_a.site),
    ]:
        with time_machine.travel(start, tick=False):
            made[name] = services.shift_start(actor=None, mediator=plan_a.mediator, site=site)
        made[name] = services.shift_end(actor=None, shift=made[name], at=start.replace(hour=11))
    client = api_client(tenant_a.members[Role.COORDINATOR])

    def listed(**params):
        return {name for name, shift in made.items() if shift.pk in ids(client.get("/api/v1/shifts", params))}

    assert listed(site=plan_a.other_site.pk) == {"tue"}
    assert listed(mediator=plan_a.mediator.pk) == {"mon", "tue", "wed"}
    assert listed(contract=plan_a.contract.pk) == {"mon", "tue", "wed"}
    assert listed(started_after="2026-03-10T00:00:00+01:00") == {"tue", "wed"}
    assert listed(started_before="2026-03-10T00:00:00") == {"mon"}
    assert listed(started_after="2026-03-10T00:00:00+01:00", started_before="2026-03-11T00:00:00+01:00") == {
        "tue"
    }
    assert ids(client.get("/api/v1/rotations", {"site": plan_a.other_site.pk})) == set()
    assert ids(client.get("/api/v1/rotations", {"mediator": plan_a.mediator.pk})) == {plan_a.rotation.pk}


def test_shifts_are_cursor_paginated(plan_a, tenant_a):
    for day in range(2, 9):
        start = at(2026, 3, day, 9, 0)
        with time_machine.travel(start, tick=False):
            shift = services.shift_start(actor=None, mediator=plan_a.mediator, site=plan_a.site)
        services.shift_end(actor=None, shift=shift, at=start.replace(hour=10))
    client = api_client(tenant_a.members[Role.COORDINATOR])
    seen, cursor = [], None
    while True:
        body = client.get("/api/v1/shifts", {"limit": 3, **({"cursor": cursor} if cursor else {})}).json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(Shift.objects.values_list("pk", flat=True))
    assert len(seen) == 7
    assert assert_error(client.get("/api/v1/shifts", {"cursor": "n'importe"}), 400)["detail"] == (
        "Curseur de pagination invalide."
    )


def test_the_openapi_description_documents_the_staffing_api():
    schema = Client().get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/contracts",
        "/api/v1/contracts/{id}",
        "/api/v1/rotations",
        "/api/v1/shifts",
        "/api/v1/shifts/start",
        "/api/v1/shifts/{client_uuid}/end",
    ):
        assert path in schema["paths"], path
    start = schema["paths"]["/api/v1/shifts/start"]["post"]
    assert start["tags"] == ["personnel et permanences"]
    assert {"200", "201", "403", "404", "409", "422"} <= set(start["responses"])
    assert "ShiftOut" in schema["components"]["schemas"]
    assert "ShiftStartIn" in schema["components"]["schemas"]
