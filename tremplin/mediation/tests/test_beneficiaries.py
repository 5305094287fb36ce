"""The followed-beneficiary pages: list and search, follow a person with their consent, their history,
merge duplicates, anonymise on withdrawal; and who sees whom on every one of them."""

import html
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from conftest import verified_client
from tremplin.accounts.tests.factories import MembershipFactory
from tremplin.core.models import JournalEntry
from tremplin.core.roles import Role
from tremplin.mediation import services
from tremplin.mediation.models import Accompaniment, Beneficiary
from tremplin.mediation.services import Person
from tremplin.staffing import services as staffing_services
from tremplin.staffing.models import MediatorProfile
from tremplin.territory.tests.factories import CommuneFactory

from .helpers import AtWork, at_work, follow, record

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 3, 9, 10, 30, tzinfo=PARIS)
STRUCTURE = Beneficiary.ConsentScope.STRUCTURE


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def work(tenant_a):
    return at_work(tenant_a)


@pytest.fixture
def colleague(work) -> AtWork:
    """A second mediator of tenant A's operator, on shift at the same site."""
    membership = MembershipFactory(operator=work.tenant.operator, role=Role.MEDIATOR)
    mediator = MediatorProfile.objects.create(user=membership.user, operator=work.tenant.operator)
    shift = staffing_services.shift_start(
        actor=membership.user, mediator=mediator, site=work.site, at=NOW - timedelta(minutes=30)
    )
    return AtWork(tenant=work.tenant, mediator=mediator, site=work.site, shift=shift)


def client_of(work: AtWork):
    return verified_client(work.user)


def url(name, beneficiary=None, /, **query):
    path = reverse(f"mediation:{name}", args=[beneficiary.pk] if beneficiary else [])
    if query:
        path += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return path


def text(response) -> str:
    """The page as a person reads it (entities decoded)."""
    return html.unescape(response.content.decode())


def page(client, name, beneficiary=None, /, **query) -> str:
    response = client.get(url(name, beneficiary, **query))
    assert response.status_code == 200
    return text(response)


FORM = {
    "display_name": "Éloïse",
    "birth_year": "1951",
    "gender": "feminin",
    "social_status": "retraite",
    "commune": "",
    "phone": "",
    "email": "",
    "consent_scope": "mediator",
    "consent_given": "on",
}


# ---------------------------------------------------------------------------------------------
# Who sees whom: the rule of the issue, on every page
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def people(work, colleague, tenant_b):
    """Followed people of tenant A's two mediators, each with one visit, and one of another operator."""
    other = at_work(tenant_b)
    people = {
        "mine": follow(work, "Germaine", year=1940),
        "colleague_private": follow(colleague, "Gertrude", year=1941),
        "colleague_structure": follow(colleague, "Gervaise", year=1942, scope=STRUCTURE),
        "other_operator": follow(other, "Geraldine", year=1943, scope=STRUCTURE),
    }
    record(work, people=[Person(beneficiary=people["mine"])])
    record(colleague, people=[Person(beneficiary=people["colleague_private"])])
    record(colleague, people=[Person(beneficiary=people["colleague_structure"])], themes=["email"])
    record(other, people=[Person(beneficiary=people["other_operator"])])
    return people


def test_a_mediator_lists_and_finds_their_own_people_and_those_followed_by_the_structure_only(work, people):
    client = client_of(work)
    listing = page(client, "beneficiary_list")
    found = page(client, "beneficiary_search", q="ge")
    picked = page(client, "beneficiary_search", q="ge", pick="1")

    for shown in (listing, found, picked):
        assert "Germaine" in shown
        assert "Gervaise" in shown
        assert "Gertrude" not in shown
        assert "Geraldine" not in shown
    assert f'value="{people["colleague_structure"].pk}"' in picked
    assert f'value="{people["colleague_private"].pk}"' not in picked


@pytest.mark.parametrize("name", ["beneficiary_detail", "beneficiary_edit", "beneficiary_anonymise"])
def test_another_mediator_s_private_person_is_not_found_on_any_page(work, people, name):
    client = client_of(work)
    target = people["colleague_private"]
    assert client.get(url(name, target)).status_code == 404
    if name != "beneficiary_detail":
        assert client.post(url(name, target), FORM).status_code == 404
    target.refresh_from_db()
    assert target.display_name == "Gertrude"
    assert not target.anonymised_at


@pytest.mark.parametrize("role", [Role.MEDIATOR, Role.COORDINATOR, Role.ADMIN])
@pytest.mark.parametrize(
    "name", ["beneficiary_detail", "beneficiary_edit", "beneficiary_merge", "beneficiary_anonymise"]
)
def test_another_operator_s_person_is_never_found_even_followed_by_their_structure(
    work, people, tenant_a, role, name
):
    client = tenant_a.client(role)
    target = people["other_operator"]
    assert client.get(url(name, target)).status_code == 404
    if name != "beneficiary_detail":
        assert client.post(url(name, target), FORM | {"duplicate": people["mine"].pk}).status_code == 404
    target.refresh_from_db()
    assert target.display_name == "Geraldine"
    assert target.merged_into is None


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_coordinators_see_everyone_of_their_operator_and_no_one_else(tenant_a, people, role):
    client = tenant_a.client(role)
    listing = page(client, "beneficiary_list")
    found = page(client, "beneficiary_search", q="ger")

    for shown in (listing, found):
        assert all(name in shown for name in ("Germaine", "Gertrude", "Gervaise"))
        assert "Geraldine" not in shown


def test_a_history_seen_by_a_colleague_shows_the_structure_s_visits_of_that_person_only(
    work, colleague, people
):
    shown = page(client_of(work), "beneficiary_detail", people["colleague_structure"])

    assert "Gervaise" in shown
    assert "E-mail" in shown
    assert str(colleague.mediator) in shown
    assert "Gertrude" not in shown


def test_funders_are_refused_every_beneficiary_page(tenant_a, people):
    client = tenant_a.client(Role.FUNDER)
    for name in ("beneficiary_list", "beneficiary_search", "beneficiary_create"):
        assert client.get(url(name)).status_code == 403
    assert client.get(url("beneficiary_search", q="ge", pick="1")).status_code == 403
    assert client.get(url("beneficiary_detail", people["mine"])).status_code == 403


# ---------------------------------------------------------------------------------------------
# List and search
# ---------------------------------------------------------------------------------------------


def test_two_keystrokes_find_a_person_and_one_gives_a_hint(work):
    jeanne = follow(work, "Jeanne", year=1948)
    follow(work, "Marcel", year=1950)
    client = client_of(work)

    one = page(client, "beneficiary_search", q="j")
    two = page(client, "beneficiary_search", q="je")

    assert "Tapez au moins deux lettres" in one
    assert "Jeanne" not in one
    assert "Une personne trouvée." in two
    assert reverse("mediation:beneficiary_detail", args=[jeanne.pk]) in two
    assert "Marcel" not in two


def test_a_search_with_characters_a_database_refuses_is_no_error(work):
    follow(work, "Jeanne", year=1948)

    assert "Jeanne (1948)" in page(client_of(work), "beneficiary_search", q="je%00")


def test_the_search_ignores_accents_and_case_and_finds_a_second_word(work):
    follow(work, "Éloïse Marchand", year=1951)
    client = client_of(work)

    assert "Éloïse Marchand" in page(client, "beneficiary_search", q="ELO")
    assert "Éloïse Marchand" in page(client, "beneficiary_search", q="marc")


def test_the_list_searches_without_javascript_and_shows_the_last_visit(work):
    jeanne = follow(work, "Jeanne", year=1948)
    follow(work, "Marcel", year=1950)
    record(work, people=[Person(beneficiary=jeanne)])

    shown = page(client_of(work), "beneficiary_list", q="jea")

    results = shown[shown.index('id="beneficiary-results"') : shown.index("Toutes les personnes suivies")]
    assert "Jeanne (1948)" in results
    assert "Marcel" not in results
    assert "9 mars 2026" in results
    everyone = shown[shown.index("Toutes les personnes suivies") :]
    assert "Marcel (1950)" in everyone
    assert "Pas encore venue" in everyone
    assert 'hx-get="' + reverse("mediation:beneficiary_search") + '"' in shown


def test_nothing_found_offers_to_follow_that_name(work):
    shown = page(client_of(work), "beneficiary_search", q="Zoé")

    assert "Aucune personne suivie ne correspond à « Zoé »." in shown
    assert reverse("mediation:beneficiary_create") + "?q=Zo%C3%A9" in shown


def test_the_pick_fragment_offers_radios_with_an_anonymous_person_checked_by_default(work):
    jeanne = follow(work, "Jeanne", year=1948, commune=work.site.commune)

    shown = page(client_of(work), "beneficiary_search", q="je", pick="1")

    assert 'name="beneficiary" value="" id="beneficiary-pick-anonymous" checked' in shown
    assert f'name="beneficiary" value="{jeanne.pk}"' in shown
    assert f"Jeanne (1948), {work.site.commune.name}" in shown
    assert "<form" not in shown


def test_the_pick_fragment_below_two_letters_is_a_hint_and_the_anonymous_choice(work):
    follow(work, "Jeanne", year=1948)

    shown = page(client_of(work), "beneficiary_search", q="j", pick="1")

    assert "Tapez au moins deux lettres" in shown
    assert "Jeanne" not in shown
    assert 'value="" id="beneficiary-pick-anonymous" checked' in shown


def test_the_pick_fragment_keeps_the_person_already_chosen(work):
    jeanne = follow(work, "Jeanne", year=1948)

    shown = page(client_of(work), "beneficiary_search", q="jea", pick="1", beneficiary=jeanne.pk)

    assert f'value="{jeanne.pk}" id="beneficiary-pick-{jeanne.pk}" checked' in shown
    assert 'id="beneficiary-pick-anonymous">' in shown


# ---------------------------------------------------------------------------------------------
# Following a new person
# ---------------------------------------------------------------------------------------------


def test_a_mediator_follows_a_person_with_their_consent(work):
    commune = CommuneFactory(departement=work.tenant.departement, code="03175", name="Molinet")
    client = client_of(work)
    form = page(client, "beneficiary_create")
    assert "Vous pouvez changer d'avis à tout moment" in form
    assert "Sans nouvelle visite pendant 3 ans" in form

    response = client.post(
        url("beneficiary_create"),
        FORM
        | {
            "commune": "03175",
            "phone": "06 12 34 56 78",
            "email": " Eloise@Exemple.TEST ",
            "consent_reminders": "on",
            "consent_scope": "structure",
        },
    )

    beneficiary = Beneficiary.objects.get()
    assert response["Location"] == reverse("mediation:beneficiary_detail", args=[beneficiary.pk])
    assert beneficiary.display_name == "Éloïse"
    assert (beneficiary.birth_year, beneficiary.gender, beneficiary.social_status) == (
        1951,
        "feminin",
        "retraite",
    )
    assert beneficiary.commune == commune
    assert beneficiary.phone == "+33612345678"
    assert beneficiary.email == "eloise@exemple.test"
    assert beneficiary.consent_scope == STRUCTURE
    assert beneficiary.consent_reminders
    assert beneficiary.consent_by == work.user
    assert beneficiary.consent_at == NOW
    assert beneficiary.recorded_by == work.mediator


def test_without_consent_there_is_no_record_and_the_input_is_kept(work):
    data = {key: value for key, value in FORM.items() if key != "consent_given"}

    shown = text(client_of(work).post(url("beneficiary_create"), data))

    assert "Sans l'accord de la personne, pas de fiche : l'accompagnement reste anonyme." in shown
    assert 'value="Éloïse"' in shown
    assert not Beneficiary.objects.exists()


@pytest.mark.parametrize(
    "phone, stored",
    [
        ("0612345678", "+33612345678"),
        ("01.23.45.67.89", "+33123456789"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("+33 (0)6 12 34 56 78", "+33612345678"),
        ("0033612345678", "+33612345678"),
    ],
)
def test_french_phone_numbers_are_stored_in_one_form(work, phone, stored):
    client_of(work).post(url("beneficiary_create"), FORM | {"phone": phone})

    assert Beneficiary.objects.get().phone == stored


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("phone", "12345", "Indiquez un numéro français : 10 chiffres commençant par 0"),
        ("phone", "0012345678", "Indiquez un numéro français"),
        ("phone", "+44 20 7946 0958", "Indiquez un numéro français"),
        ("email", "eloise@", "Indiquez une adresse e-mail valide"),
        ("commune", "99999", "Aucune commune n'a le code INSEE 99999."),
        ("commune", "Atlantide", "Commune inconnue : indiquez son code INSEE"),
        ("birth_year", "1850", "L'année de naissance doit être comprise entre 1900 et cette année."),
        ("birth_year", "2030", "L'année de naissance doit être comprise entre 1900 et cette année."),
        ("display_name", "   ", "Indiquez un prénom ou un pseudonyme."),
        ("consent_scope", "everyone", "Sélectionnez un choix valide"),
    ],
)
def test_bad_input_gets_a_french_message_and_nothing_is_saved(work, field, value, message):
    response = client_of(work).post(url("beneficiary_create"), FORM | {field: value})

    assert response.status_code == 200
    assert message in text(response)
    assert not Beneficiary.objects.exists()


def test_reminders_need_a_phone_or_an_e_mail(work):
    shown = text(client_of(work).post(url("beneficiary_create"), FORM | {"consent_reminders": "on"}))

    assert "Pour des rappels, indiquez un téléphone ou un e-mail." in shown
    assert not Beneficiary.objects.exists()


def test_a_commune_is_found_by_its_name_or_as_shown_and_a_shared_name_asks_for_the_code(work):
    departement = work.tenant.departement
    molinet = CommuneFactory(departement=departement, code="03175", name="Molinet")
    CommuneFactory(departement=departement, code="03200", name="Bourg")
    CommuneFactory(departement=departement, code="03201", name="Bourg")
    client = client_of(work)

    client.post(url("beneficiary_create"), FORM | {"commune": "molinet"})
    client.post(url("beneficiary_create"), FORM | {"display_name": "Lucien", "commune": "Molinet (03175)"})
    shown = client.post(url("beneficiary_create"), FORM | {"display_name": "Odette", "commune": "Bourg"})

    assert [b.commune for b in Beneficiary.objects.order_by("pk")] == [molinet, molinet]
    assert "Plusieurs communes s'appellent ainsi : indiquez son code INSEE (03200, 03201)." in text(shown)


def test_a_look_alike_is_shown_before_saving_and_the_mediator_confirms_it_is_someone_else(work):
    jeanne = follow(work, "Jeanne", year=1948)
    client = client_of(work)
    data = FORM | {"display_name": "Jeane", "birth_year": "1949"}

    warned = text(client.post(url("beneficiary_create"), data))

    assert "Cette personne est peut-être déjà suivie" in warned
    assert reverse("mediation:beneficiary_detail", args=[jeanne.pk]) in warned
    assert "C'est bien une autre personne" in warned
    assert 'value="Jeane"' in warned
    assert Beneficiary.objects.count() == 1

    response = client.post(url("beneficiary_create"), data | {"confirm_distinct": "on"})

    assert response.status_code == 302
    assert Beneficiary.objects.count() == 2


def test_the_warning_never_reveals_someone_the_mediator_cannot_see(work, colleague, tenant_b):
    follow(colleague, "Jeanne", year=1948)
    follow(at_work(tenant_b), "Jeanne", year=1948, scope=STRUCTURE)

    response = client_of(work).post(url("beneficiary_create"), FORM | {"display_name": "Jeanne"})

    assert response.status_code == 302
    assert Beneficiary.objects.filter(display_name="Jeanne").count() == 3


def test_the_list_s_search_prefills_the_name_of_the_new_person(work):
    assert 'value="Zoé"' in page(client_of(work), "beneficiary_create", q="Zo%C3%A9")


@pytest.mark.parametrize("role", [Role.ADMIN, Role.MEDIATOR])
def test_only_someone_with_a_mediator_profile_follows_a_person(tenant_a, role):
    client = tenant_a.client(role)

    assert client.get(url("beneficiary_create")).status_code == 403
    assert client.post(url("beneficiary_create"), FORM).status_code == 403
    assert "Suivre une nouvelle personne" not in page(client, "beneficiary_list")
    assert not Beneficiary.objects.exists()


# ---------------------------------------------------------------------------------------------
# The person's page and its edit
# ---------------------------------------------------------------------------------------------


def test_the_person_s_page_shows_their_consent_age_bracket_and_history(work, clock):
    jeanne = follow(work, "Jeanne", year=1948, phone="+33612345678", consent_reminders=True)
    clock.move_to(NOW + timedelta(minutes=20))
    record(
        work, people=[Person(beneficiary=jeanne)], themes=["email", "sante"], kind="individual_accompaniment"
    )
    record(work, people=[Person(beneficiary=jeanne)], started_at=NOW - timedelta(minutes=50))
    record(work)

    shown = page(client_of(work), "beneficiary_detail", jeanne)

    assert "Jeanne (1948)" in shown
    assert "70 ans et plus" in shown
    assert str(work.user) in shown
    assert "9 mars 2026 à 10:30" in shown
    assert "Suivi par le médiateur qui l'a enregistré" in shown
    assert "Oui — 06 12 34 56 78" in shown
    history = shown[shown.index('id="historique"') :]
    assert history.count("<tr>") == 3
    assert "Accompagnement individualisé" in history
    assert "E-mail, Santé" in history
    assert work.site.name in history
    assert '<p class="figure">2</p>' in shown
    assert "9 mars 2026, 09:40" in history
    assert '<p class="figure">9 mars 2026</p>' in shown


def test_a_deleted_interaction_leaves_the_history(work):
    jeanne = follow(work, "Jeanne", year=1948)
    gone = record(work, people=[Person(beneficiary=jeanne)])
    services.interaction_delete(actor=work.user, interaction=gone)

    shown = page(client_of(work), "beneficiary_detail", jeanne)

    assert "Aucune interaction enregistrée avec cette personne" in shown
    assert '<p class="figure">0</p>' in shown


def test_a_mediator_edits_a_person_and_sees_the_phone_as_people_write_it(work):
    jeanne = follow(work, "Jeanne", year=1948, phone="+33612345678")
    client = client_of(work)
    form = page(client, "beneficiary_edit", jeanne)
    assert 'value="06 12 34 56 78"' in form
    assert "consent_given" not in form

    response = client.post(
        url("beneficiary_edit", jeanne),
        FORM | {"display_name": "Jeanne  Martin", "phone": "07 11 22 33 44", "consent_scope": "structure"},
    )

    assert response["Location"] == reverse("mediation:beneficiary_detail", args=[jeanne.pk])
    jeanne.refresh_from_db()
    assert jeanne.display_name == "Jeanne Martin"
    assert jeanne.phone == "+33711223344"
    assert jeanne.consent_scope == STRUCTURE
    entry = JournalEntry.objects.filter(action="mediation.beneficiary.updated").get()
    assert "Jeanne" not in str(entry.payload) and "0711" not in str(entry.payload)


def test_an_edit_with_errors_keeps_the_input_and_changes_nothing(work):
    jeanne = follow(work, "Jeanne", year=1948)

    shown = text(client_of(work).post(url("beneficiary_edit", jeanne), FORM | {"phone": "12"}))

    assert "Indiquez un numéro français" in shown
    assert 'value="Éloïse"' in shown
    jeanne.refresh_from_db()
    assert jeanne.display_name == "Jeanne"


# ---------------------------------------------------------------------------------------------
# Merge
# ---------------------------------------------------------------------------------------------


def test_a_coordinator_merges_a_duplicate_found_among_look_alikes(work, tenant_a):
    keep = follow(work, "Jeanne", year=1948)
    duplicate = follow(work, "Jeane", year=1948, phone="+33612345678")
    record(work, people=[Person(beneficiary=duplicate)])
    client = tenant_a.client(Role.COORDINATOR)

    picker = page(client, "beneficiary_merge", keep)
    assert "Fiches qui lui ressemblent" in picker
    compare_url = reverse("mediation:beneficiary_merge", args=[keep.pk]) + f"?duplicate={duplicate.pk}"
    assert compare_url in picker

    compared = page(client, "beneficiary_merge", keep, duplicate=duplicate.pk)
    assert "Fiche conservée" in compared and "Fiche en double" in compared
    assert "Jeanne" in compared and "Jeane" in compared and "06 12 34 56 78" in compared
    assert not Beneficiary.objects.get(pk=duplicate.pk).merged_into

    response = client.post(url("beneficiary_merge", keep), {"duplicate": duplicate.pk})

    assert response["Location"] == reverse("mediation:beneficiary_detail", args=[keep.pk])
    keep.refresh_from_db()
    assert Beneficiary.objects.get(pk=duplicate.pk).merged_into == keep
    assert keep.phone == "+33612345678"
    assert Accompaniment.objects.filter(beneficiary=keep).count() == 1
    assert client.get(url("beneficiary_detail", duplicate)).status_code == 404


def test_the_duplicate_is_searched_among_the_visible_people_and_the_kept_one_can_be_swapped(
    work, tenant_a, tenant_b
):
    keep = follow(work, "Jeanne", year=1948)
    duplicate = follow(work, "Yvette", year=1960)
    follow(at_work(tenant_b), "Yvonne", year=1960, scope=STRUCTURE)
    client = tenant_a.client(Role.COORDINATOR)

    found = page(client, "beneficiary_merge", keep, q="yv")
    assert "Yvette" in found
    assert "Yvonne" not in found

    compared = page(client, "beneficiary_merge", keep, duplicate=duplicate.pk)
    swap = reverse("mediation:beneficiary_merge", args=[duplicate.pk]) + f"?duplicate={keep.pk}"
    assert swap in compared


def test_a_duplicate_of_another_operator_or_itself_cannot_be_chosen(work, tenant_a, tenant_b):
    keep = follow(work, "Jeanne", year=1948)
    stranger = follow(at_work(tenant_b), "Jeanne", year=1948, scope=STRUCTURE)
    client = tenant_a.client(Role.COORDINATOR)

    for target in (stranger, keep):
        assert client.get(url("beneficiary_merge", keep, duplicate=target.pk)).status_code == 404
        assert client.post(url("beneficiary_merge", keep), {"duplicate": target.pk}).status_code == 404
    assert not Beneficiary.objects.filter(merged_into__isnull=False).exists()


def test_mediators_do_not_merge(work):
    keep = follow(work, "Jeanne", year=1948)
    duplicate = follow(work, "Jeane", year=1948)
    client = client_of(work)

    assert "Fusionner" not in page(client, "beneficiary_detail", keep)
    assert client.get(url("beneficiary_merge", keep)).status_code == 403
    assert client.post(url("beneficiary_merge", keep), {"duplicate": duplicate.pk}).status_code == 403
    assert not Beneficiary.objects.filter(merged_into__isnull=False).exists()


# ---------------------------------------------------------------------------------------------
# Consent withdrawn
# ---------------------------------------------------------------------------------------------


def test_the_recording_mediator_anonymises_a_person_who_withdraws_consent(work):
    jeanne = follow(work, "Jeanne", year=1948, phone="+33612345678")
    record(work, people=[Person(beneficiary=jeanne)])
    client = client_of(work)
    assert "La personne retire son accord" in page(client, "beneficiary_detail", jeanne)
    confirm = page(client, "beneficiary_anonymise", jeanne)
    assert "Son accompagnement déjà enregistré reste compté" in confirm
    jeanne.refresh_from_db()
    assert not jeanne.anonymised_at

    response = client.post(url("beneficiary_anonymise", jeanne))

    assert response["Location"] == reverse("mediation:beneficiary_list")
    jeanne.refresh_from_db()
    assert jeanne.anonymised_at and jeanne.display_name == "" and jeanne.phone == ""
    assert Accompaniment.objects.count() == 1
    assert "Jeanne" not in page(client, "beneficiary_list")
    assert client.get(url("beneficiary_detail", jeanne)).status_code == 404
    entry = JournalEntry.objects.get(action="mediation.beneficiary.anonymised")
    assert entry.payload == {"reason": "consent_withdrawn"}


def test_a_colleague_who_sees_the_person_may_not_anonymise_them_but_a_coordinator_may(
    work, colleague, tenant_a
):
    shared = follow(colleague, "Gervaise", year=1942, scope=STRUCTURE)
    client = client_of(work)
    assert "La personne retire son accord" not in page(client, "beneficiary_detail", shared)
    assert client.post(url("beneficiary_anonymise", shared)).status_code == 403
    shared.refresh_from_db()
    assert not shared.anonymised_at

    tenant_a.client(Role.COORDINATOR).post(url("beneficiary_anonymise", shared))

    shared.refresh_from_db()
    assert shared.anonymised_at
