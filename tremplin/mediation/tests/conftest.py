import pytest

from .helpers import at_work


@pytest.fixture
def work_a(tenant_a):
    """Tenant A's mediator, on shift at tenant A's site since an hour ago."""
    return at_work(tenant_a)


@pytest.fixture
def work_b(tenant_b):
    return at_work(tenant_b)
