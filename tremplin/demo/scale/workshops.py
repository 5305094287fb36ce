"""Step 5, workshops: the sessions behind the group interactions, and the programme after the last day.

Each operator's catalogue holds the workshops its mediators ran (a topic at a level, its themes), and a
pathway from initiation to consolidation when it has the steps. Each workshop record of step 3 is a
session that took place — at its site, or outside it (a library, a social centre, a town hall of the
commune) when the record says "hors bureau" —, closed at its end by its mediator, its one facilitator,
into that very group interaction: as `session_close` writes it, the followed participants are
registrations ticked present (booked by the mediator, or come without booking on their first visit),
the anonymous people who had booked are registrations ticked present too, and the others are counts
by age bracket, gender and status (`ExtraParticipants`); so attended registrations and counts add up
to the interaction's accompaniments. Around them: people who booked and did not come, bookings
cancelled before the day, a few sessions cancelled with their bookings, and the next weeks' programme
(confirmed seats and waiting lists) after the last day. Names and contacts of registrants are erased
once the session is older than `WORKSHOP_RETENTION_DAYS`, as `registrations_purge` does daily; a
followed person made anonymous later keeps their registrations, as `beneficiary_anonymise` leaves
them. Seats are never given past a session's capacity, nor a capacity past its workshop's maximum.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings

from tremplin.workshops.contacts import normalise_mobile
from tremplin.workshops.models import (
    ExtraParticipants,
    Pathway,
    PathwayStep,
    Registration,
    Session,
    Workshop,
    WorkshopTheme,
)

from . import names
from .context import PARIS, Context, local, local_day, random_uuid
from .mediation import Mediation, Record
from .staffing import ShiftPlan, Staffing, public_holidays
from .territory import CommuneInfo, SitePlan, Territory

Status = Registration.Status
Source = Registration.Source

#: What each workshop of the national programme teaches, in plain French, and how long it lasts.
DESCRIPTIONS = {
    "Créer et utiliser son adresse e-mail": (
        "Créer une adresse, lire ses messages, répondre, joindre un document, repérer un message douteux.",
        90,
    ),
    "Faire ses démarches administratives en ligne": (
        "Se connecter avec FranceConnect, retrouver ses documents, remplir un formulaire, garder une preuve.",
        120,
    ),
    "Acheter et vendre en ligne": (
        "Comparer, payer sans risque, suivre une livraison, vendre un objet d'occasion et l'envoyer.",
        90,
    ),
    "La banque en ligne sans crainte": (
        "Consulter ses comptes, faire un virement, valider un paiement, se protéger des faux conseillers.",
        90,
    ),
    "Téléconsultation et espace santé": (
        "Prendre rendez-vous en ligne, suivre une téléconsultation, retrouver son ordonnance.",
        90,
    ),
    "Se protéger des arnaques en ligne": (
        "Reconnaître un faux SMS ou un faux site, choisir ses mots de passe, réagir après une arnaque.",
        90,
    ),
    "Premiers pas sur smartphone et tablette": (
        "Allumer, toucher, faire glisser, se connecter au wifi, installer une application, à son rythme.",
        120,
    ),
    "Déclarer ses impôts en ligne": (
        "Créer son espace particulier, vérifier sa déclaration préremplie, la signer et la retrouver.",
        120,
    ),
    "Naviguer sur internet": (
        "Chercher une information, reconnaître un site fiable, garder ses pages favorites.",
        90,
    ),
}
LEVEL_TITLES = {"debutant": "", "intermediaire": " : aller plus loin", "avance": " : perfectionnement"}
PREREQUISITES = {
    "debutant": "Aucun : venez avec votre appareil si vous en avez un.",
    "intermediaire": "Savoir se servir d'un écran tactile et avoir une adresse e-mail.",
    "avance": "Avoir suivi l'atelier de niveau intermédiaire, ou s'en servir déjà seul.",
}
EQUIPMENT = "Tablettes et ordinateurs prêtés pendant l'atelier."
#: The most participants of a catalogue entry, and the seats a session usually opens.
MAX_PARTICIPANTS = (10, 12, 12)
NOMINAL_SEATS = (6, 8, 8, 10, 12)
#: The pathway of an operator whose catalogue has its steps (in order, each at its lowest level).
PATHWAY_TITLE = "Premiers pas vers l'autonomie numérique"
PATHWAY_DESCRIPTION = "L'appareil, puis l'e-mail, puis les démarches en ligne : d'une étape à la suivante."
PATHWAY_STEPS = (
    "Premiers pas sur smartphone et tablette",
    "Créer et utiliser son adresse e-mail",
    "Faire ses démarches administratives en ligne",
)
#: Places outside the offices where sessions are held, with the office's commune or a neighbour.
VENUE_KINDS = (
    "Médiathèque de {}",
    "Centre social de {}",
    "Salle des fêtes de {}",
    "Mairie de {} (salle du conseil)",
)
STREETS = (
    "Place de la Mairie",
    "Rue de la République",
    "Avenue Jean Jaurès",
    "Rue Victor Hugo",
    "Rue des Écoles",
)
ACCESSIBILITY = (
    "Accès de plain-pied.",
    "Salle au rez-de-chaussée, accessible en fauteuil.",
    "Boucle magnétique à l'accueil.",
)
#: Shares: sessions kept off the public agenda (booked by staff only); followed people who came
#: without booking; anonymous people who booked through the public agenda (the others through a
#: mediator); booked people who came without booking (a walk-in with a first name) among the anonymous;
#: registrants who booked by phone number (the others by e-mail).
UNPUBLISHED_SHARE = 0.1
FOLLOWED_WALK_IN_SHARE = 0.1
PUBLIC_SHARE = 0.65
ANONYMOUS_WALK_IN_SHARE = 0.15
PHONE_SHARE = 0.8
#: Booked people who do not come (for each one who comes), and bookings cancelled per session.
NO_SHOW_SHARE = 0.12
CANCELLED_BOOKINGS = {0: 60, 1: 28, 2: 12}
#: Sessions cancelled (a week after a session held, at the same time) for each session held.
CANCELLED_SESSION_SHARE = 0.04
#: The programme after the last day, these weeks long: each office that held sessions in the last
#: half-year goes on at its pace (at least one session), a workshop it held lately on the same
#: weekday and time, by the same mediator if still there under a contract still running (renewed).
PROGRAMME_WEEKS = 4
RECENT_WEEKS = 26


@dataclass(eq=False, slots=True)
class _Entry:
    """A catalogue entry."""

    id: int
    created_at: datetime
    max_participants: int
    nominal: int


@dataclass(eq=False, slots=True)
class _Planned:
    """A session held in the last months, as the programme repeats it."""

    record: Record
    entry: _Entry
    venue: tuple[str, str, int | None]
    is_published: bool


class Workshops:
    def __init__(self, context: Context, staffing: Staffing, territory: Territory, mediation: Mediation):
        self.context = context
        self.sink = context.sink
        self.rng = context.rng("workshops")
        self.mediation = mediation
        self.communes = territory.communes_by_departement
        self.end = context.end
        self.retention = timedelta(days=settings.TREMPLIN_WORKSHOP_RETENTION_DAYS)
        until = context.period.until
        self.holidays = public_holidays(until.year, until.year + 1)
        self.recent_from = until - timedelta(weeks=RECENT_WEEKS) + timedelta(days=1)
        self.catalogue: dict[tuple[int, str, str], _Entry] = {}
        self.venues: dict[int, list[tuple[str, str, int]]] = {}
        self.recent: dict[int, list[_Planned]] = {}  # by site
        self.sessions = self.held = self.cancelled = self.scheduled = self.outside = 0
        self.registrations = self.attended = self.extra_people = self.pathways = 0

    # --- A day of an office ------------------------------------------------------------------------

    def site_day(self, site_id: int, day: date, shifts: list[ShiftPlan], records: list[Record]) -> None:
        for record in records:
            if record.workshop is None or record.deleted or record.session_id is None:
                continue
            entry = self._entry(record)
            outside = record.place == "hors_bureau"
            venue = self._venue(record.shift.site) if outside else ("", "", None)
            is_published = self.rng.random() >= UNPUBLISHED_SHARE
            self._held(record, entry, venue, is_published)
            if self.rng.random() < CANCELLED_SESSION_SHARE:
                self._cancelled(record, entry, venue, is_published)
            if day >= self.recent_from:
                self.recent.setdefault(site_id, []).append(_Planned(record, entry, venue, is_published))

    def _entry(self, record: Record) -> _Entry:
        """The operator's catalogue entry of the record's topic and level, written on first use."""
        operator_id = record.shift.contract.programme.provider.id
        topic = record.workshop
        key = (operator_id, topic["title"], topic["level"])
        entry = self.catalogue.get(key)
        if entry is not None:
            return entry
        rng = self.rng
        table = self.sink[Workshop]
        description, minutes = DESCRIPTIONS.get(topic["title"], ("", 90))
        created_at = max(self.context.created_at, record.started_at - timedelta(days=rng.randint(45, 90)))
        maximum = rng.choice(MAX_PARTICIPANTS)
        entry = _Entry(
            id=table.allocate(),
            created_at=created_at,
            max_participants=maximum,
            nominal=min(maximum, rng.choice(NOMINAL_SEATS)),
        )
        self.catalogue[key] = entry
        self.sink.add(
            table,
            table.Row(
                id=entry.id,
                created_at=created_at,
                updated_at=created_at,
                operator_id=operator_id,
                title=topic["title"] + LEVEL_TITLES[topic["level"]],
                description=description or topic["title"],
                level=topic["level"],
                duration_minutes=minutes,
                prerequisites=PREREQUISITES[topic["level"]],
                equipment_provided=EQUIPMENT,
                max_participants=maximum,
                is_active=True,
            ),
        )
        themes = self.sink[WorkshopTheme]
        for theme in topic["themes"]:
            self.sink.add(themes, themes.Row(id=themes.allocate(), workshop_id=entry.id, theme=theme))
        return entry

    def _venue(self, site: SitePlan) -> tuple[str, str, int]:
        """One of the office's places outside (one or two, chosen once): name, address, commune."""
        venues = self.venues.get(site.id)
        if venues is None:
            rng = self.rng
            neighbours = [
                c for c in self.communes.get(site.commune.departement_id, []) if c.id != site.commune.id
            ]
            venues = []
            for _index in range(rng.choice((1, 1, 2))):
                commune: CommuneInfo = (
                    rng.choice(neighbours) if neighbours and rng.random() < 0.2 else site.commune
                )
                venues.append(
                    (
                        rng.choice(VENUE_KINDS).format(commune.name)[:150],
                        f"{rng.randint(1, 40)} {rng.choice(STREETS)}",
                        commune.id,
                    )
                )
            self.venues[site.id] = venues
        return self.rng.choice(venues)

    # --- Sessions ----------------------------------------------------------------------------------

    def _held(self, record: Record, entry: _Entry, venue: tuple, is_published: bool) -> None:
        """The session behind a workshop record: its bookings, attendance and counts, closed at its end
        into that record."""
        rng = self.rng
        start = record.started_at
        created_at = self._planned_at(entry, start)
        mediator_user = record.shift.mediator.user_id
        rows = []  # (source, beneficiary id, booked at, checked in at): the people who came
        for beneficiary_id, since in zip(record.followed, record.followed_since, strict=True):
            checked_in = start + timedelta(seconds=rng.randint(-600, 900))
            booked_from = max(created_at, since + timedelta(hours=1))
            booked_until = start - timedelta(hours=2)
            if since >= start or booked_from >= booked_until or rng.random() < FOLLOWED_WALK_IN_SHARE:
                # Came without booking (first seen here): registered as they walked in.
                at = max(start, since) + timedelta(seconds=rng.randint(0, 900))
                rows.append((Source.WALK_IN, beneficiary_id, at, at))
            else:
                rows.append(
                    (Source.STAFF, beneficiary_id, _between(rng, booked_from, booked_until), checked_in)
                )
        for _index in range(record.registrants):
            if rng.random() < ANONYMOUS_WALK_IN_SHARE:
                at = start + timedelta(seconds=rng.randint(0, 900))
                rows.append((Source.WALK_IN, None, at, at))
            else:
                source = Source.PUBLIC if is_published and rng.random() < PUBLIC_SHARE else Source.STAFF
                booked = _between(rng, created_at, start - timedelta(hours=2))
                rows.append((source, None, booked, start + timedelta(seconds=rng.randint(-600, 900))))
        no_shows = sum(1 for _row in rows if rng.random() < NO_SHOW_SHARE)
        no_shows = max(0, min(no_shows, entry.max_participants - len(rows)))
        capacity = min(entry.max_participants, max(len(rows) + no_shows, entry.nominal))
        session_id = record.session_id
        closed_at = record.ended_at
        self._session(
            session_id,
            record,
            entry,
            venue,
            is_published,
            capacity=capacity,
            created_at=created_at,
            updated_at=closed_at,
            status=Session.Status.DONE,
            interaction_id=record.id,
            closed_at=closed_at,
        )
        erased_at = self._erased_at(start)
        contacts: set[str] = set()
        for source, beneficiary_id, booked, checked_in in rows:
            checked_in = max(checked_in, booked)
            self._registration(
                session_id,
                record,
                source=source,
                status=Status.CONFIRMED,
                beneficiary_id=beneficiary_id,
                created_at=booked,
                registered_by=None if source == Source.PUBLIC else mediator_user,
                checked_in_at=checked_in,
                erased_at=erased_at,
                contacts=contacts,
            )
        for _index in range(no_shows):
            source = Source.PUBLIC if is_published and rng.random() < PUBLIC_SHARE else Source.STAFF
            self._registration(
                session_id,
                record,
                source=source,
                status=Status.CONFIRMED,
                created_at=_between(rng, created_at, start - timedelta(hours=2)),
                registered_by=mediator_user if source == Source.STAFF else None,
                erased_at=erased_at,
                contacts=contacts,
            )
        for _index in range(_pick(rng, CANCELLED_BOOKINGS)):
            self._cancelled_booking(session_id, record, created_at, start, is_published, erased_at, contacts)
        table = self.sink[ExtraParticipants]
        for (age, gender, status), count in sorted(Counter(record.extras).items()):
            self.sink.add(
                table,
                table.Row(
                    id=table.allocate(),
                    session_id=session_id,
                    age_bracket=age,
                    gender=gender,
                    social_status=status,
                    count=count,
                ),
            )
            self.extra_people += count
        self.held += 1
        self.attended += len(rows)

    def _cancelled(self, record: Record, entry: _Entry, venue: tuple, is_published: bool) -> None:
        """The same workshop a week later, cancelled before the day (the facilitator was needed elsewhere,
        too few people): no interaction; its bookings stay as they were, their holders told."""
        rng = self.rng
        start = _weeks_later(record.started_at, 1)
        if start >= self.end:
            return
        created_at = self._planned_at(entry, start)
        cancelled_at = _between(rng, created_at + timedelta(hours=1), start - timedelta(hours=1))
        session_id = self.sink[Session].allocate()
        self._session(
            session_id,
            record,
            entry,
            venue,
            is_published,
            starts_at=start,
            capacity=entry.nominal,
            created_at=created_at,
            updated_at=cancelled_at,
            status=Session.Status.CANCELLED,
            cancelled_at=cancelled_at,
        )
        erased_at = self._erased_at(start)
        contacts: set[str] = set()
        for _index in range(min(entry.nominal, rng.randint(0, 4))):
            source = Source.PUBLIC if is_published and rng.random() < PUBLIC_SHARE else Source.STAFF
            self._registration(
                session_id,
                record,
                source=source,
                status=Status.CONFIRMED,
                created_at=_between(rng, created_at, cancelled_at),
                registered_by=record.shift.mediator.user_id if source == Source.STAFF else None,
                erased_at=erased_at,
                contacts=contacts,
            )
        self.cancelled += 1

    def _cancelled_booking(self, session_id, record, created_at, start, is_published, erased_at, contacts):
        rng = self.rng
        source = Source.PUBLIC if is_published and rng.random() < PUBLIC_SHARE else Source.STAFF
        booked = _between(rng, created_at, start - timedelta(hours=3))
        self._registration(
            session_id,
            record,
            source=source,
            status=Status.CANCELLED,
            created_at=booked,
            registered_by=record.shift.mediator.user_id if source == Source.STAFF else None,
            cancelled_at=_between(rng, booked + timedelta(minutes=5), start - timedelta(hours=1)),
            erased_at=erased_at,
            contacts=contacts,
        )

    def _planned_at(self, entry: _Entry, start: datetime) -> datetime:
        """When a session was put on the programme: a few weeks ahead, after its workshop."""
        return max(
            entry.created_at,
            start - timedelta(days=self.rng.randint(7, 42), minutes=self.rng.randint(0, 600)),
        )

    def _erased_at(self, start: datetime) -> datetime | None:
        """When `registrations_purge`, run daily, erased the session's registrants' names and contacts."""
        limit = start + self.retention
        if limit >= self.end:
            return None
        return min(limit + timedelta(seconds=self.rng.randint(60, 86_400)), self.end)

    def _session(
        self,
        session_id: int,
        record: Record,
        entry: _Entry,
        venue: tuple,
        is_published: bool,
        *,
        capacity: int,
        created_at: datetime,
        updated_at: datetime,
        status: str,
        starts_at: datetime | None = None,
        interaction_id: int | None = None,
        closed_at: datetime | None = None,
        cancelled_at: datetime | None = None,
    ) -> None:
        sink = self.sink
        table = sink[Session]
        shift = record.shift
        name, address, commune_id = venue
        outside = bool(name)
        sink.add(
            table,
            table.Row(
                id=session_id,
                created_at=created_at,
                updated_at=updated_at,
                operator_id=shift.contract.programme.provider.id,
                workshop_id=entry.id,
                series_id=None,
                starts_at=starts_at or record.started_at,
                duration_minutes=record.duration_minutes,
                site_id=shift.site.id,
                venue=Session.Venue.OUTSIDE if outside else Session.Venue.SITE,
                venue_name=name,
                venue_address=address,
                venue_commune_id=commune_id,
                capacity=capacity,
                status=status,
                accessibility_notes=self.rng.choice(ACCESSIBILITY) if self.rng.random() < 0.5 else "",
                is_published=is_published,
                interaction_id=interaction_id,
                closed_at=closed_at,
                cancelled_at=cancelled_at,
            ),
        )
        through = sink[Session.facilitators.through]
        sink.add(
            through,
            through.Row(id=through.allocate(), session_id=session_id, mediatorprofile_id=shift.mediator.id),
        )
        self.sessions += 1
        self.outside += outside

    def _registration(
        self,
        session_id: int,
        record: Record,
        *,
        source: str,
        status: str,
        created_at: datetime,
        contacts: set[str],
        beneficiary_id: int | None = None,
        registered_by: int | None = None,
        checked_in_at: datetime | None = None,
        cancelled_at: datetime | None = None,
        waitlisted: bool = False,
        erased_at: datetime | None = None,
    ) -> None:
        """One registration as the services leave it: a followed person with no contact of their own;
        anybody else with a first name, and — when they booked — a mobile or an e-mail and their consent;
        the contact erased on cancelling, everything erased after the retention period."""
        rng = self.rng
        first_name = phone = email = ""
        consent_at = None
        if beneficiary_id is None:
            first_name = names.first_name(rng)
            if source != Source.WALK_IN:
                consent_at = created_at
                while True:
                    if rng.random() < PHONE_SHARE:
                        phone = normalise_mobile(
                            f"{names.FICTION_PHONE_PREFIXES[0]} {rng.randint(0, 9999):04d}"
                        )
                    else:
                        email = (
                            f"{names.slug(first_name)}.{rng.randint(1, 99_999)}@{names.PEOPLE_EMAIL_DOMAIN}"
                        )
                    if (phone or email) not in contacts:
                        contacts.add(phone or email)
                        break
                    phone = email = ""
        if status == Status.CANCELLED:
            phone = email = ""
        updated_at = cancelled_at or checked_in_at or created_at
        if erased_at is not None:
            first_name = phone = email = ""
            updated_at = erased_at
        table = self.sink[Registration]
        self.sink.add(
            table,
            table.Row(
                id=table.allocate(),
                created_at=created_at,
                updated_at=updated_at,
                client_uuid=random_uuid(rng),
                operator_id=record.shift.contract.programme.provider.id,
                session_id=session_id,
                status=status,
                source=source,
                beneficiary_id=beneficiary_id,
                first_name=first_name,
                phone=phone,
                email=email,
                consent_at=consent_at,
                registered_by_id=registered_by,
                waitlisted_at=created_at if waitlisted else None,
                offered_at=None,
                hold_expires_at=None,
                confirmed_at=None if waitlisted else created_at,
                cancelled_at=cancelled_at,
                attended=checked_in_at is not None,
                checked_in_at=checked_in_at,
                personal_data_erased_at=erased_at,
            ),
        )
        self.registrations += 1

    # --- After the last day ------------------------------------------------------------------------

    def finish(self) -> dict[str, int]:
        """The next weeks' programme, then the pathways."""
        anonymised = set(self.mediation.anonymised)
        until = self.context.period.until
        for _site_id, held in sorted(self.recent.items()):
            going_on = [
                p
                for p in held
                if p.record.shift.mediator.active_on(until + timedelta(days=1))
                and p.record.shift.contract.status == "active"
            ]
            if not going_on:
                continue
            pace = len(held) / RECENT_WEEKS
            weeks = [week for week in range(PROGRAMME_WEEKS) if self.rng.random() < pace] or [0]
            for week in weeks:
                planned = self.rng.choice(going_on)
                wall = planned.record.started_at.astimezone(PARIS)
                day = until + timedelta(days=(wall.weekday() - until.weekday() - 1) % 7 + 1, weeks=week)
                if day not in self.holidays:
                    self._programmed(planned, local(day, wall.time()), anonymised)
        self.recent = {}
        self._pathways()
        return {
            "workshops": len(self.catalogue),
            "pathways": self.pathways,
            "workshop_sessions": self.sessions,
            "held_sessions": self.held,
            "cancelled_sessions": self.cancelled,
            "scheduled_sessions": self.scheduled,
            "outside_sessions": self.outside,
            "registrations": self.registrations,
            "attended_registrations": self.attended,
            "extra_participants": self.extra_people,
        }

    def _programmed(self, planned: _Planned, start: datetime, anonymised: set[int]) -> None:
        """A session of the coming weeks: seats booked up to its capacity (fuller when nearer), then a
        waiting list; among them, followed people of the session it repeats, sent on by the mediator."""
        rng = self.rng
        record, entry = planned.record, planned.entry
        now = self.end
        created_at = min(self._planned_at(entry, start), now - timedelta(days=1))
        capacity = entry.nominal
        nearness = 1 - (start - now) / timedelta(weeks=PROGRAMME_WEEKS)
        wanted = round(capacity * rng.uniform(0.3, 0.9 + 0.7 * nearness))
        session_id = self.sink[Session].allocate()
        self._session(
            session_id,
            record,
            entry,
            planned.venue,
            planned.is_published,
            starts_at=start,
            capacity=capacity,
            created_at=created_at,
            updated_at=created_at,
            status=Session.Status.SCHEDULED,
        )
        mediator_user = record.shift.mediator.user_id
        followed = [
            beneficiary_id
            for beneficiary_id in record.followed
            if beneficiary_id not in anonymised and rng.random() < 0.3
        ]
        contacts: set[str] = set()
        seated = 0
        for index in range(max(wanted, len(followed))):
            beneficiary_id = followed[index] if index < len(followed) else None
            if beneficiary_id is not None:
                source, booked_from = Source.STAFF, max(created_at, record.ended_at)
            else:
                public = planned.is_published and rng.random() < PUBLIC_SHARE
                source, booked_from = (Source.PUBLIC if public else Source.STAFF), created_at
            waitlisted = seated >= capacity
            self._registration(
                session_id,
                record,
                source=source,
                status=Status.WAITLISTED if waitlisted else Status.CONFIRMED,
                beneficiary_id=beneficiary_id,
                created_at=_between(rng, booked_from, now - timedelta(minutes=1)),
                registered_by=mediator_user if source == Source.STAFF else None,
                waitlisted=waitlisted,
                contacts=contacts,
            )
            seated += not waitlisted
        self.scheduled += 1

    def _pathways(self) -> None:
        by_operator: dict[int, dict[str, _Entry]] = {}
        order = {level: index for index, level in enumerate(LEVEL_TITLES)}
        for (operator_id, title, _level), entry in sorted(
            self.catalogue.items(), key=lambda item: (item[0][0], item[0][1], order[item[0][2]])
        ):
            by_operator.setdefault(operator_id, {}).setdefault(title, entry)
        pathways, steps = self.sink[Pathway], self.sink[PathwayStep]
        for operator_id, entries in by_operator.items():
            chosen = [entries[title] for title in PATHWAY_STEPS if title in entries]
            if len(chosen) < 2:
                continue
            pk = pathways.allocate()
            created_at = max(entry.created_at for entry in chosen)
            self.sink.add(
                pathways,
                pathways.Row(
                    id=pk,
                    created_at=created_at,
                    updated_at=created_at,
                    operator_id=operator_id,
                    title=PATHWAY_TITLE,
                    description=PATHWAY_DESCRIPTION,
                ),
            )
            for position, entry in enumerate(chosen, start=1):
                self.sink.add(
                    steps,
                    steps.Row(id=steps.allocate(), pathway_id=pk, workshop_id=entry.id, position=position),
                )
            self.pathways += 1


def _between(rng: random.Random, low: datetime, high: datetime) -> datetime:
    """A moment between the two (the first when there is no room between them)."""
    span = int((high - low).total_seconds())
    return low + timedelta(seconds=rng.randint(0, span)) if span > 0 else low


def _weeks_later(moment: datetime, weeks: int) -> datetime:
    """The same wall-clock time in Paris, `weeks` weeks later (a clock change keeps 14:00 at 14:00)."""
    wall = moment.astimezone(PARIS)
    return local(local_day(moment) + timedelta(weeks=weeks), time(wall.hour, wall.minute, wall.second))


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]
