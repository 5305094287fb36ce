"""Writes of the demo's workshops, through the workshops services only: the catalogue and its pathway,
past sessions booked, attended and closed into group interactions at the time they happened (the
services' `now`), and upcoming sessions booked today, some full with a waiting list.

Past sessions are only loaded with the worked shifts (they are interactions, like the shifts'); the
catalogue and the upcoming sessions always are. Every draw is seeded by the session, so the same day
gives the same data; a second run adds only the sessions that are missing."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from tremplin.accounts.models import Membership, Operator, User
from tremplin.core.roles import Role
from tremplin.mediation.models import Beneficiary
from tremplin.mediation.services import normalise_name
from tremplin.staffing.models import MediatorProfile
from tremplin.territory.models import Commune, Site
from tremplin.workshops import services
from tremplin.workshops.models import Pathway, Registration, Session, Workshop

from . import dataset
from . import workshops_dataset as data
from .services import DemoCounts


@dataclass
class WorkshopsReport:
    workshops: DemoCounts = field(default_factory=DemoCounts)
    sessions: DemoCounts = field(default_factory=DemoCounts)
    closed: int = 0
    registrations: int = 0


@dataclass
class _Context:
    today: date
    now: datetime
    operators: dict
    catalogues: dict = field(default_factory=dict)
    #: (operator key, followed name) → the pathway steps they attended, in order.
    progress: dict = field(default_factory=dict)


def _this_monday(today: date) -> date:
    return today - timedelta(days=today.weekday())


@transaction.atomic
def demo_workshops_load(*, with_past: bool = True) -> WorkshopsReport:
    report = WorkshopsReport()
    now = timezone.now()
    operators = {spec.key: Operator.objects.get(name=spec.name) for spec in dataset.OPERATORS}
    context = _Context(today=timezone.localdate(now), now=now, operators=operators)
    for key in {slot.operator for slot in data.SLOTS}:
        context.catalogues[key] = _catalogue_load(operators[key], report)
    monday = _this_monday(context.today)
    weeks = range(-data.PAST_WEEKS if with_past else 0, data.UPCOMING_WEEKS)
    for week in weeks:
        for slot in data.SLOTS:
            if week in slot.skip_weeks:
                continue
            day = monday + timedelta(weeks=week, days=slot.weekday)
            if day < context.today and not with_past:
                continue
            _session_load(slot, week, day, context, report)
    # The daily sweep has run: registrants of sessions past the retention period are no longer known.
    services.registrations_purge(now=now)
    return report


def _actor(operator: Operator) -> User:
    """Who writes the catalogue: the operator's coordinator of the demo (or its administrator)."""
    for role in (Role.COORDINATOR, Role.ADMIN):
        membership = Membership.objects.filter(operator=operator, role=role).select_related("user").first()
        if membership is not None:
            return membership.user
    raise LookupError(f"No coordinator nor administrator for {operator}")


def _catalogue_load(operator: Operator, report: WorkshopsReport) -> dict[str, Workshop]:
    actor = _actor(operator)
    known = {workshop.title: workshop for workshop in Workshop.objects.filter(operator=operator)}
    catalogue = {}
    for spec in data.CATALOGUE:
        workshop = known.get(spec.title)
        report.workshops.add(workshop is None)
        if workshop is None:
            workshop = services.workshop_save(
                actor=actor,
                operator_id=operator.pk,
                themes=list(spec.themes),
                title=spec.title,
                description=spec.description,
                level=spec.level,
                duration_minutes=spec.duration_minutes,
                max_participants=spec.max_participants,
                prerequisites=spec.prerequisites,
                equipment_provided=spec.equipment_provided,
            )
        catalogue[spec.key] = workshop
    if not Pathway.objects.filter(operator=operator, title=data.PATHWAY_TITLE).exists():
        services.pathway_save(
            actor=actor,
            operator_id=operator.pk,
            title=data.PATHWAY_TITLE,
            description=data.PATHWAY_DESCRIPTION,
            workshops=[catalogue[key] for key in data.PATHWAY],
        )
    return catalogue


def _session_load(
    slot: data.DemoSlot, week: int, day: date, context: _Context, report: WorkshopsReport
) -> None:
    operator = context.operators[slot.operator]
    workshop_key = slot.workshops[(week + 60) % len(slot.workshops)]
    workshop = context.catalogues[slot.operator][workshop_key]
    starts_at = timezone.make_aware(datetime.combine(day, time(slot.hour)))
    if Session.objects.filter(operator=operator, workshop=workshop, starts_at=starts_at).exists():
        report.sessions.add(False)
        _remember_progress(slot, workshop_key, starts_at, context)
        return
    report.sessions.add(True)
    facilitator = MediatorProfile.objects.select_related("user").get(
        user__email=slot.facilitator, operator=operator
    )
    venue = {}
    if slot.venue is not None:
        venue = {
            "venue": Session.Venue.OUTSIDE,
            "venue_name": slot.venue.name,
            "venue_address": slot.venue.address,
            "venue_commune": Commune.objects.get(code=slot.venue.commune),
        }
    capacity = min(slot.capacity, workshop.max_participants)
    (session,) = services.session_schedule(
        actor=facilitator.user,
        operator_id=operator.pk,
        data=services.SessionData(
            workshop=workshop,
            starts_at=starts_at,
            site=Site.objects.get(identifier=slot.site),
            capacity=capacity,
            facilitators=[facilitator],
            accessibility_notes=slot.accessibility,
            **venue,
        ),
    )
    draw = random.Random(f"{slot.facilitator}/{starts_at.isoformat()}")
    if day < context.today:
        _past(session, slot, workshop_key, facilitator, draw, context, report, close=True)
    elif starts_at <= context.now:
        # Today's session has begun: booked beforehand, its attendance is still to be taken.
        _past(session, slot, workshop_key, facilitator, draw, context, report, close=False)
    else:
        _upcoming(session, slot, workshop_key, facilitator, draw, context, report)


def _followers(
    slot: data.DemoSlot, workshop_key: str, context: _Context, operator: Operator
) -> list[Beneficiary]:
    """The followed regulars of this slot for whom this workshop is the next step of the pathway."""
    if workshop_key not in data.PATHWAY:
        return []
    step = data.PATHWAY.index(workshop_key)
    people = []
    for name, recorder in data.PATHWAY_FOLLOWERS.get(slot.facilitator, ()):
        done = context.progress.setdefault((slot.operator, name), [])
        if len(done) != step:
            continue
        person = (
            Beneficiary.objects.active()
            .filter(operator=operator, search_key=normalise_name(name), recorded_by__user__email=recorder)
            .first()
        )
        if person is not None:
            people.append(person)
    return people


def _remember_progress(
    slot: data.DemoSlot, workshop_key: str, starts_at: datetime, context: _Context
) -> None:
    """On a second run, the regulars' steps already attended, read back from the sessions kept."""
    if workshop_key not in data.PATHWAY or starts_at >= context.now:
        return
    for name, _recorder in data.PATHWAY_FOLLOWERS.get(slot.facilitator, ()):
        done = context.progress.setdefault((slot.operator, name), [])
        attended = Registration.objects.filter(
            session__starts_at=starts_at,
            session__operator=context.operators[slot.operator],
            beneficiary__search_key=normalise_name(name),
            attended=True,
        ).exists()
        if attended and workshop_key not in done:
            done.append(workshop_key)


def _public(session: Session, draw: random.Random, count: int, *, now: datetime, offset: int) -> list:
    """`count` members of the public book (alternately with a mobile number and an e-mail address, from
    the ranges reserved for fiction)."""
    names = draw.sample(data.FIRST_NAMES, k=min(count, len(data.FIRST_NAMES)))
    booked = []
    for index, name in enumerate(names):
        number = (session.pk * 7 + index + offset) % 100
        contact = (
            {"phone": f"06 39 98 {number:02d} {index + offset:02d}"}
            if index % 2
            else {"email": f"{normalise_name(name).replace(' ', '-')}.{session.pk}.{index}@exemple.org"}
        )
        registration, _created = services.registration_create(
            actor=None,
            session=session,
            source=Registration.Source.PUBLIC,
            first_name=name,
            consent=True,
            now=now,
            **contact,
        )
        booked.append(registration)
    return booked


def _past(session, slot, workshop_key, facilitator, draw, context, report, *, close: bool) -> None:
    """Booked in the week before, attended (a few no-shows, sometimes a walk-in or anonymous people),
    closed by the facilitator at the end of the session (`close`; else only booked)."""
    actor = facilitator.user
    booked_at = session.starts_at - timedelta(days=draw.randint(2, 8), hours=draw.randint(0, 6))
    followers = _followers(slot, workshop_key, context, session.operator)
    registrations = [
        services.registration_create(
            actor=actor, session=session, source=Registration.Source.STAFF, beneficiary=person, now=booked_at
        )[0]
        for person in followers
    ]
    public = max(session.capacity - draw.randint(0, 2) - len(followers), 0)
    registrations += _public(session, draw, public, now=booked_at + timedelta(hours=1), offset=0)
    report.registrations += len(registrations)
    if not close:
        return
    during = session.starts_at + timedelta(minutes=10)
    for registration in registrations:
        followed = registration.beneficiary_id is not None
        if registration.status == Registration.Status.CONFIRMED and (followed or draw.random() > 0.15):
            services.registration_mark_attendance(
                actor=actor, registration=registration, present=True, now=during
            )
            if followed:
                context.progress[(slot.operator, registration.beneficiary.display_name)].append(workshop_key)
    if draw.random() < 0.4:
        services.walk_in_add(
            actor=actor, session=session, first_name=draw.choice(data.FIRST_NAMES), now=during
        )
    if draw.random() < 0.5:
        services.extra_participants_set(
            actor=actor,
            session=session,
            count=draw.randint(1, 2),
            age_bracket=draw.choice(
                ("soixante_soixante_neuf", "soixante_dix_plus", "quarante_cinquante_neuf")
            ),
            gender=draw.choice(("feminin", "masculin", "")),
            now=during,
        )
    services.session_close(actor=actor, session=session, now=session.ends_at)
    report.closed += 1


def _upcoming(session, slot, workshop_key, facilitator, draw, context, report) -> None:
    """Booked from today: about one session in three is full with people waiting; in one of them a
    registrant cancelled and the first person waiting has been offered the seat."""
    actor = facilitator.user
    followers = _followers(slot, workshop_key, context, session.operator)
    registrations = [
        services.registration_create(
            actor=actor, session=session, source=Registration.Source.STAFF, beneficiary=person
        )[0]
        for person in followers
    ]
    full = draw.random() < 0.35
    count = session.capacity + draw.randint(1, 3) if full else draw.randint(1, max(session.capacity - 2, 1))
    registrations += _public(session, draw, max(count - len(followers), 0), now=context.now, offset=50)
    if full and draw.random() < 0.5:
        public = [row for row in registrations if row.beneficiary_id is None]
        services.registration_cancel(actor=None, registration=public[0])
    report.registrations += len(registrations)
