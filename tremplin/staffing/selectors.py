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
    day = day or timezone.localdate()
    rotations = Rotation.objects.filter(
        Q(mediator=mediator) | Q(replacements__date=day, replacements__replacement=mediator),
        weekday=day.weekday(),
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
    weekly = defaultdict(int)
    ids = defaultdict(list)
    today = timezone.localdate()
    for rotation in own:
        if rotation.valid_until and rotation.valid_until < today:
            continue
        weekly[rotation.site_id] += rotation.minutes
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


def planned_vs_worked(contract: Contract, start: date, end: date) -> list[WeekRow]:
    """Per site and ISO week (weeks starting on Monday): planned minutes, worked minutes, the gap."""
    planned = defaultdict(int)
    for presence in presences(contract.rotations.all(), start, end):
        planned[(presence.rotation.site_id, week_start(presence.date))] += presence.minutes
    worked = defaultdict(float)
    shifts = shifts_overlapping(Shift.objects.filter(contract=contract), start, end)
    for shift, per_day in worked_minutes_by_day(shifts, start, end).items():
        for day, minutes in per_day.items():
            worked[(shift.site_id, week_start(day))] += minutes
    sites = {cs.site_id: cs.site for cs in contract.contract_sites.select_related("site")}
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


def continuity(contract: Contract, start: date, end: date) -> list[Continuity]:
    """Per site: the share of worked hours done by its most frequent mediator.

    Clients value "always the same mediator"; this is how they see it."""
    per_site = defaultdict(lambda: defaultdict(float))
    shifts = shifts_overlapping(
        Shift.objects.filter(contract=contract).select_related("mediator__user"), start, end
    )
    mediators = {}
    for shift, per_day in worked_minutes_by_day(shifts, start, end).items():
        mediators[shift.mediator_id] = shift.mediator
        per_site[shift.site_id][shift.mediator_id] += sum(per_day.values())
    rows = []
    for contract_site in contract.contract_sites.select_related("site").order_by("site__name"):
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
