"""GET /api/v1/sites: authentication, tenancy, filters, cursor pagination and JSON errors."""

import base64
import json

import pytest
from django.test import Client

from tremplin.accounts.services import api_token_create
from tremplin.core.roles import Role
from tremplin.territory.models import Site
from tremplin.territory.tests.factories import CommuneFactory, SiteFactory

URL = "/api/v1/sites"
UNAUTHORISED = {"detail": "Jeton d'API absent, invalide ou révoqué."}


def api_client(membership) -> Client:
    _token, raw = api_token_create(actor=membership.user, membership=membership, name="test")
    return Client(headers={"authorization": f"Bearer {raw}"})


@pytest.fixture
def coordinator_api(tenant_a):
    return api_client(tenant_a.members[Role.COORDINATOR])


@pytest.fixture
def allier(tenant_a):
    """Tenant A's département with a few more points of contact of different kinds."""
    moulins = CommuneFactory(departement=tenant_a.departement, code="03190", name="Moulins")
    return {
        "moulins": SiteFactory(commune=moulins, name="Moulins Principal", postcode="03000"),
        "apc": SiteFactory(
            commune=moulins,
            name="APC de Moulins",
            kind=Site.Kind.AGENCE_POSTALE_COMMUNALE,
            has_mediation=False,
        ),
        "relais": SiteFactory(
            commune=tenant_a.site.commune,
            name="Relais de Ville 03",
            kind=Site.Kind.RELAIS_POSTE,
            postcode="03250",
            has_mediation=False,
        ),
    }


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def assert_json_error(response, status: int):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert isinstance(response.json()["detail"], str)
    return response.json()


def test_the_openapi_description_is_served_and_documents_the_sites():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Tremplin API"
    assert "/api/v1/sites" in schema["paths"]
    assert schema["components"]["securitySchemes"]


def test_the_documentation_page_loads_nothing_from_outside():
    page = Client().get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn." not in page


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer", "Bearer trm_pas-un-vrai-jeton", "Basic dXNlcjpwYXNz", "trm_sans-schema"],
)
def test_without_a_valid_token_the_answer_is_401_json_in_french(tenant_a, authorization):
    headers = {"authorization": authorization} if authorization else {}
    response = Client(headers=headers).get(URL)
    assert assert_json_error(response, 401) == UNAUTHORISED


def test_a_signed_in_browser_session_is_not_enough(tenant_a):
    response = tenant_a.client(Role.ADMIN).get(URL)
    assert assert_json_error(response, 401) == UNAUTHORISED


def test_a_deactivated_membership_loses_its_tokens(tenant_a):
    membership = tenant_a.members[Role.MEDIATOR]
    client = api_client(membership)
    membership.is_active = False
    membership.save()
    assert_json_error(client.get(URL), 401)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COORDINATOR, Role.MEDIATOR, Role.FUNDER])
def test_a_token_returns_only_the_sites_its_membership_sees(tenant_a, tenant_b, allier, role):
    response = api_client(tenant_a.members[role]).get(URL)
    expected = {tenant_a.site.pk, *(site.pk for site in allier.values())}
    assert ids(response) == expected
    item = next(i for i in response.json()["items"] if i["id"] == allier["moulins"].pk)
    assert item["commune_code"] == "03190"
    assert item["departement_code"] == "03"
    assert item["kind"] == "bureau_de_poste"


def test_a_national_funder_reads_every_site(tenant_a, tenant_b):
    funder = tenant_a.members[Role.FUNDER]
    funder.is_national = True
    funder.save()
    assert ids(api_client(funder).get(URL)) == {tenant_a.site.pk, tenant_b.site.pk}


def test_using_a_token_records_when_it_was_last_used(tenant_a):
    membership = tenant_a.members[Role.MEDIATOR]
    client = api_client(membership)
    token = membership.tokens.get()
    assert token.last_used_at is None
    client.get(URL)
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"departement": "03"}, {"site", "moulins", "apc", "relais"}),
        ({"departement": "92"}, set()),
        ({"commune": "03190"}, {"moulins", "apc"}),
        ({"commune": "moulins"}, {"moulins", "apc"}),
        ({"commune": "03250"}, {"relais"}),
        ({"kind": "agence_postale_communale"}, {"apc"}),
        ({"kind": "relais_poste", "commune": "Ville 03"}, {"relais"}),
        ({"has_mediation": "true"}, {"site", "moulins"}),
        ({"has_mediation": "false"}, {"apc", "relais"}),
    ],
)
def test_the_filters(tenant_a, tenant_b, allier, coordinator_api, params, expected):
    named = {"site": tenant_a.site, **allier}
    assert ids(coordinator_api.get(URL, params)) == {named[name].pk for name in expected}


def test_cursor_pagination_walks_every_site_once(tenant_a, tenant_b, coordinator_api):
    for n in range(6):
        SiteFactory(commune=tenant_a.site.commune, name=f"Site {n}")
    seen, pages, cursor = [], 0, None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        response = coordinator_api.get(URL, params)
        assert response.status_code == 200
        body = response.json()
        assert len(body["items"]) <= 2
        seen += [item["id"] for item in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    visible = list(
        Site.objects.filter(commune__departement=tenant_a.departement)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    assert seen == visible
    assert len(seen) == len(set(seen)) == 7
    assert pages == 4


def test_a_site_added_while_paginating_is_neither_skipped_nor_repeated(tenant_a, coordinator_api):
    for n in range(3):
        SiteFactory(commune=tenant_a.site.commune, name=f"Site {n}")
    first = coordinator_api.get(URL, {"limit": 2}).json()
    late = SiteFactory(commune=tenant_a.site.commune, name="Site tardif")
    rest, cursor = [], first["next_cursor"]
    while cursor:
        body = coordinator_api.get(URL, {"limit": 2, "cursor": cursor}).json()
        rest += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
    seen = [item["id"] for item in first["items"]] + rest
    assert len(seen) == len(set(seen)) == 5
    assert seen[-1] == late.pk


def _cursor(payload) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "pas-un-curseur",
        "!!!",
        _cursor({"after": "12"}),
        _cursor({"avant": 12}),
        _cursor([12]),
        _cursor(None),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    ],
)
def test_an_invalid_cursor_is_a_400_in_json(tenant_a, coordinator_api, cursor):
    body = assert_json_error(coordinator_api.get(URL, {"cursor": cursor}), 400)
    assert body["detail"] == "Curseur de pagination invalide."


def test_a_cursor_beyond_any_id_returns_an_empty_page(tenant_a, coordinator_api):
    response = coordinator_api.get(URL, {"cursor": _cursor({"after": 10**30})})
    assert response.status_code == 200
    assert response.json() == {"next_cursor": None, "items": []}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 100000}, "limit"),
        ({"limit": "beaucoup"}, "limit"),
        ({"kind": "bogus"}, "kind"),
        ({"has_mediation": "peut-etre"}, "has_mediation"),
        ({"commune": "Moulins\x00"}, "commune"),
        ({"departement": "0\x003"}, "departement"),
    ],
)
def test_invalid_parameters_are_a_422_listing_the_errors(tenant_a, coordinator_api, params, field):
    body = assert_json_error(coordinator_api.get(URL, params), 422)
    assert body["detail"] == "Requête invalide."
    assert list(body["errors"]) == [field]


@pytest.mark.parametrize("path", ["/api/v1/inconnu", "/api/v1/sites/1", "/api/v1/", "/api/v2/sites"])
def test_an_unknown_api_path_is_a_404_in_json_never_a_page(tenant_a, coordinator_api, path):
    body = assert_json_error(coordinator_api.get(path), 404)
    assert body == {"detail": "Ressource introuvable."}


def test_odd_input_never_causes_a_server_error(tenant_a, coordinator_api):
    odd = ["\x00", "'; DROP TABLE sites; --", "é" * 500, "%", "03%", "_", "[]", "{}"]
    for value in odd:
        for name in ("departement", "commune", "kind", "cursor", "limit", "has_mediation"):
            response = coordinator_api.get(URL, {name: value})
            assert response.status_code < 500, (name, value)
            assert response["Content-Type"].startswith("application/json"), (name, value)


def test_a_method_the_api_does_not_offer_answers_405_in_json(client):
    response = client.post("/api/v1/sites", HTTP_HOST="localhost")
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"] == "Méthode non autorisée sur cette adresse."
    assert "GET" in response.json()["allowed_methods"]
