"""Keeping the pre-aggregated tables equal to the raw rows: incremental refresh and full rebuild.

A site-month is the unit: when anything in it changed (see `triggers`), its rows in every aggregate
table are recomputed from the raw rows with `compute.compute`, then its département's month is added up
again. Only one refresh runs at a time (an advisory lock on PostgreSQL; SQLite writes one at a time).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Count, Max, Min, Sum
from django.utils import timezone

from tremplin.flow.models import Visit
from tremplin.mediation.models import Interaction
from tremplin.staffing.models import ContractSite, Shift
from tremplin.territory.models import Site
from tremplin.workshops.models import Session

from .compute import Tally, compute, local_midnight, months_between, next_month, planned_rotations
from .models import (
    Change,
    DepartementMonth,
    DepartementMonthCount,
    FollowedMonth,
    NationMonthCount,
    PeopleMonth,
    PlanDay,
    QueueMonth,
    SiteMonth,
    SiteMonthCount,
    WorkshopMonth,
)

logger = logging.getLogger(__name__)

BATCH = 2_000
#: An arbitrary, fixed key for PostgreSQL's advisory lock of the refresh.
LOCK_KEY = 7_350_001
AGGREGATE_MODELS = (SiteMonth, SiteMonthCount, FollowedMonth, QueueMonth, WorkshopMonth)


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def _runs(months: list[date]) -> list[tuple[date, date]]:
    """Consecutive months as (first day, last day) runs."""
    runs = []
    for month in sorted(set(months)):
        if runs and next_month(runs[-1][1].replace(day=1)) == month:
            runs[-1] = (runs[-1][0], next_month(month) - timedelta(days=1))
        else:
            runs.append((month, next_month(month) - timedelta(days=1)))
    return runs


def _store(site_id: int, tally: Tally, departement_id: int | None) -> None:
    SiteMonth.objects.bulk_create(
        (
            SiteMonth(
                month=month,
                site_id=site_id,
                departement_id=departement_id,
                operator_id=operator,
                contract_id=contract,
                mediator_id=mediator,
                **vars(row),
            )
            for (month, operator, contract, mediator), row in tally.headline.items()
        ),
        batch_size=BATCH,
    )
    SiteMonthCount.objects.bulk_create(
        (
            SiteMonthCount(
                month=month,
                site_id=site_id,
                departement_id=departement_id,
                operator_id=operator,
                contract_id=contract,
                dimension=dimension,
                value=value,
                **vars(count),
            )
            for (month, operator, contract, dimension, value), count in tally.counts.items()
        ),
        batch_size=BATCH,
    )
    FollowedMonth.objects.bulk_create(
        (
            FollowedMonth(
                month=month,
                site_id=site_id,
                operator_id=operator,
                contract_id=contract,
                mediator_id=mediator,
                beneficiary_id=beneficiary,
                departement_id=departement_id,
            )
            for month, operator, contract, mediator, beneficiary in tally.followed
        ),
        batch_size=BATCH,
    )
    QueueMonth.objects.bulk_create(
        (
            QueueMonth(
                month=month,
                site_id=site_id,
                departement_id=departement_id,
                operator_id=operator,
                contract_id=contract,
                **vars(row),
            )
            for (month, operator, contract), row in tally.queue.items()
        ),
        batch_size=BATCH,
    )
    WorkshopMonth.objects.bulk_create(
        (
            WorkshopMonth(
                month=month,
                site_id=site_id,
                departement_id=departement_id,
                operator_id=operator,
                contract_id=contract,
                **vars(row),
            )
            for (month, operator, contract), row in tally.workshops.items()
        ),
        batch_size=BATCH,
    )


def _recompute_site(site_id: int, months: list[date], departement_id: int | None) -> set[int]:
    """Recompute a site's months; returns the followed people whose rows there were or are now."""
    followed = FollowedMonth.objects.filter(site_id=site_id, month__in=months)
    people = set(followed.values_list("beneficiary_id", flat=True))
    for model in AGGREGATE_MODELS:
        model.objects.filter(site_id=site_id, month__in=months).delete()
    for first, last in _runs(months):
        tally = compute(first=first, last=last, site_ids=[site_id])
        _store(site_id, tally, departement_id)
        people.update(key[-1] for key in tally.followed)
    return people


def _people_of(beneficiary_ids: set[int], recomputed: set[tuple[int, date]]) -> None:
    """Set again the previous months of these people's rows, and count the months that changed."""
    touched = {(PeopleMonth.NATION, 0, month) for _d, month in recomputed}
    touched |= {(PeopleMonth.DEPARTEMENT, departement, month) for departement, month in recomputed}
    ids = sorted(beneficiary_ids)
    for start in range(0, len(ids), BATCH):
        rows = (
            FollowedMonth.objects.filter(beneficiary_id__in=ids[start : start + BATCH])
            .order_by("beneficiary_id", "month", "pk")
            .values_list("pk", "beneficiary_id", "month", "departement_id", "prev_nation", "prev_departement")
        )
        anywhere, within, changed = {}, {}, []
        for pk, person, month, departement, prev_nation, prev_departement in rows:
            new = (anywhere.get(person), within.get((person, departement)))
            anywhere[person], within[(person, departement)] = month, month
            if new != (prev_nation, prev_departement):
                changed.append(FollowedMonth(pk=pk, prev_nation=new[0], prev_departement=new[1]))
                touched |= {(PeopleMonth.NATION, 0, month), (PeopleMonth.DEPARTEMENT, departement, month)}
        FollowedMonth.objects.bulk_update(changed, ["prev_nation", "prev_departement"], batch_size=BATCH)
    _people_roll_up(touched)


def _people_roll_up(touched: set[tuple[str, int, date]]) -> None:
    by_month = defaultdict(set)
    for level, key, month in touched:
        by_month[(level, month)].add(key)
    for (level, month), keys in by_month.items():
        if level == PeopleMonth.NATION:
            PeopleMonth.objects.filter(level=level, month=month).delete()
            rows = FollowedMonth.objects.filter(month=month).values("prev_nation").annotate(n=Count("pk"))
            made = (
                PeopleMonth(level=level, key=0, month=month, prev=r["prev_nation"], rows=r["n"]) for r in rows
            )
        else:
            PeopleMonth.objects.filter(level=level, month=month, key__in=keys).delete()
            rows = (
                FollowedMonth.objects.filter(month=month, departement_id__in=keys)
                .values("departement_id", "prev_departement")
                .annotate(n=Count("pk"))
            )
            made = (
                PeopleMonth(
                    level=level, key=r["departement_id"], month=month, prev=r["prev_departement"], rows=r["n"]
                )
                for r in rows
            )
        PeopleMonth.objects.bulk_create(made, batch_size=BATCH)


def people_rebuild() -> None:
    """Every previous month and the people counts, in a few statements (after a full rebuild)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE reporting_followedmonth "
            "SET prev_nation = w.prev_nation, prev_departement = w.prev_departement "
            "FROM (SELECT id, "
            "lag(month) OVER (PARTITION BY beneficiary_id ORDER BY month, id) AS prev_nation, "
            "lag(month) OVER (PARTITION BY beneficiary_id, departement_id ORDER BY month, id) "
            "AS prev_departement FROM reporting_followedmonth) AS w "
            "WHERE reporting_followedmonth.id = w.id"
        )
    PeopleMonth.objects.all().delete()
    for level, group, prev in (
        (PeopleMonth.NATION, None, "prev_nation"),
        (PeopleMonth.DEPARTEMENT, "departement_id", "prev_departement"),
    ):
        fields = ["month", prev] + ([group] if group else [])
        rows = FollowedMonth.objects.values(*fields).annotate(n=Count("pk")).order_by()
        PeopleMonth.objects.bulk_create(
            (
                PeopleMonth(
                    level=level,
                    key=row[group] if group else 0,
                    month=row["month"],
                    prev=row[prev],
                    rows=row["n"],
                )
                for row in rows
            ),
            batch_size=BATCH,
        )


def _roll_up(pairs: set[tuple[int, date]]) -> None:
    """Add up the site rows of each (département, month) again."""
    by_month = defaultdict(set)
    for departement_id, month in pairs:
        by_month[month].add(departement_id)
    headline = [
        f.name for f in DepartementMonth._meta.concrete_fields if f.name not in ("id", "month", "departement")
    ]
    for month, departements in by_month.items():
        DepartementMonth.objects.filter(month=month, departement_id__in=departements).delete()
        DepartementMonth.objects.bulk_create(
            (
                DepartementMonth(month=month, departement_id=row.pop("departement_id"), **row)
                for row in SiteMonth.objects.filter(month=month, departement_id__in=departements)
                .values("departement_id")
                .annotate(**{name: Sum(name) for name in headline})
                .order_by()
            ),
            batch_size=BATCH,
        )
        DepartementMonthCount.objects.filter(month=month, departement_id__in=departements).delete()
        rows = (
            SiteMonthCount.objects.filter(month=month, departement_id__in=departements)
            .values("departement_id", "dimension", "value")
            .annotate(records=Sum("records"), minutes=Sum("minutes"), people=Sum("people"))
            .order_by()
        )
        DepartementMonthCount.objects.bulk_create(
            (
                DepartementMonthCount(
                    month=month,
                    departement_id=row["departement_id"],
                    dimension=row["dimension"],
                    value=row["value"],
                    records=row["records"],
                    minutes=row["minutes"],
                    people=row["people"],
                )
                for row in rows
            ),
            batch_size=BATCH,
        )
        NationMonthCount.objects.filter(month=month).delete()
        NationMonthCount.objects.bulk_create(
            (
                NationMonthCount(month=month, **row)
                for row in DepartementMonthCount.objects.filter(month=month)
                .values("dimension", "value")
                .annotate(records=Sum("records"), minutes=Sum("minutes"), people=Sum("people"))
                .order_by()
            ),
            batch_size=BATCH,
        )


def _buckets_of(changes: list[dict]) -> dict[int, set[date]]:
    """{site id: months} that the changes touch; a contract change touches its sites over its period."""
    buckets = defaultdict(set)
    contract_spans = defaultdict(list)
    for change in changes:
        # A day around each instant: what a local calendar may put on the neighbouring day.
        first = timezone.localdate(change["first_at"]) - timedelta(days=1)
        last = timezone.localdate(change["last_at"]) + timedelta(days=1)
        months = months_between(first, last)
        if change["site_id"] is not None:
            buckets[change["site_id"]].update(months)
        elif change["contract_id"] is not None:
            contract_spans[change["contract_id"]].append(months)
    for contract_id, spans in contract_spans.items():
        site_ids = set(ContractSite.objects.filter(contract_id=contract_id).values_list("site_id", flat=True))
        for model in (SiteMonth, QueueMonth, WorkshopMonth):
            site_ids.update(model.objects.filter(contract_id=contract_id).values_list("site_id", flat=True))
        for site_id in site_ids:
            for months in spans:
                buckets[site_id].update(months)
    return buckets


def _departement_of(site_ids) -> dict[int, int]:
    return dict(Site.objects.filter(pk__in=site_ids).values_list("pk", "commune__departement_id"))


def _take_changes() -> list[dict]:
    """Remove and return every change committed so far. On PostgreSQL one DELETE … RETURNING takes
    exactly the rows it can see: a change whose transaction commits meanwhile stays for the next refresh.
    SQLite has one writer at a time, so reading then deleting up to the last read is as exact."""
    columns = ("site_id", "contract_id", "first_at", "last_at")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM reporting_change RETURNING {', '.join(columns)}")  # noqa: S608
            return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    changes = list(Change.objects.order_by("pk").values("pk", *columns))
    if changes:
        Change.objects.filter(pk__lte=changes[-1]["pk"]).delete()
    return changes


#: The day this process last saw noted in `PlanDay` (spares a query per page on the same day).
_plan_day_seen: date | None = None


def _note_new_days() -> None:
    """Planned hours count up to today: on a new day, note the sites with presences planned since the
    last day counted, so that the refresh adds them."""
    global _plan_day_seen
    today = timezone.localdate()
    if _plan_day_seen == today:
        return
    with transaction.atomic():
        _lock()
        mark = PlanDay.objects.select_for_update().first()
        if mark is None or mark.day < today:
            # Without a mark (a new installation), the last month is taken again to be safe.
            since = mark.day + timedelta(days=1) if mark is not None else today - timedelta(days=31)
            days = [since + timedelta(days=n) for n in range((today - since).days + 1)]
            rotations = planned_rotations(since, today).filter(weekday__in={day.weekday() for day in days})
            first, last = local_midnight(since), local_midnight(today)
            Change.objects.bulk_create(
                Change(site_id=site_id, first_at=first, last_at=last)
                for site_id in rotations.order_by().values_list("site_id", flat=True).distinct()
            )
            PlanDay.objects.all().delete()
            PlanDay.objects.create(day=today)
    _plan_day_seen = today


def aggregates_refresh() -> int:
    """Recompute the site-months touched by the changes noted so far, in one pass however many they
    are; returns how many changes were taken into account. Cheap when nothing changed (one query, and
    one more on the first call of a day)."""
    _note_new_days()
    if not Change.objects.exists():
        return 0
    with transaction.atomic():
        _lock()
        changes = _take_changes()
        if not changes:
            return 0
        buckets = _buckets_of(changes)
        departements = _departement_of(buckets)
        pairs, people = set(), set()
        for site_id, months in buckets.items():
            people |= _recompute_site(site_id, sorted(months), departements.get(site_id))
            if site_id in departements:
                pairs.update((departements[site_id], month) for month in months)
        _roll_up(pairs)
        _people_of(people, pairs)
    return len(changes)


def _raw_span(site_id: int) -> tuple[date, date] | None:
    """The first and last local days with raw rows at a site."""
    bounds = []
    for queryset, start, end in (
        (Shift.objects.filter(site_id=site_id), "started_at", "ended_at"),
        (Interaction.objects.filter(site_id=site_id), "started_at", "started_at"),
    ):
        found = queryset.aggregate(first=Min(start), last=Max(end))
        if found["first"] is not None:
            bounds.append(
                (timezone.localdate(found["first"]), timezone.localdate(found["last"] or found["first"]))
            )
    found = Session.objects.filter(site_id=site_id).aggregate(first=Min("starts_at"), last=Max("starts_at"))
    if found["first"] is not None:
        bounds.append((timezone.localdate(found["first"]), timezone.localdate(found["last"])))
    found = Visit.objects.filter(site_id=site_id).aggregate(first=Min("day"), last=Max("day"))
    if found["first"] is not None:
        bounds.append((found["first"], found["last"]))
    # Planned presences count up to today (see `compute`): later months have nothing to compute.
    today = timezone.localdate()
    found = (
        planned_rotations(last=today)
        .filter(site_id=site_id)
        .aggregate(first=Min("valid_from"), last=Max("contract__ends_on"))
    )
    if found["first"] is not None:
        bounds.append((found["first"], min(found["last"], today)))
    if not bounds:
        return None
    return min(b[0] for b in bounds), max(b[1] for b in bounds)


def aggregates_rebuild(*, stdout=None) -> dict:
    """Empty every aggregate table and compute it again from the raw rows, site by site."""
    with transaction.atomic():
        _lock()
        last_change = Change.objects.aggregate(last=Max("pk"))["last"]
        for model in (
            *AGGREGATE_MODELS,
            DepartementMonth,
            DepartementMonthCount,
            NationMonthCount,
            PeopleMonth,
        ):
            model.objects.all().delete()
        site_ids = (
            set(Shift.objects.values_list("site_id", flat=True).distinct())
            | set(Interaction.objects.values_list("site_id", flat=True).distinct())
            | set(Visit.objects.values_list("site_id", flat=True).distinct())
            | set(Session.objects.values_list("site_id", flat=True).distinct())
            | set(planned_rotations(last=timezone.localdate()).values_list("site_id", flat=True).distinct())
        )
        departements = _departement_of(site_ids)
        pairs = set()
        for number, site_id in enumerate(sorted(site_ids), start=1):
            span = _raw_span(site_id)
            if span is None:
                continue
            months = months_between(*span)
            for first, last in _runs(months):
                _store(site_id, compute(first=first, last=last, site_ids=[site_id]), departements[site_id])
            pairs.update((departements[site_id], month) for month in months)
            if stdout is not None and number % 50 == 0:
                stdout.write(f"{number} sites sur {len(site_ids)}")
        _roll_up(pairs)
        people_rebuild()
        if last_change is not None:
            Change.objects.filter(pk__lte=last_change).delete()
        PlanDay.objects.all().delete()
        PlanDay.objects.create(day=timezone.localdate())
    return {"sites": len(site_ids), "months": len({month for _d, month in pairs})}
