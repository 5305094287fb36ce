"""Step 2, staffing: operators, accounts, contracts, the rotation plan, absences and the shifts worked.

Each département with mediation has one or two *programmes*: an association working for La Poste's
regional direction, or La Poste's own trained staff working for the département's CDPPT. A programme's
contracts follow one another year after year (the last one is in force); its post offices have their
half-day presences (the blocks of the week-type plan), held by a team of mediators, either one per
office ("always the same mediator") or by rotation. Mediators leave and are replaced; they take leave,
fall ill, go to training, and a teammate replaces them or the presence is cancelled.

The shifts are drawn day by day from that plan, as `presences()` of the staffing selectors reads it:
a planned presence, after absences and replacements, worked with a few minutes' drift — or missed,
now and then. Times are wall-clock times in Paris turned into UTC instants; a shift's minutes are the
real elapsed minutes, as `shift_end` counts them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from tremplin.accounts.models import Membership, Operator, User
from tremplin.core.roles import Role
from tremplin.staffing.models import (
    Absence,
    Certification,
    Contract,
    ContractSite,
    MediatorProfile,
    Replacement,
    Rotation,
    Shift,
    ShiftCorrection,
)
from tremplin.staffing.services import DEFAULT_CLOSING_TIME, FORGOTTEN_END_GRACE, UNPLANNED_SHIFT_LENGTH

from . import names
from .context import EMAIL_DOMAIN, OPERATOR_SUFFIX, Context, local, local_day, random_uuid
from .territory import SitePlan, Territory

#: Share of the initial team among all the mediators the programme will have had (the rest replace
#: those who leave).
INITIAL_TEAM_SHARE = 0.85
#: Most half-days a week one mediator is planned for.
MAX_HALF_DAYS = 9
#: Half-day presences per week at an office, and how often each number is contracted.
HALF_DAYS = {8: 20, 10: 35, 11: 45}
MORNINGS = ((time(9, 0), time(12, 30)), (time(9, 30), time(12, 30)), (time(9, 0), time(12, 0)))
AFTERNOONS = ((time(13, 30), time(17, 0)), (time(14, 0), time(17, 30)), (time(14, 0), time(17, 0)))
#: Share of an office's half-days held by two mediators at once (more in priority neighbourhoods).
DOUBLED_SHARE = 0.35
DOUBLED_SHARE_QPV = 0.6
#: Share of a département's programmes run by an association (the others by La Poste's own staff).
ASSOCIATION_SHARE = 0.65
#: Share of programmes that start with the period; the others start during its first fifteen months.
STARTING_SHARE = 0.65
CONTRACT_MONTHS = 12

MISSED_SHARE = 0.03
START_DRIFT = (-6, -4, -3, -2, -1, 0, 0, 0, 1, 2, 3, 4, 5, 7, 9)
END_DRIFT = (-12, -8, -5, -3, -2, -1, 0, 0, 0, 1, 2, 4, 6, 9)
EARLY_END_SHARE = 0.03
CORRECTED_SHARE = 0.004
FORGOTTEN_SHARE = 0.003
CORRECTION_REASONS = (
    "Début pointé en retard : la médiatrice était présente à l'ouverture.",
    "Fin pointée après la fermeture par erreur.",
    "Tablette déchargée : horaires repris de la feuille de présence.",
    "Oubli de pointage à l'arrivée.",
)
#: What happens to a presence whose mediator is away: a teammate replaces, it is cancelled, or
#: nobody decided (uncovered).
REPLACED, CANCELLED = 0.45, 0.35

ASSOCIATION_WORDS = (
    ("Passerelle", "numérique"),
    ("Tremplin", "connecté"),
    ("Clic", "solidaire"),
    ("Trait d'union", "numérique"),
    ("Relais", "numérique"),
    ("Lien", "numérique"),
    ("Cap", "numérique"),
    ("Pas à pas", "numérique"),
    ("Les Connecteurs", "solidaires"),
    ("Médiation", "pour tous"),
)
LANGUAGES = ("arabe", "anglais", "espagnol", "portugais", "turc", "wolof", "roumain", "tamoul", "berbère")
CERTIFICATIONS = (
    ("Titre professionnel de responsable d'espace de médiation numérique", "Ministère du Travail", None),
    ("Certification Pix", "Pix", 3 * 365),
    ("Habilitation Aidants Connect", "ANCT", None),
    ("Formation certifiante médiation numérique", "La Poste — Université du Groupe", None),
    ("Formation initiale de conseiller numérique", "ANCT", None),
)


# ---------------------------------------------------------------------------------------------
# The plan
# ---------------------------------------------------------------------------------------------


@dataclass(eq=False)
class OperatorPlan:
    id: int
    name: str
    kind: str
    departement_ids: list[int]
    coordinators: list[int] = field(default_factory=list)


@dataclass(eq=False, slots=True)
class MediatorPlan:
    id: int
    user_id: int
    operator_id: int
    position: int
    active_from: date
    active_until: date | None
    #: (first day, last day, when it was entered)
    absences: list[tuple[date, date, datetime]] = field(default_factory=list)

    def active_on(self, day: date) -> bool:
        return self.active_from <= day and (self.active_until is None or day <= self.active_until)

    def absent_on(self, day: date) -> tuple[date, date, datetime] | None:
        for absence in self.absences:
            if absence[0] <= day <= absence[1]:
                return absence
        return None


@dataclass(eq=False)
class Block:
    site: SitePlan
    weekday: int
    half: int  # 0 morning, 1 afternoon
    starts: time
    ends: time
    position: int = -1

    @property
    def minutes(self) -> int:
        return (self.ends.hour * 60 + self.ends.minute) - (self.starts.hour * 60 + self.starts.minute)


@dataclass(eq=False)
class ContractPlan:
    id: int
    programme: Programme
    reference: str
    starts_on: date
    ends_on: date
    status: str
    #: The share of interaction time this contract's mediators spend on digital assistance.
    digital_share: float


@dataclass(eq=False, slots=True)
class RotationPlan:
    id: int
    contract: ContractPlan
    mediator: MediatorPlan
    site: SitePlan
    weekday: int
    starts: time
    ends: time
    valid_from: date
    valid_until: date


@dataclass(eq=False)
class Programme:
    number: int
    departement_id: int
    provider: OperatorPlan
    client: OperatorPlan
    sites: list[SitePlan]
    rotating: bool
    starts_on: date
    blocks: list[Block] = field(default_factory=list)
    #: Each position's successive holders.
    positions: list[list[MediatorPlan]] = field(default_factory=list)
    contracts: list[ContractPlan] = field(default_factory=list)

    def team_on(self, day: date) -> list[MediatorPlan]:
        return [m for holders in self.positions for m in holders if m.active_on(day)]


@dataclass
class Staffing:
    operators: list[OperatorPlan]
    programmes: list[Programme]
    mediators: list[MediatorPlan]
    rotations: list[RotationPlan]
    #: Planned hours over the period, weighted by how busy each office is (what the mediation step
    #: calibrates its rate on).
    expected_hours: float
    expected_shifts: int


def build(context: Context, territory: Territory) -> Staffing:
    rng = context.rng("staffing")
    sink = context.sink
    period = context.period
    accounts = _Accounts(context, rng)

    # Operators: La Poste's regional directions, the départements' CDPPTs, associations, a national funder.
    directions: dict[int | None, OperatorPlan] = {}
    cdppts: dict[int, OperatorPlan] = {}
    operators: list[OperatorPlan] = []

    def operator(name: str, kind: str, departement_ids: list[int]) -> OperatorPlan:
        plan = OperatorPlan(sink[Operator].allocate(), name + OPERATOR_SUFFIX, kind, departement_ids)
        operators.append(plan)
        return plan

    for departement_id in territory.mediation:
        code, name, region_id = territory.departements[departement_id]
        if region_id not in directions:
            region = territory.regions.get(region_id, name)
            directions[region_id] = operator(
                f"La Poste — Direction régionale {region}", Operator.Kind.LA_POSTE, []
            )
        directions[region_id].departement_ids.append(departement_id)
        cdppts[departement_id] = operator(
            f"CDPPT {code} — {name}", Operator.Kind.PUBLIC_BODY, [departement_id]
        )
    national = operator("Observatoire national de la présence postale", Operator.Kind.PUBLIC_BODY, [])

    programmes: list[Programme] = []
    associations_by_region: dict[int | None, list[OperatorPlan]] = {}
    for departement_id, sites in territory.mediation.items():
        code, name, region_id = territory.departements[departement_id]
        groups = [sites]
        if len(sites) >= 6 and rng.random() < 0.4:
            cut = len(sites) // 2
            groups = [sites[:cut], sites[cut:]]
        for group in groups:
            # The first two programmes are one of each kind: even a tiny nation has an association
            # and La Poste's own mediation, two operators whose data tenancy keeps apart.
            drawn = rng.random() < ASSOCIATION_SHARE
            if len(programmes) == 0 or (len(programmes) > 1 and drawn):
                known = associations_by_region.setdefault(region_id, [])
                if known and rng.random() < 0.3:
                    provider = rng.choice(known)
                    provider.departement_ids.append(departement_id)
                else:
                    first, second = ASSOCIATION_WORDS[(len(operators) + rng.randrange(10)) % 10]
                    provider = operator(
                        f"{first} {second} {code} — {name}", Operator.Kind.ASSOCIATION, [departement_id]
                    )
                    known.append(provider)
                client = directions[region_id]
            else:
                provider, client = directions[region_id], cdppts[departement_id]
            starts_on = period.first_day
            if rng.random() > STARTING_SHARE:
                starts_on += timedelta(days=rng.randrange(0, 15 * 30))
                starts_on -= timedelta(days=starts_on.weekday())
                starts_on = max(starts_on, period.first_day)
            programme = Programme(
                number=len(programmes) + 1,
                departement_id=departement_id,
                provider=provider,
                client=client,
                sites=group,
                rotating=rng.random() < 0.45,
                starts_on=starts_on,
            )
            programme.blocks = _blocks(group, rng)
            programmes.append(programme)

    for plan in operators:
        _write_operator(context, plan)
    accounts.staff(operators, directions.values(), cdppts, national, territory)

    mediators = _teams(context, programmes, accounts, rng)
    rotations: list[RotationPlan] = []
    for programme in programmes:
        _contracts(context, programme, rng)
        rotations += _rotations(context, programme)
    for mediator in mediators:
        _absences(context, mediator, rng)
    holidays = public_holidays(period.first_day.year, period.until.year)
    hours, shifts = _expected(rotations, period.first_day, period.until, holidays)
    context.counts.update(
        operators=len(operators),
        programmes=len(programmes),
        contracts=sum(len(p.contracts) for p in programmes),
        mediators=len(mediators),
        rotations=len(rotations),
        users=accounts.count,
    )
    return Staffing(operators, programmes, mediators, rotations, hours, shifts)


def _blocks(sites: list[SitePlan], rng: random.Random) -> list[Block]:
    """Each office's half-days of the week-type plan (Monday to Friday, Saturday morning)."""
    blocks = []
    slots = [(weekday, half) for weekday in range(5) for half in (0, 1)] + [(5, 0)]
    for site in sites:
        count = rng.choices(list(HALF_DAYS), weights=list(HALF_DAYS.values()))[0]
        morning, afternoon = rng.choice(MORNINGS), rng.choice(AFTERNOONS)
        for weekday, half in sorted(rng.sample(slots, count)):
            starts, ends = morning if half == 0 else afternoon
            blocks.append(Block(site, weekday, half, starts, ends))
            if rng.random() < (DOUBLED_SHARE_QPV if site.is_qpv else DOUBLED_SHARE):
                blocks.append(Block(site, weekday, half, starts, ends))
    return blocks


def _teams(context: Context, programmes: list[Programme], accounts: _Accounts, rng) -> list[MediatorPlan]:
    """Positions per programme (in proportion to its half-days), blocks given to positions, then the
    people holding them: an initial team, and replacements when someone leaves."""
    period = context.period
    total = context.sizes.mediators
    needs = []
    for programme in programmes:
        per_slot: dict[tuple[int, int], int] = {}
        for block in programme.blocks:
            per_slot[(block.weekday, block.half)] = per_slot.get((block.weekday, block.half), 0) + 1
        needs.append(max(-(-len(programme.blocks) // MAX_HALF_DAYS), max(per_slot.values(), default=1)))
    initial_total = max(sum(needs), round(total * INITIAL_TEAM_SHARE))
    weights = [len(p.blocks) or 1 for p in programmes]
    sizes = [
        max(need, round(initial_total * w / sum(weights))) for need, w in zip(needs, weights, strict=True)
    ]
    while sum(sizes) > initial_total:
        # Rounding up gave too many: take back from the largest teams above their need.
        spare = [i for i in range(len(sizes)) if sizes[i] > needs[i]]
        if not spare:
            break
        sizes[max(spare, key=lambda i: sizes[i])] -= 1
    mediators: list[MediatorPlan] = []
    for programme, size in zip(programmes, sizes, strict=True):
        _assign_blocks(programme, size, rng)
        for position in range(size):
            hired = programme.starts_on - timedelta(days=rng.randrange(0, 400))
            mediator = accounts.mediator(programme, position, hired)
            programme.positions.append([mediator])
            mediators.append(mediator)
    # Departures, each followed by a newcomer on the same position from the next day.
    leavers = max(0, total - len(mediators))
    positions = [(p, i) for p in programmes for i in range(len(p.positions))]
    for _ in range(leavers):
        programme, index = rng.choice(positions)
        holder = programme.positions[index][-1]
        earliest = max(holder.active_from, programme.starts_on) + timedelta(days=90)
        latest = period.until - timedelta(days=30)
        if earliest >= latest:
            earliest = latest - timedelta(days=1)
        leaves_on = earliest + timedelta(days=rng.randrange(0, max(1, (latest - earliest).days)))
        holder.active_until = leaves_on - timedelta(days=1)
        newcomer = accounts.mediator(programme, index, leaves_on)
        programme.positions[index].append(newcomer)
        mediators.append(newcomer)
    for mediator in mediators:
        accounts.write_mediator(mediator, rng)
    return mediators


def _assign_blocks(programme: Programme, size: int, rng: random.Random) -> None:
    """One office, one mediator (a fixed team), or the least busy free mediator (a rotating team)."""
    load = [0] * size
    busy: set[tuple[int, int, int]] = set()
    home: dict[int, int] = {}
    for block in sorted(programme.blocks, key=lambda b: (b.weekday, b.half, b.site.id)):
        free = [
            i for i in range(size) if (i, block.weekday, block.half) not in busy and load[i] < MAX_HALF_DAYS
        ]
        if not free:
            free = [i for i in range(size) if (i, block.weekday, block.half) not in busy]
        preferred = home.get(block.site.id)
        if not programme.rotating and preferred in free:
            chosen = preferred
        else:
            chosen = min(free, key=lambda i: (load[i], rng.random()))
        home.setdefault(block.site.id, chosen)
        block.position = chosen
        load[chosen] += 1
        busy.add((chosen, block.weekday, block.half))


def _contracts(context: Context, programme: Programme, rng: random.Random) -> None:
    period = context.period
    sink = context.sink
    provider, client = programme.provider, programme.client
    acronym = "".join(word[0] for word in provider.name.split()[:3] if word[0].isalpha()).upper()
    code = programme.sites[0].commune.code[:2] if programme.sites else "00"
    weekly: dict[int, int] = {}
    for block in programme.blocks:
        weekly[block.site.id] = weekly.get(block.site.id, 0) + block.minutes
    starts_on = programme.starts_on
    number = 0
    while starts_on <= period.until:
        number += 1
        ends_on = _add_months(starts_on, CONTRACT_MONTHS) - timedelta(days=1)
        status = Contract.Status.CLOSED if ends_on < period.until else Contract.Status.ACTIVE
        contract = ContractPlan(
            id=sink[Contract].allocate(),
            programme=programme,
            reference=f"{acronym}-{code}-P{programme.number:03d}-{starts_on.year}-{number}",
            starts_on=starts_on,
            ends_on=ends_on,
            status=status,
            digital_share=rng.uniform(0.44, 0.52),
        )
        programme.contracts.append(contract)
        weeks = ((ends_on - starts_on).days + 1) / 7 * 47 / 52
        created = local(starts_on - timedelta(days=rng.randrange(10, 40)), time(10, 0))
        table = sink[Contract]
        sink.add(
            table,
            table.Row(
                id=contract.id,
                created_at=created,
                updated_at=created,
                operator_id=provider.id,
                client_id=client.id,
                reference=contract.reference,
                title=f"Médiation numérique en bureaux de poste — {programme.sites[0].commune.name} "
                f"et alentours, {starts_on.year}–{ends_on.year}",
                starts_on=starts_on,
                ends_on=ends_on,
                contracted_minutes=round(sum(weekly.values()) * weeks / 60) * 60,
                reporting_period=(
                    Contract.ReportingPeriod.QUARTERLY
                    if client.kind == Operator.Kind.PUBLIC_BODY
                    else Contract.ReportingPeriod.MONTHLY
                ),
                status=status,
            ),
        )
        table = sink[ContractSite]
        for site in programme.sites:
            sink.add(
                table,
                table.Row(
                    id=table.allocate(),
                    contract_id=contract.id,
                    site_id=site.id,
                    weekly_minutes=weekly.get(site.id),
                ),
            )
        starts_on = ends_on + timedelta(days=1)


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise ValueError(day)


def _rotations(context: Context, programme: Programme) -> list[RotationPlan]:
    """One rotation per block, contract and holder of the block's position over the contract."""
    sink = context.sink
    table = sink[Rotation]
    rotations = []
    for contract in programme.contracts:
        created = local(contract.starts_on - timedelta(days=7), time(11, 0))
        for block in sorted(programme.blocks, key=lambda b: (b.weekday, b.half, b.site.id, b.position)):
            for holder in programme.positions[block.position]:
                valid_from = max(contract.starts_on, holder.active_from)
                valid_until = min(contract.ends_on, holder.active_until or contract.ends_on)
                if valid_until < valid_from:
                    continue
                rotation = RotationPlan(
                    table.allocate(),
                    contract,
                    holder,
                    block.site,
                    block.weekday,
                    block.starts,
                    block.ends,
                    valid_from,
                    valid_until,
                )
                rotations.append(rotation)
                sink.add(
                    table,
                    table.Row(
                        id=rotation.id,
                        created_at=created,
                        updated_at=created,
                        contract_id=contract.id,
                        mediator_id=holder.id,
                        site_id=block.site.id,
                        weekday=block.weekday,
                        starts_at=block.starts,
                        ends_at=block.ends,
                        valid_from=valid_from,
                        valid_until=valid_until,
                    ),
                )
    return rotations


def _absences(context: Context, mediator: MediatorPlan, rng: random.Random) -> None:
    """Leave in summer and winter, a few days of sickness, a training day or two, each year of work;
    planned up to six weeks past the period (the coming weeks of the plan)."""
    period = context.period
    first = max(mediator.active_from, period.first_day - timedelta(days=30))
    last = min(mediator.active_until or date.max, period.until + timedelta(weeks=6))
    wanted: list[tuple[date, int, str, int]] = []  # (start, days, reason, notice in days)
    for year in range(first.year, last.year + 1):
        summer = date(year, 7, 1) + timedelta(days=rng.randrange(0, 50))
        wanted.append((summer - timedelta(days=summer.weekday()), 13, Absence.Reason.LEAVE, 60))
        winter = (
            date(year, 12, 20)
            if rng.random() < 0.6
            else date(year, 2, 10) + timedelta(days=rng.randrange(0, 14))
        )
        wanted.append((winter - timedelta(days=winter.weekday()), 6, Absence.Reason.LEAVE, 45))
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
            wanted.append(
                (
                    date(year, 1, 1) + timedelta(days=rng.randrange(0, 365)),
                    rng.randint(0, 4),
                    Absence.Reason.SICKNESS,
                    0,
                )
            )
        if rng.random() < 0.8:
            wanted.append(
                (
                    date(year, 1, 1) + timedelta(days=rng.randrange(0, 365)),
                    rng.randint(0, 1),
                    Absence.Reason.TRAINING,
                    30,
                )
            )
    table = context.sink[Absence]
    for starts_on, days, reason, notice in sorted(wanted):
        ends_on = starts_on + timedelta(days=days)
        if starts_on < first or ends_on > last:
            continue
        if any(not (ends_on < a or starts_on > b) for a, b, _entered in mediator.absences):
            continue
        entered = local(starts_on - timedelta(days=notice), time(9, 15))
        mediator.absences.append((starts_on, ends_on, entered))
        context.sink.add(
            table,
            table.Row(
                id=table.allocate(),
                created_at=entered,
                updated_at=entered,
                mediator_id=mediator.id,
                starts_on=starts_on,
                ends_on=ends_on,
                reason=reason,
            ),
        )


def public_holidays(first_year: int, last_year: int) -> set[date]:
    """France's public holidays: post offices are closed, nobody is planned."""
    days = set()
    for year in range(first_year, last_year + 1):
        easter = _easter(year)
        days |= {
            date(year, 1, 1),
            easter + timedelta(days=1),
            date(year, 5, 1),
            date(year, 5, 8),
            easter + timedelta(days=39),
            easter + timedelta(days=50),
            date(year, 7, 14),
            date(year, 8, 15),
            date(year, 11, 1),
            date(year, 11, 11),
            date(year, 12, 25),
        }
    return days


def _easter(year: int) -> date:
    """Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (h + m - 7 * ((a + 11 * h + 22 * m) // 451) + 114) // 31
    p = (h + m - 7 * ((a + 11 * h + 22 * m) // 451) + 114) % 31
    return date(year, n, p + 1)


def _expected(rotations, first_day: date, until: date, holidays: set[date]) -> tuple[float, int]:
    """Planned hours (each weighted by its office's busyness) and presences over the period, before
    absences and misses."""
    minutes = 0
    count = 0
    for rotation in rotations:
        start, end = max(rotation.valid_from, first_day), min(rotation.valid_until, until)
        if end < start:
            continue
        first = start + timedelta(days=(rotation.weekday - start.weekday()) % 7)
        if first > end:
            continue
        dates = (end - first).days // 7 + 1
        dates -= sum(1 for day in holidays if first <= day <= end and day.weekday() == rotation.weekday)
        count += dates
        minutes += (
            dates
            * (
                (rotation.ends.hour - rotation.starts.hour) * 60
                + rotation.ends.minute
                - rotation.starts.minute
            )
            * rotation.site.busyness
        )
    return minutes / 60, count


# ---------------------------------------------------------------------------------------------
# Accounts
# ---------------------------------------------------------------------------------------------


class _Accounts:
    """Users, memberships and mediator profiles; every address on the synthetic domain."""

    def __init__(self, context: Context, rng: random.Random):
        self.context = context
        self.rng = rng
        self.count = 0

    def user(self, *, joined: date, active: bool = True, gender: str = "") -> tuple[int, str, str]:
        sink = self.context.sink
        table = sink[User]
        pk = table.allocate()
        first, last = names.first_name(self.rng, gender), names.surname(self.rng)
        joined_at = local(joined, time(9, 0))
        sink.add(
            table,
            table.Row(
                id=pk,
                password=names.unusable_password(self.rng),
                last_login=None,
                is_superuser=False,
                first_name=first,
                last_name=last,
                is_staff=False,
                is_active=active,
                date_joined=joined_at,
                email=f"{names.slug(first)}.{names.slug(last)}.{pk}@{EMAIL_DOMAIN}",
            ),
        )
        self.count += 1
        return pk, first, last

    def membership(
        self,
        *,
        user_id: int,
        operator_id: int,
        role: str,
        joined: date,
        active: bool = True,
        is_national: bool = False,
        departement_ids=(),
    ) -> int:
        sink = self.context.sink
        table = sink[Membership]
        pk = table.allocate()
        created = local(joined, time(9, 5))
        sink.add(
            table,
            table.Row(
                id=pk,
                created_at=created,
                updated_at=created,
                user_id=user_id,
                operator_id=operator_id,
                role=role,
                is_national=is_national,
                is_active=active,
            ),
        )
        through = sink[Membership.departements.through]
        for departement_id in departement_ids:
            sink.add(
                through, through.Row(id=through.allocate(), membership_id=pk, departement_id=departement_id)
            )
        return pk

    def staff(
        self, operators, directions, cdppts: dict, national: OperatorPlan, territory: Territory
    ) -> None:
        """An administrator and coordinators for each operator that employs mediators or is a client;
        a funder in each CDPPT (its département) and at the national observatory."""
        joined = self.context.period.first_day - timedelta(days=60)
        providers_and_clients = [
            o for o in operators if o.kind in (Operator.Kind.ASSOCIATION, Operator.Kind.LA_POSTE)
        ]
        for plan in providers_and_clients:
            user_id, _first, _last = self.user(joined=joined)
            self.membership(user_id=user_id, operator_id=plan.id, role=Role.ADMIN, joined=joined)
            for _ in range(2 if plan.kind == Operator.Kind.LA_POSTE else self.rng.choice((1, 1, 2))):
                user_id, _first, _last = self.user(joined=joined)
                self.membership(user_id=user_id, operator_id=plan.id, role=Role.COORDINATOR, joined=joined)
                plan.coordinators.append(user_id)
        for departement_id, plan in cdppts.items():
            user_id, _first, _last = self.user(joined=joined)
            self.membership(
                user_id=user_id,
                operator_id=plan.id,
                role=Role.FUNDER,
                joined=joined,
                departement_ids=[departement_id],
            )
        for _ in range(2):
            user_id, _first, _last = self.user(joined=joined)
            self.membership(
                user_id=user_id, operator_id=national.id, role=Role.FUNDER, joined=joined, is_national=True
            )

    def mediator(self, programme: Programme, position: int, hired: date) -> MediatorPlan:
        profile_table = self.context.sink[MediatorProfile]
        return MediatorPlan(
            id=profile_table.allocate(),
            user_id=0,
            operator_id=programme.provider.id,
            position=position,
            active_from=hired,
            active_until=None,
        )

    def write_mediator(self, mediator: MediatorPlan, rng: random.Random) -> None:
        """The account, its membership, the profile and its trainings (once the departure is known)."""
        active = mediator.active_until is None or mediator.active_until >= self.context.period.until
        mediator.user_id, _first, _last = self.user(joined=mediator.active_from, active=active)
        self.membership(
            user_id=mediator.user_id,
            operator_id=mediator.operator_id,
            role=Role.MEDIATOR,
            joined=mediator.active_from,
            active=active,
        )
        sink = self.context.sink
        table = sink[MediatorProfile]
        created = local(mediator.active_from, time(9, 10))
        sink.add(
            table,
            table.Row(
                id=mediator.id,
                created_at=created,
                updated_at=created,
                user_id=mediator.user_id,
                operator_id=mediator.operator_id,
                languages=", ".join(rng.sample(LANGUAGES, rng.choice((1, 1, 2))))
                if rng.random() < 0.2
                else "",
                active_from=mediator.active_from,
                active_until=mediator.active_until,
            ),
        )
        table = sink[Certification]
        for name, issuer, valid_days in rng.sample(CERTIFICATIONS, rng.randint(1, 3)):
            obtained = mediator.active_from + timedelta(days=rng.randrange(-400, 200))
            obtained = min(obtained, self.context.period.until)
            sink.add(
                table,
                table.Row(
                    id=table.allocate(),
                    mediator_id=mediator.id,
                    name=name,
                    issuer=issuer,
                    obtained_on=obtained,
                    expires_on=obtained + timedelta(days=valid_days) if valid_days else None,
                ),
            )


def _write_operator(context: Context, plan: OperatorPlan) -> None:
    sink = context.sink
    table = sink[Operator]
    sink.add(
        table,
        table.Row(
            id=plan.id,
            created_at=context.created_at,
            updated_at=context.created_at,
            name=plan.name,
            kind=plan.kind,
            siret="",
            is_active=True,
        ),
    )
    through = sink[Operator.departements.through]
    for departement_id in dict.fromkeys(plan.departement_ids):
        sink.add(
            through, through.Row(id=through.allocate(), operator_id=plan.id, departement_id=departement_id)
        )


# ---------------------------------------------------------------------------------------------
# The shifts of a day
# ---------------------------------------------------------------------------------------------


@dataclass(eq=False, slots=True)
class ShiftPlan:
    id: int
    mediator: MediatorPlan
    site: SitePlan
    contract: ContractPlan
    rotation: RotationPlan
    started_at: datetime
    ended_at: datetime
    #: The end was given later (the shift stayed open in the meantime).
    forgotten: bool
    #: Until when the shift was open in the app (after its end when the end was forgotten).
    open_until: datetime

    @property
    def minutes(self) -> int:
        return int((self.ended_at - self.started_at).total_seconds() // 60)


class Days:
    """Draws the shifts worked on each day from the plan, and writes them with their replacements."""

    def __init__(self, context: Context, staffing: Staffing):
        self.context = context
        self.sink = context.sink
        self.rng = context.rng("shifts")
        self.holidays = public_holidays(context.period.first_day.year, context.period.until.year)
        self.by_weekday: dict[int, list[RotationPlan]] = {weekday: [] for weekday in range(7)}
        for rotation in sorted(staffing.rotations, key=lambda r: (r.starts, r.id)):
            self.by_weekday[rotation.weekday].append(rotation)
        self.coordinators = {p.provider.id: p.provider.coordinators for p in staffing.programmes}
        self.shifts = 0
        self.minutes = 0

    def shifts_of(self, day: date) -> list[ShiftPlan]:
        if day in self.holidays:
            return []
        rng = self.rng
        planned = [r for r in self.by_weekday[day.weekday()] if r.valid_from <= day <= r.valid_until]
        busy: dict[int, list[tuple[time, time]]] = {}
        workers: list[tuple[RotationPlan, MediatorPlan]] = []
        away: list[tuple[RotationPlan, tuple]] = []
        for rotation in planned:
            absence = rotation.mediator.absent_on(day)
            if absence is None:
                workers.append((rotation, rotation.mediator))
                busy.setdefault(rotation.mediator.id, []).append((rotation.starts, rotation.ends))
            else:
                away.append((rotation, absence))
        for rotation, absence in away:
            draw = rng.random()
            if draw >= REPLACED + CANCELLED:
                continue  # uncovered: nobody decided anything, nobody came
            replacement = None
            if draw < REPLACED:
                replacement = self._free_teammate(rotation, day, busy)
            self._replacement(rotation, day, replacement, absence[2])
            if replacement is not None:
                workers.append((rotation, replacement))
                busy.setdefault(replacement.id, []).append((rotation.starts, rotation.ends))
        shifts = []
        for rotation, mediator in workers:
            if rng.random() < MISSED_SHARE:
                continue
            shifts.append(self._shift(rotation, mediator, day, rng))
        shifts.sort(key=lambda s: (s.started_at, s.id))
        return shifts

    def _free_teammate(self, rotation: RotationPlan, day: date, busy) -> MediatorPlan | None:
        team = rotation.contract.programme.team_on(day)
        candidates = [
            m
            for m in team
            if m is not rotation.mediator
            and m.absent_on(day) is None
            and all(rotation.ends <= start or end <= rotation.starts for start, end in busy.get(m.id, ()))
        ]
        return self.rng.choice(candidates) if candidates else None

    def _replacement(self, rotation: RotationPlan, day: date, replacement, entered: datetime) -> None:
        table = self.sink[Replacement]
        entered = min(entered + timedelta(hours=2), local(day, time(8, 0)))
        self.sink.add(
            table,
            table.Row(
                id=table.allocate(),
                created_at=entered,
                updated_at=entered,
                rotation_id=rotation.id,
                date=day,
                replacement_id=replacement.id if replacement else None,
            ),
        )

    def _shift(self, rotation: RotationPlan, mediator: MediatorPlan, day: date, rng) -> ShiftPlan:
        planned_start, planned_end = local(day, rotation.starts), local(day, rotation.ends)
        started_at = planned_start + timedelta(minutes=rng.choice(START_DRIFT), seconds=rng.randrange(60))
        ended_at = planned_end + timedelta(minutes=rng.choice(END_DRIFT), seconds=rng.randrange(60))
        if rng.random() < EARLY_END_SHARE:
            ended_at = planned_end - timedelta(minutes=rng.randint(20, 45))
        shift = ShiftPlan(
            id=self.sink[Shift].allocate(),
            mediator=mediator,
            site=rotation.site,
            contract=rotation.contract,
            rotation=rotation,
            started_at=started_at,
            ended_at=ended_at,
            forgotten=False,
            open_until=ended_at,
        )
        draw = rng.random()
        corrected_at = None
        recorded_start, recorded_end = started_at, ended_at
        updated_at = ended_at
        if draw < FORGOTTEN_SHARE:
            # Ended the next time the mediator opened the app, with the real end time.
            shift.forgotten = True
            expected = expected_end(rotation.ends, recorded_start)
            updated_at = min(expected + timedelta(minutes=rng.randint(10, 600)), self.context.end)
            shift.open_until = updated_at
        elif draw < FORGOTTEN_SHARE + CORRECTED_SHARE and self.coordinators.get(
            rotation.contract.programme.provider.id
        ):
            recorded_start = started_at + timedelta(minutes=rng.randint(15, 50))
            corrected_at = min(ended_at + timedelta(days=rng.randint(1, 6)), self.context.end)
            updated_at = corrected_at
            table = self.sink[ShiftCorrection]
            self.sink.add(
                table,
                table.Row(
                    id=table.allocate(),
                    shift_id=shift.id,
                    corrected_by_id=rng.choice(self.coordinators[rotation.contract.programme.provider.id]),
                    at=corrected_at,
                    previous_started_at=recorded_start,
                    previous_ended_at=recorded_end,
                    started_at=started_at,
                    ended_at=ended_at,
                    reason=rng.choice(CORRECTION_REASONS),
                ),
            )
        table = self.sink[Shift]
        self.sink.add(
            table,
            table.Row(
                id=shift.id,
                created_at=recorded_start,
                updated_at=updated_at,
                client_uuid=random_uuid(rng),
                operator_id=rotation.contract.programme.provider.id,
                mediator_id=mediator.id,
                site_id=rotation.site.id,
                contract_id=rotation.contract.id,
                rotation_id=rotation.id,
                started_at=started_at,
                ended_at=ended_at,
                minutes=shift.minutes,
                expected_end_at=expected_end(rotation.ends, recorded_start),
                end_was_forgotten=shift.forgotten,
                corrected_at=corrected_at,
            ),
        )
        self.shifts += 1
        self.minutes += shift.minutes
        return shift


def expected_end(planned_end: time, started_at: datetime) -> datetime:
    """As `shift_start` sets it: the planned end on the local day, and an hour's grace after it."""
    end = local(local_day(started_at), planned_end or DEFAULT_CLOSING_TIME)
    if end <= started_at:
        end = started_at + UNPLANNED_SHIFT_LENGTH
    return end + FORGOTTEN_END_GRACE
