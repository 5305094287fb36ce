"""The mediation API: a tablet records interactions idempotently, with the context's defaults; lists,
reads, edits and deletes them within the token's scope; followed beneficiaries for those allowed.
Every bad input is a 4xx JSON with a French message per field."""

import json
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tremplin.accounts.services import api_token_create
from tremplin.accounts.tests.factories import MembershipFactory
from tremplin.core.models import JournalEntry
from tremplin.core.roles import Role
from tremplin.mediation import services
from tremplin.mediation.models import Accompaniment, Beneficiary, Interaction
from tremplin.mediation.tests.helpers import at_work, follow, record
from tremplin.staffing.models import MediatorProfile
from tremplin.staffing.tests.factories import ContractSiteFactory
from tremplin.territory.tests.factories import CommuneFactory, SiteFactory

URL = "/api/v1/interactions"
BENEFICIARIES = "/api/v1/beneficiaries"


def api_client(membership) -> Client:
    _token, raw = api_token_create(actor=membership.user, membership=membership, name="tablette")
    return Client(headers={"authorization": f"Bearer {raw}"})


def send(client, method, url, payload=None):
    body = "" if payload is None else json.dumps(payload)
    return getattr(client, method)(url, body, content_type="application/json")


def post(client, payload, url=URL):
    return send(client, "post", url, payload)


def assert_error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    return body


def field_errors(response) -> dict[str, list[str]]:
    body = assert_error(response, 422)
    assert body["errors"], body
    for messages in body["errors"].values():
        assert messages and all(isinstance(m, str) and m for m in messages)
    return body["errors"]


def new(**fields) -> dict:
    return {
        "client_uuid": str(uuid.uuid4()),
        "kind": "information_orientation",
        "duration_minutes": 10,
    } | fields


@pytest.fixture
def work_a(tenant_a):
    return at_work(tenant_a)


@pytest.fixture
def work_b(tenant_b):
    return at_work(tenant_b)


@pytest.fixture
def tablet(work_a):
    return api_client(work_a.tenant.members[Role.MEDIATOR])


@pytest.fixture
def colleague(work_a):
    """A second mediator of tenant A, recording at the same site (no shift under way)."""
    membership = MembershipFactory(operator=work_a.tenant.operator, role=Role.MEDIATOR)
    profile = MediatorProfile.objects.create(user=membership.user, operator=work_a.tenant.operator)
    return membership, profile


# --- Recording ----------------------------------------------------------------------------------


def test_three_identical_records_make_one_interaction_in_the_shift_under_way(work_a, tablet):
    payload = new(themes=["email"])
    answers = [post(tablet, payload) for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 200, 200]
    assert len({a.json()["id"] for a in answers}) == 1
    interaction = Interaction.objects.get()
    body = answers[0].json()
    assert body["client_uuid"] == payload["client_uuid"]
    assert (body["site_id"], body["shift_client_uuid"]) == (work_a.site.pk, str(work_a.shift.client_uuid))
    assert interaction.shift == work_a.shift and interaction.mediator == work_a.mediator
    assert abs(interaction.started_at - timezone.now()) < timedelta(minutes=1)
    assert body["time_category"] == "client_information"
    assert body["place"] == "bureau_de_poste"
    assert body["themes"] == ["email"]
    assert body["people"] == [
        {
            "beneficiary_id": None,
            "age_bracket": None,
            "gender": None,
            "social_status": None,
            "commune_code": None,
            "is_first_time": None,
        }
    ]
    assert JournalEntry.objects.filter(action="mediation.interaction.recorded").count() == 1


def test_a_full_record_keeps_everything_and_never_shows_a_name(work_a, tablet):
    jeanne = follow(work_a, "Jeanne Dupont", year=1948)
    commune = CommuneFactory(departement=work_a.tenant.departement, code="03190", name="Moulins")
    started = (timezone.now() - timedelta(minutes=30)).replace(microsecond=0)
    response = post(
        tablet,
        new(
            kind="individual_accompaniment",
            started_at=started.isoformat(),
            duration_minutes=25,
            time_category="client_information",
            domain="taxes",
            themes=["argent_impots", "email", "email"],
            equipment="ordinateur",
            place="hors_bureau",
            autonomy="partiellement_autonome",
            oriented=True,
            orientation_target="administration",
            orientation_partner="CAF de l'Allier",
            notes="Déclaration en ligne",
            people=[
                {"beneficiary_id": jeanne.pk},
                {"age_bracket": "soixante_dix_plus", "gender": "masculin", "commune_code": "03190"},
            ],
        ),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert "Jeanne" not in response.content.decode()
    assert (body["kind"], body["time_category"], body["domain"]) == (
        "individual_accompaniment",
        "client_information",
        "taxes",
    )
    assert body["themes"] == ["argent_impots", "email"]
    assert (body["oriented"], body["orientation_target"], body["orientation_partner"]) == (
        True,
        "administration",
        "CAF de l'Allier",
    )
    followed, anonymous = body["people"]
    assert followed["beneficiary_id"] == jeanne.pk and followed["age_bracket"] == "soixante_dix_plus"
    assert followed["is_first_time"] is True
    assert anonymous == {
        "beneficiary_id": None,
        "age_bracket": "soixante_dix_plus",
        "gender": "masculin",
        "social_status": None,
        "commune_code": "03190",
        "is_first_time": None,
    }
    interaction = Interaction.objects.get()
    assert interaction.started_at == started
    assert Accompaniment.objects.filter(interaction=interaction, commune=commune).count() == 1


def test_a_record_at_another_site_is_outside_the_shift(work_a, tablet):
    other = SiteFactory(commune=work_a.site.commune, name="Bureau annexe")
    ContractSiteFactory(contract=work_a.shift.contract, site=other)
    response = post(tablet, new(site_id=other.pk))
    assert response.status_code == 201, response.content
    assert (response.json()["site_id"], response.json()["shift_client_uuid"]) == (other.pk, None)


def test_an_offline_record_names_its_shift(work_a, tablet):
    earlier = (work_a.shift.started_at + timedelta(minutes=10)).isoformat()
    response = post(tablet, new(started_at=earlier, shift_client_uuid=str(work_a.shift.client_uuid)))
    assert response.status_code == 201
    assert response.json()["shift_client_uuid"] == str(work_a.shift.client_uuid)
    before_shift = (work_a.shift.started_at - timedelta(hours=3)).isoformat()
    response = post(tablet, new(started_at=before_shift))
    assert response.status_code == 201
    assert response.json()["shift_client_uuid"] is None


def test_without_a_shift_the_site_must_be_said_when_there_are_several(tenant_a):
    work = at_work(tenant_a, start_shift=False)
    other = SiteFactory(commune=tenant_a.site.commune, name="Bureau annexe")
    ContractSiteFactory(contract=work.mediator.operator.contracts.first(), site=other)
    tablet = api_client(tenant_a.members[Role.MEDIATOR])
    errors = field_errors(post(tablet, new()))
    assert errors == {"site_id": ["Indiquez le site : aucune permanence n'est en cours pour le déduire."]}
    response = post(tablet, new(site_id=other.pk))
    assert response.status_code == 201 and response.json()["shift_client_uuid"] is None


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"kind": "bavardage"},
            "kind",
            "Valeur inconnue : bavardage ; valeurs possibles : machines_and_tools, information_orientation, "
            "conflict_prevention, postal_forms, individual_accompaniment.",
        ),
        ({"themes": ["email", "cuisine"]}, "themes", "Valeur inconnue : cuisine ; valeurs possibles : "),
        (
            {"duration_minutes": 0},
            "duration_minutes",
            "La durée doit être comprise entre 1 minute et 12 heures.",
        ),
        ({"duration_minutes": 10**30}, "duration_minutes", "La durée doit être comprise entre 1 minute et"),
        ({"duration_minutes": "dix"}, "duration_minutes", "Un nombre entier est attendu."),
        ({"duration_minutes": None}, "duration_minutes", "Un nombre entier est attendu."),
        ({"client_uuid": "1234"}, "client_uuid", "Un UUID est attendu"),
        ({"started_at": "midi"}, "started_at", "Une date et heure ISO 8601 est attendue"),
        ({"started_at": "0001-01-01T00:00:00+14:00"}, "started_at", "La date doit être comprise entre"),
        ({"started_at": "2099-01-01T00:00:00+01:00"}, "started_at", "Une interaction ne peut pas commencer"),
        ({"notes": "a\x00b"}, "notes", "Le caractère nul (\\u0000) n'est pas permis."),
        ({"notes": "x" * 5000}, "notes", "Au plus 4000 caractères."),
        ({"oriented": "peut-être"}, "oriented", "Vrai ou faux est attendu (true ou false)."),
        ({"orientation_target": "administration"}, "oriented", "Cochez « orienté »"),
        ({"postal_form": "recommande"}, "postal_form", "L'imprimé postal ne se renseigne que pour"),
        ({"site_id": 10**30}, "site_id", "La valeur doit être inférieure ou égale à"),
        ({"site_id": 10**9}, "site_id", "Site inconnu, ou qui ne fait pas partie de vos sites"),
        ({"shift_client_uuid": str(uuid.uuid4())}, "shift_client_uuid", "Permanence inconnue"),
        ({"people": []}, "people", "Une interaction aide au moins une personne."),
        ({"people": "Jeanne"}, "people", "Une liste est attendue."),
        ({"people": [{"gender": "x"}]}, "people.0.gender", "Valeur inconnue : x ; valeurs possibles : "),
        ({"people": [{"beneficiary_id": 10**9}]}, "people.0.beneficiary_id", "Bénéficiaire inconnu"),
        ({"people": [{"commune_code": "99999"}]}, "people.0.commune_code", "Commune inconnue"),
        ({"people": [{"name": "Jeanne"}]}, "people.0.name", "Champ inconnu."),
        ({"theme": "email"}, "theme", "Champ inconnu."),
    ],
)
def test_a_bad_record_is_a_422_with_a_french_message_per_field(work_a, tablet, fields, field, message):
    errors = field_errors(post(tablet, new(**fields)))
    assert field in errors, errors
    assert any(m.startswith(message) for m in errors[field]), errors[field]
    assert not Interaction.objects.exists()


def test_missing_fields_are_each_named(work_a, tablet):
    errors = field_errors(post(tablet, {}))
    assert errors == {
        "kind": ["Ce champ est obligatoire."],
        "duration_minutes": ["Ce champ est obligatoire."],
        "client_uuid": ["Ce champ est obligatoire."],
    }
    assert assert_error(tablet.post(URL, "[", content_type="application/json"), 400)["detail"] == (
        "Corps de la requête illisible : du JSON est attendu."
    )


def test_someone_elses_beneficiary_or_uuid_is_refused_without_revealing_it(work_a, work_b, tablet, colleague):
    theirs = follow(work_b, "Zoé")
    private = services.beneficiary_create(
        actor=colleague[0].user, mediator=colleague[1], consent_given=True, display_name="Paul"
    )
    for beneficiary in (theirs, private):
        errors = field_errors(post(tablet, new(people=[{"beneficiary_id": beneficiary.pk}])))
        assert errors == {
            "people.0.beneficiary_id": ["Bénéficiaire inconnu, ou qui n'est pas suivi par vous."]
        }
    taken = record(work_b)
    errors = field_errors(post(tablet, new(client_uuid=str(taken.client_uuid))))
    assert errors == {"client_uuid": ["Cet identifiant est déjà utilisé : générez-en un autre."]}
    assert Interaction.objects.filter(mediator=work_a.mediator).count() == 0


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN, Role.FUNDER])
def test_only_a_mediators_token_records(work_a, role):
    body = assert_error(post(api_client(work_a.tenant.members[role]), new()), 403)
    assert body["detail"].startswith("Seul un médiateur enregistre des interactions")
    assert not Interaction.objects.exists()


def test_odd_input_never_causes_a_server_error(work_a, tablet):
    odd = ["\x00", "'; DROP TABLE x; --", "é" * 500, "%", [], {}, -1, 10**40, 1.5, True, None]
    names = [
        "client_uuid",
        "kind",
        "site_id",
        "shift_client_uuid",
        "started_at",
        "duration_minutes",
        "themes",
        "domain",
        "place",
        "notes",
        "people",
        "conflict_defused",
    ]
    for value in odd:
        for name in names:
            response = post(tablet, new(**{name: value}))
            assert response.status_code < 500, (name, value)
            assert response["Content-Type"].startswith("application/json")
        for name in ("beneficiary_id", "age_bracket", "commune_code", "is_first_time"):
            response = post(tablet, new(people=[{name: value}]))
            assert response.status_code < 500, (name, value)
        if isinstance(value, (list, dict)) or value is None:
            continue
        for name in ("started_after", "site", "kind", "theme", "cursor", "limit", "beneficiary"):
            response = tablet.get(URL, {name: value})
            assert response.status_code < 500, (name, value)
        for name in ("q", "cursor", "limit"):
            assert tablet.get(BENEFICIARIES, {name: value}).status_code < 500, (name, value)
        for name in ("display_name", "birth_year", "commune_code", "email", "consent_scope"):
            payload = {"consent_given": True, "display_name": "Jeanne", name: value}
            assert post(tablet, payload, BENEFICIARIES).status_code < 500, (name, value)
    for path in (f"{URL}/" + "9" * 40, f"{URL}/-1", f"{URL}/un", f"{BENEFICIARIES}/" + "9" * 30):
        assert tablet.get(path).status_code in (404, 422), path
    for path in (f"{URL}/" + "9" * 40, f"{URL}/0", f"{URL}/un"):
        assert send(tablet, "patch", path, {"notes": "x"}).status_code in (404, 422), path
        assert tablet.delete(path).status_code in (404, 422), path


# --- Reading, editing, deleting -----------------------------------------------------------------


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def test_filters_and_cursor_pagination(work_a, tenant_a):
    start = work_a.shift.started_at
    made = {
        "email": record(work_a, started_at=start, themes=["email"]),
        "forms": record(work_a, kind="postal_forms", started_at=start + timedelta(minutes=20)),
        "later": record(work_a, started_at=start + timedelta(minutes=40), themes=["sante"]),
    }
    other = SiteFactory(commune=tenant_a.site.commune, name="Bureau annexe")
    ContractSiteFactory(contract=work_a.shift.contract, site=other)
    made["annexe"], _ = services.interaction_record(
        actor=work_a.user,
        mediator=work_a.mediator,
        data=services.InteractionData(
            kind="information_orientation", site=other, started_at=start, duration_minutes=5
        ),
    )
    client = api_client(tenant_a.members[Role.COORDINATOR])

    def listed(**params):
        found = set(ids(client.get(URL, params)))
        return {name for name, interaction in made.items() if interaction.pk in found}

    assert listed() == set(made)
    assert listed(kind="postal_forms") == {"forms"}
    assert listed(theme="email") == {"email"}
    assert listed(site=other.pk) == {"annexe"}
    assert listed(mediator=work_a.mediator.pk) == set(made)
    after = (start + timedelta(minutes=30)).isoformat()
    assert listed(started_after=after) == {"later"}
    assert listed(started_before=after) == {"email", "forms", "annexe"}
    seen, cursor = [], None
    while True:
        body = client.get(URL, {"limit": 3, **({"cursor": cursor} if cursor else {})}).json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(i.pk for i in made.values())
    assert "Curseur" in assert_error(client.get(URL, {"cursor": "n'importe"}), 400)["detail"]
    assert "kind" in field_errors(client.get(URL, {"kind": "bavardage"}))


def test_a_mediator_reads_their_own_a_coordinator_their_operators_a_funder_none(work_a, work_b, colleague):
    mine = record(work_a)
    colleague_membership, colleague_profile = colleague
    theirs = api_client(colleague_membership)
    theirs_record = post(theirs, new(site_id=work_a.site.pk))
    assert theirs_record.status_code == 201, theirs_record.content
    record(work_b)
    tenant = work_a.tenant
    assert ids(api_client(tenant.members[Role.MEDIATOR]).get(URL)) == [mine.pk]
    assert set(ids(api_client(tenant.members[Role.COORDINATOR]).get(URL))) == {
        mine.pk,
        theirs_record.json()["id"],
    }
    assert ids(theirs.get(URL)) == [theirs_record.json()["id"]]
    assert_error(theirs.get(f"{URL}/{mine.pk}"), 404)
    assert_error(send(theirs, "patch", f"{URL}/{mine.pk}", {"notes": "x"}), 404)
    funder = api_client(tenant.members[Role.FUNDER])
    assert "financeurs" in assert_error(funder.get(URL), 403)["detail"]
    assert_error(funder.get(f"{URL}/{mine.pk}"), 403)


def test_patch_changes_only_what_is_given(work_a, tablet):
    interaction = record(work_a, themes=["email"], notes="Avant")
    response = send(tablet, "patch", f"{URL}/{interaction.pk}", {"themes": ["sante", "logement"]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["themes"], body["notes"], body["kind"]) == (
        ["logement", "sante"],
        "Avant",
        "information_orientation",
    )
    response = send(tablet, "patch", f"{URL}/{interaction.pk}", {"kind": "machines_and_tools"})
    assert response.json()["time_category"] == "digital_assistance"
    assert response.json()["shift_client_uuid"] == str(work_a.shift.client_uuid)
    errors = field_errors(send(tablet, "patch", f"{URL}/{interaction.pk}", {"kind": None, "people": []}))
    assert errors == {"kind": ["Ce champ ne peut pas être vide."]}
    errors = field_errors(send(tablet, "patch", f"{URL}/{interaction.pk}", {"postal_form": "recommande"}))
    assert "postal_form" in errors
    interaction.refresh_from_db()
    assert (interaction.kind, sorted(interaction.theme_codes), interaction.postal_form) == (
        "machines_and_tools",
        ["logement", "sante"],
        "",
    )


def test_put_replaces_the_content_and_keeps_the_context(work_a, tenant_a):
    interaction = record(work_a, themes=["email"], notes="Avant", domain="taxes")
    coordinator = api_client(tenant_a.members[Role.COORDINATOR])
    response = send(
        coordinator, "put", f"{URL}/{interaction.pk}", {"kind": "postal_forms", "duration_minutes": 7}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["kind"], body["duration_minutes"], body["themes"], body["notes"], body["domain"]) == (
        "postal_forms",
        7,
        [],
        "",
        None,
    )
    assert (body["site_id"], body["shift_client_uuid"]) == (work_a.site.pk, str(work_a.shift.client_uuid))
    assert body["mediator_id"] == work_a.mediator.pk
    errors = field_errors(
        send(coordinator, "put", f"{URL}/{interaction.pk}", new(kind="postal_forms", duration_minutes=7))
    )
    assert errors == {"client_uuid": ["L'identifiant client d'une interaction ne change pas."]}


def test_delete_is_soft_and_the_record_leaves_the_lists(work_a, tablet):
    payload = new()
    created = post(tablet, payload).json()
    response = tablet.delete(f"{URL}/{created['id']}")
    assert response.status_code == 204
    assert ids(tablet.get(URL)) == []
    assert_error(tablet.get(f"{URL}/{created['id']}"), 404)
    assert_error(tablet.delete(f"{URL}/{created['id']}"), 404)
    assert Interaction.objects.get().deleted_at is not None
    replay = post(tablet, payload)
    assert replay.status_code == 200 and replay.json()["deleted_at"] is not None
    assert Interaction.objects.count() == 1


def test_tenant_b_stays_out_of_reach(work_a, work_b, tenant_a):
    theirs = record(work_b, notes="Note de B")
    theirs_beneficiary = follow(work_b, "Zoé", scope=Beneficiary.ConsentScope.STRUCTURE)
    for role in (Role.ADMIN, Role.COORDINATOR, Role.MEDIATOR):
        client = api_client(tenant_a.members[role])
        assert theirs.pk not in ids(client.get(URL))
        assert_error(client.get(f"{URL}/{theirs.pk}"), 404)
        assert_error(send(client, "patch", f"{URL}/{theirs.pk}", {"notes": "x"}), 404)
        assert_error(client.delete(f"{URL}/{theirs.pk}"), 404)
        assert_error(client.get(f"{BENEFICIARIES}/{theirs_beneficiary.pk}"), 404)
        assert ids(client.get(BENEFICIARIES, {"q": "zo"})) == []
    theirs.refresh_from_db()
    assert theirs.notes == "Note de B" and theirs.deleted_at is None


# --- Followed beneficiaries ---------------------------------------------------------------------


def test_a_mediator_finds_their_followed_people_in_two_letters(work_a, tablet, colleague):
    jeanne = follow(work_a, "Jeanne Dupont", year=1948)
    shared = follow(work_a, "Jean Martin", scope=Beneficiary.ConsentScope.STRUCTURE)
    colleague_client = api_client(colleague[0])
    assert set(ids(tablet.get(BENEFICIARIES, {"q": "je"}))) == {jeanne.pk, shared.pk}
    assert ids(tablet.get(BENEFICIARIES, {"q": "dup"})) == [jeanne.pk]
    assert ids(colleague_client.get(BENEFICIARIES, {"q": "je"})) == [shared.pk]
    assert ids(colleague_client.get(BENEFICIARIES)) == [shared.pk]
    assert_error(colleague_client.get(f"{BENEFICIARIES}/{jeanne.pk}"), 404)
    detail = tablet.get(f"{BENEFICIARIES}/{jeanne.pk}").json()
    assert (detail["display_name"], detail["birth_year"], detail["age_bracket"]) == (
        "Jeanne Dupont",
        1948,
        "soixante_dix_plus",
    )
    assert set(ids(api_client(work_a.tenant.members[Role.COORDINATOR]).get(BENEFICIARIES))) == {
        jeanne.pk,
        shared.pk,
    }
    assert (
        "financeurs"
        in assert_error(api_client(work_a.tenant.members[Role.FUNDER]).get(BENEFICIARIES), 403)["detail"]
    )
    interaction = record(work_a)
    interaction_with_jeanne = post(tablet, new(people=[{"beneficiary_id": jeanne.pk}])).json()
    assert ids(tablet.get(URL, {"beneficiary": jeanne.pk})) == [interaction_with_jeanne["id"]]
    assert interaction.pk not in ids(tablet.get(URL, {"beneficiary": jeanne.pk}))


def test_following_a_person_needs_their_consent(work_a, tablet):
    follow(work_a, "Jeanne Dupont", year=1948)
    CommuneFactory(departement=work_a.tenant.departement, code="03190", name="Moulins")
    refused = field_errors(post(tablet, {"consent_given": False, "display_name": "Jeanne"}, BENEFICIARIES))
    assert refused == {"consent_given": ["Sans l'accord de la personne, l'accompagnement reste anonyme."]}
    assert field_errors(post(tablet, {"display_name": "Jeanne"}, BENEFICIARIES)) == {
        "consent_given": ["Ce champ est obligatoire."]
    }
    response = post(
        tablet,
        {
            "consent_given": True,
            "display_name": "Jeanne  Dupond",
            "birth_year": 1949,
            "commune_code": "03190",
            "phone": "06 12 34 56 78",
            "consent_reminders": True,
            "consent_scope": "structure",
        },
        BENEFICIARIES,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["display_name"], body["commune_code"], body["consent_scope"]) == (
        "Jeanne Dupond",
        "03190",
        "structure",
    )
    assert [row["display_name"] for row in body["similar"]] == ["Jeanne Dupont"]
    created = Beneficiary.objects.get(pk=body["id"])
    assert created.consent_by == work_a.user and created.recorded_by == work_a.mediator
    assert JournalEntry.objects.filter(action="mediation.beneficiary.created").count() == 2


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"display_name": ""}, "display_name"),
        ({"display_name": "x" * 81}, "display_name"),
        ({"display_name": "Jo\x00"}, "display_name"),
        ({"birth_year": 1850}, "birth_year"),
        ({"birth_year": 10**30}, "birth_year"),
        ({"email": "pas-une-adresse"}, "email"),
        ({"consent_reminders": True}, "consent_reminders"),
        ({"commune_code": "99999"}, "commune_code"),
        ({"gender": "autre"}, "gender"),
        ({"consent_scope": "monde"}, "consent_scope"),
    ],
)
def test_a_bad_beneficiary_is_a_422_per_field(work_a, tablet, fields, field):
    errors = field_errors(
        post(tablet, {"consent_given": True, "display_name": "Jeanne"} | fields, BENEFICIARIES)
    )
    assert field in errors, errors
    assert not Beneficiary.objects.exists()


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.FUNDER])
def test_only_a_mediator_follows_a_person(work_a, role):
    client = api_client(work_a.tenant.members[role])
    assert_error(post(client, {"consent_given": True, "display_name": "Jeanne"}, BENEFICIARIES), 403)


def test_the_openapi_description_documents_the_mediation_api():
    schema = Client().get("/api/v1/openapi.json").json()
    for path in (URL, f"{URL}/{{id}}", BENEFICIARIES, f"{BENEFICIARIES}/{{id}}"):
        assert path in schema["paths"], path
    assert set(schema["paths"][f"{URL}/{{id}}"]) == {"get", "patch", "put", "delete"}
    create = schema["paths"][URL]["post"]
    assert {"200", "201", "403", "422"} <= set(create["responses"])
    assert "FieldErrorsOut" in schema["components"]["schemas"]
