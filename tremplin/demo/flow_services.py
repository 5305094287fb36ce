"""The demo's walk-in queue: the people who queued during the last weeks of worked shifts, and a few
waiting now at the offices where a mediator is planned today.

Each interaction of those shifts becomes, most of the time, a visit served by the mediator and linked
to it (its reason read from the interaction's kind and domain); around them, people pre-qualified in
the queue and sent to the counter or a machine, a few sent to a workshop or a partner, a few who left.
Rows are written in bulk with what the flow services would have written (ticket numbers in arrival
order per site and day, the state timeline, the estimate announced on arrival) and each draw is seeded
by its shift, so the same shifts always give the same queue.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from tremplin.core.services import journal_record
from tremplin.flow import services as flow_services
from tremplin.flow.models import (
    Reason,
    Route,
    SiteReason,
    State,
    TicketCounter,
    Visit,
    VisitEvent,
    VisitReason,
)
from tremplin.mediation.models import Interaction
from tremplin.staffing.models import Rotation, Shift
from tremplin.territory.models import Site

from . import mediation_dataset
from .services import DEMO_NAMESPACE

#: How far back the demo's queue goes: the weeks a coordinator looks at in the statistics.
QUEUE_DAYS = 28
#: Share of a shift's interactions that came through the queue (the others: people the mediator met
#: at the machines or who came back by appointment).
FROM_QUEUE = 0.7
#: People pre-qualified and sent elsewhere, per interaction from the queue, by route.
OTHER_ROUTES = {Route.COUNTER: 0.35, Route.MACHINE: 0.2, Route.WORKSHOP: 0.03, Route.PARTNER: 0.04}
#: People who gave up before being served, per interaction from the queue.
LEFT = 0.05
BATCH = 500

#: What reason a person gave, read from what the mediator then did for them.
REASON_OF_DOMAIN = {
    "mail_parcel": Reason.PARCEL_PICKUP,
    "banking": Reason.BANKING,
    "mobile": Reason.MOBILE,
    "digital_offers": Reason.DIGITAL_IDENTITY,
    "taxes": Reason.ADMINISTRATIVE_PROCEDURE,
    "state_procedures": Reason.ADMINISTRATIVE_PROCEDURE,
    "other_procedures": Reason.ADMINISTRATIVE_PROCEDURE,
}
#: The reasons of people sent to the counter or a machine without the mediator's help.
ROUTED_REASONS = {
    Route.COUNTER: {Reason.PARCEL_PICKUP: 6, Reason.BANKING: 3, Reason.OTHER: 1},
    Route.MACHINE: {Reason.SENDING: 7, Reason.PARCEL_PICKUP: 3},
    Route.WORKSHOP: {Reason.DIGITAL_IDENTITY: 1, Reason.ADMINISTRATIVE_PROCEDURE: 2},
    Route.PARTNER: {Reason.ADMINISTRATIVE_PROCEDURE: 3, Reason.INFORMATION: 1},
    Route.LEFT: {Reason.PARCEL_PICKUP: 2, Reason.BANKING: 2, Reason.INFORMATION: 1},
}
#: The ones waiting right now at an office where a mediator is planned today.
WAITING_NOW = ((Reason.BANKING,), (Reason.PARCEL_PICKUP,), (Reason.MOBILE, Reason.DIGITAL_IDENTITY))


@dataclass
class FlowReport:
    visits: int = 0
    served: int = 0
    waiting_now: int = 0


@dataclass
class _Drawn:
    """One visit before it has a ticket number."""

    key: str
    shift: Shift
    reasons: tuple[str, ...]
    arrived_at: datetime
    route: str
    called_at: datetime | None = None
    served_at: datetime | None = None
    closed_at: datetime | None = None
    interaction_id: int | None = None
    tension: bool = False
    prequalified: bool = True
    estimate: int | None = None
    first_name: str = ""
    state: str = State.DONE


@transaction.atomic
def demo_flow_load(*, today=None) -> FlowReport:
    """Queue the last weeks of the current contracts' worked shifts that have no visit yet, and a few
    people waiting today. A second run adds nothing."""
    today = today or timezone.localdate()
    report = FlowReport()
    shifts = (
        Shift.objects.filter(
            ended_at__isnull=False,
            contract__reference__in=mediation_dataset.ACTIVITY,
            contract__ends_on__gte=today,
            started_at__date__gte=today - timedelta(days=QUEUE_DAYS),
        )
        .select_related("site", "operator", "mediator__user")
        .order_by("started_at")
    )
    known = set(
        Visit.objects.filter(site__in=shifts.values("site_id"), day__gte=today - timedelta(days=QUEUE_DAYS))
        .values_list("client_uuid", flat=True)
        .iterator()
    )
    interactions: dict[int, list[Interaction]] = {}
    for interaction in (
        Interaction.objects.filter(shift__in=shifts, deleted_at__isnull=True)
        .only("pk", "shift_id", "started_at", "duration_minutes", "kind", "domain", "conflict_severity")
        .order_by("started_at")
    ):
        interactions.setdefault(interaction.shift_id, []).append(interaction)
    drawn = []
    for shift in shifts:
        visits = _draw_shift(shift, interactions.get(shift.pk, []))
        if visits and _uuid(visits[0].key) not in known:
            drawn.extend(visits)
    drawn.extend(_draw_waiting_now(today, known))
    if not drawn:
        return report
    _write(drawn)
    _learn_service_times({visit.shift.site_id for visit in drawn})
    report.visits = len(drawn)
    report.served = sum(1 for visit in drawn if visit.interaction_id)
    report.waiting_now = sum(1 for visit in drawn if visit.state == State.WAITING)
    journal_record(action="demo.flow.loaded", payload={"visits": report.visits, "served": report.served})
    return report


def _uuid(key: str) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, f"visit/{key}")


def _draw_shift(shift: Shift, interactions: list[Interaction]) -> list[_Drawn]:
    rng = random.Random(f"flow/{shift.client_uuid}")
    visits = []
    for index, interaction in enumerate(interactions):
        if rng.random() >= FROM_QUEUE:
            continue
        served_at = interaction.started_at
        waited = min(_wait(rng), max(0, int((served_at - shift.started_at).total_seconds() // 60)))
        reason = _reason_of(interaction, rng)
        visits.append(
            _Drawn(
                key=f"{shift.client_uuid}/{index}",
                shift=shift,
                reasons=(reason,),
                arrived_at=served_at - timedelta(minutes=waited),
                route=Route.MEDIATOR,
                called_at=served_at,
                served_at=served_at,
                closed_at=served_at + timedelta(minutes=interaction.duration_minutes),
                interaction_id=interaction.pk,
                tension=bool(interaction.conflict_severity),
                estimate=_estimate(rng, waited),
                prequalified=rng.random() < 0.92,
            )
        )
    minutes = max(1, int((shift.ended_at - shift.started_at).total_seconds() // 60))
    others = [*OTHER_ROUTES.items(), (Route.LEFT, LEFT)]
    for route, share in others:
        count = sum(1 for _served in range(len(visits)) if rng.random() < share)
        for number in range(count):
            arrived_at = shift.started_at + timedelta(minutes=rng.randrange(minutes))
            reasons = ROUTED_REASONS[route]
            reason = rng.choices(list(reasons), weights=list(reasons.values()))[0]
            closed_at = min(shift.ended_at, arrived_at + timedelta(minutes=rng.randint(1, 4)))
            if route == Route.LEFT:
                closed_at = min(shift.ended_at, arrived_at + timedelta(minutes=rng.randint(10, 30)))
            visits.append(
                _Drawn(
                    key=f"{shift.client_uuid}/{route}/{number}",
                    shift=shift,
                    reasons=(reason,),
                    arrived_at=arrived_at,
                    route=route,
                    closed_at=closed_at,
                    prequalified=True,
                )
            )
    return visits


def _wait(rng: random.Random) -> int:
    """Minutes before the mediator takes the person: mostly short, sometimes a queue."""
    return int(rng.choices((0, 2, 4, 7, 12, 20), weights=(18, 26, 22, 16, 12, 6))[0] + rng.random() * 2)


def _estimate(rng: random.Random, waited: int) -> int:
    """The wait the screen announced on arrival: right on average, a few minutes off each time."""
    return max(0, round(waited + rng.gauss(0, 3)))


def _reason_of(interaction: Interaction, rng: random.Random) -> str:
    if interaction.kind == "postal_forms":
        return Reason.POSTAL_FORMS
    if interaction.kind == "machines_and_tools" and interaction.domain == "mail_parcel":
        return Reason.SENDING
    if interaction.kind == "information_orientation" and rng.random() < 0.3:
        return Reason.INFORMATION
    return REASON_OF_DOMAIN.get(interaction.domain, Reason.INFORMATION)


def _draw_waiting_now(today, known: set) -> list[_Drawn]:
    """Three people waiting now at each office where a mediator of a current contract is planned today,
    so that the queue screen and the public board have something to show."""
    now = timezone.now()
    rotations = (
        Rotation.objects.filter(
            weekday=today.weekday(),
            contract__reference__in=mediation_dataset.ACTIVITY,
            contract__starts_on__lte=today,
            contract__ends_on__gte=today,
            valid_from__lte=today,
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .select_related("site", "contract__operator")
        .order_by("site_id")
    )
    drawn, seen = [], set()
    for rotation in rotations:
        if rotation.site_id in seen:
            continue
        seen.add(rotation.site_id)
        key = f"today/{today.isoformat()}/{rotation.site_id}"
        if _uuid(f"{key}/0") in known:
            continue
        pseudo_shift = Shift(site=rotation.site, operator=rotation.contract.operator)
        for number, reasons in enumerate(WAITING_NOW):
            drawn.append(
                _Drawn(
                    key=f"{key}/{number}",
                    shift=pseudo_shift,
                    reasons=reasons,
                    arrived_at=now - timedelta(minutes=12 - 4 * number),
                    route="",
                    closed_at=None,
                    state=State.WAITING,
                    first_name="Rose" if number == 2 else "",
                )
            )
    return drawn


def _write(drawn: list[_Drawn]) -> None:
    drawn.sort(key=lambda visit: (visit.shift.site_id, visit.arrived_at, visit.key))
    tickets = _tickets(drawn)
    visits = [
        Visit(
            client_uuid=_uuid(item.key),
            operator_id=item.shift.operator_id,
            site_id=item.shift.site_id,
            day=timezone.localdate(item.arrived_at),
            ticket=ticket,
            first_name=item.first_name,
            arrived_at=item.arrived_at,
            state=item.state,
            state_since=item.closed_at or item.arrived_at,
            called_at=item.called_at,
            served_at=item.served_at,
            closed_at=item.closed_at,
            route=item.route,
            prequalified=item.prequalified,
            estimated_wait_minutes=item.estimate,
            tension=item.tension,
            called_by_id=item.shift.mediator.user_id if item.called_at else None,
            interaction_id=item.interaction_id,
        )
        for item, ticket in zip(drawn, tickets, strict=True)
    ]
    Visit.objects.bulk_create(visits, batch_size=BATCH)
    ids = dict(
        Visit.objects.filter(client_uuid__in=[visit.client_uuid for visit in visits]).values_list(
            "client_uuid", "pk"
        )
    )
    VisitReason.objects.bulk_create(
        (
            VisitReason(visit_id=ids[visit.client_uuid], reason=reason)
            for visit, item in zip(visits, drawn, strict=True)
            for reason in item.reasons
        ),
        batch_size=BATCH,
    )
    VisitEvent.objects.bulk_create(
        (
            event
            for visit, item in zip(visits, drawn, strict=True)
            for event in _timeline(ids[visit.client_uuid], item)
        ),
        batch_size=BATCH,
    )
    Visit.objects.filter(pk__in=ids.values()).update(created_at=F("arrived_at"), updated_at=F("state_since"))


def _tickets(drawn: list[_Drawn]) -> list[int]:
    """Ticket numbers in arrival order per site and day, after those already given (a counter each)."""
    days = {(item.shift.site_id, timezone.localdate(item.arrived_at)) for item in drawn}
    counters = {}
    for site_id, day in days:
        counter, _created = TicketCounter.objects.get_or_create(site_id=site_id, day=day)
        counters[(site_id, day)] = counter
    tickets = []
    for item in drawn:
        counter = counters[(item.shift.site_id, timezone.localdate(item.arrived_at))]
        counter.last += 1
        tickets.append(counter.last)
    TicketCounter.objects.bulk_update(counters.values(), ["last"])
    return tickets


def _timeline(visit_id: int, item: _Drawn) -> list[VisitEvent]:
    mediator = item.shift.mediator.user_id if item.shift.mediator_id else None
    events = [VisitEvent(visit_id=visit_id, state=State.WAITING, at=item.arrived_at)]
    if item.called_at:
        events.append(VisitEvent(visit_id=visit_id, state=State.CALLED, at=item.called_at, actor_id=mediator))
    if item.served_at:
        events.append(
            VisitEvent(visit_id=visit_id, state=State.SERVING, at=item.served_at, actor_id=mediator)
        )
    if item.state == State.DONE:
        events.append(
            VisitEvent(
                visit_id=visit_id, state=State.DONE, route=item.route, at=item.closed_at, actor_id=mediator
            )
        )
    return events


def _learn_service_times(site_ids: set[int]) -> None:
    """Each site's catalogue, with the mean service time its served visits give per reason (what
    `visit_close` learns one visit at a time)."""
    for site in Site.objects.filter(pk__in=site_ids):
        flow_services.site_reasons_ensure(site=site)
    learned: dict[tuple[int, str], list[float]] = {}
    for site_id, reason, served_at, closed_at in VisitReason.objects.filter(
        visit__site_id__in=site_ids, visit__route=Route.MEDIATOR, visit__served_at__isnull=False
    ).values_list("visit__site_id", "reason", "visit__served_at", "visit__closed_at"):
        learned.setdefault((site_id, reason), []).append((closed_at - served_at).total_seconds())
    rows = list(SiteReason.objects.filter(site_id__in=site_ids))
    for row in rows:
        seconds = learned.get((row.site_id, row.reason))
        if seconds:
            row.service_seconds, row.served_count = int(sum(seconds) / len(seconds)), len(seconds)
    SiteReason.objects.bulk_update(rows, ["service_seconds", "served_count"])
