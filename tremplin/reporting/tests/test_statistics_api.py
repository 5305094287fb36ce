"""GET /api/v1/statistics: the dashboard's figures for a token, French 4xx for bad input."""

import pytest
from django.test import Client

from tremplin.accounts.services import api_token_create
from tremplin.core.roles import Role

from .known import build


@pytest.fixture
def world(tenant_a, tenant_b):
    return build(tenant_a, tenant_b)


def _client(tenant, role) -> Client:
    _token, raw = api_token_create(actor=tenant.members[role].user, membership=tenant.members[role], name="t")
    return Client(headers={"authorization": f"Bearer {raw}"})


def test_the_figures_of_a_contract_for_its_coordinator(world):
    response = _client(world.a, Role.COORDINATOR).get(
        f"/api/v1/statistics?scope=contract&id={world.contract.pk}&du=2026-03&au=2026-03"
    )
    body = response.json()
    assert response.status_code == 200
    assert body["hours_of_intervention_minutes"] == 480
    assert (body["interactions"], body["accompaniments"], body["people_estimate"]) == (5, 7, 6)
    kinds = next(b for b in body["breakdowns"] if b["dimension"] == "kind")
    assert {row["code"]: row["records"] for row in kinds["rows"]}["machines_and_tools"] == 1


def test_bad_input_is_a_french_4xx_and_others_scopes_are_not_found(world):
    client = _client(world.a, Role.FUNDER)
    bad = client.get("/api/v1/statistics?du=2026-05&au=2026-03")
    assert bad.status_code == 422
    assert bad.json()["errors"]["au"] == ["Le dernier mois doit suivre le premier."]
    assert client.get("/api/v1/statistics?du=2026-13&au=2026-03").status_code == 422
    missing = client.get(
        f"/api/v1/statistics?scope=departement&id={world.b.departement.pk}&du=2026-03&au=2026-03"
    )
    assert missing.status_code == 404
    assert missing.json()["detail"] == "Périmètre introuvable."
    mine = client.get("/api/v1/statistics?du=2026-03&au=2026-03").json()
    assert (mine["label"], mine["interactions"]) == ("Mon territoire", 5)
