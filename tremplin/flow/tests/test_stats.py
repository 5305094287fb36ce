"""A site's queue statistics: exact waiting and service times under fixed clocks, the visits that left,
the error of the announced wait, and who may read them."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tremplin.core.roles import Role
from tremplin.flow import services
from tremplin.flow.models import Visit
from tremplin.flow.stats import percentile
from tremplin.staffing.models import MediatorProfile
from tremplin.staffing.tests.factories import ContractSiteFactory

PARIS = ZoneInfo("Europe/Paris")


def at(hour, minute, day=10, month=3):
    return datetime(2026, month, day, hour, minute, tzinfo=PARIS)


@pytest.fixture
def site(tenant_a):
    ContractSiteFactory(contract__operator=tenant_a.operator, site=tenant_a.site)
    MediatorProfile.objects.create(user=tenant_a.members[Role.MEDIATOR].user, operator=tenant_a.operator)
    return tenant_a.site


def arrive(tenant, reasons, when, *, first_name="", group_size=1, prequalified=True, estimate=None):
    visit, _created = services.visit_create(
        actor=None,
        operator=tenant.operator,
        site=tenant.site,
        reasons=reasons,
        first_name=first_name,
        group_size=group_size,
        prequalified=prequalified,
        at=when,
    )
    if estimate is not None:
        Visit.objects.filter(pk=visit.pk).update(estimated_wait_minutes=estimate)
    return visit


@pytest.fixture
def day_of_visits(tenant_a, site):
    """Six visits on 10 March 2026 and one in February.

    Waits (arrival → call): 4, 10, 1, 7 min; services (serve → close): 10, 6, 27 min; one left."""
    with time_machine.travel(at(18, 0), tick=False):
        a = arrive(tenant_a, ["banking"], at(9, 0), first_name="Alice", estimate=0)
        services.visit_call(actor=None, visit=a, at=at(9, 4))
        services.visit_serve(actor=None, visit=a, at=at(9, 5))
        services.visit_close(actor=None, visit=a, route="mediator", at=at(9, 15))
        b = arrive(tenant_a, ["banking", "parcel_pickup"], at(9, 1), estimate=8)
        services.visit_call(actor=None, visit=b, at=at(9, 11))
        services.visit_serve(actor=None, visit=b, at=at(9, 12))
        services.visit_close(actor=None, visit=b, route="counter", at=at(9, 18))
        c = arrive(tenant_a, ["information"], at(9, 2), estimate=5)
        services.visit_serve(actor=None, visit=c, at=at(9, 3))
        services.visit_close(actor=None, visit=c, route="mediator", at=at(9, 30))
        d = arrive(tenant_a, ["sending"], at(9, 5))
        services.visit_close(actor=None, visit=d, route="left", at=at(9, 20))
        arrive(tenant_a, ["digital_identity"], at(9, 6), group_size=3, prequalified=False)
        f = arrive(tenant_a, ["banking"], at(9, 10), estimate=7)
        services.visit_call(actor=None, visit=f, at=at(9, 17))
        arrive(tenant_a, ["banking"], at(10, 0, day=27, month=2))


def stats_page(client, site, **period):
    with time_machine.travel(at(12, 0, day=20), tick=False):
        return client.get(reverse("flow:site_stats", kwargs={"site_pk": site.pk}), period)


def figure(page, testid):
    return page.split(f'data-testid="{testid}">')[1].split("<")[0]


def test_waiting_and_service_times_are_exact(tenant_a, site, day_of_visits):
    page = stats_page(tenant_a.client(Role.COORDINATOR), site).content.decode()

    # Waits 1, 4, 7, 10: median (4 + 7) / 2; 90 % waited at most 10 min (nearest rank).
    assert figure(page, "stat-waiting-median") == "5,5 min"
    assert figure(page, "stat-waiting-p90") == "10 min"
    # Services 6, 10, 27.
    assert figure(page, "stat-service-median") == "10 min"
    assert figure(page, "stat-service-p90") == "27 min"


def test_counts_people_reasons_routes_and_visits_that_left(tenant_a, site, day_of_visits):
    page = stats_page(tenant_a.client(Role.COORDINATOR), site).content.decode()

    assert figure(page, "stat-visits") == "6"  # the February visit is outside this month
    assert figure(page, "stat-people") == "8"
    assert figure(page, "stat-prequalified") == "83\xa0%"
    assert figure(page, "stat-left") == "1"
    assert "parties sans être servies (17\xa0%)" in page
    assert figure(page, "stat-reason-banking") == "3"
    assert figure(page, "stat-reason-parcel_pickup") == "1"
    assert figure(page, "stat-route-mediator") == "2"
    assert figure(page, "stat-route-counter") == "1"
    assert figure(page, "stat-route-left") == "1"
    assert figure(page, "stat-route-open") == "2"
    assert "Alice" not in page, "statistics list no visit"


def test_the_estimate_error_compares_the_announced_wait_with_the_real_one(tenant_a, site, day_of_visits):
    page = stats_page(tenant_a.client(Role.COORDINATOR), site).content.decode()

    # |4 − 0| + |10 − 8| + |1 − 5| + |7 − 7| = 10 over 4 called visits.
    estimate = page.split('data-testid="stat-estimate">')[1].split("</p>")[0]
    assert "<strong>2,5 min</strong>" in estimate
    assert "4 visites appelées" in estimate
    assert "0,5 min de plus qu'annoncé" in estimate


def test_the_period_can_be_chosen_and_is_checked(tenant_a, site, day_of_visits):
    client = tenant_a.client(Role.COORDINATOR)
    wider = stats_page(client, site, start="2026-02-01", end="2026-03-31").content.decode()
    assert figure(wider, "stat-visits") == "7"

    wrong = stats_page(client, site, start="2026-03-31", end="2026-03-01")
    assert wrong.status_code == 200
    assert "La fin de la période doit suivre son début." in wrong.content.decode()
    assert 'data-testid="stat-visits"' not in wrong.content.decode()


def test_an_empty_period_shows_dashes(tenant_a, site):
    page = stats_page(tenant_a.client(Role.COORDINATOR), site).content.decode()
    assert figure(page, "stat-visits") == "0"
    assert figure(page, "stat-waiting-median") == "—"


def test_percentile_is_the_nearest_rank():
    assert percentile([], 0.9) is None
    assert percentile([5], 0.9) == 5
    assert percentile(list(range(1, 11)), 0.9) == 9
    assert percentile(list(range(1, 12)), 0.9) == 10


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COORDINATOR, Role.MEDIATOR, Role.FUNDER])
def test_staff_and_funders_of_the_site_read_its_figures(tenant_a, site, day_of_visits, role):
    response = stats_page(tenant_a.client(role), site)
    assert response.status_code == 200
    page = response.content.decode()
    assert figure(page, "stat-visits") == "6"
    assert "Alice" not in page


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COORDINATOR, Role.MEDIATOR, Role.FUNDER])
def test_another_operator_and_funders_elsewhere_do_not(tenant_a, tenant_b, site, day_of_visits, role):
    assert stats_page(tenant_b.client(role), site).status_code == 404


def test_an_operator_counts_only_its_own_visits_at_a_shared_site(tenant_a, tenant_b, site, day_of_visits):
    ContractSiteFactory(contract__operator=tenant_b.operator, site=site)
    with time_machine.travel(at(18, 0), tick=False):
        services.visit_create(
            actor=None, operator=tenant_b.operator, site=site, reasons=["banking"], at=at(11, 0)
        )
    assert figure(stats_page(tenant_b.client(Role.COORDINATOR), site).content.decode(), "stat-visits") == "1"
    assert figure(stats_page(tenant_a.client(Role.COORDINATOR), site).content.decode(), "stat-visits") == "6"
    assert figure(stats_page(tenant_a.client(Role.FUNDER), site).content.decode(), "stat-visits") == "7"
