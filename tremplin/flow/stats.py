"""Figures of the walk-in queue: the public board's state, and a site's statistics over a period.

Both are computed from the visits' timestamps. The board shows nothing personal but the first name of a
called visit; the statistics show no visit at all, only counts, shares and durations."""

from __future__ import annotations

import hashlib
import math
import statistics
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tremplin.core.roles import Role
from tremplin.core.tenancy import Viewer
from tremplin.territory.models import Site

from .models import Board, Reason, Route, SiteReason, State, Visit, VisitEvent, VisitReason
from .selectors import STAFF_ROLES, estimated_waits, queue_sites_for, staff_on_site

#: The route column of a visit not closed yet.
OPEN_LABEL = _("Pas encore terminée")
#: The most recent calls the board shows; older ones have surely reached the counter.
BOARD_CALLED_LIMIT = 6


# ---------------------------------------------------------------------------------------------
# The public board
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalledTicket:
    number: str
    first_name: str


@dataclass(frozen=True)
class BoardWait:
    reason: str
    label: str
    waiting: int
    minutes: int


@dataclass(frozen=True)
class BoardState:
    site_name: str
    called: list[CalledTicket]
    waits: list[BoardWait]
    updated_at: datetime | None


def board_signature(board: Board, *, now: datetime | None = None) -> str:
    """A fingerprint of everything the board shows: it changes with any visit, step, shift or reason
    setting of the day, so that an unchanged queue is answered « 304 Not Modified »."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    visits = Visit.objects.filter(site=board.site_id, day=day).aggregate(
        last=Max("updated_at"), count=Count("id")
    )
    steps = VisitEvent.objects.filter(visit__site=board.site_id, visit__day=day).count()
    catalogue = list(
        SiteReason.objects.filter(site=board.site_id)
        .order_by("pk")
        .values_list("reason", "default_route", "position", "is_active", "service_seconds")
    )
    staff = staff_on_site(board.site, now=now)
    raw = repr(
        (board.pk, board.secret, day.isoformat(), visits["last"], visits["count"], steps, staff, catalogue)
    )
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def board_state(board: Board, *, now: datetime | None = None) -> BoardState:
    """What the office's screen shows: who is called (ticket and first name only) and, per reason,
    how many wait and for how long; never who waits for what."""
    now = now or timezone.now()
    site = board.site
    today = Visit.objects.filter(site=site, day=timezone.localdate(now))
    called = today.filter(state=State.CALLED).order_by("-called_at", "-id")[:BOARD_CALLED_LIMIT]
    return BoardState(
        site_name=site.name,
        called=[
            CalledTicket(number=f"{ticket:03d}", first_name=first_name)
            for ticket, first_name in called.values_list("ticket", "first_name")
        ],
        waits=[
            BoardWait(wait.reason, wait.label, wait.waiting, wait.minutes)
            for wait in estimated_waits(site, now=now)
        ],
        updated_at=today.aggregate(last=Max("updated_at"))["last"],
    )


# ---------------------------------------------------------------------------------------------
# Who may open a site's statistics or its board settings
# ---------------------------------------------------------------------------------------------


def stats_site_for(viewer: Viewer, site_pk: int) -> Site | None:
    """The site when the viewer may read its statistics: its operator's staff (the sites of their
    queue), funders whose territory holds it, platform administrators. None otherwise."""
    sites = Site.objects.select_related("commune__departement")
    if viewer.is_platform_admin and not viewer.has_role:
        return sites.filter(pk=site_pk).first()
    if viewer.works_for_operator:
        return queue_sites_for(viewer).filter(pk=site_pk).select_related("commune__departement").first()
    if viewer.is_funder:
        if not viewer.is_national:
            sites = sites.filter(commune__departement_id__in=viewer.departement_ids)
        return sites.filter(pk=site_pk).first()
    return None


def board_site_for(viewer: Viewer, site_pk: int) -> tuple[Site | None, bool]:
    """(site, may manage): coordinators and administrators of an operator working at the site manage
    its board; its mediators see the site but may not; anyone else does not see it."""
    if viewer.is_platform_admin and not viewer.has_role:
        return Site.objects.filter(pk=site_pk).first(), True
    site = queue_sites_for(viewer).filter(pk=site_pk).first()
    return site, site is not None and viewer.is_(Role.COORDINATOR, Role.ADMIN)


@dataclass(frozen=True)
class QueueAccess:
    """What the viewer may open of a site's queue: run it, read its statistics, manage its screen."""

    run: bool
    stats: bool
    board: bool

    def __bool__(self) -> bool:
        return self.run or self.stats or self.board


def queue_access(viewer: Viewer, site: Site) -> QueueAccess:
    runs = viewer.is_(*STAFF_ROLES) and queue_sites_for(viewer).filter(pk=site.pk).exists()
    _site, manages = board_site_for(viewer, site.pk)
    return QueueAccess(run=runs, stats=stats_site_for(viewer, site.pk) is not None, board=manages)


# ---------------------------------------------------------------------------------------------
# Statistics of a site over a period
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spread:
    """Durations in minutes: how many were measured, their median and 90th percentile."""

    count: int
    median: float | None
    p90: float | None


@dataclass(frozen=True)
class CountRow:
    code: str
    label: str
    count: int
    share: float | None


@dataclass(frozen=True)
class EstimateError:
    """The wait announced on arrival against the wait that followed, over the called visits."""

    count: int
    mean_absolute: float | None  # minutes
    mean_signed: float | None  # minutes; positive: people waited longer than announced


@dataclass(frozen=True)
class SiteStats:
    start: date
    end: date
    visits: int
    people: int
    reasons: list[CountRow]
    routes: list[CountRow]
    waiting: Spread
    service: Spread
    prequalified: int
    prequalified_share: float | None
    left: int
    left_share: float | None
    estimate: EstimateError


def percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile: the smallest measured value that `share` of the values do not
    exceed (exact, and always a wait someone really had)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def spread(values: list[float]) -> Spread:
    if not values:
        return Spread(0, None, None)
    return Spread(len(values), statistics.median(values), percentile(values, 0.9))


def _minutes(start: datetime, end: datetime) -> float:
    return max(0.0, (end - start).total_seconds() / 60)


def _share(count: int, total: int) -> float | None:
    return count / total if total else None


def site_stats(viewer: Viewer, site: Site, *, start: date, end: date) -> SiteStats:
    """The site's figures between two days (inclusive), over the visits the viewer may count."""
    visits = Visit.objects.visible_to(viewer).filter(site=site, day__range=(start, end))
    rows = list(
        visits.values(
            "group_size",
            "arrived_at",
            "called_at",
            "served_at",
            "closed_at",
            "route",
            "prequalified",
            "estimated_wait_minutes",
        )
    )
    total = len(rows)
    waits, services, errors = [], [], []
    route_counts: dict[str, int] = {}
    for row in rows:
        reached = row["called_at"] or row["served_at"]
        if reached is not None:
            waited = _minutes(row["arrived_at"], reached)
            waits.append(waited)
            if row["estimated_wait_minutes"] is not None:
                errors.append(waited - row["estimated_wait_minutes"])
        if row["served_at"] is not None and row["closed_at"] is not None:
            services.append(_minutes(row["served_at"], row["closed_at"]))
        route_counts[row["route"]] = route_counts.get(row["route"], 0) + 1
    reason_counts = dict(
        VisitReason.objects.filter(visit__in=visits.values("pk"))
        .values_list("reason")
        .annotate(count=Count("id"))
        .values_list("reason", "count")
    )
    reasons = [
        CountRow(code, label, reason_counts[code], _share(reason_counts[code], total))
        for code, label in Reason.choices
        if reason_counts.get(code)
    ]
    routes = [
        CountRow(code, label, route_counts[code], _share(route_counts[code], total))
        for code, label in [*Route.choices, ("", OPEN_LABEL)]
        if route_counts.get(code)
    ]
    prequalified = sum(1 for row in rows if row["prequalified"])
    left = route_counts.get(Route.LEFT, 0)
    return SiteStats(
        start=start,
        end=end,
        visits=total,
        people=sum(row["group_size"] for row in rows),
        reasons=reasons,
        routes=routes,
        waiting=spread(waits),
        service=spread(services),
        prequalified=prequalified,
        prequalified_share=_share(prequalified, total),
        left=left,
        left_share=_share(left, total),
        estimate=EstimateError(
            count=len(errors),
            mean_absolute=statistics.fmean(abs(error) for error in errors) if errors else None,
            mean_signed=statistics.fmean(errors) if errors else None,
        ),
    )
