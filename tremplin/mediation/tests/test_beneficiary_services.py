"""Following a person through the services: consent first, merging duplicates, anonymising."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from tremplin.core.models import JournalEntry
from tremplin.core.roles import Role
from tremplin.mediation import services
from tremplin.mediation.models import Accompaniment, Beneficiary
from tremplin.mediation.services import InteractionData, Person
from tremplin.territory.tests.factories import CommuneFactory

from .helpers import at_work, follow

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
    return at_work(tenant_a, start_shift=False)


def visit(work, when: datetime, *people):
    """One interaction on a past day, helping these followed people (a group when several)."""
    interaction, _created = services.interaction_record(
        actor=work.user,
        mediator=work.mediator,
        data=InteractionData(
            kind="individual_accompaniment",
            site=work.site,
            started_at=when,
            duration_minutes=20,
            people=[Person(beneficiary=person) for person in people],
        ),
    )
    return interaction


def first_times(beneficiary) -> list[tuple[datetime, bool]]:
    rows = Accompaniment.objects.filter(beneficiary=beneficiary).order_by("interaction__started_at")
    return [(row.interaction.started_at, row.is_first_time) for row in rows.select_related("interaction")]


# ---------------------------------------------------------------------------------------------
# Create
# ---------------------------------------------------------------------------------------------


def test_without_consent_no_one_is_followed(work):
    with pytest.raises(ValidationError) as excinfo:
        services.beneficiary_create(
            actor=work.user,
            mediator=work.mediator,
            consent_given=False,
            display_name="Jeanne",
            birth_year=1948,
        )

    assert excinfo.value.message_dict == {
        "consent_given": ["Sans l'accord de la personne, l'accompagnement reste anonyme."]
    }
    assert not Beneficiary.objects.exists()
    assert not JournalEntry.objects.filter(action="mediation.beneficiary.created").exists()


def test_the_consent_records_who_collected_it_when_and_for_what(work):
    jeanne = follow(
        work, "  Jeanne   Martin ", scope=STRUCTURE, email="j@exemple.test", consent_reminders=True
    )

    assert jeanne.display_name == "Jeanne Martin"
    assert jeanne.search_key == "jeanne martin"
    assert (jeanne.consent_by, jeanne.consent_at) == (work.user, NOW)
    assert (jeanne.consent_scope, jeanne.consent_reminders) == (STRUCTURE, True)
    assert (jeanne.operator, jeanne.recorded_by) == (work.tenant.operator, work.mediator)
    entry = JournalEntry.objects.get(action="mediation.beneficiary.created")
    assert entry.payload == {"consent_scope": "structure"}


def test_reminders_need_one_contact(work):
    with pytest.raises(ValidationError) as excinfo:
        follow(work, "Jeanne", consent_reminders=True)

    assert excinfo.value.message_dict == {
        "consent_reminders": ["Pour des rappels, indiquez un téléphone ou un e-mail."]
    }


def test_a_change_of_what_the_person_agreed_to_is_recorded_as_a_new_consent(work, tenant_a, clock):
    jeanne = follow(work, "Jeanne", year=1948)
    coordinator = tenant_a.members[Role.COORDINATOR].user
    clock.shift(timedelta(days=5))

    services.beneficiary_update(
        actor=coordinator, beneficiary=jeanne, display_name="Jeanne M.", birth_year=1948
    )
    jeanne.refresh_from_db()
    assert (jeanne.consent_by, jeanne.consent_at) == (work.user, NOW)

    services.beneficiary_update(actor=coordinator, beneficiary=jeanne, consent_scope=STRUCTURE)
    jeanne.refresh_from_db()
    assert (jeanne.consent_scope, jeanne.consent_by, jeanne.consent_at) == (
        STRUCTURE,
        coordinator,
        NOW + timedelta(days=5),
    )


# ---------------------------------------------------------------------------------------------
# Merge
# ---------------------------------------------------------------------------------------------


def test_a_merge_moves_the_history_and_recomputes_the_first_visit(work):
    keep = follow(work, "Jeanne", year=1948)
    duplicate = follow(work, "Jeane", year=1948, phone="+33612345678", commune=work.site.commune)
    early = NOW - timedelta(days=30)
    late = NOW - timedelta(days=2)
    visit(work, late, keep)
    visit(work, early, duplicate)
    assert first_times(keep) == [(late, True)]

    services.beneficiary_merge(actor=work.user, keep=keep, duplicate=duplicate)

    assert first_times(keep) == [(early, True), (late, False)]
    assert not Accompaniment.objects.filter(beneficiary=duplicate).exists()
    duplicate.refresh_from_db()
    keep.refresh_from_db()
    assert duplicate.merged_into == keep
    assert (keep.phone, keep.commune) == ("+33612345678", work.site.commune)
    assert keep.display_name == "Jeanne"
    entry = JournalEntry.objects.get(action="mediation.beneficiary.merged")
    assert entry.payload == {"merged": duplicate.pk}


def test_a_person_helped_under_both_records_in_one_interaction_is_counted_once(work):
    keep = follow(work, "Jeanne", year=1948)
    duplicate = follow(work, "Jeane", year=1948)
    group = visit(work, NOW - timedelta(days=1), keep, duplicate, None)
    assert group.accompaniments.count() == 3

    services.beneficiary_merge(actor=work.user, keep=keep, duplicate=duplicate)

    assert group.accompaniments.count() == 2
    assert group.accompaniments.filter(beneficiary=keep).count() == 1
    assert group.accompaniments.filter(beneficiary__isnull=True).count() == 1


def test_a_later_consent_for_the_whole_structure_carries_over(work, clock):
    keep = follow(work, "Jeanne", year=1948)
    clock.shift(timedelta(days=1))
    duplicate = follow(work, "Jeane", year=1948, scope=STRUCTURE)

    services.beneficiary_merge(actor=work.user, keep=keep, duplicate=duplicate)

    keep.refresh_from_db()
    assert keep.consent_scope == STRUCTURE


def test_merging_across_operators_itself_or_twice_is_refused(work, tenant_b):
    keep = follow(work, "Jeanne", year=1948)
    other = follow(at_work(tenant_b, start_shift=False), "Jeanne", year=1948)
    duplicate = follow(work, "Jeane", year=1948)

    for pair in ((keep, other), (keep, keep)):
        with pytest.raises(ValidationError):
            services.beneficiary_merge(actor=work.user, keep=pair[0], duplicate=pair[1])
    services.beneficiary_merge(actor=work.user, keep=keep, duplicate=duplicate)
    with pytest.raises(ValidationError):
        services.beneficiary_merge(actor=work.user, keep=keep, duplicate=duplicate)


# ---------------------------------------------------------------------------------------------
# Anonymise
# ---------------------------------------------------------------------------------------------


def test_anonymising_erases_the_person_and_keeps_their_accompaniments_as_they_were(work):
    commune = CommuneFactory(departement=work.tenant.departement, code="03175", name="Molinet")
    jeanne = follow(
        work,
        "Jeanne",
        year=1948,
        gender="feminin",
        social_status="retraite",
        commune=commune,
        phone="+33612345678",
        email="j@exemple.test",
        consent_reminders=True,
    )
    visit(work, NOW - timedelta(days=10), jeanne)
    visit(work, NOW - timedelta(days=3), jeanne)
    before = list(
        Accompaniment.objects.order_by("pk").values(
            "pk", "interaction", "age_bracket", "gender", "social_status", "commune", "is_first_time"
        )
    )

    services.beneficiary_anonymise(actor=work.user, beneficiary=jeanne, reason="consent_withdrawn")

    jeanne.refresh_from_db()
    assert jeanne.anonymised_at == NOW
    assert (jeanne.display_name, jeanne.search_key, jeanne.birth_year) == ("", "", None)
    assert (jeanne.phone, jeanne.email, jeanne.commune, jeanne.consent_reminders) == ("", "", None, False)
    after = list(
        Accompaniment.objects.order_by("pk").values(
            "pk", "interaction", "age_bracket", "gender", "social_status", "commune", "is_first_time"
        )
    )
    assert after == before
    assert before[0]["age_bracket"] == "soixante_dix_plus"
    assert not Accompaniment.objects.filter(beneficiary__isnull=False).exists()
    entry = JournalEntry.objects.get(action="mediation.beneficiary.anonymised")
    assert entry.payload == {"reason": "consent_withdrawn"}


def test_anonymising_twice_changes_nothing_more(work, clock):
    jeanne = follow(work, "Jeanne", year=1948)
    services.beneficiary_anonymise(actor=work.user, beneficiary=jeanne, reason="consent_withdrawn")
    clock.shift(timedelta(days=1))

    services.beneficiary_anonymise(actor=work.user, beneficiary=jeanne, reason="retention")

    jeanne.refresh_from_db()
    assert jeanne.anonymised_at == NOW
    assert JournalEntry.objects.filter(action="mediation.beneficiary.anonymised").count() == 1
