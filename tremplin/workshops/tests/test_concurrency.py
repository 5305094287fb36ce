"""Many people booking the last seats at once: nobody is overbooked. Real threads, each with its own
database connection, released together by a barrier; the session's row lock (SELECT … FOR UPDATE) is
PostgreSQL's, so SQLite skips."""

import json
import uuid

import pytest
from django.db import connection
from django.test import Client

from tremplin.accounts.services import api_token_create
from tremplin.core.roles import Role
from tremplin.flow.tests.test_flow_concurrency import together
from tremplin.mediation.tests.helpers import at_work
from tremplin.workshops import services
from tremplin.workshops.models import Registration

from .helpers import book, catalogue_entry, schedule

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (SELECT … FOR UPDATE) and concurrent connections need PostgreSQL",
    ),
]

Status = Registration.Status


@pytest.fixture
def work(transactional_db, tenant_a):
    return at_work(tenant_a, start_shift=False)


def test_fifty_bookings_at_once_for_ten_seats_give_ten_seats_and_forty_waiting(work):
    session = schedule(work, catalogue_entry(work, max_participants=10), capacity=10)

    def register(index: int) -> str:
        return book(session, f"Personne {index}", email=f"personne{index}@exemple.fr").status

    answers = together(50, register)
    assert answers.count(Status.CONFIRMED) == 10
    assert answers.count(Status.WAITLISTED) == 40
    rows = Registration.objects.filter(session=session)
    assert rows.filter(status=Status.CONFIRMED).count() == 10
    assert rows.filter(status=Status.WAITLISTED).count() == 40
    # The waiting list keeps the order of arrival: each waiting person came after every seated one.
    last_seated = max(rows.filter(status=Status.CONFIRMED).values_list("confirmed_at", flat=True))
    waited_since = rows.filter(status=Status.WAITLISTED).values_list("waitlisted_at", flat=True)
    assert all(at >= last_seated for at in waited_since)


def test_ten_cancellations_at_once_offer_ten_seats_once_each(work):
    session = schedule(work, catalogue_entry(work, max_participants=10), capacity=10)
    seated = [book(session, f"Assis {index}") for index in range(10)]
    waiting = [book(session, f"Attente {index}") for index in range(15)]

    together(10, lambda index: services.registration_cancel(actor=None, registration=seated[index]).status)

    offered = Registration.objects.filter(session=session, status=Status.OFFERED)
    assert sorted(offered.values_list("pk", flat=True)) == [row.pk for row in waiting[:10]]
    assert services.seats_taken(session) == 10


def test_twenty_tablets_booking_the_last_three_seats_through_the_api(work):
    session = schedule(work, catalogue_entry(work, max_participants=10), capacity=3)
    membership = work.tenant.members[Role.MEDIATOR]
    _token, raw = api_token_create(actor=membership.user, membership=membership, name="tablette")

    def post(index: int) -> tuple[int, str]:
        body = {
            "client_uuid": str(uuid.uuid4()),
            "first_name": f"Personne {index}",
            "phone": f"06 12 34 56 {index:02d}",
            "consent": True,
        }
        response = Client(headers={"authorization": f"Bearer {raw}"}).post(
            f"/api/v1/workshop-sessions/{session.pk}/registrations",
            json.dumps(body),
            content_type="application/json",
        )
        return response.status_code, response.json()["status"]

    answers = together(20, post)
    assert {status for status, _ in answers} == {201}
    assert sorted(state for _, state in answers) == [Status.CONFIRMED] * 3 + [Status.WAITLISTED] * 17
