"""Retention: people not seen for the retention period become anonymous; the figures do not move."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db.models import Count

from tremplin.core.models import JournalEntry
from tremplin.mediation import services
from tremplin.mediation.models import Accompaniment, Beneficiary
from tremplin.mediation.services import InteractionData, Person

from .helpers import at_work, follow

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
#: The first visits, in early 2022; the purge runs three years and more later.
THEN = datetime(2022, 1, 10, 10, 0, tzinfo=PARIS)


def purge(*args) -> str:
    out = StringIO()
    call_command("purge_beneficiaries", *args, stdout=out)
    return out.getvalue()


def visit(work, *people):
    interaction, _created = services.interaction_record(
        actor=work.user,
        mediator=work.mediator,
        data=InteractionData(
            kind="individual_accompaniment",
            site=work.site,
            started_at=datetime.now(tz=PARIS) - timedelta(minutes=30),
            duration_minutes=20,
            people=[Person(beneficiary=person) for person in people],
        ),
    )
    return interaction


def figures() -> dict:
    """What a report counts: people accompanied, by age bracket, and first-time accompaniments."""
    return {
        "accompaniments": Accompaniment.objects.count(),
        "by_age": dict(
            Accompaniment.objects.values_list("age_bracket").annotate(n=Count("id")).order_by("age_bracket")
        ),
        "first_times": Accompaniment.objects.filter(is_first_time=True).count(),
    }


@pytest.fixture
def history(tenant_a):
    """Two people helped in 2022 (one came back in 2024), and one who comes every year."""
    with time_machine.travel(THEN, tick=False) as clock:
        work = at_work(tenant_a, start_shift=False)
        jeanne = follow(work, "Jeanne", year=1948, phone="+33612345678")
        lucien = follow(work, "Lucien", year=2000, email="lucien@exemple.test")
        marcel = follow(work, "Marcel", year=1990)
        visit(work, jeanne, lucien)
        visit(work, marcel)
        clock.move_to(datetime(2024, 6, 3, 10, 0, tzinfo=PARIS))
        visit(work, jeanne)
        clock.move_to(datetime(2025, 2, 3, 10, 0, tzinfo=PARIS))
        visit(work, marcel)
    return {"jeanne": jeanne, "lucien": lucien, "marcel": marcel}


def test_the_default_retention_is_three_years():
    assert settings.TREMPLIN_BENEFICIARY_RETENTION_DAYS == 3 * 365


def test_people_not_seen_for_three_years_lose_their_name_and_the_figures_stay(history):
    before = figures()

    with time_machine.travel(datetime(2025, 3, 1, 3, 0, tzinfo=PARIS), tick=False):
        output = purge()

    assert "1 fiche(s) rendue(s) anonyme(s)" in output
    for name in ("Jeanne", "Lucien", "Marcel", "lucien@", "0612"):
        assert name not in output
    lucien = Beneficiary.objects.get(pk=history["lucien"].pk)
    assert lucien.anonymised_at is not None
    assert (lucien.display_name, lucien.birth_year, lucien.email) == ("", None, "")
    assert set(
        Beneficiary.objects.filter(anonymised_at__isnull=True).values_list("display_name", flat=True)
    ) == {
        "Jeanne",
        "Marcel",
    }
    assert figures() == before
    assert before["by_age"] == {
        "dix_huit_vingt_quatre": 1,
        "soixante_dix_plus": 2,
        "vingt_cinq_trente_neuf": 2,
    }
    entry = JournalEntry.objects.get(action="mediation.beneficiary.anonymised")
    assert entry.payload == {"reason": "retention"}
    assert entry.actor is None


def test_years_later_everyone_not_seen_is_anonymous_and_the_counts_are_unchanged(history):
    before = figures()

    with time_machine.travel(datetime(2028, 6, 1, 3, 0, tzinfo=PARIS), tick=False):
        output = purge()

    assert "3 fiche(s) rendue(s) anonyme(s)" in output
    assert not Beneficiary.objects.filter(anonymised_at__isnull=True).exists()
    assert not Beneficiary.objects.exclude(display_name="").exists()
    assert not Accompaniment.objects.filter(beneficiary__isnull=False).exists()
    assert figures() == before


def test_a_dry_run_counts_and_changes_nothing(history):
    with time_machine.travel(datetime(2025, 3, 1, 3, 0, tzinfo=PARIS), tick=False):
        output = purge("--dry-run")

    assert "1 fiche(s) à rendre anonyme(s)" in output
    assert "aucune modifiée" in output
    assert not Beneficiary.objects.filter(anonymised_at__isnull=False).exists()
    assert not JournalEntry.objects.filter(action="mediation.beneficiary.anonymised").exists()


def test_the_retention_comes_from_the_setting(history, settings):
    settings.TREMPLIN_BENEFICIARY_RETENTION_DAYS = 200

    with time_machine.travel(datetime(2025, 3, 1, 3, 0, tzinfo=PARIS), tick=False):
        output = purge()

    assert "2 fiche(s) rendue(s) anonyme(s) (sans visite depuis 200 jours)" in output
    assert list(
        Beneficiary.objects.filter(anonymised_at__isnull=True).values_list("display_name", flat=True)
    ) == ["Marcel"]


def test_a_person_followed_but_never_helped_is_kept_for_the_period_from_their_consent(tenant_a):
    with time_machine.travel(THEN, tick=False):
        follow(at_work(tenant_a, start_shift=False), "Odette", year=1960)

    with time_machine.travel(THEN + timedelta(days=3 * 365 - 1), tick=False):
        assert "0 fiche(s)" in purge()
    with time_machine.travel(THEN + timedelta(days=3 * 365 + 1), tick=False):
        assert "1 fiche(s)" in purge()
