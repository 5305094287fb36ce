"""The demo's staffing: the three field examples as contracts, rotations, absences and worked shifts."""

from collections import Counter, defaultdict
from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.db.models import Sum
from django.utils import timezone

from tremplin.core.models import JournalEntry
from tremplin.demo import staffing_dataset
from tremplin.demo.services import demo_current_period, demo_staffing_load
from tremplin.staffing import selectors
from tremplin.staffing.models import (
    Absence,
    Certification,
    Contract,
    ContractSite,
    MediatorProfile,
    Replacement,
    Rotation,
    Shift,
    ShiftCorrection,
)

from .conftest import load_demo

pytestmark = pytest.mark.django_db

PAS_DE_CALAIS_2021 = "RNBM-LP62-2021"
PAS_DE_CALAIS_RENEWAL = "RNBM-LP62-R1"
HAUTS_DE_SEINE = "LN92-LPIDF-01"
ALLIER = "LP03-CDPPT-01"


def _contract(reference: str) -> Contract:
    return Contract.objects.select_related("operator", "client").get(reference=reference)


def _site_names(contract: Contract) -> set[str]:
    return set(contract.sites.values_list("name", flat=True))


def _mediators(contract: Contract) -> set[str]:
    return set(contract.rotations.values_list("mediator__user__email", flat=True))


def _weekly_minutes_by_site(contract: Contract) -> dict[str, int]:
    weekly = Counter()
    for rotation in contract.rotations.select_related("site"):
        weekly[rotation.site.name] += rotation.minutes
    return dict(weekly)


def test_the_pas_de_calais_contract_of_2021_is_closed_with_its_reported_hours(demo_with_shifts):
    contract = _contract(PAS_DE_CALAIS_2021)

    assert (contract.starts_on.isoformat(), contract.ends_on.isoformat()) == ("2021-06-01", "2023-02-28")
    assert contract.status == Contract.Status.CLOSED
    assert contract.operator.name == "Relais numérique du Bassin minier"
    assert contract.client.name == "La Poste — Direction régionale Hauts-de-France"
    assert contract.client.kind == "la_poste"
    assert _site_names(contract) == {"Lens", "Liévin", "Hénin-Beaumont"}
    assert len(_mediators(contract)) == 3
    shifts = Shift.objects.filter(contract=contract)
    assert selectors.hours_of_intervention(shifts, contract.starts_on, contract.ends_on) == 1_184 * 60


def test_the_pas_de_calais_renewal_keeps_the_same_mediator_in_each_office(demo_with_shifts):
    closed, renewal = _contract(PAS_DE_CALAIS_2021), _contract(PAS_DE_CALAIS_RENEWAL)
    today = timezone.localdate()

    assert renewal.status == Contract.Status.ACTIVE
    assert renewal.starts_on < today < renewal.ends_on
    assert renewal.client == closed.client
    assert _site_names(renewal) == _site_names(closed)
    for contract in (closed, renewal):
        per_site = defaultdict(set)
        for site, email in contract.rotations.values_list("site__name", "mediator__user__email"):
            per_site[site].add(email)
        assert all(len(emails) == 1 for emails in per_site.values()), per_site
        assert set.union(*per_site.values()) == _mediators(closed)
        for row in selectors.continuity(contract, contract.starts_on, min(contract.ends_on, today)):
            assert row.share >= 0.9, row.site


def test_hauts_de_seine_five_mediators_rotate_over_ten_offices_monday_to_saturday(demo_with_shifts):
    contract = _contract(HAUTS_DE_SEINE)

    assert contract.status == Contract.Status.ACTIVE
    assert contract.operator.name == "Lien numérique des Hauts-de-Seine"
    assert contract.client.name == "La Poste — Direction régionale Île-de-France"
    assert len(_site_names(contract)) == 10
    assert "mediateur@demo.tremplin.test" in _mediators(contract)
    assert len(_mediators(contract)) == 5
    assert set(contract.rotations.values_list("weekday", flat=True)) == {0, 1, 2, 3, 4, 5}
    presences_per_site = Counter(contract.rotations.values_list("site__name", flat=True))
    assert len(presences_per_site) == 10
    assert min(presences_per_site.values()) >= 4
    pairs = set(contract.rotations.values_list("mediator__user__email", "site_id"))
    offices_per_mediator = Counter(email for email, _site in pairs)
    assert min(offices_per_mediator.values()) >= 3


def test_allier_one_mediator_eighteen_hours_a_week_in_each_office(demo_with_shifts):
    contract = _contract(ALLIER)

    assert contract.operator.name == "La Poste — Direction régionale Auvergne-Rhône-Alpes"
    assert contract.client.name == "CDPPT de l'Allier"
    assert contract.reporting_period == Contract.ReportingPeriod.QUARTERLY
    assert _weekly_minutes_by_site(contract) == {
        "Saint-Gérand-le-Puy": 18 * 60,
        "Noyant-d'Allier": 18 * 60,
        "Molinet": 18 * 60,
    }
    assert set(contract.contract_sites.values_list("weekly_minutes", flat=True)) == {18 * 60}
    assert len(_mediators(contract)) == 3


def test_the_plans_have_no_conflict_but_the_one_left_for_the_coordinator(demo_with_shifts):
    for reference in (PAS_DE_CALAIS_2021, PAS_DE_CALAIS_RENEWAL, ALLIER):
        assert selectors.plan_conflicts(_contract(reference)) == [], reference

    conflicts = selectors.plan_conflicts(_contract(HAUTS_DE_SEINE))

    assert sorted(conflict.kind for conflict in conflicts) == ["double_booking", "over_contract"]
    deliberate = Rotation.objects.get(
        contract__reference=HAUTS_DE_SEINE,
        weekday=2,
        starts_at=time(11, 0),
        site__name="Gennevilliers Le Luth",
    )
    assert all(deliberate.pk in conflict.rotation_ids for conflict in conflicts)
    assert deliberate.valid_from > timezone.localdate()
    double_booking = next(conflict for conflict in conflicts if conflict.kind == "double_booking")
    assert "Moussa Diallo" in double_booking.message


def test_the_demo_mediator_has_presences_every_day_but_sunday(demo_with_shifts):
    camille = MediatorProfile.objects.get(user__email="mediateur@demo.tremplin.test")
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())

    for day in (monday + timedelta(days=n) for n in range(14)):
        assert bool(selectors.todays_presences_for(camille, day)) == (day.weekday() != 6), day
    if today.weekday() != 6:
        assert selectors.todays_presences_for(camille)


def test_absences_have_replacements_and_leave_one_presence_uncovered_in_the_coming_weeks(demo_with_shifts):
    today = timezone.localdate()
    rotations = Rotation.objects.filter(contract__status=Contract.Status.ACTIVE)

    coming = selectors.presences(rotations, today, today + timedelta(weeks=3))

    replaced = [p for p in coming if p.is_replacement]
    uncovered = [p for p in coming if p.is_uncovered]
    assert len(replaced) >= 4
    assert [(p.site.name, p.date.weekday()) for p in uncovered] == [("Colombes Aragon", 5)]
    assert all(p.mediator != p.rotation.mediator for p in replaced)


def test_mediators_have_certifications_and_some_speak_other_languages(demo_with_shifts):
    mediators = MediatorProfile.objects.prefetch_related("certifications")

    assert mediators.count() == len(staffing_dataset.MEDIATORS) == 11
    assert all(mediator.certifications.all() for mediator in mediators)
    assert mediators.filter(
        certifications__name="Certificat de compétences professionnelles Médiateur numérique"
    ).exists()
    assert mediators.exclude(languages="").count() >= 5


def test_hours_of_intervention_are_the_sum_of_the_worked_shifts(demo_with_shifts):
    for contract in Contract.objects.all():
        shifts = Shift.objects.filter(contract=contract)
        total = shifts.aggregate(minutes=Sum("minutes"))["minutes"]

        hours = selectors.hours_of_intervention(shifts, contract.starts_on, contract.ends_on)

        assert hours > 0, contract.reference
        assert hours == total, contract.reference


def test_the_current_contracts_have_three_months_of_shifts_up_to_yesterday(demo_with_shifts):
    today = timezone.localdate()
    starts_on, ends_on = demo_current_period(today)
    shifts = Shift.objects.filter(contract__status=Contract.Status.ACTIVE)

    assert not Shift.objects.filter(ended_at__isnull=True).exists()
    first = timezone.localdate(shifts.order_by("started_at").first().started_at)
    last = timezone.localdate(shifts.order_by("started_at").last().started_at)
    assert first == starts_on == today - timedelta(weeks=13, days=today.weekday())
    assert today - timedelta(days=2) <= last < today
    assert ends_on > today + timedelta(weeks=30)
    assert 1_000 <= Shift.objects.count() <= 3_000


def test_shifts_follow_the_plan_with_small_variations_a_few_misses_and_corrections(demo_with_shifts):
    contract = _contract(HAUTS_DE_SEINE)
    today = timezone.localdate()
    shifts = list(Shift.objects.filter(contract=contract).select_related("rotation", "mediator"))
    corrected = {c.shift_id for c in ShiftCorrection.objects.all()}

    drifts = []
    for shift in shifts:
        start = timezone.localtime(shift.started_at)
        planned = datetime.combine(start.date(), shift.rotation.starts_at, tzinfo=start.tzinfo)
        assert start.weekday() == shift.rotation.weekday
        assert start.date() == timezone.localtime(shift.ended_at).date()
        if shift.pk not in corrected and not shift.end_was_forgotten:
            drifts.append(abs((start - planned).total_seconds()) // 60)
    assert max(drifts) <= 15
    assert Counter(drifts).most_common(1)[0][1] < len(drifts) / 2

    planned = selectors.presences(contract.rotations.all(), contract.starts_on, today - timedelta(days=1))
    planned = [p for p in planned if p.mediator is not None]
    assert 0.9 * len(planned) < len(shifts) < len(planned)

    by_mediator = defaultdict(list)
    for shift in Shift.objects.order_by("started_at"):
        by_mediator[shift.mediator_id].append(shift)
    for mediator_shifts in by_mediator.values():
        for before, after in zip(mediator_shifts, mediator_shifts[1:], strict=False):
            assert before.ended_at <= after.started_at

    corrections = ShiftCorrection.objects.select_related("shift", "corrected_by")
    assert corrections.count() == 2
    assert all(c.reason and c.corrected_by.email.startswith(("coordinateur", "olivier")) for c in corrections)
    assert Shift.objects.filter(end_was_forgotten=True).count() == 1


def test_everything_went_through_the_staffing_services(demo_with_shifts):
    actions = Counter(
        JournalEntry.objects.filter(action__startswith="staffing.").values_list("action", flat=True)
    )

    assert actions["staffing.shift.started"] == Shift.objects.count()
    assert actions["staffing.shift.ended"] == Shift.objects.count() - 1  # the forgotten one was closed later
    assert {
        "staffing.contract.created",
        "staffing.mediator.created",
        "staffing.certification.added",
        "staffing.rotation.created",
        "staffing.absence.created",
        "staffing.replacement.set",
        "staffing.shift.corrected",
        "staffing.shift.forgotten_end_given",
    } <= set(actions)


def test_a_second_load_duplicates_nothing(demo_with_shifts):
    models = (MediatorProfile, Certification, Contract, ContractSite, Rotation, Absence, Replacement, Shift)
    counts = {model: model.objects.count() for model in (*models, ShiftCorrection)}

    out = load_demo()

    assert {model: model.objects.count() for model in counts} == counts
    assert "Contrats : 0 créés, 4 déjà présents." in out
    assert f"Permanences effectuées : 0 enregistrées, {counts[Shift]} déjà présentes." in out


def test_a_run_a_week_later_adds_that_week_s_shifts_only(demo_with_shifts):
    before = set(Shift.objects.values_list("client_uuid", flat=True))
    contracts = Contract.objects.count()
    today = timezone.localdate()

    with time_machine.travel(timezone.now() + timedelta(days=7), tick=False):
        report = demo_staffing_load()
        again = demo_staffing_load()

    after = Shift.objects.exclude(client_uuid__in=before)
    assert report.shifts.created == after.count() > 40
    assert report.shifts.existing == len(before)
    assert again.shifts.created == 0
    assert Contract.objects.count() == contracts
    new_days = {timezone.localdate(started_at) for started_at in after.values_list("started_at", flat=True)}
    assert min(new_days) >= today
    assert max(new_days) < today + timedelta(days=7)
