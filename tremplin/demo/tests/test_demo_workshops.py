"""The demo's workshops: a catalogue and a pathway at both operators, past sessions attended and closed
into group interactions (in the office and outside it), upcoming sessions with a waiting list."""

from collections import defaultdict
from datetime import timedelta

import pytest
from django.utils import timezone

from tremplin.accounts.models import Membership
from tremplin.accounts.selectors import viewer_for_membership
from tremplin.mediation.models import Interaction
from tremplin.workshops import selectors
from tremplin.workshops.models import Pathway, Registration, RegistrationMessage, Session, Workshop

from .conftest import load_demo

pytestmark = pytest.mark.django_db

HAUTS_DE_SEINE = "Lien numérique des Hauts-de-Seine"
ALLIER = "La Poste — Direction régionale Auvergne-Rhône-Alpes"


def test_both_operators_have_a_catalogue_from_initiation_to_consolidation_and_a_pathway(demo_with_shifts):
    for operator in (HAUTS_DE_SEINE, ALLIER):
        levels = set(Workshop.objects.filter(operator__name=operator).values_list("level", flat=True))
        assert levels == {"debutant", "intermediaire", "avance"}
        pathway = Pathway.objects.get(operator__name=operator)
        assert [step.workshop.level for step in pathway.steps.order_by("position")] == [
            "debutant",
            "debutant",
            "intermediaire",
        ]


def test_past_sessions_are_closed_into_group_interactions_in_and_outside_the_offices(demo_with_shifts):
    today = timezone.localdate()
    past = Session.objects.filter(starts_at__date__lt=today)
    assert past.count() >= 20
    assert not past.exclude(status=Session.Status.DONE).exists()
    interactions = Interaction.objects.filter(workshop_session__in=past)
    assert interactions.count() == past.exclude(interaction__isnull=True).count() >= 20
    assert set(interactions.values_list("place", flat=True)) == {"bureau_de_poste", "hors_bureau"}
    assert set(interactions.values_list("kind", flat=True)) == {"individual_accompaniment"}
    for session in past.select_related("interaction").prefetch_related("registrations", "extra_participants"):
        attended = sum(1 for row in session.registrations.all() if row.attended)
        extras = sum(group.count for group in session.extra_participants.all())
        assert session.interaction.accompaniments.count() == attended + extras
        assert session.interaction.duration_minutes == session.duration_minutes
    # Some people booked and did not come.
    assert Registration.objects.filter(session__in=past, status="confirmed", attended=False).exists()


def test_upcoming_sessions_have_registrations_and_a_waiting_list(demo_with_shifts):
    upcoming = Session.objects.filter(starts_at__gt=timezone.now(), status=Session.Status.SCHEDULED)
    assert upcoming.filter(operator__name=HAUTS_DE_SEINE).exists()
    assert upcoming.filter(operator__name=ALLIER).exists()
    registrations = Registration.objects.filter(session__in=upcoming)
    assert registrations.filter(status="waitlisted").exists()
    assert registrations.filter(status="offered").exists()
    # Reminders are waiting for the day before, once per registrant and channel.
    reminders = RegistrationMessage.objects.filter(kind="reminder", status="pending")
    assert reminders.exists()
    assert not RegistrationMessage.objects.filter(
        registration__session__starts_at__lt=timezone.now()
    ).exists()


def test_followed_regulars_progress_along_the_pathway(demo_with_shifts):
    coordinator = Membership.objects.get(user__email="coordinateur@demo.tremplin.test")
    viewer = viewer_for_membership(coordinator.user, coordinator)
    pathway = Pathway.objects.get(operator_id=viewer.operator_id)
    steps = selectors.pathway_progression(viewer, pathway)
    assert steps[0].people >= 2 and steps[0].continued >= 1


def test_a_facilitator_runs_a_session_when_not_at_a_counter(demo_with_shifts):
    by_mediator = defaultdict(list)
    for mediator, started_at, minutes in Interaction.objects.values_list(
        "mediator_id", "started_at", "duration_minutes"
    ):
        by_mediator[mediator].append((started_at, started_at + timedelta(minutes=minutes)))
    for periods in by_mediator.values():
        periods.sort()
        for (_start, end), (next_start, _end) in zip(periods, periods[1:], strict=False):
            assert end <= next_start


def test_past_registrants_are_erased_after_the_retention_period(demo_with_shifts, settings):
    limit = timezone.now() - timedelta(days=settings.TREMPLIN_WORKSHOP_RETENTION_DAYS)
    old = Registration.objects.filter(session__starts_at__lt=limit)
    assert old.exists()
    assert not old.exclude(first_name="", phone="", email="").exists()


def test_loading_again_adds_no_workshop_nor_session(demo_with_shifts):
    counts = (Workshop.objects.count(), Session.objects.count(), Registration.objects.count())
    out = load_demo()
    assert (Workshop.objects.count(), Session.objects.count(), Registration.objects.count()) == counts
    assert "séances : 0 programmées (0 passées et clôturées)" in out
