"""Sessions: scheduled once or as a series, moved, cancelled; their attendance (registered people
ticked present, walk-ins, anonymous counts), and their closing into one group interaction.

The group interaction is recorded through mediation's services like any other record — kind
"accompagnement individualisé", at the session's site, "hors bureau" when the venue is outside, the
workshop's themes, the session's duration, one accompaniment per participant — so workshops count in
the same figures. Closing again, or correcting attendance after closing, updates that same interaction
(its client UUID derives from the session), never a second one."""

from __future__ import annotations

import uuid as uuid_module
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tremplin.mediation import services as mediation_services
from tremplin.mediation.vocabularies import ActionKind, AgeBracket, Gender, SocialStatus
from tremplin.staffing.models import ContractSite, MediatorProfile, Shift

from ..models import (
    MAX_CAPACITY,
    MAX_DURATION_MINUTES,
    MIN_DURATION_MINUTES,
    ExtraParticipants,
    Registration,
    Series,
    Session,
    Workshop,
)
from . import messages
from .common import WorkshopError, journal, locked_session
from .registrations import promote

#: Group interactions of sessions get a UUID derived from the session: recording twice is one record.
INTERACTION_NAMESPACE = uuid_module.UUID("6d1f7a8e-2b4c-4f0e-9a3d-5c7b1e2f8a90")
#: The longest series planned at once (half a year of weekly sessions).
MAX_SERIES = 26
#: The most anonymous participants of one kind a tablet may add to a session.
MAX_EXTRA = 99


@dataclass
class SessionData:
    """What a coordinator says about a session."""

    workshop: Workshop
    starts_at: datetime
    site: object
    capacity: int
    duration_minutes: int | None = None
    venue: str = Session.Venue.SITE
    venue_name: str = ""
    venue_address: str = ""
    venue_commune: object | None = None
    facilitators: list[MediatorProfile] = field(default_factory=list)
    accessibility_notes: str = ""
    is_published: bool = True


def operator_sites(operator_id: int):
    """The sites an operator works at (those of its contracts): where it may hold sessions."""
    from tremplin.territory.models import Site

    return Site.objects.filter(
        pk__in=ContractSite.objects.filter(contract__operator_id=operator_id).values("site_id")
    )


def _check(operator_id: int, data: SessionData) -> None:
    errors: dict[str, list[str]] = {}

    def add(name, message):
        errors.setdefault(name, []).append(message)

    workshop = data.workshop
    if workshop.operator_id != operator_id:
        add("workshop", _("Choisissez un atelier de votre catalogue."))
    duration = data.duration_minutes
    if not isinstance(duration, int) or not MIN_DURATION_MINUTES <= duration <= MAX_DURATION_MINUTES:
        add("duration_minutes", _("La durée doit être comprise entre 15 minutes et 8 heures."))
    elif (
        timezone.localtime(data.starts_at).date()
        != timezone.localtime(data.starts_at + timedelta(minutes=duration)).date()
    ):
        add("duration_minutes", _("Une séance se termine le jour où elle commence."))
    if not isinstance(data.capacity, int) or not 1 <= data.capacity <= MAX_CAPACITY:
        add(
            "capacity", _("Le nombre de places doit être compris entre 1 et %(max)s.") % {"max": MAX_CAPACITY}
        )
    elif data.capacity > workshop.max_participants:
        add(
            "capacity",
            _("Cet atelier accueille au plus %(max)s participants : réduisez le nombre de places.")
            % {"max": workshop.max_participants},
        )
    if data.site is None or not operator_sites(operator_id).filter(pk=data.site.pk).exists():
        add("site", _("Choisissez un des bureaux de poste de vos contrats."))
    if data.venue not in Session.Venue.values:
        add("venue", _("Choisissez le lieu."))
    elif data.venue == Session.Venue.OUTSIDE:
        if not data.venue_name.strip():
            add("venue_name", _("Indiquez le nom du lieu (médiathèque, centre social, mairie…)."))
        if data.venue_commune is None:
            add("venue_commune", _("Indiquez la commune du lieu."))
    if any(person.operator_id != operator_id for person in data.facilitators):
        add("facilitators", _("Les animateurs sont des médiateurs de votre structure."))
    if errors:
        raise WorkshopError(errors)


def _apply(session: Session, data: SessionData) -> None:
    session.workshop = data.workshop
    session.starts_at = data.starts_at
    session.duration_minutes = data.duration_minutes
    session.site = data.site
    session.venue = data.venue
    outside = data.venue == Session.Venue.OUTSIDE
    session.venue_name = data.venue_name.strip() if outside else ""
    session.venue_address = data.venue_address.strip() if outside else ""
    session.venue_commune = data.venue_commune if outside else None
    session.capacity = data.capacity
    session.accessibility_notes = data.accessibility_notes.strip()
    session.is_published = data.is_published


@transaction.atomic
def session_schedule(
    *, actor, operator_id: int, data: SessionData, every_weeks: int = 0, count: int = 1
) -> list[Session]:
    """Put a session on the programme, or a series: `count` sessions, one every `every_weeks` weeks
    at the same local time (a clock change keeps 14:00 at 14:00)."""
    data.duration_minutes = data.duration_minutes or data.workshop.duration_minutes
    _check(operator_id, data)
    if count > 1 and not 1 <= every_weeks <= 4:
        raise WorkshopError({"every_weeks": [_("Répétez chaque semaine, ou toutes les 2, 3 ou 4 semaines.")]})
    if not 1 <= count <= MAX_SERIES:
        raise WorkshopError({"count": [_("Une série compte de 1 à %(max)s séances.") % {"max": MAX_SERIES}]})
    series = None
    if count > 1:
        series = Series.objects.create(
            operator_id=operator_id, workshop=data.workshop, every_weeks=every_weeks, count=count
        )
    local = timezone.localtime(data.starts_at)
    sessions = []
    for index in range(count):
        moment = local.replace(tzinfo=None) + timedelta(weeks=every_weeks * index)
        session = Session(operator_id=operator_id, series=series)
        _apply(session, data)
        session.starts_at = timezone.make_aware(moment)
        session.save()
        session.facilitators.set(data.facilitators)
        sessions.append(session)
        journal(
            "session.scheduled",
            actor=actor,
            operator_id=operator_id,
            obj=session,
            payload={
                "workshop": data.workshop.pk,
                "site": data.site.pk,
                "venue": data.venue,
                "capacity": data.capacity,
                "series": series.pk if series else None,
            },
        )
    return sessions


@transaction.atomic
def session_update(*, actor, session: Session, data: SessionData, now: datetime | None = None) -> Session:
    """Change a session. More seats go to the people waiting; fewer than those already given is refused;
    a new date or place is announced to the people registered, and their reminder follows."""
    now = now or timezone.now()
    session = locked_session(session)
    if session.status != Session.Status.SCHEDULED:
        raise WorkshopError(_("Une séance annulée ou terminée ne se modifie plus."))
    data.duration_minutes = data.duration_minutes or session.duration_minutes
    _check(session.operator_id, data)
    if data.workshop.pk != session.workshop_id and session.registrations.exists():
        raise WorkshopError(
            {"workshop": [_("Des personnes sont inscrites : l'atelier ne peut plus changer.")]}
        )
    seated = Registration.objects.filter(session=session, status__in=Registration.SEATED).count()
    if data.capacity < seated:
        raise WorkshopError(
            {
                "capacity": [
                    _("%(count)s personnes ont déjà une place : il faut au moins %(count)s places.")
                    % {"count": seated}
                ]
            }
        )
    moved = (data.starts_at, data.site.pk, data.venue, data.venue_name.strip(), data.venue_commune) != (
        session.starts_at,
        session.site_id,
        session.venue,
        session.venue_name,
        session.venue_commune,
    )
    _apply(session, data)
    session.save()
    session.facilitators.set(data.facilitators)
    journal(
        "session.updated",
        actor=actor,
        operator_id=session.operator_id,
        obj=session,
        payload={"capacity": session.capacity, "moved": moved, "site": session.site_id},
    )
    if moved:
        messages.reschedule_reminders(session, now=now)
        for registration in session.registrations.filter(status__in=Registration.ACTIVE).select_related(
            "beneficiary"
        ):
            messages.queue(registration, messages.Kind.SESSION_CHANGED, now=now)
    promote(session, now=now, actor=actor)
    return session


@transaction.atomic
def session_cancel(*, actor, session: Session, now: datetime | None = None) -> Session:
    """Take a session off the programme; everyone registered or waiting is told."""
    now = now or timezone.now()
    session = locked_session(session)
    if session.status == Session.Status.CANCELLED:
        return session
    if session.status == Session.Status.DONE:
        raise WorkshopError(_("Cette séance a eu lieu : elle ne peut plus être annulée."))
    session.status = Session.Status.CANCELLED
    session.cancelled_at = now
    session.save(update_fields=["status", "cancelled_at", "updated_at"])
    active = list(session.registrations.filter(status__in=Registration.ACTIVE).select_related("beneficiary"))
    for registration in active:
        messages.queue(registration, messages.Kind.SESSION_CANCELLED, now=now)
    journal(
        "session.cancelled",
        actor=actor,
        operator_id=session.operator_id,
        obj=session,
        payload={"registrations": len(active)},
    )
    return session


# ---------------------------------------------------------------------------------------------
# Attendance
# ---------------------------------------------------------------------------------------------


def _check_attendance_open(session: Session, now: datetime) -> None:
    if session.status == Session.Status.CANCELLED:
        raise WorkshopError(_("Cette séance est annulée."))
    if timezone.localtime(now).date() < timezone.localtime(session.starts_at).date():
        raise WorkshopError(_("L'appel s'ouvre le jour de la séance."))


@transaction.atomic
def registration_mark_attendance(
    *, actor, registration: Registration, present: bool, now: datetime | None = None
) -> Registration:
    """Tick a person present (or not). Ticking twice changes nothing; a person on the waiting list who
    comes anyway is seated. After closing, the group interaction follows."""
    now = now or timezone.now()
    session = locked_session(registration.session)
    _check_attendance_open(session, now)
    registration = Registration.objects.get(pk=registration.pk)
    if registration.attended == present:
        return registration
    if present:
        registration.status = Registration.Status.CONFIRMED
        registration.attended = True
        registration.checked_in_at = now
        registration.confirmed_at = registration.confirmed_at or now
        registration.hold_expires_at = None
    else:
        registration.attended = False
        registration.checked_in_at = None
    registration.save()
    journal(
        "registration.attendance",
        actor=actor,
        operator_id=session.operator_id,
        obj=registration,
        payload={"session": session.pk, "present": present},
    )
    if session.status == Session.Status.DONE:
        _sync_interaction(session, actor=actor)
    return registration


@transaction.atomic
def walk_in_add(
    *,
    actor,
    session: Session,
    beneficiary=None,
    first_name: str = "",
    client_uuid: uuid_module.UUID | None = None,
    now: datetime | None = None,
) -> tuple[Registration, bool]:
    """Someone came without registering: a followed person, or a first name. Seated and present at once
    (even past the number of seats: they are in the room). A followed person already registered is
    ticked present instead."""
    now = now or timezone.now()
    client_uuid = client_uuid or uuid_module.uuid4()
    known = Registration.objects.filter(client_uuid=client_uuid).first()
    if known is not None:
        if known.session_id != session.pk:
            raise WorkshopError(
                {"client_uuid": [_("Cet identifiant est déjà utilisé : générez-en un autre.")]}
            )
        return known, False
    first_name = " ".join((first_name or "").split())
    if beneficiary is None and not first_name:
        raise WorkshopError({"first_name": [_("Indiquez un prénom, ou choisissez une personne suivie.")]})
    if len(first_name) > 40:
        raise WorkshopError({"first_name": [_("Le prénom compte au plus 40 caractères.")]})
    if beneficiary is not None and (
        beneficiary.operator_id != session.operator_id
        or beneficiary.merged_into_id
        or beneficiary.anonymised_at
    ):
        raise WorkshopError({"beneficiary": [_("Cette personne n'est pas suivie par votre structure.")]})
    session = locked_session(session)
    _check_attendance_open(session, now)
    if beneficiary is not None:
        registered = (
            Registration.objects.filter(
                session=session, beneficiary=beneficiary, status__in=Registration.ACTIVE
            )
            .order_by("pk")
            .first()
        )
        if registered is not None:
            return registration_mark_attendance(
                actor=actor, registration=registered, present=True, now=now
            ), False
    registration = Registration.objects.create(
        client_uuid=client_uuid,
        operator_id=session.operator_id,
        session=session,
        status=Registration.Status.CONFIRMED,
        source=Registration.Source.WALK_IN,
        beneficiary=beneficiary,
        first_name="" if beneficiary else first_name,
        registered_by=actor if getattr(actor, "is_authenticated", False) else None,
        confirmed_at=now,
        attended=True,
        checked_in_at=now,
    )
    journal(
        "registration.walk_in",
        actor=actor,
        operator_id=session.operator_id,
        obj=registration,
        payload={"session": session.pk, "followed": beneficiary is not None},
    )
    if session.status == Session.Status.DONE:
        _sync_interaction(session, actor=actor)
    return registration, True


@transaction.atomic
def extra_participants_set(
    *,
    actor,
    session: Session,
    count: int,
    age_bracket: str = "",
    gender: str = "",
    social_status: str = "",
    now: datetime | None = None,
) -> int:
    """How many anonymous participants of this kind (age bracket, gender, status; each may be unknown)
    came. Setting a count, rather than adding, makes a repeated tap harmless."""
    now = now or timezone.now()
    errors = {}
    if age_bracket and age_bracket not in AgeBracket.values:
        errors["age_bracket"] = [_("Tranche d'âge inconnue.")]
    if gender and gender not in Gender.values:
        errors["gender"] = [_("Genre inconnu.")]
    if social_status and social_status not in SocialStatus.values:
        errors["social_status"] = [_("Statut inconnu.")]
    if not isinstance(count, int) or not 0 <= count <= MAX_EXTRA:
        errors["count"] = [_("Le nombre doit être compris entre 0 et %(max)s.") % {"max": MAX_EXTRA}]
    if errors:
        raise WorkshopError(errors)
    session = locked_session(session)
    _check_attendance_open(session, now)
    kind = {"session": session, "age_bracket": age_bracket, "gender": gender, "social_status": social_status}
    if count == 0:
        ExtraParticipants.objects.filter(**kind).delete()
    else:
        ExtraParticipants.objects.update_or_create(**kind, defaults={"count": count})
    journal(
        "session.extra_participants",
        actor=actor,
        operator_id=session.operator_id,
        obj=session,
        payload={
            "age_bracket": age_bracket,
            "gender": gender,
            "social_status": social_status,
            "count": count,
        },
    )
    if session.status == Session.Status.DONE:
        _sync_interaction(session, actor=actor)
    return count


@transaction.atomic
def session_close(*, actor, session: Session, now: datetime | None = None) -> Session:
    """The session took place: it becomes one group interaction with one accompaniment per participant.
    Closing again brings that interaction up to date."""
    now = now or timezone.now()
    session = locked_session(session)
    if session.status == Session.Status.CANCELLED:
        raise WorkshopError(_("Cette séance est annulée."))
    if now < session.starts_at:
        raise WorkshopError(_("La séance n'a pas encore commencé : clôturez-la une fois l'atelier fait."))
    if not session.facilitators.exists():
        raise WorkshopError(_("Indiquez d'abord qui anime la séance (modifier la séance)."))
    first_close = session.status != Session.Status.DONE
    session.status = Session.Status.DONE
    session.closed_at = session.closed_at or now
    session.save(update_fields=["status", "closed_at", "updated_at"])
    interaction = _sync_interaction(session, actor=actor)
    journal(
        "session.closed" if first_close else "session.reclosed",
        actor=actor,
        operator_id=session.operator_id,
        obj=session,
        payload={
            "attended": session.registrations.filter(attended=True).count(),
            "interaction": interaction.pk if interaction else None,
        },
    )
    return session


# ---------------------------------------------------------------------------------------------
# The group interaction
# ---------------------------------------------------------------------------------------------


def participants_of(session: Session) -> list[mediation_services.Person]:
    """One person per participant: followed people by their card (a merged card by the one kept, an
    anonymised one by what it keeps), others anonymous, then the anonymous counts."""
    people = []
    seen = set()
    attended = session.registrations.filter(attended=True).select_related("beneficiary").order_by("pk")
    for registration in attended:
        beneficiary = registration.beneficiary
        while beneficiary is not None and beneficiary.merged_into_id:
            beneficiary = beneficiary.merged_into
        if beneficiary is None:
            people.append(mediation_services.Person())
        elif beneficiary.anonymised_at or beneficiary.pk in seen:
            people.append(
                mediation_services.Person(gender=beneficiary.gender, social_status=beneficiary.social_status)
            )
        else:
            seen.add(beneficiary.pk)
            people.append(mediation_services.Person(beneficiary=beneficiary))
    for group in session.extra_participants.all():
        people += [
            mediation_services.Person(
                age_bracket=group.age_bracket, gender=group.gender, social_status=group.social_status
            )
            for _index in range(group.count)
        ]
    return people


def _lead_facilitator(session: Session, actor) -> MediatorProfile:
    """The facilitator the record is written for: the one closing, else the first by name."""
    facilitators = session.facilitators.select_related("user").order_by(
        "user__last_name", "user__first_name", "pk"
    )
    mine = facilitators.filter(user_id=getattr(actor, "pk", None)).first()
    return mine or facilitators.first()


def _shift_of(mediator: MediatorProfile, session: Session):
    """The facilitator's shift under way at the site when the session began, if any (in the office)."""
    if session.is_outside:
        return None
    return (
        Shift.objects.filter(mediator=mediator, site=session.site, started_at__lte=session.starts_at)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=session.starts_at))
        .order_by("-started_at")
        .first()
    )


def _sync_interaction(session: Session, *, actor):
    """Write the session's group interaction as the attendance says (none when nobody came)."""
    people = participants_of(session)
    interaction = session.interaction
    if not people:
        if interaction is not None and not interaction.is_deleted:
            mediation_services.interaction_delete(actor=actor, interaction=interaction)
        return None
    workshop = session.workshop
    data = mediation_services.InteractionData(
        kind=ActionKind.INDIVIDUAL_ACCOMPANIMENT,
        site=session.site,
        started_at=session.starts_at,
        duration_minutes=session.duration_minutes,
        themes=workshop.theme_codes,
        place=session.place,
        notes=_("Atelier « %(title)s »") % {"title": workshop.title},
        people=people,
    )
    if interaction is not None:
        if interaction.is_deleted:
            mediation_services.interaction_restore(actor=actor, interaction=interaction)
        data.shift = interaction.shift
        return mediation_services.interaction_update(actor=actor, interaction=interaction, data=data)
    mediator = _lead_facilitator(session, actor)
    data.shift = _shift_of(mediator, session)
    interaction, _created = mediation_services.interaction_record(
        actor=actor,
        mediator=mediator,
        data=data,
        client_uuid=uuid_module.uuid5(INTERACTION_NAMESPACE, f"workshop-session-{session.pk}"),
    )
    session.interaction = interaction
    session.save(update_fields=["interaction", "updated_at"])
    return interaction
