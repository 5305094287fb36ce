"""Writes of the demo data set.

Operators, people and memberships go through the accounts services, so the journal shows the demo
being built like any other data. The few writes those services do not offer (platform staff, a
TOTP device with the published demo secret, the mediation flags of a site) are here, journalled
too, and only ever called by `load_demo`, which refuses to run in production.

The staffing (contracts, rotations, absences, months of worked shifts) goes through the staffing
services only: past shifts are started and ended with their `at` times, as a tablet would have.
"""

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tremplin.accounts.models import Membership, Operator, User
from tremplin.accounts.selectors import second_factor_required
from tremplin.accounts.services import membership_create, operator_create, user_create
from tremplin.core.services import journal_record
from tremplin.staffing import selectors as staffing_selectors
from tremplin.staffing import services as staffing_services
from tremplin.staffing.models import Contract, MediatorProfile, Rotation, Shift
from tremplin.territory.models import Departement, Site

from . import dataset, staffing_dataset


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


# ---------------------------------------------------------------------------------------------
# Staffing: contracts, rotations, absences and a few months of worked shifts
# ---------------------------------------------------------------------------------------------

#: Namespace of the demo shifts' client UUIDs: the same presence always gets the same UUID.
DEMO_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, dataset.EMAIL_DOMAIN)
#: Share of the current contracts' planned presences nobody recorded (a missed tap, a closed office).
MISSED_SHARE = 0.03
#: Weeks of shifts already worked under the current contracts when the demo is loaded.
CURRENT_WEEKS_WORKED = 13
#: Minutes the tablet's start and end differ from the planned times, drawn at random.
START_DRIFT = (-6, -4, -3, -2, -1, 0, 0, 0, 1, 2, 3, 4, 5, 7, 9, 12)
END_DRIFT = (-12, -8, -5, -3, -2, -1, 0, 0, 0, 1, 2, 4, 6, 9)


@dataclass
class StaffingReport:
    mediators: DemoCounts = field(default_factory=DemoCounts)
    contracts: DemoCounts = field(default_factory=DemoCounts)
    rotations: int = 0
    absences: int = 0
    shifts: DemoCounts = field(default_factory=DemoCounts)
    corrections: int = 0


def demo_current_period(today: date) -> tuple[date, date]:
    """The current contracts' year: it began on the Monday thirteen weeks ago, so that three months of
    shifts are already worked and most of the plan (52 weeks) lies ahead."""
    starts_on = _this_monday(today) - timedelta(weeks=CURRENT_WEEKS_WORKED)
    return starts_on, starts_on + timedelta(weeks=52) - timedelta(days=1)


def _this_monday(today: date) -> date:
    return today - timedelta(days=today.weekday())


@dataclass
class _Context:
    today: date
    operators: dict
    users: dict
    sites: dict
    profiles: dict


@transaction.atomic
def demo_staffing_load(*, with_shifts: bool = True) -> StaffingReport:
    """Create the demo's mediators, contracts and plans that are missing, and the shifts not yet recorded.

    A contract's plan (rotations, absences, replacements) is built once, when the contract is created;
    shifts are added up to yesterday each time, so a later run tops them up without duplicating any
    (their client UUIDs derive from the contract, site, date and planned start)."""
    today = timezone.localdate()
    report = StaffingReport()
    names = {spec.key: spec.name for spec in dataset.OPERATORS}
    context = _Context(
        today=today,
        operators={key: Operator.objects.get(name=name) for key, name in names.items()},
        users={user.email: user for user in User.objects.filter(email__in=[p.email for p in dataset.PEOPLE])},
        sites={
            site.identifier: site
            for site in Site.objects.filter(
                identifier__in={site for spec in staffing_dataset.CONTRACTS for site, _m in spec.sites}
            )
        },
        profiles={},
    )
    planners = {spec.operator: context.users[spec.planner] for spec in staffing_dataset.CONTRACTS}
    for spec in staffing_dataset.MEDIATORS:
        context.profiles[spec.email] = _mediator_load(spec, context, planners[spec.operator], report)
    for spec in staffing_dataset.CONTRACTS:
        operator = context.operators[spec.operator]
        contract = Contract.objects.filter(operator=operator, reference=spec.reference).first()
        report.contracts.add(contract is None)
        if contract is None:
            contract = _contract_create(spec, context, report)
        if with_shifts:
            _shifts_load(spec, contract, context, report)
    return report


def _mediator_load(spec, context: _Context, planner: User, report: StaffingReport) -> MediatorProfile:
    user, operator = context.users[spec.email], context.operators[spec.operator]
    profile = MediatorProfile.objects.filter(user=user, operator=operator).first()
    report.mediators.add(profile is None)
    if profile is not None:
        return profile
    profile = staffing_services.mediator_profile_save(
        actor=planner, operator=operator, user=user, languages=spec.languages, active_from=spec.active_from
    )
    for certification in spec.certifications:
        obtained_on = certification.obtained
        if isinstance(obtained_on, timedelta):
            obtained_on = context.today - obtained_on
        staffing_services.certification_add(
            actor=planner,
            mediator=profile,
            name=certification.name,
            issuer=certification.issuer,
            obtained_on=obtained_on,
            expires_on=obtained_on + certification.valid_for if certification.valid_for else None,
        )
    return profile


def _contract_create(spec, context: _Context, report: StaffingReport) -> Contract:
    planner = context.users[spec.planner]
    starts_on, ends_on = spec.period or demo_current_period(context.today)
    weekly = {context.sites[site]: minutes for site, minutes in spec.sites}
    contract = staffing_services.contract_save(
        actor=planner,
        operator=context.operators[spec.operator],
        client=context.operators[spec.client],
        reference=spec.reference,
        title=spec.title,
        starts_on=starts_on,
        ends_on=ends_on,
        status=spec.status,
        reporting_period=spec.reporting_period,
        contracted_minutes=spec.contracted_minutes or _contracted_minutes(weekly, starts_on, ends_on),
        sites=weekly,
    )
    next_monday = _this_monday(context.today) + timedelta(weeks=1)
    rotations = []
    for rotation in spec.rotations:
        rotations.append(
            staffing_services.rotation_save(
                actor=planner,
                contract=contract,
                mediator=context.profiles[rotation.mediator],
                site=context.sites[rotation.site],
                weekday=rotation.weekday,
                starts_at=rotation.starts_at,
                ends_at=rotation.ends_at,
                valid_from=next_monday if rotation.from_next_week else None,
            )
        )
        report.rotations += 1
    for absence in spec.absences:
        _absence_create(absence, rotations, context, planner)
        report.absences += 1
    return contract


def _contracted_minutes(weekly: dict, starts_on: date, ends_on: date) -> int:
    """The weekly hours over the period, less five weeks of closure a year."""
    weeks = ((ends_on - starts_on).days + 1) / 7 * 47 / 52
    return round(sum(weekly.values()) * weeks / 60) * 60


def _absence_create(spec, rotations: list[Rotation], context: _Context, planner: User) -> None:
    if spec.starts_on is not None:
        starts_on, ends_on = spec.starts_on, spec.ends_on
    else:
        monday = _this_monday(context.today) + timedelta(weeks=spec.week)
        starts_on, ends_on = monday + timedelta(days=spec.first_day), monday + timedelta(days=spec.last_day)
    absent = context.profiles[spec.mediator]
    staffing_services.absence_create(
        actor=planner, mediator=absent, starts_on=starts_on, ends_on=ends_on, reason=spec.reason
    )
    replacements = dict(spec.replacements)
    day = starts_on
    while day <= ends_on:
        if day.weekday() in replacements:
            for rotation in rotations:
                if (
                    rotation.mediator_id == absent.pk
                    and rotation.weekday == day.weekday()
                    and rotation.valid_from <= day <= rotation.valid_until
                ):
                    staffing_services.replacement_set(
                        actor=planner,
                        rotation=rotation,
                        on=day,
                        replacement=context.profiles[replacements[day.weekday()]],
                    )
        day += timedelta(days=1)


@dataclass
class _PlannedShift:
    presence: object
    client_uuid: uuid.UUID
    started_at: datetime
    ended_at: datetime
    event: object = None

    @property
    def minutes(self) -> int:
        return int((self.ended_at - self.started_at).total_seconds() // 60)


def _shifts_load(spec, contract: Contract, context: _Context, report: StaffingReport) -> None:
    """Record, through the shift services, every planned presence worked up to yesterday."""
    last_day = min(contract.ends_on, context.today - timedelta(days=1))
    if last_day < contract.starts_on:
        return
    planned = _worked_presences(spec, contract, contract.starts_on, last_day, context.today)
    existing = set(Shift.objects.filter(contract=contract).values_list("client_uuid", flat=True))
    planner = context.users[spec.planner]
    for item in planned:
        if item.client_uuid in existing:
            report.shifts.add(False)
            continue
        report.shifts.add(True)
        report.corrections += _shift_record(item, contract, planner)


def _worked_presences(spec, contract: Contract, first_day: date, last_day: date, today: date):
    """The shifts the demo says were worked: planned presences with small, reproducible drifts."""
    monday = _this_monday(today)
    events = {
        (monday + timedelta(weeks=e.week, days=e.weekday), e.site, e.starts_at): e for e in spec.shift_events
    }
    worked = []
    busy_until = {}
    for presence in staffing_selectors.presences(contract.rotations.all(), first_day, last_day):
        if presence.mediator is None:
            continue
        rotation = presence.rotation
        key = f"{contract.reference}/{rotation.site.identifier}/{presence.date}/{rotation.starts_at:%H%M}"
        rng = random.Random(key)
        if spec.worked_minutes is None and rng.random() < MISSED_SHARE:
            continue
        started_at = presence.starts + timedelta(minutes=rng.choice(START_DRIFT))
        ended_at = presence.ends + timedelta(minutes=rng.choice(END_DRIFT))
        if rng.random() < 0.03:
            ended_at = presence.ends - timedelta(minutes=rng.randint(20, 45))
        # A mediator planned in two places at once (the deliberate conflict) works only the first.
        if busy_until.get(presence.mediator.pk, started_at) > started_at:
            continue
        busy_until[presence.mediator.pk] = ended_at
        worked.append(
            _PlannedShift(
                presence,
                uuid.uuid5(DEMO_NAMESPACE, key),
                started_at,
                ended_at,
                events.get((presence.date, rotation.site.identifier, rotation.starts_at)),
            )
        )
    if spec.worked_minutes is not None:
        worked = _fit_total(worked, spec.worked_minutes, random.Random(contract.reference))
    return worked


def _fit_total(worked: list[_PlannedShift], target: int, rng: random.Random) -> list[_PlannedShift]:
    """Drop presences as missed, then move ends by a minute here and there, until the worked minutes
    add up exactly to `target` (the hours a closed contract reported)."""
    total = sum(item.minutes for item in worked)
    for item in rng.sample(worked, len(worked)):
        if total - item.minutes < target:
            continue
        worked.remove(item)
        total -= item.minutes
    step = -1 if total > target else 1
    order = rng.sample(worked, len(worked))
    for index in range(abs(total - target)):
        order[index % len(order)].ended_at += timedelta(minutes=step)
    return worked


def _shift_record(item: _PlannedShift, contract: Contract, planner: User) -> int:
    """Start and end one past shift as the tablet would have; returns 1 if a coordinator corrected it."""
    presence, event = item.presence, item.event
    mediator = presence.mediator
    started_at, ended_at = item.started_at, item.ended_at
    if event is not None and event.recorded_start:
        started_at = _at(presence.date, event.recorded_start)
    if event is not None and event.recorded_end:
        ended_at = _at(presence.date, event.recorded_end)
    shift = staffing_services.shift_start(
        actor=mediator.user,
        mediator=mediator,
        site=presence.site,
        client_uuid=item.client_uuid,
        rotation=presence.rotation,
        contract=contract,
        at=started_at,
    )
    if event is not None and event.kind == "forgotten_end":
        staffing_services.shift_close_forgotten(
            actor=mediator.user, shift=shift, ended_at=_at(presence.date, event.real_end)
        )
        return 0
    shift = staffing_services.shift_end(actor=mediator.user, shift=shift, at=ended_at)
    if event is None or event.kind != "corrected":
        return 0
    staffing_services.shift_correct(
        actor=planner,
        shift=shift,
        started_at=_at(presence.date, event.real_start) if event.real_start else shift.started_at,
        ended_at=_at(presence.date, event.real_end) if event.real_end else shift.ended_at,
        reason=event.reason,
    )
    return 1


def _at(day: date, moment) -> datetime:
    return timezone.make_aware(datetime.combine(day, moment))
