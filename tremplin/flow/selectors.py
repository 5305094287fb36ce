"""Reads of the walk-in queue: the queue of a site, the estimated waits, who may act on it.

The queue belongs to the operator whose mediators work at the site: its mediators, coordinators and
administrators read and act on it. Funders read statistics only (no visit list)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, Q
from django.utils import timezone

from tremplin.core.roles import Role
from tremplin.core.tenancy import Viewer
from tremplin.staffing.models import Shift

from .models import Board, Route, SiteReason, State, Visit, VisitReason
from .services import site_reasons_ensure

QUEUE_STATES = (State.WAITING, State.CALLED, State.SERVING, State.ON_HOLD)
STAFF_ROLES = (Role.MEDIATOR, Role.COORDINATOR, Role.ADMIN)


def visits_visible_to(viewer: Viewer):
    if viewer.is_platform_admin and not viewer.has_role:
        return Visit.objects.all()
    if not viewer.is_(*STAFF_ROLES):
        return Visit.objects.none()
    return Visit.objects.visible_to(viewer)


def queue_of(viewer: Viewer, site, *, day=None):
    """Today's open visits at the site, oldest first, with their reasons."""
    day = day or timezone.localdate()
    return (
        visits_visible_to(viewer)
        .filter(site=site, day=day, state__in=QUEUE_STATES)
        .prefetch_related(Prefetch("reasons", queryset=VisitReason.objects.order_by("id")))
        .order_by("arrived_at", "id")
    )


def visit_to_record(viewer: Viewer, pk) -> Visit | None:
    """The queue's visit an interaction is being recorded for: one being served, or one closed after a
    tension whose prevention has not been recorded yet. None for anything else."""
    if not str(pk or "").isdigit():
        return None
    return (
        visits_visible_to(viewer)
        .filter(Q(state=State.SERVING) | Q(state=State.DONE, tension=True, interaction__isnull=True), pk=pk)
        .first()
    )


def board_for_secret(secret: str) -> Board | None:
    if not secret or len(secret) > 64:
        return None
    return Board.objects.filter(secret=secret).select_related("site").first()


def catalogue_of(site) -> list[SiteReason]:
    """The reasons offered at the site, most frequent first as the coordinator ordered them."""
    return [reason for reason in site_reasons_ensure(site=site) if reason.is_active]


def staff_on_site(site, *, now: datetime | None = None) -> int:
    """Mediators with a shift under way at the site: who can serve the mediator's reasons."""
    return Shift.objects.filter(
        site=site, ended_at__isnull=True, started_at__lte=now or timezone.now()
    ).count()


@dataclass(frozen=True)
class ReasonWait:
    reason: str
    label: str
    waiting: int
    minutes: int  # estimated wait, in minutes, for someone arriving now with this reason


def estimated_waits(site, *, now: datetime | None = None) -> list[ReasonWait]:
    """Per reason: people waiting with it × its learned service time ÷ the people able to serve it.

    Reasons routed to the mediator are served by the mediators on shift; the others by the counter
    or the machines, counted as one server (the office's own staff is not known to Tremplin)."""
    now = now or timezone.now()
    catalogue = catalogue_of(site)
    mediators = max(1, staff_on_site(site, now=now))
    waiting_rows = VisitReason.objects.filter(
        visit__site=site, visit__day=timezone.localdate(now), visit__state__in=(State.WAITING, State.CALLED)
    ).values_list("reason", flat=True)
    counts: dict[str, int] = {}
    for reason in waiting_rows:
        counts[reason] = counts.get(reason, 0) + 1
    waits = []
    for site_reason in catalogue:
        waiting = counts.get(site_reason.reason, 0)
        servers = mediators if site_reason.default_route == Route.MEDIATOR else 1
        minutes = math.ceil(waiting * site_reason.service_seconds / servers / 60)
        waits.append(ReasonWait(site_reason.reason, site_reason.get_reason_display(), waiting, minutes))
    return waits


def waited_minutes(visit: Visit, *, now: datetime | None = None) -> int:
    """How long the visit has waited so far (until called, served, or closed)."""
    end = visit.called_at or visit.served_at or visit.closed_at or now or timezone.now()
    return max(0, int((end - visit.arrived_at).total_seconds() // 60))


def queue_sites_for(viewer: Viewer):
    """Sites whose queue the viewer runs: a mediator's recording sites; for a coordinator or an
    administrator, the sites of their operator's contracts. Nobody else (funders read statistics)."""
    from tremplin.mediation import selectors as mediation_selectors
    from tremplin.staffing.models import ContractSite
    from tremplin.territory.models import Site

    if viewer.is_(Role.MEDIATOR):
        profile = mediation_selectors.mediator_profile_for(viewer)
        if profile is None:
            return Site.objects.none()
        return mediation_selectors.recording_sites_for(profile)
    if viewer.is_(Role.COORDINATOR, Role.ADMIN):
        contract_sites = ContractSite.objects.filter(contract__operator_id=viewer.operator_id)
        return (
            Site.objects.filter(pk__in=contract_sites.values("site_id"))
            .select_related("commune")
            .order_by("name")
        )
    return Site.objects.none()
