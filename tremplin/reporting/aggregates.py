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
from django.db.models import Max, Min, Sum
from django.utils import timezone

from tremplin.flow.models import Visit
from tremplin.mediation.models import Interaction
from tremplin.staffing.models import ContractSite, Shift
from tremplin.territory.models import Site

from .compute import Tally, compute, months_between, next_month
from .models import (
    Change,
    DepartementMonthCount,
    FollowedMonth,
    QueueMonth,
    SiteMonth,
    SiteMonthCount,
)

logger = logging.getLogger(__name__)

#: Changes read per round of a refresh.
CHANGES_PER_ROUND = 5_000
BATCH = 2_000
#: An arbitrary, fixed key for PostgreSQL's advisory lock of the refresh.
LOCK_KEY = 7_350_001
AGGREGATE_MODELS = (SiteMonth, SiteMonthCount, FollowedMonth, QueueMonth)


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


def _store(site_id: int, tally: Tally) -> None:
    SiteMonth.objects.bulk_create(
        (
            SiteMonth(
                month=month,
                site_id=site_id,
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
            )
            for month, operator, contract, mediator, beneficiary in tally.followed
        ),
        batch_size=BATCH,
    )
    QueueMonth.objects.bulk_create(
        (
            QueueMonth(month=month, site_id=site_id, operator_id=operator, contract_id=contract, **vars(row))
            for (month, operator, contract), row in tally.queue.items()
        ),
        batch_size=BATCH,
    )


def _recompute_site(site_id: int, months: list[date]) -> None:
    for model in AGGREGATE_MODELS:
        model.objects.filter(site_id=site_id, month__in=months).delete()
    for first, last in _runs(months):
        _store(site_id, compute(first=first, last=last, site_ids=[site_id]))


def _roll_up(pairs: set[tuple[int, date]]) -> None:
    """Add up the site rows of each (département, month) again."""
    by_month = defaultdict(set)
    for departement_id, month in pairs:
        by_month[month].add(departement_id)
    for month, departements in by_month.items():
        DepartementMonthCount.objects.filter(month=month, departement_id__in=departements).delete()
        rows = (
            SiteMonthCount.objects.filter(month=month, site__commune__departement_id__in=departements)
            .values("site__commune__departement_id", "dimension", "value")
            .annotate(records=Sum("records"), minutes=Sum("minutes"), people=Sum("people"))
            .order_by()
        )
        DepartementMonthCount.objects.bulk_create(
            (
                DepartementMonthCount(
                    month=month,
                    departement_id=row["site__commune__departement_id"],
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
        for model in (SiteMonth, QueueMonth):
            site_ids.update(model.objects.filter(contract_id=contract_id).values_list("site_id", flat=True))
        for site_id in site_ids:
            for months in spans:
                buckets[site_id].update(months)
    return buckets


def _departement_of(site_ids) -> dict[int, int]:
    return dict(Site.objects.filter(pk__in=site_ids).values_list("pk", "commune__departement_id"))


def aggregates_refresh(*, max_rounds: int | None = None) -> int:
    """Recompute the site-months touched by the changes noted so far; returns how many changes were
    taken into account. Cheap when nothing changed (one query)."""
    done = 0
    rounds = 0
    while max_rounds is None or rounds < max_rounds:
        rounds += 1
        if not Change.objects.exists():
            break
        with transaction.atomic():
            _lock()
            changes = list(
                Change.objects.order_by("pk").values("pk", "site_id", "contract_id", "first_at", "last_at")[
                    :CHANGES_PER_ROUND
                ]
            )
            if not changes:
                break
            buckets = _buckets_of(changes)
            departements = _departement_of(buckets)
            pairs = set()
            for site_id, months in buckets.items():
                _recompute_site(site_id, sorted(months))
                if site_id in departements:
                    pairs.update((departements[site_id], month) for month in months)
            _roll_up(pairs)
            Change.objects.filter(pk__in=[change["pk"] for change in changes]).delete()
            done += len(changes)
    return done


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
    found = Visit.objects.filter(site_id=site_id).aggregate(first=Min("day"), last=Max("day"))
    if found["first"] is not None:
        bounds.append((found["first"], found["last"]))
    if not bounds:
        return None
    return min(b[0] for b in bounds), max(b[1] for b in bounds)


def aggregates_rebuild(*, stdout=None) -> dict:
    """Empty every aggregate table and compute it again from the raw rows, site by site."""
    with transaction.atomic():
        _lock()
        last_change = Change.objects.aggregate(last=Max("pk"))["last"]
        for model in (*AGGREGATE_MODELS, DepartementMonthCount):
            model.objects.all().delete()
        site_ids = (
            set(Shift.objects.values_list("site_id", flat=True).distinct())
            | set(Interaction.objects.values_list("site_id", flat=True).distinct())
            | set(Visit.objects.values_list("site_id", flat=True).distinct())
        )
        departements = _departement_of(site_ids)
        pairs = set()
        for number, site_id in enumerate(sorted(site_ids), start=1):
            span = _raw_span(site_id)
            if span is None:
                continue
            months = months_between(*span)
            for first, last in _runs(months):
                _store(site_id, compute(first=first, last=last, site_ids=[site_id]))
            pairs.update((departements[site_id], month) for month in months)
            if stdout is not None and number % 50 == 0:
                stdout.write(f"{number} sites sur {len(site_ids)}")
        _roll_up(pairs)
        if last_change is not None:
            Change.objects.filter(pk__lte=last_change).delete()
    return {"sites": len(site_ids), "months": len({month for _d, month in pairs})}
