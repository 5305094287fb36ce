"""Reads of the workshops app, scoped once here.

The operator's members (administrators, coordinators, mediators) read its catalogue, programme and
registrations: mediators register people and run sessions, coordinators plan them. Funders read
figures (reporting), never a registration. The public reads the published, upcoming sessions only —
their workshop, place, time and seats left, nothing about who registered."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Case, Count, F, IntegerField, OuterRef, Prefetch, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from tremplin.core.roles import Role
from tremplin.core.tenancy import Viewer
from tremplin.staffing import selectors as staffing_selectors
from tremplin.staffing.models import MediatorProfile
from tremplin.territory.models import Commune, Site

from .models import ExtraParticipants, Pathway, PathwayStep, Registration, Session, Workshop, WorkshopTheme
from .services import operator_sites

PLANNERS = (Role.COORDINATOR, Role.ADMIN)

Status = Registration.Status
Source = Registration.Source


def works_on_workshops(viewer: Viewer) -> bool:
    return viewer.works_for_operator


def can_plan(viewer: Viewer) -> bool:
    return viewer.is_(*PLANNERS)


def mediator_profile_for(viewer: Viewer) -> MediatorProfile | None:
    return staffing_selectors.mediator_profile_for(viewer)


# ---------------------------------------------------------------------------------------------
# Catalogue
# ---------------------------------------------------------------------------------------------


def workshops_visible_to(viewer: Viewer):
    if not works_on_workshops(viewer):
        return Workshop.objects.none()
    return Workshop.objects.visible_to(viewer).prefetch_related(
        Prefetch("themes", queryset=WorkshopTheme.objects.order_by("theme"))
    )


def pathways_visible_to(viewer: Viewer):
    if not works_on_workshops(viewer):
        return Pathway.objects.none()
    return Pathway.objects.visible_to(viewer).prefetch_related(
        Prefetch("steps", queryset=PathwayStep.objects.select_related("workshop").order_by("position"))
    )


def sites_for_sessions(viewer: Viewer):
    """Where the viewer's operator may hold sessions: the sites of its contracts."""
    if not works_on_workshops(viewer):
        return Site.objects.none()
    return operator_sites(viewer.operator_id).select_related("commune").order_by("name")


def facilitator_candidates(viewer: Viewer):
    if not works_on_workshops(viewer):
        return MediatorProfile.objects.none()
    return MediatorProfile.objects.filter(operator_id=viewer.operator_id).select_related("user")


# ---------------------------------------------------------------------------------------------
# Sessions, with their counts
# ---------------------------------------------------------------------------------------------


def _count(condition: Q):
    return Count("registrations", filter=condition)


def with_counts(sessions):
    """Seats taken, people waiting, booked in advance, present, no-shows, walk-ins, anonymous extras:
    one query, whatever the number of sessions."""
    extras = (
        ExtraParticipants.objects.filter(session=OuterRef("pk"))
        .values("session")
        .annotate(total=Sum("count"))
        .values("total")
    )
    booked = Q(registrations__status=Status.CONFIRMED) & ~Q(registrations__source=Source.WALK_IN)
    return sessions.annotate(
        seated=_count(Q(registrations__status__in=Registration.SEATED)),
        waiting=_count(Q(registrations__status=Status.WAITLISTED)),
        offered=_count(Q(registrations__status=Status.OFFERED)),
        booked=_count(booked),
        attended=_count(Q(registrations__attended=True)),
        no_shows=_count(booked & Q(registrations__attended=False)),
        walk_ins=_count(Q(registrations__source=Source.WALK_IN, registrations__attended=True)),
        extras=Coalesce(Subquery(extras, output_field=IntegerField()), Value(0)),
    )


def sessions_visible_to(viewer: Viewer):
    if not works_on_workshops(viewer):
        return Session.objects.none()
    return Session.objects.visible_to(viewer)


def sessions_for_list(viewer: Viewer):
    return with_counts(sessions_visible_to(viewer)).select_related(
        "workshop", "site__commune", "venue_commune"
    )


def session_for_page(viewer: Viewer, pk: int) -> Session | None:
    return (
        sessions_for_list(viewer)
        .prefetch_related(
            Prefetch("facilitators", queryset=MediatorProfile.objects.select_related("user")),
            Prefetch("workshop__themes", queryset=WorkshopTheme.objects.order_by("theme")),
        )
        .filter(pk=pk)
        .first()
    )


def programme(
    viewer: Viewer, *, start: date, end: date, site_id=None, workshop_id=None
) -> list[tuple[date, list]]:
    """The sessions between two dates (inclusive), day by day."""
    tz = timezone.get_current_timezone()
    sessions = sessions_for_list(viewer).filter(
        starts_at__gte=datetime.combine(start, time.min, tzinfo=tz),
        starts_at__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    )
    if site_id:
        sessions = sessions.filter(site_id=site_id)
    if workshop_id:
        sessions = sessions.filter(workshop_id=workshop_id)
    days: dict[date, list] = defaultdict(list)
    for session in sessions.order_by("starts_at", "pk"):
        days[timezone.localtime(session.starts_at).date()].append(session)
    return sorted(days.items())


def my_sessions(viewer: Viewer, *, now: datetime | None = None, limit: int = 20):
    """The sessions a mediator facilitates that have not begun (those begun are in `sessions_to_close`)."""
    now = now or timezone.now()
    profile = mediator_profile_for(viewer)
    if profile is None:
        return Session.objects.none()
    return (
        sessions_for_list(viewer)
        .filter(facilitators=profile, starts_at__gt=now)
        .exclude(status=Session.Status.CANCELLED)
        .order_by("starts_at")[:limit]
    )


def sessions_to_close(viewer: Viewer, *, now: datetime | None = None):
    """Sessions that began but were never closed: their attendance is still to be taken."""
    now = now or timezone.now()
    profile = mediator_profile_for(viewer)
    sessions = sessions_for_list(viewer).filter(status=Session.Status.SCHEDULED, starts_at__lte=now)
    if viewer.is_(Role.MEDIATOR):
        sessions = sessions.filter(facilitators=profile) if profile else sessions.none()
    return sessions.order_by("-starts_at")[:20]


# ---------------------------------------------------------------------------------------------
# Registrations
# ---------------------------------------------------------------------------------------------


def registrations_visible_to(viewer: Viewer):
    if not works_on_workshops(viewer):
        return Registration.objects.none()
    return Registration.objects.visible_to(viewer)


def registrations_of(viewer: Viewer, session: Session) -> dict[str, list[Registration]]:
    """The session's registrations by what they are now: seated (confirmed, then offered), waiting
    (in order), and those who cancelled or let their offer lapse."""
    rows = (
        registrations_visible_to(viewer)
        .filter(session=session)
        .select_related("beneficiary", "registered_by")
        .order_by("waitlisted_at", "created_at", "pk")
    )
    groups: dict[str, list[Registration]] = {"confirmed": [], "offered": [], "waitlisted": [], "gone": []}
    for row in rows:
        if row.status == Status.CONFIRMED:
            groups["confirmed"].append(row)
        elif row.status == Status.OFFERED:
            groups["offered"].append(row)
        elif row.status == Status.WAITLISTED:
            groups["waitlisted"].append(row)
        else:
            groups["gone"].append(row)
    groups["confirmed"].sort(key=lambda row: (row.source == Source.WALK_IN, row.display_name.lower(), row.pk))
    return groups


def attendance_list(viewer: Viewer, session: Session) -> list[Registration]:
    """Who may be ticked present: everyone seated or waiting, then those who cancelled (they may come
    anyway), by name."""
    rows = list(
        registrations_visible_to(viewer)
        .filter(session=session)
        .exclude(status=Status.EXPIRED)
        .select_related("beneficiary")
    )
    order = {Status.CONFIRMED: 0, Status.OFFERED: 1, Status.WAITLISTED: 2, Status.CANCELLED: 3}
    return sorted(rows, key=lambda row: (order[row.status], row.display_name.lower(), row.pk))


def beneficiaries_for_registration(viewer: Viewer, query: str):
    from tremplin.mediation import selectors as mediation_selectors

    return mediation_selectors.beneficiary_search(viewer, query, limit=8)


# ---------------------------------------------------------------------------------------------
# The public agenda
# ---------------------------------------------------------------------------------------------


def _published(now: datetime | None = None):
    """Sessions anyone may see and book: published, scheduled, not begun."""
    now = now or timezone.now()
    return Session.objects.filter(status=Session.Status.SCHEDULED, is_published=True, starts_at__gt=now)


def public_sessions(*, now: datetime | None = None):
    """The published sessions with their seats, what an agenda page shows."""
    return (
        with_counts(_published(now))
        .select_related("workshop", "site__commune", "venue_commune")
        .prefetch_related(Prefetch("workshop__themes", queryset=WorkshopTheme.objects.order_by("theme")))
        .order_by("starts_at", "pk")
    )


def public_sessions_at_site(site, *, now=None):
    return public_sessions(now=now).filter(site=site)


def public_sessions_in_commune(commune, *, now=None):
    return public_sessions(now=now).filter(
        Q(venue=Session.Venue.OUTSIDE, venue_commune=commune)
        | Q(venue=Session.Venue.SITE, site__commune=commune)
    )


def public_session(pk: int, *, now=None) -> Session | None:
    return public_sessions(now=now).filter(pk=pk).first()


@dataclass
class AgendaPlace:
    commune: object
    sessions: int
    sites: list = field(default_factory=list)


def public_places(*, now=None) -> list[AgendaPlace]:
    """Communes with upcoming sessions (by département), each with the offices whose agenda has some;
    counted in SQL, whatever the size of the programme."""
    published = _published(now)
    where = Case(
        When(venue=Session.Venue.OUTSIDE, then=F("venue_commune_id")),
        default=F("site__commune_id"),
        output_field=IntegerField(),
    )
    counts = dict(published.values(place=where).annotate(count=Count("pk")).values_list("place", "count"))
    sites = (
        Site.objects.filter(pk__in=published.filter(venue=Session.Venue.SITE).values("site_id"))
        .only("pk", "name", "commune_id")
        .order_by("name")
    )
    places = {
        commune.pk: AgendaPlace(commune=commune, sessions=counts[commune.pk])
        for commune in Commune.objects.filter(pk__in=counts).select_related("departement")
    }
    for site in sites:
        if site.commune_id in places:
            places[site.commune_id].sites.append(site)
    return sorted(places.values(), key=lambda place: (place.commune.departement.code, place.commune.name))


# ---------------------------------------------------------------------------------------------
# Figures for coordinators
# ---------------------------------------------------------------------------------------------


@dataclass
class Figures:
    """Sessions held, seats, bookings, attendance: the rates coordinators watch."""

    label: str = ""
    sessions: int = 0
    capacity: int = 0
    booked: int = 0
    attended: int = 0
    no_shows: int = 0
    walk_ins: int = 0
    extras: int = 0
    upcoming: int = 0
    upcoming_capacity: int = 0
    upcoming_seated: int = 0
    waiting: int = 0

    def add_done(self, session) -> None:
        self.sessions += 1
        self.capacity += session.capacity
        self.booked += session.booked
        self.attended += session.attended
        self.no_shows += session.no_shows
        self.walk_ins += session.walk_ins
        self.extras += session.extras

    def add_upcoming(self, session) -> None:
        self.upcoming += 1
        self.upcoming_capacity += session.capacity
        self.upcoming_seated += session.seated
        self.waiting += session.waiting

    @property
    def participants(self) -> int:
        return self.attended + self.extras

    @property
    def fill_rate(self) -> float | None:
        """Seats booked in advance over seats offered, for the sessions held."""
        return self.booked / self.capacity if self.capacity else None

    @property
    def no_show_rate(self) -> float | None:
        """People booked who did not come, over people booked."""
        return self.no_shows / self.booked if self.booked else None

    @property
    def upcoming_fill_rate(self) -> float | None:
        return self.upcoming_seated / self.upcoming_capacity if self.upcoming_capacity else None


@dataclass
class ProgrammeFigures:
    total: Figures
    by_workshop: list[Figures]
    by_site: list[Figures]
    waiting_lists: list  # upcoming sessions with people waiting, the longest first


def programme_figures(
    viewer: Viewer, *, start: date, end: date, now: datetime | None = None
) -> ProgrammeFigures:
    """Sessions held between two dates, and every upcoming one (for fill and waiting lists)."""
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    sessions = sessions_for_list(viewer).exclude(status=Session.Status.CANCELLED)
    held = sessions.filter(
        status=Session.Status.DONE,
        starts_at__gte=datetime.combine(start, time.min, tzinfo=tz),
        starts_at__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    )
    upcoming = list(sessions.filter(status=Session.Status.SCHEDULED, starts_at__gt=now).order_by("starts_at"))
    total = Figures(label="")
    workshops: dict[int, Figures] = {}
    sites: dict[int, Figures] = {}
    for session in held:
        for bucket in (
            total,
            workshops.setdefault(session.workshop_id, Figures(label=session.workshop.title)),
            sites.setdefault(session.site_id, Figures(label=session.site.name)),
        ):
            bucket.add_done(session)
    for session in upcoming:
        for bucket in (
            total,
            workshops.setdefault(session.workshop_id, Figures(label=session.workshop.title)),
            sites.setdefault(session.site_id, Figures(label=session.site.name)),
        ):
            bucket.add_upcoming(session)
    waiting = sorted((s for s in upcoming if s.waiting), key=lambda s: (-s.waiting, s.starts_at))
    return ProgrammeFigures(
        total=total,
        by_workshop=sorted(workshops.values(), key=lambda f: f.label.lower()),
        by_site=sorted(sites.values(), key=lambda f: f.label.lower()),
        waiting_lists=waiting,
    )


@dataclass
class StepProgress:
    position: int
    workshop: Workshop
    people: int  # followed people present at a session of this step
    continued: int | None  # of them, those present later at the next step (None for the last step)

    @property
    def continued_rate(self) -> float | None:
        if self.continued is None or not self.people:
            return None
        return self.continued / self.people


def pathway_progression(viewer: Viewer, pathway: Pathway) -> list[StepProgress]:
    """How far followed people go along a pathway: per step, how many came, and how many of them came
    to the next step afterwards. Only followed people can be traced from one session to the next."""
    steps = list(pathway.steps.select_related("workshop").order_by("position"))
    position_of = {step.workshop_id: step.position for step in steps}
    rows = (
        registrations_visible_to(viewer)
        .filter(
            attended=True,
            beneficiary__isnull=False,
            session__status=Session.Status.DONE,
            session__workshop_id__in=position_of,
        )
        .annotate(person=Coalesce("beneficiary__merged_into_id", "beneficiary_id"))
        .values_list("person", "session__workshop_id", "session__starts_at")
    )
    first_seen: dict[tuple[int, int], datetime] = {}
    for person, workshop_id, starts_at in rows:
        key = (person, position_of[workshop_id])
        if key not in first_seen or starts_at < first_seen[key]:
            first_seen[key] = starts_at
    progress = []
    for index, step in enumerate(steps):
        here = {person: at for (person, position), at in first_seen.items() if position == step.position}
        continued = None
        if index + 1 < len(steps):
            following = steps[index + 1].position
            continued = sum(
                1
                for person, at in here.items()
                if (person, following) in first_seen and first_seen[(person, following)] > at
            )
        progress.append(
            StepProgress(
                position=step.position, workshop=step.workshop, people=len(here), continued=continued
            )
        )
    return progress
