"""The demo's interactions: inside the worked shifts, with the field's shares, and loaded once."""

import json
from collections import Counter, defaultdict
from datetime import timedelta

import pytest
import time_machine
from django.db.models import Count, Sum
from django.utils import timezone

from tremplin.accounts.models import Membership
from tremplin.accounts.selectors import viewer_for_membership
from tremplin.core.models import JournalEntry
from tremplin.demo import mediation_dataset
from tremplin.demo.mediation_services import demo_mediation_load
from tremplin.demo.services import demo_staffing_load
from tremplin.mediation import selectors
from tremplin.mediation.models import Accompaniment, Beneficiary, Interaction, InteractionTheme
from tremplin.mediation.vocabularies import DEFAULT_TIME_CATEGORY, POSTAL_DOMAINS, ActionKind, Theme
from tremplin.staffing import services as staffing_services
from tremplin.staffing.models import Contract, MediatorProfile, Shift

from .conftest import load_demo

pytestmark = pytest.mark.django_db

PAS_DE_CALAIS_2021 = "RNBM-LP62-2021"


def _in_shifts():
    """The records of the worked shifts: the workshops' group interactions (test_demo_workshops) are
    recorded when a session closes, outside any shift."""
    return Interaction.objects.filter(workshop_session__isnull=True)


def _digital_share(interactions) -> float:
    minutes = dict(
        interactions.values("time_category")
        .annotate(minutes=Sum("duration_minutes"))
        .values_list("time_category", "minutes")
    )
    return minutes.get("digital_assistance", 0) / sum(minutes.values())


def test_every_worked_shift_of_the_demo_has_interactions_and_nothing_lies_outside_one(demo_with_shifts):
    interactions = list(_in_shifts().select_related("shift"))

    assert len(interactions) > 5_000
    assert not Shift.objects.filter(interactions__isnull=True).exists()
    for interaction in interactions:
        shift = interaction.shift
        assert shift is not None
        assert (interaction.mediator_id, interaction.site_id, interaction.operator_id) == (
            shift.mediator_id,
            shift.site_id,
            shift.operator_id,
        )
        assert shift.started_at <= interaction.started_at
        assert interaction.started_at + timedelta(minutes=interaction.duration_minutes) <= shift.ended_at


def test_a_mediator_does_one_thing_at_a_time(demo_with_shifts):
    by_mediator = defaultdict(list)
    for mediator, started_at, minutes in Interaction.objects.order_by("started_at").values_list(
        "mediator_id", "started_at", "duration_minutes"
    ):
        by_mediator[mediator].append((started_at, started_at + timedelta(minutes=minutes)))

    for periods in by_mediator.values():
        for (_start, end), (next_start, _end) in zip(periods, periods[1:], strict=False):
            assert end <= next_start


def test_about_half_of_the_accompaniment_time_is_digital_assistance_as_in_the_field(demo_with_shifts):
    assert 0.45 <= _digital_share(Interaction.objects.all()) <= 0.52
    for contract in Contract.objects.all():
        share = _digital_share(Interaction.objects.filter(shift__contract=contract))
        assert abs(share - 0.48) <= 0.01, contract.reference


def test_the_closed_pas_de_calais_contract_has_the_accompaniments_the_field_reported(demo_with_shifts):
    contract = Contract.objects.get(reference=PAS_DE_CALAIS_2021)
    interactions = Interaction.objects.filter(shift__contract=contract)

    assert Accompaniment.objects.filter(interaction__in=interactions).count() == 2_364
    assert Shift.objects.filter(contract=contract).aggregate(minutes=Sum("minutes"))["minutes"] == 1_184 * 60
    assert interactions.filter(started_at__date__lt=contract.starts_on).count() == 0
    assert interactions.filter(started_at__date__gt=contract.ends_on).count() == 0


def test_records_keep_the_invariants_of_the_recording_service(demo_with_shifts):
    for kind, category in Interaction.objects.values_list("kind", "time_category").distinct():
        assert category == DEFAULT_TIME_CATEGORY[kind]
    people = Interaction.objects.annotate(people=Count("accompaniments"))
    assert not people.filter(people=0).exists()
    assert people.filter(people=1).count() > 0.95 * people.count()
    assert set(InteractionTheme.objects.values_list("theme", flat=True)) <= set(Theme.values)
    assert not Interaction.objects.exclude(kind=ActionKind.POSTAL_FORMS).exclude(postal_form="").exists()
    assert (
        not Interaction.objects.exclude(kind=ActionKind.CONFLICT_PREVENTION)
        .exclude(conflict_severity="")
        .exists()
    )
    assert not Interaction.objects.filter(oriented=False).exclude(orientation_target="").exists()
    assert not Interaction.objects.filter(deleted_at__isnull=False).exists()


def test_the_five_kinds_and_postal_requests_first_as_in_the_field(demo_with_shifts):
    total = Interaction.objects.count()
    kinds = Counter(Interaction.objects.values_list("kind", flat=True))
    domains = Counter(Interaction.objects.values_list("domain", flat=True))

    assert set(kinds) == set(ActionKind.values)
    assert kinds.most_common(1)[0][0] == ActionKind.INFORMATION_ORIENTATION
    assert sum(domains[code] for code in POSTAL_DOMAINS) > 0.6 * total
    assert {"taxes", "state_procedures", "other_procedures"} <= set(domains)
    assert len(set(InteractionTheme.objects.values_list("theme", flat=True))) >= 12


def test_a_few_tensions_mostly_defused_some_orientations_and_postal_forms(demo_with_shifts):
    total = Interaction.objects.count()
    conflicts = Interaction.objects.filter(kind=ActionKind.CONFLICT_PREVENTION)
    oriented = Interaction.objects.filter(oriented=True)

    assert 0.01 * total < conflicts.count() < 0.08 * total
    assert conflicts.filter(conflict_defused=True).count() > 0.8 * conflicts.count()
    assert set(conflicts.values_list("conflict_severity", flat=True)) == {"low", "medium", "high"}
    assert 0.1 * total < oriented.count() < 0.35 * total
    assert oriented.exclude(orientation_partner="").exists()
    assert oriented.filter(orientation_target="guichet_la_poste").exists()
    forms = Interaction.objects.filter(kind=ActionKind.POSTAL_FORMS)
    assert not forms.filter(postal_form="").exists()
    assert len(set(forms.values_list("postal_form", flat=True))) >= 6


def test_most_people_are_anonymous_and_partly_described(demo_with_shifts):
    people = Accompaniment.objects.all()
    total = people.count()

    assert people.filter(beneficiary__isnull=False).count() < 0.02 * total
    anonymous = people.filter(beneficiary__isnull=True)
    for field in ("age_bracket", "gender", "social_status"):
        described = anonymous.exclude(**{field: ""}).count()
        assert 0.25 * total < described < 0.85 * total, field
    assert anonymous.filter(commune__isnull=False).exists()
    assert anonymous.filter(is_first_time=True).exists()
    assert anonymous.filter(is_first_time__isnull=True).count() > 0.5 * total
    assert not anonymous.filter(age_bracket="douze_dix_huit", social_status="retraite").exists()


def test_a_handful_of_regulars_followed_with_consent_come_several_times(demo_with_shifts):
    followed = Beneficiary.objects.select_related("recorded_by__user", "consent_by")

    assert followed.count() == len(mediation_dataset.FOLLOWED)
    for person in followed:
        visits = list(
            Accompaniment.objects.filter(beneficiary=person)
            .select_related("interaction")
            .order_by("interaction__started_at")
        )
        assert len(visits) >= 2, person
        assert [visit.is_first_time for visit in visits] == [True] + [False] * (len(visits) - 1)
        assert person.consent_at == visits[0].interaction.started_at
        assert person.last_seen_at == visits[-1].interaction.started_at
        assert person.consent_by == person.recorded_by.user
        assert {visit.interaction.mediator_id for visit in visits} == {person.recorded_by_id}
        assert person.commune_id is not None
        assert all(
            visit.interaction.shift.contract.status == Contract.Status.ACTIVE
            for visit in visits
            if visit.interaction.shift_id  # not a workshop's group interaction
        )
        assert person.consent_reminders <= bool(person.phone or person.email)
    assert followed.filter(consent_scope=Beneficiary.ConsentScope.STRUCTURE).exists()
    assert followed.filter(consent_scope=Beneficiary.ConsentScope.MEDIATOR).exists()


def test_the_demo_mediator_sees_her_regulars_and_the_structure_s_but_not_a_colleague_s(demo_with_shifts):
    camille = Membership.objects.get(user__email="mediateur@demo.tremplin.test")
    coordinator = Membership.objects.get(user__email="coordinateur@demo.tremplin.test")

    seen = {str(b) for b in selectors.beneficiaries_visible_to(viewer_for_membership(camille.user, camille))}

    assert {"Ginette (1946)", "Mamadou (1961)", "Thi Lan (1979)", "Fatima (1952)"} <= seen
    assert "Ginette (1947)" not in seen
    assert "Jean-Claude (1941)" not in seen
    assert not {"Raymonde (1938)", "Bernadette (1950)"} & seen
    duplicates = selectors.similar_beneficiaries(
        viewer_for_membership(coordinator.user, coordinator), "Ginette", 1946
    )
    assert {str(b) for b in duplicates} == {"Ginette (1946)", "Ginette (1947)"}


def test_the_load_is_journalled_without_anything_personal(demo_with_shifts):
    loaded = JournalEntry.objects.get(action="demo.mediation.loaded")
    created = JournalEntry.objects.filter(action="mediation.beneficiary.created")

    assert loaded.payload == {
        "interactions": _in_shifts().count(),
        "accompaniments": Accompaniment.objects.filter(interaction__in=_in_shifts()).count(),
        "beneficiaries": Beneficiary.objects.count(),
    }
    assert created.count() == Beneficiary.objects.count()
    payloads = json.dumps([entry.payload for entry in created], ensure_ascii=False)
    assert not any(spec.display_name in payloads for spec in mediation_dataset.FOLLOWED)


def test_loading_again_duplicates_nothing(demo_with_shifts):
    counts = {
        model: model.objects.count() for model in (Interaction, InteractionTheme, Accompaniment, Beneficiary)
    }

    skipped = load_demo("--if-empty")
    again = load_demo()

    assert "non rechargées" in skipped
    assert {model: model.objects.count() for model in counts} == counts
    assert (
        f"Interactions : 0 enregistrées (0 personnes accompagnées), {_in_shifts().count()} déjà présentes."
        in again
    )
    assert f"Bénéficiaires suivis : 0 créés, {counts[Beneficiary]} déjà présents." in again


def test_without_shifts_no_interaction_is_loaded(demo_with_shifts):
    Accompaniment.objects.all().delete()
    Interaction.objects.all().delete()

    out = load_demo("--no-shifts")

    assert "6/7 Interactions : aucune sans les permanences effectuées" in out
    assert not Interaction.objects.exists()


def test_a_shift_worked_while_trying_the_demo_keeps_what_was_recorded_in_it(demo_with_shifts):
    camille = MediatorProfile.objects.get(user__email="mediateur@demo.tremplin.test")
    shift = staffing_services.shift_start(
        actor=camille.user,
        mediator=camille,
        site=Shift.objects.filter(mediator=camille).first().site,
        at=timezone.now() - timedelta(minutes=50),
    )
    staffing_services.shift_end(actor=camille.user, shift=shift)

    report = demo_mediation_load()

    assert report.interactions.created == 0
    assert not shift.interactions.exists()


def test_the_same_shifts_always_give_the_same_interactions(demo_with_shifts):
    before = dict(_in_shifts().values_list("client_uuid", "started_at"))
    kinds = Counter(_in_shifts().values_list("kind", flat=True))
    Accompaniment.objects.all().delete()
    InteractionTheme.objects.all().delete()
    Interaction.objects.all().delete()

    demo_mediation_load()

    assert dict(Interaction.objects.values_list("client_uuid", "started_at")) == before
    assert Counter(Interaction.objects.values_list("kind", flat=True)) == kinds


def test_a_run_a_week_later_fills_that_week_s_shifts_only(demo_with_shifts):
    before = set(_in_shifts().values_list("pk", flat=True))
    filled = set(Shift.objects.values_list("pk", flat=True))

    with time_machine.travel(timezone.now() + timedelta(days=7), tick=False):
        demo_staffing_load()
        report = demo_mediation_load()
        again = demo_mediation_load()

    new = _in_shifts().exclude(pk__in=before)
    assert report.interactions.created == new.count() > 100
    assert report.interactions.existing == len(before)
    assert not new.filter(shift__in=filled).exists()
    assert again.interactions.created == 0
    assert 0.45 <= _digital_share(new) <= 0.51
