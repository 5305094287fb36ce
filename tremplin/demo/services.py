"""Writes of the demo data set.

Operators, people and memberships go through the accounts services, so the journal shows the demo
being built like any other data. The few writes those services do not offer (platform staff, a
TOTP device with the published demo secret, the mediation flags of a site) are here, journalled
too, and only ever called by `load_demo`, which refuses to run in production.
"""

from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from tremplin.accounts.models import Membership, Operator, User
from tremplin.accounts.selectors import second_factor_required
from tremplin.accounts.services import membership_create, operator_create, user_create
from tremplin.core.services import journal_record
from tremplin.territory.models import Departement, Site

from . import dataset


@dataclass
class DemoCounts:
    created: int = 0
    existing: int = 0

    def add(self, created: bool) -> None:
        if created:
            self.created += 1
        else:
            self.existing += 1


@dataclass
class PeopleReport:
    operators: DemoCounts
    users: DemoCounts
    memberships: DemoCounts
    totp_devices: DemoCounts


@transaction.atomic
def demo_people_load() -> PeopleReport:
    """Create the demo operators, people, memberships and TOTP devices that are missing."""
    report = PeopleReport(DemoCounts(), DemoCounts(), DemoCounts(), DemoCounts())
    departements = {d.code: d for d in Departement.objects.filter(code__in=dataset.DEMO_DEPARTEMENTS)}
    operators = {}
    for spec in dataset.OPERATORS:
        operator = Operator.objects.filter(name=spec.name).first()
        report.operators.add(operator is None)
        if operator is None:
            operator = operator_create(
                name=spec.name,
                kind=spec.kind,
                departements=[departements[code] for code in spec.departements],
            )
        operators[spec.key] = operator
    for person in dataset.PEOPLE:
        user = User.objects.filter(email=person.email).first()
        report.users.add(user is None)
        if user is None:
            user = user_create(
                email=person.email,
                password=dataset.DEMO_PASSWORD if person.is_demo_account else None,
                first_name=person.first_name,
                last_name=person.last_name,
            )
        if person.is_staff and not (user.is_staff and user.is_superuser):
            demo_staff_grant(user=user)
        operator = operators[person.operator]
        exists = Membership.objects.filter(user=user, operator=operator, role=person.role).exists()
        report.memberships.add(not exists)
        if not exists:
            membership_create(
                user=user,
                operator=operator,
                role=person.role,
                is_national=person.is_national,
                departements=[departements[code] for code in person.departements],
            )
        if person.is_demo_account and second_factor_required(user):
            has_device = TOTPDevice.objects.filter(
                user=user, name=dataset.DEMO_TOTP_DEVICE_NAME, confirmed=True
            ).exists()
            report.totp_devices.add(not has_device)
            if not has_device:
                demo_totp_device_create(user=user)
    return report


@transaction.atomic
def demo_staff_grant(*, user: User) -> None:
    """Make a demo account a platform administrator (Django admin, every operator's data)."""
    user.is_staff = True
    user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    journal_record(action="demo.user.staff_granted", obj=user)


@transaction.atomic
def demo_totp_device_create(*, user: User) -> TOTPDevice:
    """A confirmed TOTP device holding the published demo secret, so the demo needs no phone."""
    device = TOTPDevice.objects.create(
        user=user,
        name=dataset.DEMO_TOTP_DEVICE_NAME,
        key=dataset.DEMO_TOTP_KEY_HEX,
        confirmed=True,
    )
    journal_record(action="demo.second_factor.enrolled", obj=user, payload={"device_id": device.pk})
    return device


@transaction.atomic
def demo_site_flags_apply() -> int:
    """Mark where mediation, îlots, Étape numérique spaces and QPVs are; returns sites changed."""
    changed = 0
    sites = Site.objects.filter(identifier__in=dataset.SITE_FLAGS)
    for site in sites:
        flags = dataset.SITE_FLAGS[site.identifier]
        values = {name: getattr(flags, name) for name in flags.__dataclass_fields__}
        if any(getattr(site, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(site, name, value)
            site.save(update_fields=[*values, "updated_at"])
            journal_record(action="demo.site.flags_set", obj=site, payload=values)
            changed += 1
    return changed
