import pytest

from tremplin.mediation.tests.helpers import at_work

from .helpers import catalogue_entry, schedule


@pytest.fixture
def work(tenant_a):
    """Tenant A's mediator, with a contract at tenant A's site (no shift under way)."""
    return at_work(tenant_a, start_shift=False)


@pytest.fixture
def workshop(work):
    return catalogue_entry(work)


@pytest.fixture
def session(work, workshop):
    """In three days at 14:00, 3 seats, facilitated by the mediator."""
    return schedule(work, workshop, capacity=3)
