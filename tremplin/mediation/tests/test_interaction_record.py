"""Recording, changing and taking back an interaction through the services, as the screens and the API do."""

import json
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError

from tremplin.accounts.selectors import viewer_for_membership
from tremplin.core.models import JournalEntry
from tremplin.core.roles import Role
from tremplin.mediation import selectors, services
from tremplin.mediation.models import Accompaniment, Interaction, InteractionTheme
from tremplin.mediation.services import InteractionData, InteractionError, Person
from tremplin.staffing import services as staffing_services
from tremplin.territory.tests.factories import SiteFactory

from .helpers import at_work, follow, record

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
#: A Monday morning in an office; every test of this module happens then.
NOW = datetime(2026, 3, 9, 10, 30, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def work(clock, tenant_a):
    """Tenant A's mediator, on shift at tenant A's site since 9:30."""
    return at_work(tenant_a)


def data(work, **fields) -> InteractionData:
    values = {
        "kind": "information_orientation",
        "site": work.site,
        "shift": work.shift,
        "started_at": NOW - timedelta(minutes=15),
        "duration_minutes": 10,
    }
    return InteractionData(**(values | fields))


def save(work, client_uuid=None, **fields) -> tuple[Interaction, bool]:
    return services.interaction_record(
        actor=work.user, mediator=work.mediator, data=data(work, **fields), client_uuid=client_uuid
    )


def errors_of(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


# ---------------------------------------------------------------------------------------------
# Defaults
# ---------------------------------------------------------------------------------------------


def test_a_record_with_only_a_kind_gets_everything_else_from_its_context(work):
    interaction, created = save(work)

    assert created
    interaction.refresh_from_db()
    assert interaction.operator == work.tenant.operator
    assert (interaction.mediator, interaction.site, interaction.shift) == (
        work.mediator,
        work.site,
        work.shift,
    )
    assert interaction.started_at == NOW - timedelta(minutes=15)
    assert interaction.duration_minutes == 10
    assert interaction.time_category == "client_information"
    assert interaction.place == "bureau_de_poste"
    assert interaction.theme_codes == []
    assert not interaction.oriented
    people = list(interaction.accompaniments.all())
    assert len(people) == 1
    assert people[0].beneficiary is None
    assert people[0].is_first_time is None
    assert (people[0].age_bracket, people[0].gender, people[0].social_status) == ("", "", "")


@pytest.mark.parametrize(
    ("kind", "category"),
    [
        ("machines_and_tools", "digital_assistance"),
        ("information_orientation", "client_information"),
        ("conflict_prevention", "client_information"),
        ("postal_forms", "client_information"),
        ("individual_accompaniment", "digital_assistance"),
    ],
)
def test_the_time_category_follows_the_kind(work, kind, category):
    interaction, _created = save(work, kind=kind)

    assert interaction.time_category == category


def test_the_mediator_may_count_the_time_toward_the_other_category(work):
    interaction, _created = save(work, kind="postal_forms", time_category="digital_assistance")

    assert interaction.time_category == "digital_assistance"


def test_themes_are_stored_once_each_and_the_details_are_kept(work):
    interaction, _created = save(
        work,
        kind="individual_accompaniment",
        themes=["email", "sante", "email"],
        domain="state_procedures",
        equipment="tablette",
        place="hors_bureau",
        autonomy="partiellement_autonome",
        oriented=True,
        orientation_target="aide_sociale",
        orientation_partner="CCAS de la ville",
        notes="Dossier à finir la semaine prochaine.",
    )

    interaction.refresh_from_db()
    assert sorted(interaction.theme_codes) == ["email", "sante"]
    assert InteractionTheme.objects.filter(interaction=interaction).count() == 2
    assert (interaction.domain, interaction.equipment, interaction.place) == (
        "state_procedures",
        "tablette",
        "hors_bureau",
    )
    assert (interaction.orientation_target, interaction.orientation_partner) == (
        "aide_sociale",
        "CCAS de la ville",
    )


def test_a_group_counts_each_person_and_keeps_their_known_attributes(work):
    interaction, _created = save(
        work,
        kind="individual_accompaniment",
        people=[
            Person(age_bracket="soixante_dix_plus", gender="feminin", is_first_time=True),
            Person(social_status="retraite"),
            Person(),
        ],
    )

    rows = interaction.accompaniments.order_by("id")
    assert rows.count() == 3
    assert [(row.age_bracket, row.gender, row.social_status, row.is_first_time) for row in rows] == [
        ("soixante_dix_plus", "feminin", "", True),
        ("", "", "retraite", None),
        ("", "", "", None),
    ]


def test_the_journal_says_what_was_recorded(work):
    interaction, _created = save(work, kind="postal_forms", postal_form="recommande")

    entry = JournalEntry.objects.get(action="mediation.interaction.recorded")
    assert entry.actor == work.user
    assert entry.operator == work.tenant.operator
    assert entry.object_id == str(interaction.pk)
    assert entry.payload == {"kind": "postal_forms", "site": work.site.pk, "people": 1}


# ---------------------------------------------------------------------------------------------
# Idempotency
# ---------------------------------------------------------------------------------------------


def test_the_same_uuid_three_times_records_one_interaction(work):
    client_uuid = uuid.uuid4()

    results = [save(work, client_uuid=client_uuid, themes=["email"]) for _ in range(3)]

    assert [created for _interaction, created in results] == [True, False, False]
    assert len({interaction.pk for interaction, _created in results}) == 1
    assert Interaction.objects.count() == 1
    assert Accompaniment.objects.count() == 1
    assert InteractionTheme.objects.count() == 1
    assert JournalEntry.objects.filter(action="mediation.interaction.recorded").count() == 1


def test_a_replay_returns_the_first_record_even_if_the_payload_changed(work):
    client_uuid = uuid.uuid4()
    first, _created = save(work, client_uuid=client_uuid, duration_minutes=10)

    again, created = save(work, client_uuid=client_uuid, duration_minutes=45)

    assert not created
    assert again.pk == first.pk
    assert Interaction.objects.get().duration_minutes == 10


def test_a_uuid_already_used_by_another_mediator_is_refused_without_revealing_the_record(work, tenant_b):
    other = at_work(tenant_b)
    client_uuid = uuid.uuid4()
    theirs, _created = save(other, client_uuid=client_uuid)

    with pytest.raises(InteractionError) as excinfo:
        save(work, client_uuid=client_uuid)

    assert errors_of(excinfo) == {"client_uuid": ["Cet identifiant est déjà utilisé : générez-en un autre."]}
    assert Interaction.objects.count() == 1
    assert Interaction.objects.get().mediator == other.mediator


class _LateManager:
    """The manager as a second copy of a request sees it: the first copy's row is not there yet when it
    looks, and is there when it writes."""

    def __init__(self, manager):
        self._manager = manager
        self._looked = False

    def filter(self, *args, **kwargs):
        if not self._looked:
            self._looked = True
            return self._manager.none()
        return self._manager.filter(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._manager, name)


def _race(monkeypatch):
    late = type("Interaction", (), {"objects": _LateManager(Interaction.objects)})
    monkeypatch.setattr(services, "Interaction", late)


def test_two_copies_racing_make_one_record_and_the_loser_gets_the_winner_s(work, monkeypatch):
    client_uuid = uuid.uuid4()
    winner, _created = save(work, client_uuid=client_uuid)
    _race(monkeypatch)

    loser, created = save(work, client_uuid=client_uuid)

    assert not created
    assert loser.pk == winner.pk
    assert Interaction.objects.count() == 1
    assert Accompaniment.objects.count() == 1
    assert JournalEntry.objects.filter(action="mediation.interaction.recorded").count() == 1


def test_a_race_with_another_mediator_s_uuid_is_refused(work, tenant_b, monkeypatch):
    client_uuid = uuid.uuid4()
    save(at_work(tenant_b), client_uuid=client_uuid)
    _race(monkeypatch)

    with pytest.raises(InteractionError) as excinfo:
        save(work, client_uuid=client_uuid)

    assert list(errors_of(excinfo)) == ["client_uuid"]


def test_an_integrity_error_that_is_not_a_race_is_not_hidden(work, monkeypatch):
    def broken(*args, **kwargs):
        raise IntegrityError("disk full")

    monkeypatch.setattr(services, "_write_details", broken)

    with pytest.raises(IntegrityError):
        save(work)
    assert not Interaction.objects.exists()


# ---------------------------------------------------------------------------------------------
# Validation: one French message per field, nothing written
# ---------------------------------------------------------------------------------------------


def _another_site(work):
    return SiteFactory(commune=work.site.commune, name="Agence postale voisine")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"kind": "tea_party"}, "kind", "Choisissez le type d'action."),
        ({"kind": ""}, "kind", "Choisissez le type d'action."),
        (
            {"duration_minutes": 0},
            "duration_minutes",
            "La durée doit être comprise entre 1 minute et 12 heures.",
        ),
        (
            {"duration_minutes": -5},
            "duration_minutes",
            "La durée doit être comprise entre 1 minute et 12 heures.",
        ),
        (
            {"duration_minutes": 12 * 60 + 1},
            "duration_minutes",
            "La durée doit être comprise entre 1 minute et 12 heures.",
        ),
        (
            {"duration_minutes": "10"},
            "duration_minutes",
            "La durée doit être comprise entre 1 minute et 12 heures.",
        ),
        (
            {"started_at": NOW + timedelta(minutes=20)},
            "started_at",
            "Une interaction ne peut pas commencer dans le futur.",
        ),
        ({"started_at": datetime(2026, 3, 9, 10, 0)}, "started_at", "L'heure de début est invalide."),
        ({"started_at": None}, "started_at", "L'heure de début est invalide."),
        ({"themes": ["email", "jardinage"]}, "themes", "Thématique inconnue : jardinage."),
        (
            {"orientation_target": "aide_sociale"},
            "oriented",
            "Cochez « orienté » pour indiquer vers qui la personne a été orientée.",
        ),
        (
            {"orientation_partner": "CAF"},
            "oriented",
            "Cochez « orienté » pour indiquer vers qui la personne a été orientée.",
        ),
        (
            {"kind": "machines_and_tools", "postal_form": "recommande"},
            "postal_form",
            "L'imprimé postal ne se renseigne que pour l'action « imprimés postaux ».",
        ),
        (
            {"kind": "information_orientation", "conflict_severity": "high"},
            "conflict_severity",
            "La tension ne se renseigne que pour la prévention de conflit.",
        ),
        (
            {"kind": "postal_forms", "conflict_defused": False},
            "conflict_severity",
            "La tension ne se renseigne que pour la prévention de conflit.",
        ),
        ({"people": []}, "people", "Une interaction aide au moins une personne."),
    ],
)
def test_a_bad_payload_is_refused_with_a_french_message_on_its_field(work, fields, field, message):
    with pytest.raises(InteractionError) as excinfo:
        save(work, **fields)

    assert errors_of(excinfo) == {field: [message]}
    assert not Interaction.objects.exists()
    assert not JournalEntry.objects.filter(action__startswith="mediation.interaction").exists()


def test_a_start_within_the_clock_drift_and_the_longest_duration_are_accepted(work):
    interaction, created = save(work, started_at=NOW + timedelta(minutes=4), duration_minutes=12 * 60)

    assert created
    assert interaction.duration_minutes == 720


def test_another_mediator_s_shift_is_refused(work, tenant_b):
    other = at_work(tenant_b)

    with pytest.raises(InteractionError) as excinfo:
        save(work, shift=other.shift, site=other.site)

    assert errors_of(excinfo) == {"shift": ["Cette permanence n'est pas la vôtre."]}


def test_a_site_that_is_not_the_shift_s_is_refused(work):
    with pytest.raises(InteractionError) as excinfo:
        save(work, site=_another_site(work))

    assert errors_of(excinfo) == {"site": ["Le site doit être celui de la permanence en cours."]}


def test_without_a_shift_any_site_may_be_given(work):
    elsewhere = _another_site(work)

    interaction, _created = save(work, shift=None, site=elsewhere)

    assert (interaction.site, interaction.shift) == (elsewhere, None)


def test_the_same_followed_person_cannot_be_counted_twice(work):
    jeanne = follow(work)

    with pytest.raises(InteractionError) as excinfo:
        save(work, people=[Person(beneficiary=jeanne), Person(beneficiary=jeanne)])

    assert errors_of(excinfo) == {
        "people": ["Une même personne ne peut être comptée deux fois dans une interaction."]
    }


def test_another_operator_s_beneficiary_is_refused(work, tenant_b):
    theirs = follow(at_work(tenant_b), "Paul")

    with pytest.raises(InteractionError) as excinfo:
        save(work, people=[Person(beneficiary=theirs)])

    assert errors_of(excinfo) == {"people": ["Ce bénéficiaire n'est pas suivi par votre structure."]}


def test_a_merged_or_anonymised_beneficiary_is_refused(work):
    keep, duplicate = follow(work, "Jeanne"), follow(work, "Jeane")
    services.beneficiary_merge(actor=work.user, keep=keep, duplicate=duplicate)
    gone = services.beneficiary_anonymise(
        actor=work.user, beneficiary=follow(work, "Lucien"), reason="consent"
    )

    for person in (duplicate, gone):
        with pytest.raises(InteractionError) as excinfo:
            save(work, people=[Person(beneficiary=person)])
        assert list(errors_of(excinfo)) == ["people"]


def test_every_problem_is_reported_at_once(work):
    with pytest.raises(InteractionError) as excinfo:
        save(work, kind="nope", duration_minutes=0, themes=["x"], postal_form="recommande")

    assert set(errors_of(excinfo)) == {"kind", "duration_minutes", "themes", "postal_form"}


# ---------------------------------------------------------------------------------------------
# First-time accompaniments of followed people
# ---------------------------------------------------------------------------------------------


def visit(work, beneficiary, *, days_ago: int = 0) -> Interaction:
    """A visit of a followed person: today during the shift, or some days ago (no shift then)."""
    if not days_ago:
        return record(work, people=[Person(beneficiary=beneficiary)])
    interaction, _created = save(
        work, shift=None, started_at=NOW - timedelta(days=days_ago), people=[Person(beneficiary=beneficiary)]
    )
    return interaction


def _first_time(interaction, beneficiary) -> bool | None:
    return Accompaniment.objects.get(interaction=interaction, beneficiary=beneficiary).is_first_time


def test_a_followed_person_s_first_visit_is_flagged_and_the_next_ones_are_not(work, clock):
    clock.move_to(NOW - timedelta(days=20))
    jeanne = follow(work)
    clock.move_to(NOW)

    first = visit(work, jeanne, days_ago=14)
    second = visit(work, jeanne, days_ago=7)
    third = visit(work, jeanne)

    assert [_first_time(i, jeanne) for i in (first, second, third)] == [True, False, False]
    jeanne.refresh_from_db()
    assert jeanne.last_seen_at == third.started_at


def test_the_followed_person_s_attributes_are_copied_on_the_accompaniment(work):
    jeanne = follow(work, gender="feminin", social_status="retraite")

    interaction = record(work, people=[Person(beneficiary=jeanne, age_bracket="douze_dix_huit")])

    row = interaction.accompaniments.get()
    assert (row.age_bracket, row.gender, row.social_status) == ("soixante_dix_plus", "feminin", "retraite")


def test_a_visit_recorded_late_but_dated_earlier_becomes_the_first_one(work):
    """A tablet that was offline sends last week's visit after today's: only one visit is the first."""
    jeanne = follow(work)
    today = visit(work, jeanne)
    last_week = visit(work, jeanne, days_ago=7)

    assert _first_time(last_week, jeanne) is True
    assert _first_time(today, jeanne) is False
    jeanne.refresh_from_db()
    assert jeanne.last_seen_at == NOW


def test_taking_back_the_first_visit_makes_the_next_one_the_first_and_restoring_it_undoes_that(work):
    jeanne = follow(work)
    first = visit(work, jeanne, days_ago=7)
    second = visit(work, jeanne)

    services.interaction_delete(actor=work.user, interaction=first)
    assert _first_time(second, jeanne) is True

    services.interaction_restore(actor=work.user, interaction=first)
    assert (_first_time(first, jeanne), _first_time(second, jeanne)) == (True, False)


def test_moving_a_visit_earlier_by_an_edit_moves_the_first_time_flag(work):
    jeanne = follow(work)
    earlier = visit(work, jeanne, days_ago=7)
    later = visit(work, jeanne)

    changed = services.data_from(later)
    changed.shift, changed.started_at = None, NOW - timedelta(days=10)
    services.interaction_update(actor=work.user, interaction=later, data=changed)

    assert (_first_time(later, jeanne), _first_time(earlier, jeanne)) == (True, False)


def test_removing_a_person_from_their_first_visit_makes_the_next_one_the_first(work):
    jeanne = follow(work)
    first = visit(work, jeanne, days_ago=7)
    second = visit(work, jeanne)

    changed = services.data_from(first)
    changed.people = [Person()]
    services.interaction_update(actor=work.user, interaction=first, data=changed)

    assert _first_time(second, jeanne) is True


def test_an_anonymous_person_s_first_time_is_what_the_mediator_says(work):
    interaction = record(work, people=[Person(is_first_time=False), Person(is_first_time=True), Person()])

    assert sorted(interaction.accompaniments.values_list("is_first_time", flat=True), key=str) == [
        False,
        None,
        True,
    ]


# ---------------------------------------------------------------------------------------------
# Changing a record
# ---------------------------------------------------------------------------------------------


def test_an_update_rewrites_the_themes_and_the_people(work):
    jeanne = follow(work)
    interaction = record(work, themes=["email", "sante"], people=[Person(age_bracket="soixante_dix_plus")])

    changed = services.data_from(interaction)
    changed.themes = ["banque_et_achats_en_ligne"]
    changed.people = [Person(beneficiary=jeanne), Person(gender="masculin")]
    changed.duration_minutes = 25
    services.interaction_update(actor=work.user, interaction=interaction, data=changed)

    interaction.refresh_from_db()
    assert interaction.theme_codes == ["banque_et_achats_en_ligne"]
    assert interaction.duration_minutes == 25
    people = sorted(
        interaction.accompaniments.values_list("beneficiary__display_name", "gender", "age_bracket"), key=str
    )
    assert people == [("Jeanne", "", "soixante_dix_plus"), (None, "masculin", "")]
    assert Accompaniment.objects.count() == 2
    entry = JournalEntry.objects.get(action="mediation.interaction.updated")
    assert entry.payload == {"kind": "information_orientation"}


def test_data_from_gives_back_what_was_recorded(work):
    interaction = record(
        work,
        kind="conflict_prevention",
        conflict_severity="medium",
        conflict_defused=True,
        themes=["sante"],
        people=[Person(age_bracket="quarante_cinquante_neuf", is_first_time=False)],
    )

    values = services.data_from(interaction)

    assert (values.kind, values.site, values.shift) == ("conflict_prevention", work.site, work.shift)
    assert (values.conflict_severity, values.conflict_defused) == ("medium", True)
    assert values.time_category == "client_information"
    assert values.themes == ["sante"]
    assert [(p.beneficiary, p.age_bracket, p.is_first_time) for p in values.people] == [
        (None, "quarante_cinquante_neuf", False)
    ]


def test_changing_the_kind_without_a_chosen_category_takes_the_new_kind_s_category(work):
    interaction = record(work, kind="information_orientation")

    changed = services.data_from(interaction)
    changed.kind, changed.time_category = "machines_and_tools", ""
    services.interaction_update(actor=work.user, interaction=interaction, data=changed)

    interaction.refresh_from_db()
    assert (interaction.kind, interaction.time_category) == ("machines_and_tools", "digital_assistance")


def test_an_update_is_checked_like_a_record_and_changes_nothing_when_refused(work):
    interaction = record(work, themes=["email"])

    changed = services.data_from(interaction)
    changed.duration_minutes, changed.themes = 0, ["sante"]
    with pytest.raises(InteractionError) as excinfo:
        services.interaction_update(actor=work.user, interaction=interaction, data=changed)

    assert list(errors_of(excinfo)) == ["duration_minutes"]
    interaction.refresh_from_db()
    assert (interaction.duration_minutes, interaction.theme_codes) == (10, ["email"])


def test_a_deleted_record_cannot_be_edited(work):
    interaction = record(work)
    services.interaction_delete(actor=work.user, interaction=interaction)

    with pytest.raises(InteractionError) as excinfo:
        services.interaction_update(
            actor=work.user, interaction=interaction, data=services.data_from(interaction)
        )

    assert errors_of(excinfo) == {"__all__": ["Cette interaction a été supprimée."]}


# ---------------------------------------------------------------------------------------------
# Taking back: soft delete, restore, undo
# ---------------------------------------------------------------------------------------------


def _viewer(work):
    membership = work.tenant.members[Role.MEDIATOR]
    return viewer_for_membership(membership.user, membership)


def test_a_deleted_record_leaves_every_list_and_the_theme_chips_until_restored(work):
    kept = record(work, themes=["email"])
    gone = record(work, themes=["sante"], minutes=5)
    gone_too = record(work, themes=["sante"], minutes=6)
    viewer = _viewer(work)

    for interaction in (gone, gone_too):
        services.interaction_delete(actor=work.user, interaction=interaction)

    assert list(selectors.interactions_visible_to(viewer)) == [kept]
    assert list(selectors.interactions_for_list(viewer)) == [kept]
    assert list(selectors.recent_records(work.mediator, shift=work.shift)) == [kept]
    assert selectors.top_themes_at(work.site)[0] == "email"
    assert "sante" not in selectors.top_themes_at(work.site)
    assert Interaction.objects.filter(pk=gone.pk, deleted_at=NOW).exists()

    services.interaction_restore(actor=work.user, interaction=gone)
    services.interaction_restore(actor=work.user, interaction=gone_too)

    assert set(selectors.interactions_visible_to(viewer)) == {kept, gone, gone_too}
    assert selectors.top_themes_at(work.site)[0] == "sante"


def test_deleting_or_restoring_twice_journals_once(work):
    interaction = record(work)

    for _ in range(2):
        services.interaction_delete(actor=work.user, interaction=interaction)
    for _ in range(2):
        services.interaction_restore(actor=work.user, interaction=interaction)

    actions = list(
        JournalEntry.objects.filter(action__startswith="mediation.interaction.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "mediation.interaction.recorded",
        "mediation.interaction.deleted",
        "mediation.interaction.restored",
    ]
    interaction.refresh_from_db()
    assert not interaction.is_deleted


def test_undo_is_offered_for_two_minutes_after_saving(work, clock):
    interaction = record(work)

    assert services.interaction_can_undo(interaction)
    clock.shift(timedelta(minutes=2))
    assert services.interaction_can_undo(interaction)
    clock.shift(timedelta(seconds=1))
    assert not services.interaction_can_undo(interaction)
    assert services.interaction_can_undo(interaction, now=NOW + timedelta(seconds=30))


# ---------------------------------------------------------------------------------------------
# Nothing personal in the journal
# ---------------------------------------------------------------------------------------------


def test_journal_payloads_hold_ids_and_codes_never_names_or_contacts(work):
    eloise = follow(
        work,
        "Éloïse Marchand",
        year=1951,
        phone="06 12 34 56 78",
        email="eloise.marchand@exemple.test",
        consent_reminders=True,
    )
    interaction = record(
        work,
        kind="individual_accompaniment",
        people=[Person(beneficiary=eloise)],
        notes="Relevé de compte",
        orientation_partner="CCAS",
        oriented=True,
    )
    changed = services.data_from(interaction)
    changed.notes = "Deuxième venue"
    services.interaction_update(actor=work.user, interaction=interaction, data=changed)
    services.interaction_delete(actor=work.user, interaction=interaction)
    services.interaction_restore(actor=work.user, interaction=interaction)
    services.beneficiary_update(actor=work.user, beneficiary=eloise, display_name="Éloïse M.")
    services.beneficiary_anonymise(actor=work.user, beneficiary=eloise, reason="consent_withdrawn")

    payloads = json.dumps(
        list(JournalEntry.objects.filter(action__startswith="mediation.").values_list("payload", flat=True)),
        ensure_ascii=False,
    )
    assert JournalEntry.objects.filter(action__startswith="mediation.").count() == 7
    for secret in (
        "Éloïse",
        "Eloise",
        "Marchand",
        "1951",
        "06 12",
        "exemple.test",
        "Relevé",
        "Deuxième",
        "CCAS",
    ):
        assert secret.lower() not in payloads.lower(), secret


# ---------------------------------------------------------------------------------------------
# The shift under way is what the screen records against
# ---------------------------------------------------------------------------------------------


def test_a_record_during_a_shift_that_later_ends_keeps_its_shift(work, clock):
    interaction = record(work)
    clock.shift(timedelta(hours=1))

    staffing_services.shift_end(actor=work.user, shift=work.shift)

    interaction.refresh_from_db()
    assert interaction.shift == work.shift
