"""The one definition of every figure, computed from raw rows into tallies keyed by bucket.

The pre-aggregated tables are these tallies with the site and calendar month as bucket; a mediator's
week is the same computation with one bucket. Definitions:

- hours of intervention: every worked minute of the ended shifts, cut at the bucket's local
  boundaries (as `staffing.selectors.hours_of_intervention`);
- interactions, their minutes and the time split: records not deleted, by their start;
- accompaniments: one per person helped in those records; followed ones carry a beneficiary;
- distinct people: followed beneficiaries counted once, plus anonymous accompaniments (an estimate);
- accompaniments in workshops: those of a session's group interaction; the others are individual;
- planned hours: the presences of the rotation plan of contracts in force (not drafts), after absences
  and replacements (as `staffing.selectors.presences`), by the day they fall on, up to today: what was
  due so far, to set beside what was worked (the refresh notes each new day's planned sites);
- workshops: the sessions by their start (held, cancelled), their seats, bookings and attendance, as
  the programme's figures count them (`workshops.selectors.programme_figures`);
- a record's contract: its shift's; without a shift, the contract of its operator that covers its
  site on that day (not a draft); queue visits likewise.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from tremplin.flow.models import Route, Visit, VisitReason
from tremplin.mediation.models import Accompaniment, Interaction, InteractionTheme
from tremplin.staffing.models import Contract, Rotation, Shift
from tremplin.staffing.selectors import presences
from tremplin.workshops.models import ExtraParticipants, Registration, Session

#: Vocabularies of an interaction, as (dimension code, field).
INTERACTION_DIMENSIONS = (
    ("kind", "kind"),
    ("time_category", "time_category"),
    ("domain", "domain"),
    ("equipment", "equipment"),
    ("place", "place"),
    ("autonomy", "autonomy"),
)
#: Attributes of a person helped, as (dimension code, field of Accompaniment).
PERSON_DIMENSIONS = (("age", "age_bracket"), ("gender", "gender"), ("status", "social_status"))
#: Dimensions counted per interaction (records = interactions) or per person (records = people).
INTERACTION_LEVEL = frozenset({code for code, _f in INTERACTION_DIMENSIONS} | {"theme", "orientation"})
PERSON_LEVEL = frozenset(code for code, _f in PERSON_DIMENSIONS)
VISIT_LEVEL = frozenset({"reason", "route"})

MICROSECONDS_PER_MINUTE = 60_000_000


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def months_between(first: date, last: date) -> list[date]:
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


@dataclass
class Headline:
    worked_us: int = 0
    shifts: int = 0
    interactions: int = 0
    minutes: int = 0
    digital_minutes: int = 0
    client_minutes: int = 0
    accompaniments: int = 0
    followed_accompaniments: int = 0
    first_time: int = 0
    oriented: int = 0
    workshop_accompaniments: int = 0
    planned_minutes: int = 0


@dataclass
class Count:
    records: int = 0
    minutes: int = 0
    people: int = 0


@dataclass
class Queue:
    visits: int = 0
    people: int = 0
    reached: int = 0
    wait_us: int = 0
    left: int = 0
    prequalified: int = 0


@dataclass
class Workshops:
    """Workshop sessions: held (done) ones with their seats and attendance, and those cancelled."""

    sessions: int = 0
    cancelled: int = 0
    capacity: int = 0
    booked: int = 0
    attended: int = 0
    no_shows: int = 0
    walk_ins: int = 0
    extras: int = 0
    waiting: int = 0


@dataclass
class Tally:
    """Figures keyed by (bucket, operator, contract, mediator); queue, workshops and counts without
    mediator."""

    headline: dict = field(default_factory=lambda: defaultdict(Headline))
    counts: dict = field(default_factory=lambda: defaultdict(Count))
    followed: set = field(default_factory=set)
    queue: dict = field(default_factory=lambda: defaultdict(Queue))
    workshops: dict = field(default_factory=lambda: defaultdict(Workshops))


class ContractFinder:
    """The contract of an operator covering a site on a day, for records made outside a shift."""

    def __init__(self, site_ids, first: date, last: date):
        self.by_site = defaultdict(list)
        contracts = (
            Contract.objects.filter(
                contract_sites__site_id__in=site_ids, starts_on__lte=last, ends_on__gte=first
            )
            .exclude(status=Contract.Status.DRAFT)
            .order_by("starts_on", "pk")
            .values_list("contract_sites__site_id", "pk", "operator_id", "starts_on", "ends_on")
        )
        for site_id, pk, operator_id, starts_on, ends_on in contracts:
            self.by_site[site_id].append((pk, operator_id, starts_on, ends_on))

    def __call__(self, site_id: int, operator_id: int, day: date) -> int | None:
        for pk, contract_operator, starts_on, ends_on in self.by_site.get(site_id, ()):
            if contract_operator == operator_id and starts_on <= day <= ends_on:
                return pk
        return None


def _buckets(first: date, last: date, bucket_of: Callable[[date], object]):
    """[(bucket, start instant, end instant)] covering local days first..last, one per bucket."""
    spans = {}
    day = first
    while day <= last:
        key = bucket_of(day)
        end_day = day
        while end_day + timedelta(days=1) <= last and bucket_of(end_day + timedelta(days=1)) == key:
            end_day += timedelta(days=1)
        spans[key] = (local_midnight(day), local_midnight(end_day + timedelta(days=1)))
        day = end_day + timedelta(days=1)
    return spans


def by_month(day: date) -> date:
    return month_start(day)


def compute(
    *,
    first: date,
    last: date,
    site_ids=None,
    mediator_id: int | None = None,
    bucket_of: Callable[[date], object] = by_month,
    with_queue: bool = True,
) -> Tally:
    """Tallies of the raw rows between local days `first` and `last` (inclusive), at `site_ids` (all
    when None) or of one mediator, split into buckets by `bucket_of(local day)` (calendar months by
    default). Each bucket is contiguous in time."""
    tally = Tally()
    low, high = local_midnight(first), local_midnight(last + timedelta(days=1))
    where = Q()
    if site_ids is not None:
        where &= Q(site_id__in=list(site_ids))
    if mediator_id is not None:
        where &= Q(mediator_id=mediator_id)
    spans = _buckets(first, last, bucket_of)

    for operator_id, contract_id, mediator, started, ended in (
        Shift.objects.filter(where, ended_at__isnull=False, started_at__lt=high, ended_at__gt=low)
        .order_by()
        .values_list("operator_id", "contract_id", "mediator_id", "started_at", "ended_at")
    ):
        for bucket, (start, end) in spans.items():
            a, b = max(started, start), min(ended, end)
            if b > a:
                row = tally.headline[(bucket, operator_id, contract_id, mediator)]
                row.worked_us += (b - a) // timedelta(microseconds=1)
                if start <= started < end:
                    # A shift is counted once, where it began.
                    row.shifts += 1

    interactions = Interaction.objects.filter(
        where, deleted_at__isnull=True, started_at__gte=low, started_at__lt=high
    ).order_by()
    site_list = (
        list(site_ids)
        if site_ids is not None
        else list(interactions.values_list("site_id", flat=True).distinct())
    )
    finder = ContractFinder(site_list, first, last)
    keys = {}
    records = {}
    for row in interactions.values_list(
        "pk",
        "operator_id",
        "mediator_id",
        "site_id",
        "shift_id",
        "shift__contract_id",
        "started_at",
        "duration_minutes",
        "kind",
        "time_category",
        "domain",
        "equipment",
        "place",
        "autonomy",
        "oriented",
        "orientation_target",
    ):
        (pk, operator_id, mediator, site_id, shift_id, contract_id, started, minutes, *values) = row
        day = timezone.localdate(started)
        if shift_id is None:
            contract_id = finder(site_id, operator_id, day)
        key = (bucket_of(day), operator_id, contract_id, mediator)
        keys[pk] = key
        records[pk] = (minutes, values)
    in_workshops = set(
        Session.objects.filter(interaction__in=interactions.values("pk"))
        .order_by()
        .values_list("interaction_id", flat=True)
    )
    people = defaultdict(int)
    person_rows = (
        Accompaniment.objects.filter(interaction__in=interactions.values("pk"))
        .order_by()
        .values_list(
            "interaction_id", "beneficiary_id", "is_first_time", "age_bracket", "gender", "social_status"
        )
    )
    for interaction_id, beneficiary_id, is_first_time, *attributes in person_rows:
        key = keys[interaction_id]
        people[interaction_id] += 1
        row = tally.headline[key]
        row.accompaniments += 1
        if interaction_id in in_workshops:
            row.workshop_accompaniments += 1
        if beneficiary_id is not None:
            row.followed_accompaniments += 1
            tally.followed.add((*key, beneficiary_id))
        if is_first_time:
            row.first_time += 1
        count_key = key[:3]
        for (dimension, _field), value in zip(PERSON_DIMENSIONS, attributes, strict=True):
            count = tally.counts[(*count_key, dimension, value)]
            count.records += 1
            count.people += 1
    for pk, (minutes, values) in records.items():
        key = keys[pk]
        row = tally.headline[key]
        row.interactions += 1
        row.minutes += minutes
        kind, category, domain, equipment, place, autonomy, oriented, target = values
        if category == "digital_assistance":
            row.digital_minutes += minutes
        elif category == "client_information":
            row.client_minutes += minutes
        dims = [
            ("kind", kind),
            ("time_category", category),
            ("domain", domain),
            ("equipment", equipment),
            ("place", place),
            ("autonomy", autonomy),
        ]
        if oriented:
            row.oriented += 1
            dims.append(("orientation", target))
        for dimension, value in dims:
            count = tally.counts[(*key[:3], dimension, value)]
            count.records += 1
            count.minutes += minutes
            count.people += people[pk]
    for interaction_id, theme in (
        InteractionTheme.objects.filter(interaction__in=interactions.values("pk"))
        .order_by()
        .values_list("interaction_id", "theme")
    ):
        count = tally.counts[(*keys[interaction_id][:3], "theme", theme)]
        minutes, _values = records[interaction_id]
        count.records += 1
        count.minutes += minutes
        count.people += people[interaction_id]

    _planned(tally, site_ids, mediator_id, first, last, bucket_of)
    if with_queue and mediator_id is None:
        _queue(tally, site_ids, first, last, bucket_of, finder)
        _workshops(tally, site_ids, first, last, bucket_of, finder)
    return tally


def planned_rotations(first: date | None = None, last: date | None = None):
    """The rotations whose presences are due: those of contracts in force (not drafts), valid at some
    point between the local days first and last (ever, when not given)."""
    rotations = Rotation.objects.exclude(contract__status=Contract.Status.DRAFT)
    if last is not None:
        rotations = rotations.filter(valid_from__lte=last, contract__starts_on__lte=last)
    if first is not None:
        rotations = rotations.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=first))
        rotations = rotations.filter(contract__ends_on__gte=first)
    return rotations


def _planned(tally: Tally, site_ids, mediator_id, first: date, last: date, bucket_of) -> None:
    """Planned minutes of the presences falling between the local days first and last, keyed by the
    mediator who is to be there (the replacement, when there is one); cancelled presences count none.
    Presences after today are not due yet: they count from their day on."""
    last = min(last, timezone.localdate())
    if last < first:
        return
    rotations = planned_rotations(first, last)
    if site_ids is not None:
        rotations = rotations.filter(site_id__in=list(site_ids))
    if mediator_id is not None:
        rotations = rotations.filter(
            Q(mediator_id=mediator_id)
            | Q(replacements__replacement_id=mediator_id, replacements__date__range=(first, last))
        ).distinct()
    for presence in presences(rotations, first, last):
        if presence.mediator is None or (mediator_id is not None and presence.mediator.pk != mediator_id):
            continue
        contract = presence.rotation.contract
        key = (bucket_of(presence.date), contract.operator_id, contract.pk, presence.mediator.pk)
        tally.headline[key].planned_minutes += presence.minutes


def _workshops(tally: Tally, site_ids, first: date, last: date, bucket_of, finder: ContractFinder) -> None:
    """Sessions by the local day they start; held ones with their seats, bookings and attendance."""
    low, high = local_midnight(first), local_midnight(last + timedelta(days=1))
    sessions = Session.objects.filter(starts_at__gte=low, starts_at__lt=high).exclude(
        status=Session.Status.SCHEDULED
    )
    if site_ids is not None:
        sessions = sessions.filter(site_id__in=list(site_ids))
    sessions = sessions.order_by()
    finder.by_site.update(
        ContractFinder(
            set(sessions.values_list("site_id", flat=True).distinct()) - set(finder.by_site), first, last
        ).by_site
    )
    held = {}
    for pk, operator_id, site_id, starts_at, status, capacity in sessions.values_list(
        "pk", "operator_id", "site_id", "starts_at", "status", "capacity"
    ):
        day = timezone.localdate(starts_at)
        row = tally.workshops[(bucket_of(day), operator_id, finder(site_id, operator_id, day))]
        if status == Session.Status.CANCELLED:
            row.cancelled += 1
            continue
        row.sessions += 1
        row.capacity += capacity
        held[pk] = row
    done = sessions.filter(status=Session.Status.DONE)
    walk_in = Registration.Source.WALK_IN
    for session_id, status, source, attended in (
        Registration.objects.filter(session__in=done.values("pk"))
        .order_by()
        .values_list("session_id", "status", "source", "attended")
    ):
        row = held[session_id]
        booked = status == Registration.Status.CONFIRMED and source != walk_in
        row.booked += booked
        row.attended += attended
        row.no_shows += booked and not attended
        row.walk_ins += source == walk_in and attended
        row.waiting += status == Registration.Status.WAITLISTED
    for session_id, count in (
        ExtraParticipants.objects.filter(session__in=done.values("pk"))
        .order_by()
        .values_list("session_id", "count")
    ):
        held[session_id].extras += count


def _queue(tally: Tally, site_ids, first: date, last: date, bucket_of, finder: ContractFinder) -> None:
    """Visits by their local day, as the flow statistics count them (a queue has no mediator)."""
    visits = Visit.objects.filter(day__range=(first, last)).order_by()
    if site_ids is not None:
        visits = visits.filter(site_id__in=list(site_ids))
    finder.by_site.update(
        ContractFinder(
            set(visits.values_list("site_id", flat=True).distinct()) - set(finder.by_site), first, last
        ).by_site
    )
    keys = {}
    for (
        pk,
        operator_id,
        site_id,
        day,
        size,
        arrived,
        called,
        served,
        route,
        prequalified,
    ) in visits.values_list(
        "pk",
        "operator_id",
        "site_id",
        "day",
        "group_size",
        "arrived_at",
        "called_at",
        "served_at",
        "route",
        "prequalified",
    ):
        key = (bucket_of(day), operator_id, finder(site_id, operator_id, day))
        keys[pk] = (key, size)
        row = tally.queue[key]
        row.visits += 1
        row.people += size
        reached = called or served
        if reached is not None:
            row.reached += 1
            row.wait_us += max(timedelta(0), reached - arrived) // timedelta(microseconds=1)
        if route == Route.LEFT:
            row.left += 1
        if prequalified:
            row.prequalified += 1
        count = tally.counts[(*key, "route", route)]
        count.records += 1
        count.people += size
    for visit_id, reason in (
        VisitReason.objects.filter(visit__in=visits.values("pk")).order_by().values_list("visit_id", "reason")
    ):
        key, size = keys[visit_id]
        count = tally.counts[(*key, "reason", reason)]
        count.records += 1
        count.people += size
