from datetime import date, time

import factory

from tremplin.accounts.tests.factories import OperatorFactory, UserFactory
from tremplin.staffing.models import Contract, ContractSite, MediatorProfile, Rotation
from tremplin.territory.tests.factories import SiteFactory


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    operator = factory.SubFactory(OperatorFactory)
    client = factory.SubFactory(OperatorFactory, name=factory.Sequence(lambda n: f"La Poste DR {n}"))
    reference = factory.Sequence(lambda n: f"CTR-{n:04d}")
    title = "Médiation numérique en bureau de poste"
    starts_on = date(2026, 1, 1)
    ends_on = date(2026, 12, 31)
    status = Contract.Status.ACTIVE


class ContractSiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractSite

    contract = factory.SubFactory(ContractFactory)
    site = factory.SubFactory(SiteFactory)
    weekly_minutes = 18 * 60


class MediatorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MediatorProfile

    user = factory.SubFactory(UserFactory)
    operator = factory.SubFactory(OperatorFactory)


class RotationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rotation

    contract = factory.SubFactory(ContractFactory)
    mediator = factory.SubFactory(
        MediatorProfileFactory, operator=factory.SelfAttribute("..contract.operator")
    )
    site = factory.SubFactory(SiteFactory)
    weekday = 0
    starts_at = time(9, 0)
    ends_at = time(12, 0)
    valid_from = factory.SelfAttribute("contract.starts_on")
    valid_until = factory.SelfAttribute("contract.ends_on")
