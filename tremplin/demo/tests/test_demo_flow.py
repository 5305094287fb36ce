"""The demo's walk-in queue: the last weeks of worked shifts queued, served visits linked to their
interaction, consistent timelines and tickets, a few people waiting today, loaded once."""

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from tremplin.accounts.models import Membership
from tremplin.accounts.selectors import viewer_for_membership
from tremplin.core.roles import Role
from tremplin.demo.flow_services import QUEUE_DAYS, demo_flow_load
from tremplin.flow import stats
from tremplin.flow.models import Route, SiteReason, State, TicketCounter, Visit, VisitEvent

pytestmark = pytest.mark.django_db


def test_served_visits_are_the_interactions_of_their_shift(demo_with_shifts):
    served = Visit.objects.filter(route=Route.MEDIATOR).select_related("interaction__shift")
    assert served.count() > 500
    for visit in served:
        interaction = visit.interaction
        assert interaction is not None
        assert (visit.site_id, visit.operator_id) == (interaction.site_id, interaction.operator_id)
        assert visit.served_at == interaction.started_at
        assert visit.closed_at == interaction.started_at + timedelta(minutes=interaction.duration_minutes)
        assert interaction.shift.started_at <= visit.arrived_at <= visit.called_at
        assert visit.tension == bool(interaction.conflict_severity)


def test_the_queue_covers_the_last_weeks_with_every_route(demo_with_shifts):
    today = timezone.localdate()
    days = Visit.objects.exclude(state=State.WAITING).values_list("day", flat=True)
    assert today - timedelta(days=QUEUE_DAYS) <= min(days) and max(days) < today
    routes = Counter(Visit.objects.values_list("route", flat=True))
    assert set(routes) >= {
        Route.MEDIATOR,
        Route.COUNTER,
        Route.MACHINE,
        Route.WORKSHOP,
        Route.PARTNER,
        Route.LEFT,
    }
    assert routes[Route.LEFT] < routes[Route.COUNTER] < routes[Route.MEDIATOR]


def test_timelines_and_tickets_are_what_the_services_would_have_written(demo_with_shifts):
    events = Counter(VisitEvent.objects.values_list("visit_id", "state"))
    for visit in Visit.objects.all():
        assert events[(visit.pk, State.WAITING)] == 1
        assert events[(visit.pk, State.DONE)] == (1 if visit.state == State.DONE else 0)
        assert events[(visit.pk, State.SERVING)] == (1 if visit.served_at else 0)
        if visit.state == State.DONE:
            assert visit.route and visit.closed_at >= visit.arrived_at
    for counter in TicketCounter.objects.all():
        tickets = sorted(
            Visit.objects.filter(site_id=counter.site_id, day=counter.day).values_list("ticket", flat=True)
        )
        assert tickets == list(range(1, counter.last + 1))


def test_people_wait_today_where_a_mediator_is_planned(demo_with_shifts):
    waiting = Visit.objects.filter(state=State.WAITING, day=timezone.localdate())
    assert waiting.count() >= 3
    assert all(visit.reasons.exists() for visit in waiting)


def test_service_times_are_learned_and_the_statistics_show_them(demo_with_shifts):
    busy = Visit.objects.filter(route=Route.MEDIATOR).values_list("site_id", flat=True).first()
    learned = SiteReason.objects.filter(site_id=busy, served_count__gt=0)
    assert learned.exists()
    coordinator = Membership.objects.get(user__email="coordinateur@demo.tremplin.test", role=Role.COORDINATOR)
    viewer = viewer_for_membership(coordinator.user, coordinator)
    site = Visit.objects.filter(operator=coordinator.operator).first().site
    today = timezone.localdate()
    figures = stats.site_stats(viewer, site, start=today - timedelta(days=QUEUE_DAYS), end=today)
    assert figures.visits > 50
    assert figures.waiting.median is not None and figures.service.median is not None
    assert figures.estimate.count > 0 and abs(figures.estimate.mean_signed) < 3


def test_a_second_load_adds_nothing(demo_with_shifts):
    before = Visit.objects.count()
    report = demo_flow_load()
    assert report.visits == 0
    assert Visit.objects.count() == before
