"""Building blocks for the mediation tests: a mediator at work, and records made through the services."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from tremplin.core.roles import Role
from tremplin.mediation import services
from tremplin.mediation.models import Beneficiary, Interaction
from tremplin.staffing import services as staffing_services
from tremplin.staffing.models import MediatorProfile, Shift
from tremplin.staffing.tests.factories import ContractFactory, ContractSiteFactory


@dataclass
class AtWork:
    """A tenant's mediator with a contract on the tenant's site and, when started, a shift under way."""

    tenant: object
    mediator: MediatorProfile
    site: object
    shift: Shift | None

    @property
    def user(self):
        return self.mediator.user


def at_work(tenant, *, start_shift: bool = True, at: datetime | None = None) -> AtWork:
    from tremplin.accounts.tests.factories import OperatorFactory

    contract = ContractFactory(
        operator=tenant.operator, client=OperatorFactory(name=f"La Poste — client de {tenant.operator.name}")
    )
    ContractSiteFactory(contract=contract, site=tenant.site)
    mediator, _ = MediatorProfile.objects.get_or_create(
        user=tenant.members[Role.MEDIATOR].user, operator=tenant.operator
    )
    shift = None
    if start_shift:
        shift = staffing_services.shift_start(
            actor=mediator.user,
            mediator=mediator,
            site=tenant.site,
            at=at or timezone.now() - timedelta(hours=1),
        )
    return AtWork(tenant=tenant, mediator=mediator, site=tenant.site, shift=shift)


def record(
    work: AtWork, *, kind="information_orientation", minutes=10, started_at=None, **fields
) -> Interaction:
    """One interaction recorded by the mediator through the service, anonymous unless `people` is given."""
    started_at = started_at or (
        work.shift.started_at + timedelta(minutes=5) if work.shift else timezone.now()
    )
    data = services.InteractionData(
        kind=kind,
        site=work.site,
        shift=work.shift,
        started_at=started_at,
        duration_minutes=minutes,
        **fields,
    )
    interaction, _created = services.interaction_record(actor=work.user, mediator=work.mediator, data=data)
    return interaction


def follow(work: AtWork, name="Jeanne", *, year=1948, scope=Beneficiary.ConsentScope.MEDIATOR, **values):
    return services.beneficiary_create(
        actor=work.user,
        mediator=work.mediator,
        consent_given=True,
        display_name=name,
        birth_year=year,
        consent_scope=scope,
        **values,
    )
