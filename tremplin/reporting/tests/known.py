"""A small world with known answers, built through the services as the field would write it.

Operator A (département of tenant A) works under one contract at two sites, S1 and S2; operator B
(tenant B's département) at one site. In March 2026 at A:

- shifts: S1 Monday 2 March 9:00–12:00 (180 min); S1 Tuesday 31 March 22:00 → 1 April 2:30 (120 min in
  March, 150 in April); S2 Tuesday 10 March 14:00–17:00 (180 min); and a shift still open (counts 0).
- interactions (March): at S1, 10 min of information to an anonymous woman of 60–69; 30 min of
  individual accompaniment to Jeanne (followed, her first visit), themes e-mail and banking; a group of
  three anonymous people on the machines, 20 min; at S2, 15 min of individual accompaniment to Jeanne
  again; 5 min of information then deleted; a 12 min record made at S1 and moved to S2.
- April, at S1: 25 min of postal forms to an anonymous first-timer, inside the overnight shift.
- Operator B: one shift of 60 min and one interaction of 8 min, in March too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from tremplin.core.roles import Role
from tremplin.mediation import services as mediation_services
from tremplin.mediation.services import InteractionData, Person
from tremplin.staffing import services as staffing_services
from tremplin.staffing.models import MediatorProfile
from tremplin.staffing.tests.factories import ContractFactory, ContractSiteFactory
from tremplin.territory.tests.factories import SiteFactory

PARIS = ZoneInfo("Europe/Paris")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


@dataclass
class World:
    a: object
    b: object
    contract: object
    s1: object
    s2: object
    mediator: object
    jeanne: object
    moved: object


def _shift(mediator, site, start, end, contract=None):
    shift = staffing_services.shift_start(
        actor=None, mediator=mediator, site=site, contract=contract, at=start
    )
    if end is not None:
        shift = staffing_services.shift_end(actor=None, shift=shift, at=end)
    return shift


def _record(mediator, site, shift, started_at, minutes, kind, **fields):
    interaction, _created = mediation_services.interaction_record(
        actor=mediator.user,
        mediator=mediator,
        data=InteractionData(
            kind=kind, site=site, shift=shift, started_at=started_at, duration_minutes=minutes, **fields
        ),
    )
    return interaction


def build(tenant_a, tenant_b) -> World:
    s1 = tenant_a.site
    s2 = SiteFactory(commune=s1.commune, name="Bureau de S2")
    contract = ContractFactory(operator=tenant_a.operator, reference="A-2026")
    ContractSiteFactory(contract=contract, site=s1)
    ContractSiteFactory(contract=contract, site=s2)
    mediator = MediatorProfile.objects.create(
        user=tenant_a.members[Role.MEDIATOR].user, operator=tenant_a.operator
    )
    morning = _shift(mediator, s1, at(2026, 3, 2, 9), at(2026, 3, 2, 12), contract)
    night = _shift(mediator, s1, at(2026, 3, 31, 22), at(2026, 4, 1, 2, 30), contract)
    afternoon = _shift(mediator, s2, at(2026, 3, 10, 14), at(2026, 3, 10, 17), contract)
    jeanne = mediation_services.beneficiary_create(
        actor=mediator.user, mediator=mediator, consent_given=True, display_name="Jeanne", birth_year=1950
    )
    _record(
        mediator,
        s1,
        morning,
        at(2026, 3, 2, 9, 10),
        10,
        "information_orientation",
        people=[Person(age_bracket="soixante_soixante_neuf", gender="feminin")],
    )
    _record(
        mediator,
        s1,
        morning,
        at(2026, 3, 2, 9, 30),
        30,
        "individual_accompaniment",
        themes=["email", "banque_et_achats_en_ligne"],
        people=[Person(beneficiary=jeanne)],
    )
    _record(
        mediator,
        s1,
        morning,
        at(2026, 3, 2, 10, 30),
        20,
        "machines_and_tools",
        equipment="automate",
        oriented=True,
        orientation_target="guichet_la_poste",
        people=[Person(), Person(), Person()],
    )
    _record(
        mediator,
        s2,
        afternoon,
        at(2026, 3, 10, 14, 30),
        15,
        "individual_accompaniment",
        people=[Person(beneficiary=jeanne)],
    )
    deleted = _record(mediator, s2, afternoon, at(2026, 3, 10, 15, 0), 5, "information_orientation")
    mediation_services.interaction_delete(actor=mediator.user, interaction=deleted)
    moved = _record(mediator, s1, None, at(2026, 3, 10, 16, 0), 12, "information_orientation")
    mediation_services.interaction_update(
        actor=mediator.user,
        interaction=moved,
        data=InteractionData(
            kind="information_orientation",
            site=s2,
            shift=afternoon,
            started_at=moved.started_at,
            duration_minutes=12,
        ),
    )
    _record(
        mediator,
        s1,
        night,
        at(2026, 4, 1, 0, 30),
        25,
        "postal_forms",
        postal_form="recommande",
        people=[Person(is_first_time=True)],
    )
    staffing_services.shift_start(actor=None, mediator=mediator, site=s1, at=at(2026, 4, 2, 9))

    b_contract = ContractFactory(operator=tenant_b.operator, reference="B-2026")
    ContractSiteFactory(contract=b_contract, site=tenant_b.site)
    b_mediator = MediatorProfile.objects.create(
        user=tenant_b.members[Role.MEDIATOR].user, operator=tenant_b.operator
    )
    b_shift = _shift(b_mediator, tenant_b.site, at(2026, 3, 3, 9), at(2026, 3, 3, 10), b_contract)
    _record(b_mediator, tenant_b.site, b_shift, at(2026, 3, 3, 9, 5), 8, "information_orientation")
    return World(tenant_a, tenant_b, contract, s1, s2, mediator, jeanne, moved)
