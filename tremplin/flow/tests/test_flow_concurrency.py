"""Two mediators acting on the same queue at once: ticket numbers never collide and nobody is called
twice. Real threads, each with its own database connection, released together by a barrier; the row
locks (the ticket counter's FOR UPDATE, call-next's SKIP LOCKED) are PostgreSQL's, so SQLite skips."""

import json
import threading
import uuid
from collections import Counter

import pytest
from django.db import connection, connections
from django.test import Client

from tremplin.accounts.services import api_token_create
from tremplin.accounts.tests.factories import MembershipFactory
from tremplin.core.roles import Role
from tremplin.flow import services
from tremplin.flow.models import State, TicketCounter, Visit, VisitEvent
from tremplin.mediation.tests.helpers import at_work
from tremplin.staffing.models import MediatorProfile

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (SELECT … FOR UPDATE, SKIP LOCKED) and concurrent connections need PostgreSQL",
    ),
]


def together(count: int, work) -> list:
    """Runs work(i) in `count` threads released at the same moment; returns their results in order.
    Each thread uses its own connection, closed when it is done."""
    barrier = threading.Barrier(count, timeout=30)
    results: list = [None] * count
    failures: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except BaseException as exc:  # reported to the test below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck (a lock never released?)"
    assert not failures, failures
    return results


def mediators(work, count: int) -> list:
    """`count` mediators of the tenant, each with a membership and a mediator profile."""
    people = []
    for _ in range(count):
        membership = MembershipFactory(operator=work.tenant.operator, role=Role.MEDIATOR)
        MediatorProfile.objects.create(user=membership.user, operator=work.tenant.operator)
        people.append(membership)
    return people


def arrive(work, n: int) -> list[Visit]:
    return [
        services.visit_create(
            actor=work.user, operator=work.tenant.operator, site=work.site, reasons=["banking"]
        )[0]
        for _ in range(n)
    ]


@pytest.fixture
def work(transactional_db, tenant_a):
    return at_work(tenant_a)


def test_twenty_arrivals_at_once_get_tickets_one_to_twenty(work):
    def create(index: int) -> int:
        visit, created = services.visit_create(
            actor=work.user, operator=work.tenant.operator, site=work.site, reasons=["mobile"]
        )
        assert created
        return visit.ticket

    tickets = together(20, create)
    assert sorted(tickets) == list(range(1, 21))
    assert sorted(Visit.objects.filter(site=work.site).values_list("ticket", flat=True)) == list(range(1, 21))
    assert TicketCounter.objects.get(site=work.site).last == 20


def test_the_same_arrival_sent_five_times_at_once_makes_one_visit(work):
    key = uuid.uuid4()

    def create(index: int) -> tuple[int, bool]:
        visit, created = services.visit_create(
            actor=work.user,
            operator=work.tenant.operator,
            site=work.site,
            reasons=["mobile"],
            client_uuid=key,
        )
        return visit.pk, created

    answers = together(5, create)
    assert len({pk for pk, _created in answers}) == 1
    assert sum(created for _pk, created in answers) == 1
    visit = Visit.objects.get()
    assert visit.ticket == 1 and VisitEvent.objects.filter(visit=visit).count() == 1
    # A failed attempt gave its number back: the next arrival is number 2.
    assert arrive(work, 1)[0].ticket == 2


def test_ten_mediators_calling_next_at_once_call_five_different_people(work):
    waiting = arrive(work, 5)
    callers = mediators(work, 10)

    def call(index: int):
        visit = services.visit_call_next(actor=callers[index].user, site=work.site)
        return visit.pk if visit else None

    called = together(10, call)
    taken = [pk for pk in called if pk is not None]
    assert sorted(taken) == sorted(visit.pk for visit in waiting), called
    assert called.count(None) == 5
    assert set(Visit.objects.values_list("state", flat=True)) == {State.CALLED}
    # Each visit was called once: one "called" step in its timeline, by one of the callers.
    steps = Counter(VisitEvent.objects.filter(state=State.CALLED).values_list("visit_id", flat=True))
    assert steps == Counter({visit.pk: 1 for visit in waiting})
    assert {visit.called_by_id for visit in Visit.objects.all()} <= {m.user.pk for m in callers}


# --- The same through the API --------------------------------------------------------------------


def tablets(memberships) -> list[Client]:
    clients = []
    for membership in memberships:
        _token, raw = api_token_create(actor=membership.user, membership=membership, name="tablette")
        clients.append(Client(headers={"authorization": f"Bearer {raw}"}))
    return clients


def test_twenty_tablets_adding_visits_at_once_through_the_api(work):
    clients = tablets(mediators(work, 4)) * 5

    def post(index: int) -> tuple[int, int]:
        body = {"client_uuid": str(uuid.uuid4()), "reasons": ["banking"]}
        response = clients[index].post(
            f"/api/v1/sites/{work.site.pk}/visits", json.dumps(body), content_type="application/json"
        )
        return response.status_code, response.json()["ticket"]

    answers = together(20, post)
    assert {status for status, _ticket in answers} == {201}
    assert sorted(ticket for _status, ticket in answers) == list(range(1, 21))


def test_ten_tablets_calling_next_at_once_through_the_api(work):
    waiting = arrive(work, 5)
    clients = tablets(mediators(work, 10))

    def call(index: int) -> tuple[int, int | None]:
        response = clients[index].post(f"/api/v1/sites/{work.site.pk}/call-next")
        return response.status_code, response.json()["id"] if response.status_code == 200 else None

    answers = together(10, call)
    assert sorted(status for status, _pk in answers) == [200] * 5 + [204] * 5
    assert sorted(pk for _status, pk in answers if pk) == sorted(visit.pk for visit in waiting)
    assert set(Visit.objects.values_list("state", flat=True)) == {State.CALLED}
