from dataclasses import dataclass

import pytest

from tremplin.core.roles import Role
from tremplin.staffing.models import MediatorProfile
from tremplin.staffing.tests.factories import ContractFactory, ContractSiteFactory

from .factories import RotationFactory


@dataclass
class Plan:
    contract: object
    site: object
    other_site: object
    mediator: MediatorProfile
    rotation: object


def make_plan(tenant, client_operator) -> Plan:
    """A contract of the tenant's operator for `client_operator`, two sites, the tenant's mediator
    planned on Mondays 9:00–12:00 at the first site."""
    from tremplin.territory.tests.factories import SiteFactory

    contract = ContractFactory(operator=tenant.operator, client=client_operator)
    ContractSiteFactory(contract=contract, site=tenant.site, weekly_minutes=6 * 60)
    other_site = SiteFactory(commune=tenant.site.commune, name=f"Agence postale de {tenant.operator.name}")
    ContractSiteFactory(contract=contract, site=other_site, weekly_minutes=3 * 60)
    mediator = MediatorProfile.objects.create(
        user=tenant.members[Role.MEDIATOR].user, operator=tenant.operator
    )
    rotation = RotationFactory(contract=contract, mediator=mediator, site=tenant.site)
    return Plan(contract, tenant.site, other_site, mediator, rotation)


@pytest.fixture
def plan_a(tenant_a):
    from tremplin.accounts.tests.factories import OperatorFactory

    return make_plan(tenant_a, OperatorFactory(name="La Poste — client de A"))
