"""Reads of the staffing app: what is planned, what was worked, and how the two compare.

Planned presences are expanded from the rotation plan day by day (wall-clock times in Europe/Paris);
worked minutes are real elapsed minutes, cut at period boundaries in local time, so a shift over
midnight or over a clock change counts each minute once, in the period it was worked.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from tremplin.core.roles import Role
from tremplin.core.tenancy import Viewer

from .models import Absence, Contract, MediatorProfile, Replacement, Rotation, Shift

# ---------------------------------------------------------------------------------------------
# Visibility
# ---------------------------------------------------------------------------------------------


def contracts_visible_to(viewer: Viewer):
    return Contract.objects.visible_to(viewer).select_related("operator", "client")


def contracts_editable_by(viewer: Viewer):
    """Only the provider's coordinators and admins plan a contract; its client reads it."""
    if not viewer.is_(Role.COORDINATOR, Role.ADMIN):
        return Contract.objects.none()
    return Contract.objects.filter(operator_id=viewer.operator_id)


def mediators_of(viewer: Viewer):
    return MediatorProfile.objects.visible_to(viewer).select_related("user")


def shifts_visible_to(viewer: Viewer):
    """Mediators see their own shifts; coordinators their operator's and their clients'; funders
    their scope."""
    shifts = Shift.objects.visible_to(viewer).select_related("site", "mediator__user", "contract")
    if viewer.is_(Role.MEDIATOR):
        shifts = shifts.filter(mediator__user_id=viewer.user_id)
    return shifts


def mediator_profile_for(viewer: Viewer) -> MediatorProfile | None:
    if not viewer.is_(Role.MEDIATOR, Role.COORDINATOR):
        return None
    return (
        MediatorProfile.objects.filter(user_id=viewer.user_id, operator_id=viewer.operator_id)
        .select_related("user", "operator")
        .first()
    )


# ---------------------------------------------------------------------------------------------
# Planned presences
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Presence:
    """One planned presence on one date, after absences and replacements."""

    rotation: Rotation
    date: date
    mediator: MediatorProfile | None  # None: cancelled (absent, nobody replaces)
    is_replacement: bool
    is_uncovered: bool  # the planned mediator is absent and no replacement was decided

    @property
    def site(self):
        return self.rotation.site

    @property
    def starts(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.date, self.rotation.starts_at))

    @property
    def ends(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.date, self.rotation.ends_at))

    @property
    def minutes(self) -> int:
        return self.rotation.minutes if self.mediator is not None else 0


def _days(start: date, end: date):
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def presences(rotations, start: date, end: date) -> list[Presence]:
    """Expands rotations into dated presences between start and end (inclusive), sorted by time."""
    rotations = list(rotations.select_related("site", "mediator__user", "contract"))
    if not rotations:
        return []
    mediator_ids = {r.mediator_id for r in rotations}
    absences = defaultdict(list)
    for absence in Absence.objects.filter(
        mediator_id__in=mediator_ids, starts_on__lte=end, ends_on__gte=start
    ):
        absences[absence.mediator_id].append((absence.starts_on, absence.ends_on))
    replacements = {
        (r.rotation_id, r.date): r
        for r in Replacement.objects.filter(
            rotation__in=[r.pk for r in rotations], date__range=(start, end)
        ).select_related("replacement__user")
    }
    by_weekday = defaultdict(list)
    for rotation in rotations:
        by_weekday[rotation.weekday].append(rotation)
    result = []
    for day in _days(start, end):
        for rotation in by_weekday[day.weekday()]:
            if day < rotation.valid_from or (rotation.valid_until and day > rotation.valid_until):
                continue
            if not (rotation.contract.starts_on <= day <= rotation.contract.ends_on):
                continue
            replacement = replacements.get((rotation.pk, day))
            absent = any(a <= day <= b for a, b in absences[rotation.mediator_id])
            if replacement is not None:
                result.append(
                    Presence(
                        rotation, day, replacement.replacement, replacement.replacement is not None, False
                    )
                )
            elif absent:
                result.append(Presence(rotation, day, None, False, True))
            else:
                result.append(Presence(rotation, day, rotation.mediator, False, False))
    result.sort(key=lambda p: (p.date, p.rotation.starts_at, p.rotation.site.name))
    return result


def todays_presences_for(mediator: MediatorProfile, day: date | None = None) -> list[Presence]:
    """The mediator's presences of the day under contracts in force (a draft or closed plan is not due)."""
    day = day or timezone.localdate()
    rotations = Rotation.objects.filter(
        Q(mediator=mediator) | Q(replacements__date=day, replacements__replacement=mediator),
        weekday=day.weekday(),
        contract__status=Contract.Status.ACTIVE,
    ).distinct()
    return [p for p in presences(rotations, day, day) if p.mediator == mediator]


def next_presence_at(site, *, now: datetime | None = None, horizon_days: int = 60) -> Presence | None:
    """The next time a mediator is planned at this site (what the public sees on the kiosk)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rotations = Rotation.objects.filter(site=site, contract__status=Contract.Status.ACTIVE)
    for presence in presences(rotations, today, today + timedelta(days=horizon_days)):
        if presence.mediator is not None and presence.ends > now:
            return presence
    return None


# ---------------------------------------------------------------------------------------------
# Conflicts in the plan
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    kind: str  # "double_booking" or "over_contract"
    message: str
    rotation_ids: tuple[int, ...]


def _overlap(a_start, a_end, b_start, b_end) -> bool:
    return a_start < b_end and b_start < a_end


def _periods_overlap(a: Rotation, b: Rotation) -> bool:
    far = date.max
    return a.valid_from <= (b.valid_until or far) and b.valid_from <= (a.valid_until or far)


def plan_conflicts(contract: Contract) -> list[Conflict]:
    """A mediator planned in two places at once (across all the operator's contracts), and sites
    planned beyond their contracted weekly hours."""
    from .models import Weekday

    conflicts = []
    own = list(contract.rotations.select_related("site", "mediator__user"))
    mediator_ids = {r.mediator_id for r in own}
    others = list(
        Rotation.objects.filter(mediator_id__in=mediator_ids)
        .exclude(contract=contract)
        .select_related("site", "mediator__user", "contract")
    )
    seen = set()
    for rotation in own:
        for other in own + others:
            if other.pk == rotation.pk or other.mediator_id != rotation.mediator_id:
                continue
            if other.weekday != rotation.weekday or not _periods_overlap(rotation, other):
                continue
            if not _overlap(rotation.starts_at, rotation.ends_at, other.starts_at, other.ends_at):
                continue
            key = tuple(sorted((rotation.pk, other.pk)))
            if key in seen:
                continue
            seen.add(key)
            conflicts.append(
                Conflict(
                    "double_booking",
                    f"{rotation.mediator} est prévu(e) à deux endroits "
                    f"le {Weekday(rotation.weekday).label} : "
                    f"{rotation.site} ({rotation.starts_at:%H:%M}–{rotation.ends_at:%H:%M}) et "
                    f"{other.site} ({other.starts_at:%H:%M}–{other.ends_at:%H:%M}).",
                    key,
                )
            )
    weekly = planned_weekly_minutes(contract, rotations=own)
    ids = defaultdict(list)
    today = timezone.localdate()
    for rotation in own:
        if rotation.valid_until and rotation.valid_until < today <= contract.ends_on:
            continue
        ids[rotation.site_id].append(rotation.pk)
    for contract_site in contract.contract_sites.select_related("site"):
        planned = weekly.get(contract_site.site_id, 0)
        if contract_site.weekly_minutes is not None and planned > contract_site.weekly_minutes:
            conflicts.append(
                Conflict(
                    "over_contract",
                    f"{contract_site.site} : {format_minutes(planned)} planifiées par semaine pour "
                    f"{format_minutes(contract_site.weekly_minutes)} prévues au contrat.",
                    tuple(ids[contract_site.site_id]),
                )
            )
    return conflicts


def format_minutes(minutes: int) -> str:
    """French hours and minutes: 90 → '1 h 30', 120 → '2 h'."""
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(int(minutes)), 60)
    return f"{sign}{hours} h {rest:02d}" if rest else f"{sign}{hours} h"


# ---------------------------------------------------------------------------------------------
# Hours of intervention
# ---------------------------------------------------------------------------------------------


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _clipped_minutes(shift: Shift, start: datetime, end: datetime) -> float:
    """Minutes of `shift` inside [start, end); open shifts count nothing until ended."""
    if shift.ended_at is None:
        return 0
    a = max(shift.started_at, start)
    b = min(shift.ended_at, end)
    return max((b - a).total_seconds() / 60, 0)


def worked_minutes_by_day(shifts, start: date, end: date) -> dict:
    """{shift: {local day: minutes}}: each ended shift cut at local midnights, within [start, end]."""
    result = {}
    for shift in shifts:
        if shift.ended_at is None:
            continue
        first = max(timezone.localdate(shift.started_at), start)
        last = min(timezone.localdate(shift.ended_at), end)
        per_day = {}
        for day in _days(first, last):
            minutes = _clipped_minutes(shift, _local_midnight(day), _local_midnight(day + timedelta(days=1)))
            if minutes:
                per_day[day] = minutes
        result[shift] = per_day
    return result


def shifts_overlapping(shifts, start: date, end: date):
    """Shifts that touch [start, end] in local days (an overnight shift from the day before included)."""
    return shifts.filter(started_at__lt=_local_midnight(end + timedelta(days=1))).filter(
        Q(ended_at__gt=_local_midnight(start)) | Q(ended_at__isnull=True)
    )


def hours_of_intervention(shifts, start: date, end: date) -> int:
    """Total worked minutes between start and end (local days, inclusive), cut at the boundaries."""
    low, high = _local_midnight(start), _local_midnight(end + timedelta(days=1))
    total = sum(_clipped_minutes(shift, low, high) for shift in shifts_overlapping(shifts, start, end))
    return round(total)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass
class WeekRow:
    site: object
    week: date
    planned: int
    worked: int

    @property
    def gap(self) -> int:
        return self.worked - self.planned


def _at_sites(queryset, site_ids, field: str = "site_id"):
    return queryset if site_ids is None else queryset.filter(**{f"{field}__in": site_ids})


def planned_vs_worked(contract: Contract, start: date, end: date, *, site_ids=None) -> list[WeekRow]:
    """Per site and ISO week (weeks starting on Monday): planned minutes, worked minutes, the gap;
    at the contract's sites among `site_ids` (all when None)."""
    planned = defaultdict(int)
    for presence in presences(_at_sites(contract.rotations.all(), site_ids), start, end):
        planned[(presence.rotation.site_id, week_start(presence.date))] += presence.minutes
    worked = defaultdict(float)
    shifts = shifts_overlapping(_at_sites(Shift.objects.filter(contract=contract), site_ids), start, end)
    for shift, per_day in worked_minutes_by_day(shifts, start, end).items():
        for day, minutes in per_day.items():
            worked[(shift.site_id, week_start(day))] += minutes
    contract_sites = _at_sites(contract.contract_sites.select_related("site"), site_ids)
    sites = {cs.site_id: cs.site for cs in contract_sites}
    rows = []
    week = week_start(start)
    while week <= end:
        for site_id, site in sorted(sites.items(), key=lambda item: item[1].name):
            rows.append(WeekRow(site, week, planned[(site_id, week)], round(worked[(site_id, week)])))
        week += timedelta(days=7)
    return rows


@dataclass
class Continuity:
    site: object
    total: int
    top_mediator: MediatorProfile | None
    top_minutes: int

    @property
    def share(self) -> float | None:
        return self.top_minutes / self.total if self.total else None


def continuity(contract: Contract, start: date, end: date, *, site_ids=None) -> list[Continuity]:
    """Per site (among `site_ids`, all when None): the share of worked hours done by its most frequent
    mediator.

    Clients value "always the same mediator"; this is how they see it."""
    per_site = defaultdict(lambda: defaultdict(float))
    shifts = shifts_overlapping(
        _at_sites(Shift.objects.filter(contract=contract), site_ids).select_related("mediator__user"),
        start,
        end,
    )
    mediators = {}
    for shift, per_day in worked_minutes_by_day(shifts, start, end).items():
        mediators[shift.mediator_id] = shift.mediator
        per_site[shift.site_id][shift.mediator_id] += sum(per_day.values())
    rows = []
    for contract_site in _at_sites(contract.contract_sites.select_related("site"), site_ids).order_by(
        "site__name"
    ):
        by_mediator = per_site.get(contract_site.site_id, {})
        total = round(sum(by_mediator.values()))
        if by_mediator:
            top_id = max(by_mediator, key=by_mediator.get)
            rows.append(Continuity(contract_site.site, total, mediators[top_id], round(by_mediator[top_id])))
        else:
            rows.append(Continuity(contract_site.site, 0, None, 0))
    return rows


def open_shift_of(mediator: MediatorProfile) -> Shift | None:
    return Shift.objects.filter(mediator=mediator, ended_at__isnull=True).select_related("site").first()


# ---------------------------------------------------------------------------------------------
# Planning pages: weekly load, conflicts of one presence, schedules
# ---------------------------------------------------------------------------------------------


def planned_weekly_minutes(contract: Contract, *, rotations=None, today: date | None = None) -> dict:
    """{site id: planned minutes of its busiest week}, from this week to the end of the contract.

    Presences that follow one another (one until June, the next from July) are not added up: the
    plan is measured week by week, in the weeks where it can change. A finished contract is
    measured over its whole period."""
    today = today or timezone.localdate()
    rotations = list(contract.rotations.all() if rotations is None else rotations)
    first = contract.starts_on if today > contract.ends_on else max(today, contract.starts_on)
    start, end = week_start(first), contract.ends_on
    weeks = {start}
    for rotation in rotations:
        for boundary in (
            rotation.valid_from,
            rotation.valid_until + timedelta(days=1) if rotation.valid_until else None,
        ):
            if boundary and start <= boundary <= end:
                weeks.update({week_start(boundary), week_start(boundary) + timedelta(days=7)})
    peak = defaultdict(int)
    for week in sorted(w for w in weeks if w <= end):
        load = defaultdict(int)
        for rotation in rotations:
            day = week + timedelta(days=rotation.weekday)
            last = min(rotation.valid_until or date.max, contract.ends_on)
            if max(rotation.valid_from, contract.starts_on) <= day <= last:
                load[rotation.site_id] += rotation.minutes
        for site_id, minutes in load.items():
            peak[site_id] = max(peak[site_id], minutes)
    return dict(peak)


def rotation_conflicts(rotation: Rotation) -> list[Conflict]:
    """The conflicts this presence would be part of if it were saved as it stands.

    `rotation` may be unsaved, or a saved one changed in memory: it is checked without writing,
    so the grid can warn before the coordinator saves."""
    from django.utils.translation import gettext as _

    from .models import ContractSite, Weekday

    contract = rotation.contract
    valid_from = rotation.valid_from or contract.starts_on
    valid_until = rotation.valid_until or contract.ends_on
    candidate = Rotation(
        pk=rotation.pk,
        contract=contract,
        mediator_id=rotation.mediator_id,
        site_id=rotation.site_id,
        weekday=rotation.weekday,
        starts_at=rotation.starts_at,
        ends_at=rotation.ends_at,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    conflicts = []
    others = (
        Rotation.objects.filter(mediator_id=candidate.mediator_id, weekday=candidate.weekday)
        .exclude(pk=candidate.pk)
        .select_related("site", "mediator__user", "contract")
    )
    for other in others:
        if not _periods_overlap(candidate, other):
            continue
        if not _overlap(candidate.starts_at, candidate.ends_at, other.starts_at, other.ends_at):
            continue
        conflicts.append(
            Conflict(
                "double_booking",
                _(
                    "%(mediator)s est déjà prévu(e) le %(day)s de %(start)s à %(end)s à %(site)s "
                    "(contrat %(contract)s)."
                )
                % {
                    "mediator": other.mediator,
                    "day": Weekday(other.weekday).label,
                    "start": format_clock(other.starts_at),
                    "end": format_clock(other.ends_at),
                    "site": other.site,
                    "contract": other.contract.reference,
                },
                (other.pk,),
            )
        )
    contracted = (
        ContractSite.objects.filter(contract=contract, site_id=candidate.site_id)
        .select_related("site")
        .first()
    )
    if contracted is not None and contracted.weekly_minutes is not None:
        plan = [*contract.rotations.filter(site_id=candidate.site_id).exclude(pk=candidate.pk), candidate]
        planned = planned_weekly_minutes(contract, rotations=plan).get(candidate.site_id, 0)
        if planned > contracted.weekly_minutes:
            conflicts.append(
                Conflict(
                    "over_contract",
                    _("%(site)s : %(planned)s planifiées par semaine pour %(contracted)s prévues au contrat.")
                    % {
                        "site": contracted.site,
                        "planned": format_minutes(planned),
                        "contracted": format_minutes(contracted.weekly_minutes),
                    },
                    tuple(r.pk for r in plan if r.pk),
                )
            )
    return conflicts


def format_clock(value: time) -> str:
    """French clock time: 9:00 → '9 h', 9:30 → '9 h 30'."""
    return f"{value.hour} h {value.minute:02d}" if value.minute else f"{value.hour} h"


def presences_of_mediator(mediator: MediatorProfile, start: date, end: date) -> list[Presence]:
    """What a mediator is to do between start and end: their own presences when not absent, and
    those where they replace someone. Only contracts in force count (a draft is not a schedule)."""
    rotations = (
        Rotation.objects.filter(
            Q(mediator=mediator)
            | Q(replacements__replacement=mediator, replacements__date__range=(start, end)),
            contract__status=Contract.Status.ACTIVE,
        )
        .distinct()
        .order_by()
    )
    return [p for p in presences(rotations, start, end) if p.mediator == mediator]


def schedule_sites_visible_to(viewer: Viewer):
    """Sites whose schedule a viewer may read: those covered by a contract the viewer sees."""
    from tremplin.territory.models import Site

    from .models import ContractSite

    contracts = Contract.objects.visible_to(viewer).values("pk")
    return Site.objects.filter(
        pk__in=ContractSite.objects.filter(contract__in=contracts).values("site_id")
    ).select_related("commune")


def presences_at_site(viewer: Viewer, site, start: date, end: date) -> list[Presence]:
    """Presences at a site under the contracts in force that the viewer sees."""
    contracts = Contract.objects.visible_to(viewer).filter(status=Contract.Status.ACTIVE).values("pk")
    return presences(Rotation.objects.filter(site=site, contract__in=contracts), start, end)


def busy_presences_on(operator_id: int, day: date) -> dict:
    """{mediator id: [presences]} of an operator's mediators on one day, replacements included."""
    rotations = Rotation.objects.filter(contract__operator_id=operator_id, weekday=day.weekday())
    busy = defaultdict(list)
    for presence in presences(rotations, day, day):
        if presence.mediator is not None:
            busy[presence.mediator.pk].append(presence)
    return dict(busy)


def clashes_with(presence: Presence, others: list[Presence]) -> list[Presence]:
    """The presences among `others` that overlap `presence` in time (itself excluded)."""
    return [
        other
        for other in others
        if other.rotation.pk != presence.rotation.pk
        and other.date == presence.date
        and _overlap(presence.starts, presence.ends, other.starts, other.ends)
    ]


def mediator_candidates(viewer: Viewer):
    """Members of the viewer's operator with the mediator role and no mediator profile yet."""
    from tremplin.accounts.models import User

    return (
        User.objects.filter(
            is_active=True,
            memberships__operator_id=viewer.operator_id,
            memberships__role=Role.MEDIATOR,
            memberships__is_active=True,
        )
        .exclude(mediator_profiles__operator_id=viewer.operator_id)
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


def contract_client_choices(viewer: Viewer, contract: Contract | None = None):
    """Operators a contract may be signed with: La Poste's directions and public bodies anywhere,
    and the other operators working in the viewer's départements (plus the current client)."""
    from tremplin.accounts.models import Operator

    condition = Q(kind__in=[Operator.Kind.LA_POSTE, Operator.Kind.PUBLIC_BODY]) | Q(
        departements__in=viewer.departement_ids
    )
    candidates = Operator.objects.filter(condition, is_active=True).exclude(pk=viewer.operator_id)
    keep = Q(pk__in=candidates.values("pk"))
    if contract is not None:
        keep |= Q(pk=contract.client_id)
    return Operator.objects.filter(keep).order_by("name")


# ---------------------------------------------------------------------------------------------
# Shifts: the mediator's screen, the coordinator's list and corrections, the hours page
# ---------------------------------------------------------------------------------------------


def can_read_contract_hours(viewer: Viewer) -> bool:
    """The provider's and the client's coordinators and admins, and funders, read a contract's shifts
    and hours (each within what they see); mediators record their own shifts only."""
    return viewer.is_(Role.COORDINATOR, Role.ADMIN, Role.FUNDER) or viewer.is_platform_admin


def rotations_visible_to(viewer: Viewer):
    """The planned presences of the contracts a viewer sees (a funder: those at sites of their scope)."""
    return Rotation.objects.visible_to(viewer).select_related("site", "mediator__user", "contract")


def shifts_correctable_by(viewer: Viewer):
    """Only the provider's coordinators and admins correct a shift; the client and funders read."""
    if not viewer.is_(Role.COORDINATOR, Role.ADMIN):
        return Shift.objects.none()
    return Shift.objects.filter(operator_id=viewer.operator_id)


def shift_of_mediator(mediator: MediatorProfile, client_uuid) -> Shift | None:
    """The mediator's own shift with this client UUID (a tablet only ever ends its own shifts)."""
    return (
        Shift.objects.filter(mediator=mediator, client_uuid=client_uuid)
        .select_related("site", "mediator__user", "contract")
        .first()
    )


def shift_sites_for(viewer: Viewer, mediator: MediatorProfile, *, day: date | None = None):
    """Where the mediator may start a shift: the sites of their operator's contracts in force that day
    and the sites where they are planned that day, among the sites they see."""
    from tremplin.territory.selectors import sites_visible_to

    from .models import ContractSite

    day = day or timezone.localdate()
    contract_sites = ContractSite.objects.filter(
        contract__operator_id=mediator.operator_id,
        contract__status=Contract.Status.ACTIVE,
        contract__starts_on__lte=day,
        contract__ends_on__gte=day,
    ).values("site_id")
    planned = [presence.site.pk for presence in todays_presences_for(mediator, day)]
    return (
        sites_visible_to(viewer)
        .filter(Q(pk__in=contract_sites) | Q(pk__in=planned))
        .select_related("commune")
        .order_by("name")
    )


def presence_for_start(mediator: MediatorProfile, *, site=None, now: datetime | None = None):
    """The planned presence a shift started now belongs to: today's current one, else the next one,
    else the day's last one; only at `site` when given. None when nothing is planned today."""
    now = now or timezone.now()
    todays = [
        presence
        for presence in todays_presences_for(mediator, timezone.localdate(now))
        if site is None or presence.site.pk == site.pk
    ]
    for presence in todays:
        if presence.ends > now:
            return presence
    return todays[-1] if todays else None


def last_shift_site(mediator: MediatorProfile):
    """The site of the mediator's latest shift: the likely one when nothing is planned today."""
    shift = Shift.objects.filter(mediator=mediator).select_related("site").order_by("-started_at").first()
    return shift.site if shift else None


@dataclass
class MediatorWeek:
    start: date
    end: date
    shifts: list
    minutes: int


def mediator_week(mediator: MediatorProfile, *, day: date | None = None) -> MediatorWeek:
    """The mediator's shifts of the week (Monday to Sunday) and the minutes worked within it."""
    start = week_start(day or timezone.localdate())
    end = start + timedelta(days=6)
    shifts = Shift.objects.filter(mediator=mediator)
    week = shifts_overlapping(shifts, start, end).select_related("site").order_by("started_at")
    return MediatorWeek(start, end, list(week), hours_of_intervention(shifts, start, end))


@dataclass
class SiteHours:
    """One site of a contract over a period: its weeks, planned and worked minutes."""

    site: object
    weekly_minutes: int | None
    weeks: list
    planned: int
    worked: int

    @property
    def gap(self) -> int:
        return self.worked - self.planned


@dataclass
class ContractHours:
    """Everything the hours page shows for a contract and a period."""

    start: date
    end: date
    sites: list  # [SiteHours], planned vs worked by week
    planned: int
    worked: int  # the sum of the weeks above
    intervention: int  # hours of intervention: every worked minute of the contract's shifts
    by_site: list  # [(site, minutes)]: hours of intervention per site
    by_mediator: list  # [(mediator, minutes)]: hours of intervention per mediator, most first
    continuity: list  # [Continuity]

    @property
    def gap(self) -> int:
        return self.worked - self.planned


def contract_site_ids_for(viewer: Viewer, contract: Contract) -> set[int] | None:
    """The contract's sites whose hours a viewer reads: a funder of some départements, those in them;
    everyone else who reads the contract, all (None)."""
    if viewer.is_platform_admin or not viewer.is_funder or viewer.is_national:
        return None
    return set(
        contract.contract_sites.filter(site__commune__departement_id__in=viewer.departement_ids).values_list(
            "site_id", flat=True
        )
    )


def contract_hours(contract: Contract, start: date, end: date, *, site_ids=None) -> ContractHours:
    """Planned vs worked per site and week, hours of intervention per site and per mediator, and the
    continuity per site, for one contract between start and end (local days, inclusive); only at the
    sites among `site_ids` when given (see `contract_site_ids_for`)."""
    rows = planned_vs_worked(contract, start, end, site_ids=site_ids)
    weekly = {cs.site_id: cs.weekly_minutes for cs in _at_sites(contract.contract_sites.all(), site_ids)}
    grouped = {}
    for row in rows:
        grouped.setdefault(row.site.pk, []).append(row)
    sites = [
        SiteHours(
            weeks[0].site,
            weekly.get(site_id),
            weeks,
            sum(w.planned for w in weeks),
            sum(w.worked for w in weeks),
        )
        for site_id, weeks in grouped.items()
    ]
    from tremplin.territory.models import Site

    shifts = _at_sites(Shift.objects.filter(contract=contract), site_ids)
    touching = shifts_overlapping(shifts, start, end)
    site_ids = set(weekly) | set(touching.values_list("site_id", flat=True))
    by_site = [
        (site, hours_of_intervention(shifts.filter(site=site), start, end))
        for site in Site.objects.filter(pk__in=site_ids).order_by("name")
    ]
    mediators = MediatorProfile.objects.filter(pk__in=touching.values("mediator_id")).select_related("user")
    by_mediator = sorted(
        (
            (mediator, hours_of_intervention(shifts.filter(mediator=mediator), start, end))
            for mediator in mediators
        ),
        key=lambda item: (-item[1], str(item[0])),
    )
    return ContractHours(
        start=start,
        end=end,
        sites=sites,
        planned=sum(s.planned for s in sites),
        worked=sum(s.worked for s in sites),
        intervention=hours_of_intervention(shifts, start, end),
        by_site=by_site,
        by_mediator=by_mediator,
        continuity=continuity(contract, start, end, site_ids=site_ids),
    )
