"""The synthetic nation of `generate_scale_data`, at a tiny scale: counts, and the invariants the models
and services keep, so that every figure computed from it is right."""

import math
import re
import uuid
from collections import Counter, defaultdict
from datetime import date, time, timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Max, Min, Sum
from django.test import override_settings

from tremplin.accounts.models import Membership, Operator, User
from tremplin.accounts.selectors import viewer_for_membership
from tremplin.core.models import JournalEntry
from tremplin.core.roles import Role
from tremplin.demo.scale import names
from tremplin.demo.scale.context import EMAIL_DOMAIN, OPERATOR_SUFFIX, SITE_PREFIX, local, local_day
from tremplin.demo.scale.sizes import Sizes
from tremplin.demo.scale.staffing import expected_end, public_holidays
from tremplin.flow import stats as flow_stats
from tremplin.flow.models import DEFAULT_ROUTES, TRANSITIONS, Route, SiteReason, State, TicketCounter, Visit
from tremplin.mediation import selectors as mediation_selectors
from tremplin.mediation import services as mediation_services
from tremplin.mediation.models import Accompaniment, Beneficiary, Interaction, InteractionTheme
from tremplin.mediation.vocabularies import DEFAULT_TIME_CATEGORY, age_bracket_for
from tremplin.staffing import selectors as staffing_selectors
from tremplin.staffing.models import Contract, MediatorProfile, Replacement, Shift, ShiftCorrection
from tremplin.territory import services as territory_services
from tremplin.territory.models import Site
from tremplin.workshops import contacts
from tremplin.workshops import selectors as workshop_selectors
from tremplin.workshops import services as workshop_services
from tremplin.workshops.models import (
    ExtraParticipants,
    Pathway,
    PathwayStep,
    Registration,
    Session,
    Workshop,
)
from tremplin.workshops.services import sessions as workshop_sessions
from tremplin.workshops.services.sessions import INTERACTION_NAMESPACE

from .conftest import _cached_france_reference

pytestmark = pytest.mark.django_db

UNTIL = date(2025, 6, 30)
#: Communes of a few départements only: enough for two with mediation, and quick to import.
DEPARTEMENTS = ("03", "59", "62", "92")
ARGS = ("--scale", "0.001", "--seed", "7", "--until", UNTIL.isoformat())
END = local(UNTIL + timedelta(days=1), time(0, 0))


def generate(*args: str) -> str:
    out = StringIO()
    call_command("generate_scale_data", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def _nation_of_the_module(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        pytest.MonkeyPatch.context() as patch,
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        patch.setattr(territory_services, "read_france_reference", _cached_france_reference)
        call_command("import_communes", departements=list(DEPARTEMENTS), stdout=StringIO())
        yield generate(*ARGS)
        transaction.set_rollback(True)


@pytest.fixture
def nation(_nation_of_the_module, db) -> str:
    """The nation generated once per module (rolled back when the module ends); each test runs in a
    savepoint of it."""
    return _nation_of_the_module


def reported(output: str, label: str) -> int:
    match = re.search(rf"^{re.escape(label)} : ([\d\u202f]+)$", output, re.MULTILINE)
    assert match, f"{label!r} missing from:\n{output}"
    return int(match.group(1).replace("\u202f", ""))


# --- What was written ------------------------------------------------------------------------------


def test_the_command_reports_exactly_what_is_in_the_database(nation):
    assert reported(nation, "Points de contact") == Site.objects.count()
    assert reported(nation, "Bureaux avec médiation") == Site.objects.filter(has_mediation=True).count()
    assert reported(nation, "Médiateurs") == MediatorProfile.objects.count()
    assert reported(nation, "Permanences effectuées") == Shift.objects.count()
    assert reported(nation, "Interactions") == Interaction.objects.count()
    assert reported(nation, "dont supprimées") == Interaction.objects.filter(deleted_at__isnull=False).count()
    assert reported(nation, "Personnes accompagnées (accompagnements)") == Accompaniment.objects.count()
    assert reported(nation, "Bénéficiaires suivis") == Beneficiary.objects.count()
    assert reported(nation, "Visites dans la file") == Visit.objects.count()
    entry = JournalEntry.objects.get(action="demo.scale.generated")
    assert entry.payload["seed"] == 7
    assert entry.payload["until"] == UNTIL.isoformat()
    assert entry.payload["counts"]["interactions"] == Interaction.objects.count()


def test_a_tiny_nation_still_has_one_of_everything(nation):
    assert Site.objects.count() >= 12
    mediation_sites = Site.objects.filter(has_mediation=True)
    assert mediation_sites.count() >= 3
    assert mediation_sites.values("commune__departement").distinct().count() == 2
    assert MediatorProfile.objects.count() >= 4
    assert Contract.objects.filter(status=Contract.Status.CLOSED).exists()
    assert Contract.objects.filter(status=Contract.Status.ACTIVE).exists()
    assert Interaction.objects.count() > 3_000
    assert Interaction.objects.annotate(people=Count("accompaniments")).filter(people__gte=3).exists()
    assert Beneficiary.objects.count() >= 20
    assert (
        Beneficiary.objects.filter(anonymised_at__isnull=False).exists() or Beneficiary.objects.count() < 200
    )
    assert Visit.objects.exists()
    assert Replacement.objects.filter(replacement__isnull=False).exists()
    assert Replacement.objects.filter(replacement__isnull=True).exists()
    assert ShiftCorrection.objects.exists() or Shift.objects.count() < 1_000


def test_three_years_of_activity_up_to_the_last_day(nation):
    first = Shift.objects.aggregate(first=Min("started_at"))["first"]
    last = Shift.objects.aggregate(last=Max("ended_at"))["last"]
    assert date(2022, 7, 1) <= first.date() < date(2023, 1, 1)
    assert last <= END
    assert last.date() >= UNTIL - timedelta(days=7)


def test_names_addresses_and_accounts_are_fictional(nation):
    assert not Site.objects.exclude(identifier__startswith=SITE_PREFIX).exists()
    assert not Operator.objects.exclude(name__endswith=OPERATOR_SUFFIX).exists()
    assert not User.objects.exclude(email__endswith="@" + EMAIL_DOMAIN).exists()
    assert not any(user.has_usable_password() for user in User.objects.all())
    for phone in Beneficiary.objects.exclude(phone="").values_list("phone", flat=True):
        assert phone.startswith(names.FICTION_PHONE_PREFIXES)
    for email in Beneficiary.objects.exclude(email="").values_list("email", flat=True):
        assert email.endswith("@" + names.PEOPLE_EMAIL_DOMAIN)


# --- Staffing ----------------------------------------------------------------------------------------


def test_every_shift_is_a_planned_presence_worked_as_the_shift_services_record_it(nation):
    holidays = public_holidays(2022, 2025)
    for contract in Contract.objects.all():
        presences = {
            (p.rotation.pk, p.date): p
            for p in staffing_selectors.presences(contract.rotations.all(), contract.starts_on, UNTIL)
        }
        contract_sites = set(contract.contract_sites.values_list("site_id", flat=True))
        for shift in Shift.objects.filter(contract=contract).select_related("rotation"):
            day = local_day(shift.started_at)
            presence = presences[(shift.rotation_id, day)]
            assert presence.mediator is not None and presence.mediator.pk == shift.mediator_id
            assert day not in holidays
            assert shift.site_id == shift.rotation.site_id and shift.site_id in contract_sites
            assert shift.operator_id == contract.operator_id
            assert shift.minutes == int((shift.ended_at - shift.started_at).total_seconds() // 60)
            assert abs(shift.started_at - presence.starts) < timedelta(minutes=60)
            if shift.corrected_at is None and not shift.end_was_forgotten:
                assert shift.expected_end_at == expected_end(shift.rotation.ends_at, shift.started_at)


def test_a_mediator_is_never_in_two_shifts_at_once_and_no_shift_is_left_open(nation):
    assert not Shift.objects.filter(ended_at__isnull=True).exists()
    last_end = {}
    for mediator_id, started_at, ended_at in Shift.objects.order_by("mediator_id", "started_at").values_list(
        "mediator_id", "started_at", "ended_at"
    ):
        assert started_at >= last_end.get(mediator_id, started_at)
        last_end[mediator_id] = ended_at


def test_corrections_keep_what_they_changed(nation):
    for correction in ShiftCorrection.objects.select_related("shift"):
        shift = correction.shift
        assert (shift.started_at, shift.ended_at) == (correction.started_at, correction.ended_at)
        assert shift.corrected_at == correction.at
        assert correction.previous_started_at != correction.started_at
        assert Membership.objects.filter(
            user=correction.corrected_by, operator_id=shift.operator_id, role=Role.COORDINATOR
        ).exists()


# --- Mediation ---------------------------------------------------------------------------------------


def test_interactions_lie_inside_their_shift_one_after_the_other(nation):
    previous_end = {}
    for interaction in Interaction.objects.select_related("shift").order_by("mediator_id", "started_at"):
        shift = interaction.shift
        assert (interaction.mediator_id, interaction.site_id, interaction.operator_id) == (
            shift.mediator_id,
            shift.site_id,
            shift.operator_id,
        )
        end = interaction.started_at + timedelta(minutes=interaction.duration_minutes)
        assert shift.started_at <= interaction.started_at and end <= shift.ended_at
        assert interaction.started_at >= previous_end.get(interaction.mediator_id, interaction.started_at)
        previous_end[interaction.mediator_id] = end
        assert interaction.created_at == end


def test_interactions_hold_what_the_recording_service_would_have_written(nation):
    for row in Interaction.objects.values(
        "kind",
        "time_category",
        "postal_form",
        "conflict_severity",
        "conflict_defused",
        "oriented",
        "orientation_target",
        "equipment",
        "site__has_kiosk",
    ):
        assert row["time_category"] == DEFAULT_TIME_CATEGORY[row["kind"]]
        assert not row["postal_form"] or row["kind"] == "postal_forms"
        assert (
            row["conflict_severity"] == ""
            and row["conflict_defused"] is None
            or (row["kind"] == "conflict_prevention")
        )
        assert row["oriented"] or row["orientation_target"] == ""
        assert row["equipment"] != "ilot_numerique" or row["site__has_kiosk"]
    assert not Interaction.objects.filter(accompaniments__isnull=True).exists()
    repeated = InteractionTheme.objects.values("interaction", "theme").annotate(n=Count("id")).filter(n__gt=1)
    assert not repeated.exists()


def test_each_contract_spends_about_the_fields_share_of_time_on_digital_assistance(nation):
    total = {"digital_assistance": 0, "client_information": 0}
    for contract in Contract.objects.all():
        minutes = dict(
            Interaction.objects.filter(shift__contract=contract, deleted_at__isnull=True)
            .values_list("time_category")
            .annotate(minutes=Sum("duration_minutes"))
        )
        share = minutes.get("digital_assistance", 0) / sum(minutes.values())
        assert 0.42 <= share <= 0.54, (contract.reference, share)
        for key, value in minutes.items():
            total[key] += value
    assert 0.45 <= total["digital_assistance"] / sum(total.values()) <= 0.51


def test_kinds_and_domains_have_the_fields_shares(nation):
    kinds = Counter(Interaction.objects.values_list("kind", flat=True))
    count = sum(kinds.values())
    assert kinds.most_common(1)[0][0] == "information_orientation"
    assert 0.02 <= kinds["conflict_prevention"] / count <= 0.07
    postal = Interaction.objects.filter(domain__in=["mail_parcel", "banking", "mobile", "digital_offers"])
    assert 0.65 <= postal.count() / count <= 0.9


def test_workshops_are_group_interactions_with_their_participants(nation):
    groups = Interaction.objects.annotate(people=Count("accompaniments")).filter(people__gte=3)
    assert groups.exists()
    for interaction in groups:
        assert interaction.kind == "individual_accompaniment"
        assert interaction.duration_minutes >= 60
        assert interaction.themes.exists()


def test_followed_people_carry_their_consent_and_first_visit_as_the_services_leave_them(nation):
    retention = timedelta(days=settings.TREMPLIN_BENEFICIARY_RETENTION_DAYS)
    visits = defaultdict(list)
    for (
        beneficiary_id,
        started_at,
        deleted_at,
        mediator_id,
        operator_id,
        first,
        age,
        gender,
        status,
        commune,
    ) in Accompaniment.objects.filter(beneficiary__isnull=False).values_list(
        "beneficiary_id",
        "interaction__started_at",
        "interaction__deleted_at",
        "interaction__mediator_id",
        "interaction__operator_id",
        "is_first_time",
        "age_bracket",
        "gender",
        "social_status",
        "commune_id",
    ):
        assert deleted_at is None
        visits[beneficiary_id].append(
            (started_at, mediator_id, operator_id, first, age, gender, status, commune)
        )
    assert visits
    for beneficiary in Beneficiary.objects.all():
        rows = sorted(visits.get(beneficiary.pk, []))
        if beneficiary.anonymised_at is not None:
            assert rows == []
            assert (
                beneficiary.display_name,
                beneficiary.birth_year,
                beneficiary.phone,
                beneficiary.email,
            ) == ("", None, "", "")
            assert beneficiary.last_seen_at <= beneficiary.anonymised_at <= END
            continue
        assert rows, beneficiary.pk
        assert beneficiary.consent_at == rows[0][0] == beneficiary.created_at
        assert beneficiary.last_seen_at == rows[-1][0]
        assert beneficiary.last_seen_at >= END - retention
        assert [row[3] for row in rows] == [True] + [False] * (len(rows) - 1)
        days = [row[0].date() for row in rows]
        assert len(days) == len(set(days))
        assert {row[2] for row in rows} == {beneficiary.operator_id}
        if beneficiary.consent_scope == Beneficiary.ConsentScope.MEDIATOR:
            assert {row[1] for row in rows} == {beneficiary.recorded_by_id}
        for started_at, _mediator, _operator, _first, age, gender, status, commune in rows:
            assert age == age_bracket_for(beneficiary.birth_year, started_at.year)
            assert (gender, status, commune) == (
                beneficiary.gender,
                beneficiary.social_status,
                beneficiary.commune_id,
            )
        assert beneficiary.consent_by_id == beneficiary.recorded_by.user_id


def test_the_services_find_nothing_to_recompute_or_purge(nation):
    flags = dict(Accompaniment.objects.values_list("pk", "is_first_time"))
    mediation_services._recompute_first_times_of(Beneficiary.objects.values_list("pk", flat=True))
    assert dict(Accompaniment.objects.values_list("pk", "is_first_time")) == flags
    purged = mediation_services.beneficiaries_purge_expired(
        now=END, retention_days=settings.TREMPLIN_BENEFICIARY_RETENTION_DAYS
    )
    assert purged == 0


# --- The queue ---------------------------------------------------------------------------------------


def test_tickets_are_numbered_per_office_and_day_as_the_counter_says(nation):
    tickets = defaultdict(list)
    for site_id, day, ticket in Visit.objects.order_by("arrived_at", "id").values_list(
        "site_id", "day", "ticket"
    ):
        tickets[(site_id, day)].append(ticket)
    counters = {(c.site_id, c.day): c.last for c in TicketCounter.objects.all()}
    assert set(counters) == set(tickets)
    for key, numbers in tickets.items():
        assert numbers == list(range(1, len(numbers) + 1))
        assert counters[key] == len(numbers)


def test_each_visit_has_a_timeline_of_allowed_steps_and_its_fields_follow_it(nation):
    for visit in Visit.objects.prefetch_related("events", "reasons").select_related("interaction"):
        events = list(visit.events.all())
        assert events[0].state == State.WAITING and events[0].at == visit.arrived_at
        for before, after in zip(events, events[1:], strict=False):
            assert after.state in TRANSITIONS[before.state] and before.at <= after.at
        assert visit.state == State.DONE == events[-1].state
        assert (visit.closed_at, visit.state_since, visit.route) == (
            events[-1].at,
            events[-1].at,
            events[-1].route,
        )
        called = [e.at for e in events if e.state == State.CALLED]
        served = [e.at for e in events if e.state == State.SERVING]
        assert visit.served_at == (served[0] if served else None)
        assert visit.called_at == (called[-1] if called else (served[0] if served else None))
        assert (visit.called_by_id is not None) == bool(called)
        assert visit.reasons.exists()
        assert visit.day == local_day(visit.arrived_at)
        if visit.interaction is not None:
            assert (visit.interaction.site_id, visit.interaction.operator_id) == (
                visit.site_id,
                visit.operator_id,
            )
            assert visit.closed_at == visit.interaction.created_at
            if visit.route == Route.MEDIATOR:
                assert visit.served_at == visit.interaction.started_at
            else:  # a tension closed without service, its conflict prevention recorded afterwards
                assert visit.tension and visit.served_at is None
                assert visit.interaction.kind == "conflict_prevention"
        else:
            assert visit.route != Route.MEDIATOR


def test_service_times_and_announced_waits_are_the_queues_own(nation):
    """Replay the queue from its rows: the learned service times and each announced wait."""
    visits = list(Visit.objects.prefetch_related("events", "reasons").order_by("site_id", "day", "ticket"))
    shifts = defaultdict(list)
    for site_id, started_at, ended_at, updated_at, forgotten in Shift.objects.values_list(
        "site_id", "started_at", "ended_at", "updated_at", "end_was_forgotten"
    ):
        shifts[site_id].append((started_at, updated_at if forgotten else ended_at))
    learned = {}
    closes = sorted(
        (v.closed_at, v)
        for v in visits
        if v.route == Route.MEDIATOR and [e.state for e in v.events.all()][-2:] == [State.SERVING, State.DONE]
    )
    by_site_day = defaultdict(list)
    for visit in visits:
        by_site_day[(visit.site_id, visit.day)].append(visit)
    close_index = 0

    def learn_until(moment):
        nonlocal close_index
        while close_index < len(closes) and closes[close_index][0] <= moment:
            visit = closes[close_index][1]
            catalogue = learned.setdefault(
                visit.site_id, {r: [m * 60, 0] for r, (_route, m) in DEFAULT_ROUTES.items()}
            )
            seconds = int((visit.closed_at - visit.served_at).total_seconds())
            reasons = [r.reason for r in visit.reasons.all()]
            for reason in reasons:
                mean, count = catalogue[reason]
                catalogue[reason] = [(mean * count + seconds // len(reasons)) // (count + 1), count + 1]
            close_index += 1

    for visit in sorted(visits, key=lambda v: (v.arrived_at, v.site_id, v.ticket)):
        learn_until(visit.arrived_at)
        catalogue = learned.get(visit.site_id, {r: [m * 60, 0] for r, (_route, m) in DEFAULT_ROUTES.items()})
        staff = max(1, sum(1 for start, end in shifts[visit.site_id] if start <= visit.arrived_at < end))
        waiting = Counter()
        for other in by_site_day[(visit.site_id, visit.day)]:
            if other.ticket >= visit.ticket:
                break
            state = State.WAITING
            for event in other.events.all():
                if event.at <= visit.arrived_at:
                    state = event.state
            if state in (State.WAITING, State.CALLED):
                waiting.update(r.reason for r in other.reasons.all())
        expected = max(
            math.ceil(
                waiting[r.reason]
                * catalogue[r.reason][0]
                / (staff if DEFAULT_ROUTES[r.reason][0] == Route.MEDIATOR else 1)
                / 60
            )
            for r in visit.reasons.all()
        )
        assert visit.estimated_wait_minutes == expected, visit.pk
    learn_until(END)
    for row in SiteReason.objects.all():
        mean, count = learned.get(row.site_id, {}).get(row.reason, [DEFAULT_ROUTES[row.reason][1] * 60, 0])
        assert (row.service_seconds, row.served_count) == (mean, count)


# --- The existing screens read it --------------------------------------------------------------------


def _viewer(role, **filters):
    membership = (
        Membership.objects.filter(role=role, is_active=True, **filters).select_related("operator").first()
    )
    return viewer_for_membership(membership.user, membership), membership


def test_a_coordinator_lists_their_operators_interactions_and_nobody_elses(
    nation, django_assert_max_num_queries
):
    operator_id = Interaction.objects.values_list("operator_id", flat=True).first()
    viewer, membership = _viewer(Role.COORDINATOR, operator_id=operator_id)
    listed = mediation_selectors.interactions_for_list(viewer)
    with django_assert_max_num_queries(4):
        page = list(listed[:50])
    assert page and {i.operator_id for i in page} == {operator_id}
    assert all(i.site.name and i.mediator.user.email for i in page)
    assert (
        listed.count() == Interaction.objects.filter(operator_id=operator_id, deleted_at__isnull=True).count()
    )
    others = Interaction.objects.exclude(operator_id=operator_id)
    assert others.exists()
    assert not listed.filter(pk__in=others.values("pk")).exists()


def test_a_mediator_reads_their_own_records_and_the_people_they_may_follow(nation):
    beneficiary = Beneficiary.objects.filter(anonymised_at__isnull=True).select_related("recorded_by").first()
    viewer, _membership = _viewer(Role.MEDIATOR, user=beneficiary.recorded_by.user)
    assert set(mediation_selectors.interactions_visible_to(viewer).values_list("mediator_id", flat=True)) == {
        beneficiary.recorded_by_id
    }
    assert mediation_selectors.beneficiaries_visible_to(viewer).filter(pk=beneficiary.pk).exists()
    history = mediation_selectors.beneficiary_history(viewer, beneficiary)
    assert history.count() == beneficiary.accompaniments.count()
    found = mediation_selectors.beneficiary_search(viewer, beneficiary.display_name[:3])
    assert found


def test_a_contracts_hours_add_up_from_its_shifts(nation):
    contract = Contract.objects.filter(status=Contract.Status.CLOSED).first()
    hours = staffing_selectors.contract_hours(contract, contract.starts_on, contract.ends_on)
    shifts = Shift.objects.filter(contract=contract)
    # Times carry seconds, as a tablet records them: `minutes` floors each shift, the hours of
    # intervention add up the exact durations.
    exact = sum((s.ended_at - s.started_at).total_seconds() for s in shifts) / 60
    assert hours.intervention == round(exact)
    assert 0 <= hours.intervention - shifts.aggregate(minutes=Sum("minutes"))["minutes"] <= shifts.count()
    assert 0.8 * hours.planned <= hours.worked <= 1.05 * hours.planned
    assert hours.continuity


def test_a_queue_offices_statistics_come_out_of_the_generated_visits(nation):
    site = Site.objects.get(pk=Visit.objects.values_list("site_id", flat=True).first())
    operator_id = Visit.objects.filter(site=site).values_list("operator_id", flat=True).first()
    viewer, _membership = _viewer(Role.COORDINATOR, operator_id=operator_id)
    stats = flow_stats.site_stats(viewer, site, start=UNTIL - timedelta(days=90), end=UNTIL)
    assert stats.visits == Visit.objects.filter(site=site, day__gte=UNTIL - timedelta(days=90)).count()


def test_a_departements_funder_sees_its_offices_only(nation):
    viewer, membership = _viewer(Role.FUNDER, is_national=False)
    visible = Site.objects.visible_to(viewer).filter(has_mediation=True)
    assert visible.exists()
    assert set(visible.values_list("commune__departement", flat=True)) == set(
        membership.departements.values_list("pk", flat=True)
    )


# --- Workshops ---------------------------------------------------------------------------------------


def test_the_command_reports_the_workshops_in_the_database(nation):
    sessions = Session.objects.all()
    assert reported(nation, "Ateliers au catalogue") == Workshop.objects.count()
    assert reported(nation, "Parcours") == Pathway.objects.count()
    assert reported(nation, "Séances d'atelier") == sessions.count()
    assert reported(nation, "dont tenues (une interaction de groupe chacune)") == (
        sessions.filter(status=Session.Status.DONE).count()
    )
    assert reported(nation, "dont annulées") == sessions.filter(status=Session.Status.CANCELLED).count()
    assert reported(nation, "dont à venir (programme des semaines suivantes)") == (
        sessions.filter(status=Session.Status.SCHEDULED).count()
    )
    assert reported(nation, "dont hors du bureau") == sessions.filter(venue=Session.Venue.OUTSIDE).count()
    assert reported(nation, "Inscriptions aux ateliers") == Registration.objects.count()
    assert reported(nation, "dont présents") == Registration.objects.filter(attended=True).count()
    assert (
        reported(nation, "Participants anonymes sans inscription")
        == (ExtraParticipants.objects.aggregate(people=Sum("count"))["people"])
    )


def test_every_workshop_interaction_is_a_session_held_and_every_session_of_the_floor_exists(nation):
    floor = Sizes.for_scale(0.001).workshop_sessions
    held = Session.objects.filter(status=Session.Status.DONE)
    assert held.count() == reported(nation, "dont ateliers (interactions de groupe)")
    assert 0.7 * floor <= held.count() <= 1.5 * floor
    assert Session.objects.filter(status=Session.Status.CANCELLED).exists()
    assert Session.objects.filter(status=Session.Status.SCHEDULED).exists()
    assert (
        held.filter(venue=Session.Venue.OUTSIDE).exists() and held.filter(venue=Session.Venue.SITE).exists()
    )
    assert Registration.objects.filter(attended=True, beneficiary__isnull=False).exists()
    assert Registration.objects.filter(attended=True, source=Registration.Source.PUBLIC).exists()
    assert Registration.objects.filter(status=Registration.Status.CONFIRMED, attended=False).exists()
    assert Registration.objects.filter(status=Registration.Status.CANCELLED).exists()
    # Group interactions of workshops, and only they, are sessions.
    grouped = Interaction.objects.filter(notes__startswith="Atelier « ")
    assert set(grouped.values_list("pk", flat=True)) == set(held.values_list("interaction_id", flat=True))
    assert not Session.objects.filter(interaction__deleted_at__isnull=False).exists()


def test_a_session_held_is_closed_into_its_group_interaction_as_the_services_write_it(nation):
    sessions = Session.objects.filter(status=Session.Status.DONE).select_related("interaction", "workshop")
    for session in sessions.prefetch_related("facilitators", "workshop__themes"):
        interaction = session.interaction
        assert interaction.deleted_at is None
        assert interaction.kind == "individual_accompaniment"
        assert (interaction.site_id, interaction.operator_id, interaction.started_at) == (
            session.site_id,
            session.operator_id,
            session.starts_at,
        )
        assert interaction.duration_minutes == session.duration_minutes
        assert interaction.place == session.place
        assert interaction.notes == f"Atelier « {interaction.notes[10:-2]} »"
        assert session.workshop.title.startswith(interaction.notes[10:-2])
        assert interaction.client_uuid == uuid.uuid5(INTERACTION_NAMESPACE, f"workshop-session-{session.pk}")
        assert sorted(interaction.theme_codes) == sorted(session.workshop.theme_codes)
        assert [f.pk for f in session.facilitators.all()] == [interaction.mediator_id]
        assert session.closed_at == interaction.created_at >= session.ends_at
        assert session.workshop.operator_id == session.operator_id
        if session.is_outside:
            assert session.venue_name and session.venue_commune_id


def test_attended_registrations_and_anonymous_counts_are_the_interactions_accompaniments(nation):
    anonymised = set(Beneficiary.objects.filter(anonymised_at__isnull=False).values_list("pk", flat=True))
    sessions = Session.objects.filter(status=Session.Status.DONE).select_related("interaction")
    for session in sessions.prefetch_related("registrations", "extra_participants"):
        rows = list(session.interaction.accompaniments.all())
        attended = [r for r in session.registrations.all() if r.attended]
        extras = sum(group.count for group in session.extra_participants.all())
        assert len(attended) + extras == len(rows), session.pk
        people = workshop_sessions.participants_of(session)
        assert len(people) == len(rows)
        followed = {r.beneficiary_id for r in attended if r.beneficiary_id}
        assert followed - anonymised == {row.beneficiary_id for row in rows if row.beneficiary_id}
        if not followed & anonymised:
            assert Counter(
                (p.beneficiary.pk if p.beneficiary else None, p.age_bracket, p.gender, p.social_status)
                for p in people
                if p.beneficiary is None
            ) == Counter(
                (None, row.age_bracket, row.gender, row.social_status)
                for row in rows
                if not row.beneficiary_id
            )
        assert all(
            row.commune_id is None and row.is_first_time is None for row in rows if not row.beneficiary_id
        )


def test_no_session_seats_more_than_its_capacity_nor_its_workshop_allows(nation):
    sessions = workshop_selectors.with_counts(Session.objects.select_related("workshop"))
    for session in sessions:
        assert session.seated <= session.capacity <= session.workshop.max_participants
        assert session.capacity >= 1
        if session.waiting:
            assert session.status == Session.Status.SCHEDULED and session.seated == session.capacity
    attended = Registration.objects.filter(attended=True)
    assert not attended.exclude(status=Registration.Status.CONFIRMED).exists()
    assert not attended.filter(checked_in_at__isnull=True).exists()
    assert not Registration.objects.filter(attended=False, checked_in_at__isnull=False).exists()


def test_cancelled_sessions_have_no_interaction_and_the_programme_continues_after_the_last_day(nation):
    for session in Session.objects.filter(status=Session.Status.CANCELLED):
        assert session.interaction_id is None and session.closed_at is None
        assert session.created_at < session.cancelled_at < session.starts_at < END
        assert not session.registrations.filter(attended=True).exists()
        assert not session.extra_participants.exists()
        assert not session.registrations.filter(created_at__gt=session.cancelled_at).exists()
    for session in Session.objects.filter(status=Session.Status.SCHEDULED):
        assert END < session.starts_at < END + timedelta(weeks=5)
        assert session.interaction_id is None and session.created_at < END
        assert not session.registrations.filter(attended=True).exists()
        assert not session.registrations.filter(created_at__gte=END).exists()
    assert not Session.objects.exclude(status=Session.Status.SCHEDULED).filter(starts_at__gte=END).exists()
    published = workshop_selectors.public_sessions(now=END)
    assert published.exists()
    assert any(session.waiting for session in published) or published.count() < 20


def test_registrations_are_what_booking_and_the_daily_purge_leave(nation):
    retention = timedelta(days=settings.TREMPLIN_WORKSHOP_RETENTION_DAYS)
    rows = Registration.objects.select_related("session", "beneficiary")
    for registration in rows:
        session = registration.session
        assert registration.operator_id == session.operator_id
        assert session.created_at <= registration.created_at < END
        if registration.source == Registration.Source.WALK_IN:
            assert registration.attended and registration.created_at >= session.starts_at
        else:
            assert registration.created_at < session.starts_at
        if registration.status == Registration.Status.CANCELLED:
            assert registration.created_at < registration.cancelled_at < session.starts_at
            assert (registration.phone, registration.email) == ("", "")
        beneficiary = registration.beneficiary
        if beneficiary is not None:
            assert beneficiary.operator_id == session.operator_id
            assert registration.source != Registration.Source.PUBLIC
            assert beneficiary.created_at <= registration.created_at
            assert beneficiary.anonymised_at is None or beneficiary.anonymised_at > registration.created_at
            assert (registration.first_name, registration.phone, registration.email) == ("", "", "")
            assert registration.consent_at is None
        elif registration.source != Registration.Source.WALK_IN:
            assert registration.consent_at == registration.created_at
        if registration.source == Registration.Source.PUBLIC:
            assert session.is_published
        erased = registration.personal_data_erased_at
        if session.starts_at < END - retention:
            assert session.starts_at + retention < erased <= END
            assert (registration.first_name, registration.phone, registration.email) == ("", "", "")
        else:
            assert erased is None
            if beneficiary is None:
                assert registration.first_name
                if registration.status != Registration.Status.CANCELLED and registration.source != "walk_in":
                    assert registration.phone or registration.email
        if registration.phone:
            assert contacts.normalise_mobile(registration.phone) == registration.phone
            assert contacts.display_mobile(registration.phone).startswith(names.FICTION_PHONE_PREFIXES)
        if registration.email:
            assert registration.email.endswith("@" + names.PEOPLE_EMAIL_DOMAIN)
    assert workshop_services.registrations_purge(now=END) == 0


def test_each_operator_has_its_catalogue_and_a_pathway_through_it(nation):
    for workshop in Workshop.objects.prefetch_related("themes"):
        assert workshop.theme_codes and workshop.description
        assert (
            not Session.objects.filter(workshop=workshop).exclude(operator_id=workshop.operator_id).exists()
        )
    for step in PathwayStep.objects.select_related("pathway", "workshop"):
        assert step.workshop.operator_id == step.pathway.operator_id
    assert Pathway.objects.exists()


def test_the_statistics_of_an_operator_are_its_plan_its_workshops_and_its_raw_rows(nation):
    """What a coordinator reads of the generated nation after a full rebuild: the numbers of the
    workshops' and the contract's own pages."""
    from tremplin.reporting import selectors as reporting_selectors
    from tremplin.reporting.aggregates import aggregates_rebuild
    from tremplin.reporting.models import ScopeKind
    from tremplin.reporting.periods import Period
    from tremplin.reporting.scopes import Scope
    from tremplin.workshops import selectors as workshop_selectors
    from tremplin.workshops.models import Session

    aggregates_rebuild()
    operator_id = (
        Session.objects.values("operator_id").annotate(n=Count("pk")).order_by("-n")[0]["operator_id"]
    )
    viewer, membership = _viewer(Role.COORDINATOR, operator_id=operator_id)
    period = Period(date(UNTIL.year - 1, UNTIL.month, 1), UNTIL.replace(day=1))
    figures = reporting_selectors.figures(viewer, Scope(ScopeKind.OPERATOR, membership.operator), period)

    programme = workshop_selectors.programme_figures(viewer, start=period.start, end=period.end).total
    workshops = figures.workshops
    assert workshops.sessions > 0
    assert (workshops.sessions, workshops.capacity, workshops.booked, workshops.no_shows) == (
        programme.sessions,
        programme.capacity,
        programme.booked,
        programme.no_shows,
    )
    assert workshops.participants == programme.participants
    in_sessions = Accompaniment.objects.filter(
        interaction__workshop_session__operator_id=operator_id,
        interaction__deleted_at__isnull=True,
        interaction__started_at__gte=local(period.start, time(0, 0)),
        interaction__started_at__lt=local(period.end + timedelta(days=1), time(0, 0)),
    )
    assert figures.workshop_accompaniments == in_sessions.count() > 0

    contract = (
        Contract.objects.filter(operator_id=operator_id, starts_on__lte=period.end, ends_on__gte=period.start)
        .exclude(status=Contract.Status.DRAFT)
        .first()
    )
    by_contract = reporting_selectors.figures(viewer, Scope(ScopeKind.CONTRACT, contract), period)
    plan = staffing_selectors.planned_vs_worked(contract, period.start, period.end)
    assert by_contract.planned_minutes == sum(row.planned for row in plan) > 0
