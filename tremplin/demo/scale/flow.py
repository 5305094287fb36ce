"""Step 4, flow: the walk-in queue of the offices that run it, over the last year.

A share of the offices with mediation use the queue screen. There, most people the mediator helps came
through the queue: their visit arrived, waited, was called, served, and closed with the recorded
interaction linked to it. Others were sent to the counter or the machines, to a partner or a
workshop, or left without being served. Each visit has its reasons, a ticket number unique in its
office and day (the day's counter holds the last one), an append-only timeline of steps, and the wait
announced on arrival, computed as `visit_create` does — the people waiting for the same reasons at that
moment, the average service time the office had learned so far, the mediators then on shift — so that
the statistics' estimate error is what the real queue would show. Service times are learned as
`visit_close` learns them, visit after visit.
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from tremplin.flow.models import (
    DEFAULT_ROUTES,
    Board,
    Reason,
    Route,
    SiteReason,
    State,
    TicketCounter,
    Visit,
    VisitEvent,
    VisitReason,
)

from . import names
from .context import Context, local, random_uuid
from .mediation import Record
from .staffing import ShiftPlan, Staffing

#: Share of the offices with mediation that run the queue screen, and for how long they have.
FLOW_SITE_SHARE = 0.3
FLOW_DAYS = 365
#: Share of the records made in the office that came through the queue.
QUEUED_SHARE = 0.7
#: Share of the tensions in the queue closed without service (the person sent on, or gone) before the
#: mediator recorded the conflict prevention; and where those people went.
TENSION_CLOSED_SHARE = 0.5
TENSION_ROUTES = {Route.COUNTER: 40, Route.LEFT: 40, Route.PARTNER: 20}
#: Visits not served by the mediator, for each one served, and where they went.
OTHERS_PER_SERVED = 0.45
OTHER_ROUTES = {Route.COUNTER: 40, Route.MACHINE: 25, Route.PARTNER: 8, Route.WORKSHOP: 5, Route.LEFT: 22}
REASONS_FOR_ROUTE = {
    Route.COUNTER: (Reason.PARCEL_PICKUP, Reason.PARCEL_PICKUP, Reason.BANKING, Reason.OTHER),
    Route.MACHINE: (Reason.SENDING, Reason.SENDING, Reason.PARCEL_PICKUP),
    Route.PARTNER: (Reason.ADMINISTRATIVE_PROCEDURE, Reason.INFORMATION),
    Route.WORKSHOP: (Reason.INFORMATION, Reason.DIGITAL_IDENTITY),
    Route.LEFT: tuple(Reason),
}
REASONS_FOR_DOMAIN = {
    "mail_parcel": (Reason.PARCEL_PICKUP, Reason.SENDING, Reason.SENDING),
    "banking": (Reason.BANKING,),
    "mobile": (Reason.MOBILE,),
    "digital_offers": (Reason.DIGITAL_IDENTITY,),
    "taxes": (Reason.ADMINISTRATIVE_PROCEDURE,),
    "state_procedures": (Reason.ADMINISTRATIVE_PROCEDURE,),
    "other_procedures": (Reason.ADMINISTRATIVE_PROCEDURE, Reason.INFORMATION),
    "": (Reason.INFORMATION,),
}
DEFAULT_ROUTE = {reason: route for reason, (route, _minutes) in DEFAULT_ROUTES.items()}


@dataclass(eq=False, slots=True)
class _Visit:
    arrived_at: datetime
    reasons: list[str]
    #: (state, route, at) after the arrival, in order.
    steps: list[tuple[str, str, datetime]]
    actor: int
    group_size: int = 1
    tension: bool = False
    interaction: int | None = None
    ticket: int = 0
    estimate: int | None = None

    def state_at(self, moment: datetime) -> str:
        state = State.WAITING
        for step_state, _route, at in self.steps:
            if at > moment:
                break
            state = step_state
        return state

    @property
    def closed_at(self) -> datetime:
        return self.steps[-1][2]

    @property
    def route(self) -> str:
        return self.steps[-1][1]

    def at(self, state: str) -> datetime | None:
        for step, _route, moment in self.steps:
            if step == state:
                return moment
        return None


@dataclass
class _Learned:
    """A site's reasons catalogue, as `visit_close` teaches it."""

    seconds: dict[str, int] = field(default_factory=dict)
    served: dict[str, int] = field(default_factory=dict)
    since: date | None = None


class Flow:
    def __init__(self, context: Context, staffing: Staffing):
        self.context = context
        self.sink = context.sink
        self.rng = context.rng("flow")
        sites = sorted(
            {site.id: site for p in staffing.programmes for site in p.sites}.values(), key=lambda s: s.id
        )
        chosen = self.rng.sample(sites, max(1, round(len(sites) * FLOW_SITE_SHARE))) if sites else []
        first = context.period.until - timedelta(days=FLOW_DAYS - 1)
        self.sites: dict[int, _Learned] = {}
        for site in sorted(chosen, key=lambda s: s.id):
            self.sites[site.id] = _Learned(
                seconds={reason: minutes * 60 for reason, (_route, minutes) in DEFAULT_ROUTES.items()},
                served=dict.fromkeys(DEFAULT_ROUTES, 0),
                since=first,
            )
        self.operator_of = {site.id: p.provider.id for p in staffing.programmes for site in p.sites}
        self.visits = self.events = 0

    def site_day(self, site_id: int, day: date, shifts: list[ShiftPlan], records: list[Record]) -> None:
        learned = self.sites.get(site_id)
        if learned is None or day < learned.since or not shifts:
            return
        rng = self.rng
        opening = min(shift.started_at for shift in shifts)
        visits: list[_Visit] = []
        for record in records:
            if record.deleted or record.workshop is not None or record.place != "bureau_de_poste":
                continue
            if rng.random() >= QUEUED_SHARE:
                continue
            visits.append(self._queued(record, opening, rng))
        served = len(visits)
        others = round(served * OTHERS_PER_SERVED * rng.uniform(0.6, 1.4))
        routes, weights = list(OTHER_ROUTES), list(OTHER_ROUTES.values())
        for _ in range(others):
            shift = rng.choice(shifts)
            span = max(60, int((shift.ended_at - shift.started_at).total_seconds()) - 600)
            arrived_at = shift.started_at + timedelta(seconds=rng.randrange(span))
            route = rng.choices(routes, weights=weights)[0]
            if route == Route.LEFT:
                steps = [(State.DONE, Route.LEFT, arrived_at + timedelta(seconds=rng.randint(300, 2400)))]
            else:
                oriented_at = arrived_at + timedelta(seconds=rng.randint(30, 360))
                steps = []
                if route in (Route.PARTNER, Route.WORKSHOP) and rng.random() < 0.3:
                    steps.append((State.CALLED, "", oriented_at))
                    oriented_at += timedelta(seconds=rng.randint(60, 300))
                steps.append((State.DONE, route, oriented_at))
            visits.append(
                _Visit(
                    arrived_at=arrived_at,
                    reasons=[rng.choice(REASONS_FOR_ROUTE[route])],
                    steps=steps,
                    actor=shift.mediator.user_id,
                    group_size=2 if rng.random() < 0.05 else 1,
                    # A tension the mediator did not record as a conflict prevention (the app asks).
                    tension=route == Route.LEFT and rng.random() < 0.05,
                )
            )
        if not visits:
            return
        visits.sort(key=lambda v: v.arrived_at)
        for ticket, visit in enumerate(visits, start=1):
            visit.ticket = ticket
        self._estimate(learned, visits, shifts)
        self._write(site_id, day, visits, rng)

    def _queued(self, record: Record, opening: datetime, rng) -> _Visit:
        """The visit of someone the mediator helped: served, and closed with the record linked; or,
        after a tension in the queue, sent on (counter, partner) or gone, with the conflict prevention
        recorded and linked afterwards (`visit_recorded`)."""
        served_at = record.started_at
        if record.tension and rng.random() < TENSION_CLOSED_SHARE:
            route = rng.choices(list(TENSION_ROUTES), weights=list(TENSION_ROUTES.values()))[0]
            wait = timedelta(seconds=int(rng.expovariate(1 / 600)))
            steps = [(State.DONE, route, record.ended_at)]
            arrived_at = max(opening, served_at - wait)
        else:
            called_at = served_at - timedelta(seconds=rng.randint(20, 120)) if rng.random() < 0.9 else None
            wait = timedelta(seconds=int(rng.expovariate(1 / 420)))
            arrived_at = max(opening, (called_at or served_at) - wait)
            steps = []
            if called_at is not None and called_at > arrived_at:
                steps.append((State.CALLED, "", called_at))
            steps.append((State.SERVING, "", served_at))
            steps.append((State.DONE, Route.MEDIATOR, record.ended_at))
        return _Visit(
            arrived_at=arrived_at,
            reasons=self._reasons(record),
            steps=steps,
            actor=record.shift.mediator.user_id,
            group_size=min(record.people, 20),
            tension=record.tension,
            interaction=record.id,
        )

    def _reasons(self, record: Record) -> list[str]:
        rng = self.rng
        if record.kind == "postal_forms":
            reasons = [Reason.POSTAL_FORMS]
        elif record.kind == "information_orientation" and rng.random() < 0.5:
            reasons = [Reason.INFORMATION]
        else:
            reasons = [rng.choice(REASONS_FOR_DOMAIN.get(record.domain, (Reason.OTHER,)))]
        if rng.random() < 0.08:
            extra = rng.choice(list(Reason))
            if extra not in reasons:
                reasons.append(extra)
        return reasons

    def _estimate(self, learned: _Learned, visits: list[_Visit], shifts: list[ShiftPlan]) -> None:
        """Replay the day: closes teach service times; each arrival gets the wait announced then."""
        happenings = [(visit.arrived_at, 1, visit) for visit in visits]
        happenings += [
            (visit.closed_at, 0, visit)
            for visit in visits
            if visit.route == Route.MEDIATOR and len(visit.steps) >= 2 and visit.steps[-2][0] == State.SERVING
        ]
        happenings.sort(key=lambda h: (h[0], h[1], h[2].ticket))
        for moment, is_arrival, visit in happenings:
            if not is_arrival:
                seconds = int((visit.closed_at - visit.at(State.SERVING)).total_seconds())
                if seconds > 0:
                    share = seconds // max(1, len(visit.reasons))
                    for reason in visit.reasons:
                        count = learned.served[reason]
                        learned.seconds[reason] = (learned.seconds[reason] * count + share) // (count + 1)
                        learned.served[reason] = count + 1
                continue
            staff = max(1, sum(1 for shift in shifts if shift.started_at <= moment < shift.open_until))
            waiting: dict[str, int] = {}
            for other in visits:
                if other.ticket >= visit.ticket:
                    break
                if other.state_at(moment) in (State.WAITING, State.CALLED):
                    for reason in other.reasons:
                        waiting[reason] = waiting.get(reason, 0) + 1
            visit.estimate = max(
                math.ceil(
                    waiting.get(reason, 0)
                    * learned.seconds[reason]
                    / (staff if DEFAULT_ROUTE[reason] == Route.MEDIATOR else 1)
                    / 60
                )
                for reason in visit.reasons
            )

    def _write(self, site_id: int, day: date, visits: list[_Visit], rng) -> None:
        sink = self.sink
        table, reasons, events = sink[Visit], sink[VisitReason], sink[VisitEvent]
        operator_of = self.operator_of
        for visit in visits:
            pk = table.allocate()
            called_at = visit.at(State.CALLED)
            served_at = visit.at(State.SERVING)
            if served_at is not None and called_at is None:
                called_at = served_at
            sink.add(
                table,
                table.Row(
                    id=pk,
                    created_at=visit.arrived_at,
                    updated_at=visit.closed_at,
                    client_uuid=random_uuid(rng),
                    operator_id=operator_of[site_id],
                    site_id=site_id,
                    day=day,
                    ticket=visit.ticket,
                    first_name=names.first_name(rng) if rng.random() < 0.12 else "",
                    group_size=visit.group_size,
                    arrived_at=visit.arrived_at,
                    state=State.DONE,
                    state_since=visit.closed_at,
                    called_at=called_at,
                    served_at=served_at,
                    closed_at=visit.closed_at,
                    route=visit.route,
                    prequalified=rng.random() < 0.95,
                    estimated_wait_minutes=visit.estimate,
                    tension=visit.tension,
                    called_by_id=visit.actor if visit.at(State.CALLED) is not None else None,
                    interaction_id=visit.interaction,
                ),
            )
            for reason in visit.reasons:
                sink.add(reasons, reasons.Row(id=reasons.allocate(), visit_id=pk, reason=reason))
            sink.add(
                events,
                events.Row(
                    id=events.allocate(),
                    visit_id=pk,
                    state=State.WAITING,
                    route="",
                    at=visit.arrived_at,
                    actor_id=visit.actor,
                ),
            )
            for state, route, at in visit.steps:
                sink.add(
                    events,
                    events.Row(
                        id=events.allocate(),
                        visit_id=pk,
                        state=state,
                        route=route,
                        at=at,
                        actor_id=visit.actor,
                    ),
                )
            self.events += 1 + len(visit.steps)
        self.visits += len(visits)
        counters = sink[TicketCounter]
        sink.add(counters, counters.Row(id=counters.allocate(), site_id=site_id, day=day, last=len(visits)))

    def finish(self) -> dict[str, int]:
        """Each queue site's reasons catalogue, with what it learned, and its public board."""
        sink = self.sink
        table, boards = sink[SiteReason], sink[Board]
        for site_id, learned in self.sites.items():
            for position, (reason, (route, _minutes)) in enumerate(DEFAULT_ROUTES.items()):
                sink.add(
                    table,
                    table.Row(
                        id=table.allocate(),
                        site_id=site_id,
                        reason=reason,
                        default_route=route,
                        position=position,
                        is_active=True,
                        service_seconds=learned.seconds[reason],
                        served_count=learned.served[reason],
                    ),
                )
            sink.add(
                boards,
                boards.Row(
                    id=boards.allocate(),
                    site_id=site_id,
                    secret=base64.urlsafe_b64encode(self.rng.randbytes(24)).decode(),
                    rotated_at=local(learned.since, time(8, 0)),
                ),
            )
        return {"queue_sites": len(self.sites), "visits": self.visits, "visit_events": self.events}
