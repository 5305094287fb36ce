"""`generate_scale_data` as a command: where it refuses to run, that a seed gives one nation, that a
failure leaves nothing behind, and the PostgreSQL path (COPY without indexes, then indexes back)."""

import hashlib
from datetime import date
from io import StringIO

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from tremplin.accounts.models import Operator
from tremplin.core.models import JournalEntry
from tremplin.demo.scale import generator, mediation
from tremplin.mediation import services as mediation_services
from tremplin.mediation.models import Accompaniment, Beneficiary, Interaction
from tremplin.staffing.models import Shift
from tremplin.territory.models import Site
from tremplin.workshops.models import Registration, Session

pytestmark = pytest.mark.django_db

#: One year of a tiny nation: quick, and still every kind of row.
QUICK = ("--scale", "0.001", "--years", "1", "--until", "2025-03-31")


@pytest.fixture
def communes(db):
    call_command("import_communes", departements=["03", "62", "92"], stdout=StringIO())


def generate(*args: str) -> str:
    out = StringIO()
    call_command("generate_scale_data", *args, stdout=out)
    return out.getvalue()


def fingerprint() -> str:
    """What the nation is, without its ids (sequences do not roll back on PostgreSQL), nor what derives
    from them (a workshop's interaction's client UUID, from its session's id)."""
    digest = hashlib.sha256()
    interaction = ("site__identifier", "started_at", "kind", "duration_minutes", "domain", "own_uuid")
    session = ("site__identifier", "starts_at", "status", "capacity", "venue_name", "workshop__title")
    registration = (
        "session__site__identifier",
        "session__starts_at",
        "created_at",
        "status",
        "source",
        "attended",
        "first_name",
    )
    person = (
        "interaction__started_at",
        "interaction__site__identifier",
        "age_bracket",
        "gender",
        "is_first_time",
    )
    for rows in (
        Site.objects.order_by("identifier").values_list("identifier", "name", "kind", "has_mediation"),
        Interaction.objects.annotate(
            own_uuid=Case(When(workshop_session__isnull=True, then=F("client_uuid")), default=Value(None))
        )
        .order_by(*interaction)
        .values_list(*interaction),
        Session.objects.order_by(*session).values_list(*session),
        Registration.objects.order_by(*registration).values_list(*registration),
        Accompaniment.objects.order_by(*person, "beneficiary__display_name").values_list(
            *person, "beneficiary__display_name"
        ),
        Beneficiary.objects.order_by("consent_at", "display_name", "birth_year").values_list(
            "display_name", "birth_year", "consent_at"
        ),
    ):
        for row in rows:
            digest.update(repr(row).encode())
    return digest.hexdigest()


def test_a_seed_always_gives_the_same_nation_and_another_seed_another(communes):
    prints = []
    for seed in ("3", "3", "4"):
        with transaction.atomic():
            generate(*QUICK, "--seed", seed)
            prints.append(fingerprint())
            transaction.set_rollback(True)
    assert prints[0] == prints[1]
    assert prints[0] != prints[2]


def test_refused_in_production(communes, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="PRODUCTION"):
        generate(*QUICK)
    assert not Site.objects.exists()


def test_refused_on_a_database_holding_real_data_unless_forced(communes, tenant_a):
    with pytest.raises(CommandError, match="--force"):
        generate(*QUICK)
    assert Operator.objects.count() == 1 and not Interaction.objects.exists()

    generate(*QUICK, "--force")
    assert Interaction.objects.exists()
    assert Operator.objects.filter(pk=tenant_a.operator.pk, name=tenant_a.operator.name).exists()
    assert not Interaction.objects.filter(operator=tenant_a.operator).exists()


def test_refused_once_a_nation_is_there(communes):
    generate(*QUICK)
    with pytest.raises(CommandError, match="déjà une nation synthétique"):
        generate(*QUICK, "--force")
    assert JournalEntry.objects.filter(action=generator.GENERATED_ACTION).count() == 1


def test_bad_options_are_refused_with_a_message(communes):
    with pytest.raises(CommandError, match="--scale"):
        generate("--scale", "0")
    with pytest.raises(CommandError, match="--years"):
        generate("--years", "0")


def test_a_failure_leaves_the_database_as_it_was(communes, monkeypatch):
    indexes = _indexes()

    def broken(self):
        raise RuntimeError("disk full")

    monkeypatch.setattr(generator.Flow, "finish", broken)
    with pytest.raises(RuntimeError):
        generate(*QUICK)
    assert not Site.objects.exists() and not Interaction.objects.exists() and not Shift.objects.exists()
    assert _indexes() == indexes


def test_a_row_the_database_refuses_stops_everything(communes, monkeypatch):
    """A CHECK constraint stays in force while rows are copied: a wrong row is refused, not stored."""
    indexes = _indexes()
    describe = mediation._describe

    def wrong(draft, shift, rng):
        values = describe(draft, shift, rng)
        values.update(oriented=False, orientation_target="guichet_la_poste")
        return values

    monkeypatch.setattr(mediation, "_describe", wrong)
    with pytest.raises((IntegrityError, psycopg.errors.IntegrityError)):
        generate(*QUICK)
    assert not Site.objects.exists() and not Interaction.objects.exists()
    assert _indexes() == indexes


def _indexes() -> set:
    if connection.vendor != "postgresql":
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "UNION ALL SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE connamespace = current_schema()::regnamespace"
        )
        return set(cursor.fetchall())


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the COPY path is PostgreSQL's")
def test_on_postgresql_rows_are_copied_and_every_index_and_constraint_comes_back(communes, tenant_a):
    before = _indexes()
    generate(*QUICK, "--force")
    assert _indexes() == before
    assert Interaction.objects.count() > 500
    # The sequences moved past the ids written: the next record through the service gets a new id.
    shift = Shift.objects.select_related("mediator__user", "site").first()
    largest = Interaction.objects.order_by("-pk").values_list("pk", flat=True).first()
    interaction, created = mediation_services.interaction_record(
        actor=shift.mediator.user,
        mediator=shift.mediator,
        data=mediation_services.InteractionData(
            kind="information_orientation", site=shift.site, started_at=timezone.now(), duration_minutes=5
        ),
    )
    assert created and interaction.pk > largest
    assert date.today() > shift.started_at.date()
