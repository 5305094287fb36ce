"""Workshops: the catalogue, sessions with their seats, registrations (booked idempotently by the
client's UUID, cancelled, a freed seat confirmed), and attendance (ticks, walk-ins, anonymous counts,
closing into a group interaction).

For the operator's members (administrators, coordinators, mediators), through their token; funders
read figures, never registrations: a 403. Another operator's session or registration is a 404, decided
with the token before the body is read. Lists use cursor pagination, as elsewhere."""

from datetime import datetime
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from tremplin.mediation import selectors as mediation_selectors
from tremplin.mediation.vocabularies import AgeBracket, Gender, SocialStatus, Theme
from tremplin.workshops import selectors, services
from tremplin.workshops.models import Level, Registration, Session, WorkshopTheme
from tremplin.workshops.services.sessions import MAX_EXTRA

from .auth import TokenAuth
from .errors import FieldErrors
from .fields import MAX_ID, NO_NUL, Moment, path_id
from .pagination import Page, paginate
from .schemas import ErrorOut, FieldErrorsOut, StrictSchema

router = Router(tags=["ateliers"])

LIMIT = Field(100, ge=1, le=settings.TREMPLIN_API_MAX_LIMIT)


# ---------------------------------------------------------------------------------------------
# Who may call
# ---------------------------------------------------------------------------------------------


class MemberAuth(TokenAuth):
    """A token of the operator's members; the session or registration of the path is resolved here."""

    def authenticate(self, request, token):
        api_token = super().authenticate(request, token)
        if api_token is None:
            return None
        viewer = request.viewer
        if viewer.is_funder:
            raise HttpError(403, "Les financeurs lisent les chiffres des ateliers, pas les inscriptions.")
        if not selectors.works_on_workshops(viewer):
            raise HttpError(403, "Seuls les membres de la structure travaillent sur ses ateliers.")
        session_id = path_id(request, "session_id")
        if session_id is not None:
            request.workshop_session = selectors.session_for_page(viewer, session_id)
            if request.workshop_session is None:
                raise HttpError(404, "Séance introuvable.")
        registration_id = path_id(request, "registration_id")
        if registration_id is not None:
            request.registration = (
                selectors.registrations_visible_to(viewer)
                .select_related("session", "beneficiary")
                .filter(pk=registration_id)
                .first()
            )
            if request.registration is None:
                raise HttpError(404, "Inscription introuvable.")
        return api_token


MEMBER = MemberAuth()


# ---------------------------------------------------------------------------------------------
# Input and output
# ---------------------------------------------------------------------------------------------


class WorkshopOut(Schema):
    id: int
    title: str
    description: str
    level: Level
    themes: list[Theme]
    duration_minutes: int
    max_participants: int
    prerequisites: str
    equipment_provided: str
    is_active: bool


class WorkshopPage(Page):
    items: list[WorkshopOut]


class SessionOut(Schema):
    id: int
    workshop_id: int
    workshop_title: str
    starts_at: datetime
    ends_at: datetime
    duration_minutes: int
    site_id: int
    venue: Session.Venue
    venue_name: str
    venue_address: str
    venue_commune_code: str | None
    place: str = Field(description="Le lieu de l'interaction de groupe : bureau_de_poste ou hors_bureau.")
    facilitator_ids: list[int]
    capacity: int
    seats_taken: int = Field(description="Places confirmées ou proposées (gardées) à quelqu'un.")
    seats_left: int
    waiting: int = Field(description="Personnes en liste d'attente.")
    status: Session.Status
    is_published: bool
    accessibility_notes: str
    interaction_id: int | None = Field(description="L'interaction de groupe, une fois la séance clôturée.")


class SessionPage(Page):
    items: list[SessionOut]


class SessionFilters(Schema):
    starts_after: Moment | None = Field(None, description="Commençant à partir de (ISO 8601)")
    starts_before: Moment | None = Field(None, description="Commençant avant (ISO 8601)")
    site: int | None = Field(None, ge=1, le=MAX_ID, description="Identifiant du bureau de poste")
    workshop: int | None = Field(None, ge=1, le=MAX_ID, description="Identifiant de l'atelier")
    status: Session.Status | None = Field(None, description="scheduled, cancelled ou done")
    cursor: str | None = None
    limit: int = LIMIT


class CatalogueFilters(Schema):
    active: bool | None = Field(None, description="true : seulement ceux qu'on peut programmer")
    cursor: str | None = None
    limit: int = LIMIT


class PageFilters(Schema):
    cursor: str | None = None
    limit: int = LIMIT


class RegistrationIn(StrictSchema):
    client_uuid: UUID = Field(description="Généré par la tablette : le renvoyer ne crée pas de doublon.")
    beneficiary_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="Une personne suivie ; ses rappels suivent sa fiche."
    )
    first_name: str = Field("", max_length=200, pattern=NO_NUL, description="Sans personne suivie.")
    phone: str = Field("", max_length=30, pattern=NO_NUL, description="Un portable français (06, 07).")
    email: str = Field("", max_length=254, pattern=NO_NUL)
    consent: bool = Field(False, description="Sans personne suivie : l'accord pour garder ces coordonnées.")


class RegistrationOut(Schema):
    id: int
    client_uuid: UUID
    session_id: int
    status: Registration.Status
    source: Registration.Source
    beneficiary_id: int | None
    first_name: str
    phone: str
    email: str
    waitlist_position: int | None = Field(description="La place dans la liste d'attente (1 : la prochaine).")
    hold_expires_at: datetime | None = Field(description="Place proposée : gardée jusqu'à cette heure.")
    attended: bool
    checked_in_at: datetime | None
    created_at: datetime


class RegistrationPage(Page):
    items: list[RegistrationOut]


class AttendanceIn(StrictSchema):
    present: bool


class WalkInIn(StrictSchema):
    client_uuid: UUID
    beneficiary_id: int | None = Field(None, ge=1, le=MAX_ID)
    first_name: str = Field("", max_length=200, pattern=NO_NUL)


class ExtraParticipantsIn(StrictSchema):
    age_bracket: AgeBracket | None = None
    gender: Gender | None = None
    social_status: SocialStatus | None = None
    count: int = Field(ge=0, le=MAX_EXTRA, description="Le nombre de ces personnes (0 : les retirer).")


class ExtraParticipantsOut(Schema):
    age_bracket: AgeBracket | None
    gender: Gender | None
    social_status: SocialStatus | None
    count: int


class AttendanceOut(Schema):
    session: SessionOut
    present: list[RegistrationOut] = Field(
        description="Les inscrits pointés présents et les venus sans inscription."
    )
    extra_participants: list[ExtraParticipantsOut]
    participants: int = Field(description="Toutes les personnes présentes, anonymes comprises.")


def _session_out(session: Session) -> dict:
    return {
        "id": session.pk,
        "workshop_id": session.workshop_id,
        "workshop_title": session.workshop.title,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "duration_minutes": session.duration_minutes,
        "site_id": session.site_id,
        "venue": session.venue,
        "venue_name": session.venue_name,
        "venue_address": session.venue_address,
        "venue_commune_code": session.venue_commune.code if session.venue_commune_id else None,
        "place": session.place,
        "facilitator_ids": sorted(person.pk for person in session.facilitators.all()),
        "capacity": session.capacity,
        "seats_taken": session.seated,
        "seats_left": max(session.capacity - session.seated, 0),
        "waiting": session.waiting,
        "status": session.status,
        "is_published": session.is_published,
        "accessibility_notes": session.accessibility_notes,
        "interaction_id": session.interaction_id,
    }


def _registration_out(registration: Registration, *, positions: dict | None = None) -> dict:
    position = None
    if positions is not None:
        position = positions.get(registration.pk)
    elif registration.status == Registration.Status.WAITLISTED:
        position = Registration.objects.filter(
            session_id=registration.session_id,
            status=Registration.Status.WAITLISTED,
            waitlisted_at__lte=registration.waitlisted_at,
        ).count()
    return {
        "id": registration.pk,
        "client_uuid": registration.client_uuid,
        "session_id": registration.session_id,
        "status": registration.status,
        "source": registration.source,
        "beneficiary_id": registration.beneficiary_id,
        "first_name": registration.first_name,
        "phone": registration.phone,
        "email": registration.email,
        "waitlist_position": position,
        "hold_expires_at": registration.hold_expires_at,
        "attended": registration.attended,
        "checked_in_at": registration.checked_in_at,
        "created_at": registration.created_at,
    }


def _sessions(request):
    return selectors.sessions_for_list(request.viewer).prefetch_related("facilitators")


def _fresh_session(request, session: Session) -> dict:
    return _session_out(_sessions(request).get(pk=session.pk))


def _beneficiary(request, beneficiary_id: int | None):
    if not beneficiary_id:
        return None
    beneficiary = (
        mediation_selectors.beneficiaries_visible_to(request.viewer).filter(pk=beneficiary_id).first()
    )
    if beneficiary is None:
        raise FieldErrors({"beneficiary_id": ["Personne inconnue, ou qui n'est pas suivie par vous."]})
    return beneficiary


def _refused(error: ValidationError) -> FieldErrors:
    return FieldErrors.from_django(error, rename={"beneficiary": "beneficiary_id", "contact": "phone"})


WRITE_ERRORS = {403: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}


# ---------------------------------------------------------------------------------------------
# The catalogue and the sessions
# ---------------------------------------------------------------------------------------------


@router.get(
    "/workshops",
    response={200: WorkshopPage, 403: ErrorOut},
    auth=MEMBER,
    summary="Le catalogue des ateliers",
)
def list_workshops(request, filters: Query[CatalogueFilters]):
    workshops = selectors.workshops_visible_to(request.viewer)
    if filters.active is not None:
        workshops = workshops.filter(is_active=filters.active)
    items, next_cursor = paginate(workshops, cursor=filters.cursor, limit=filters.limit)
    return {"items": [_workshop_out(item) for item in items], "next_cursor": next_cursor}


def _workshop_out(workshop) -> dict:
    return {
        **{
            name: getattr(workshop, name)
            for name in (
                "id",
                "title",
                "description",
                "level",
                "duration_minutes",
                "max_participants",
                "prerequisites",
                "equipment_provided",
                "is_active",
            )
        },
        "themes": [row.theme for row in workshop.themes.all()],
    }


@router.get(
    "/workshops/{workshop_id}",
    response={200: WorkshopOut, 403: ErrorOut, 404: ErrorOut},
    auth=MEMBER,
    summary="Un atelier du catalogue",
)
def get_workshop(request, workshop_id: int):
    workshop = (
        selectors.workshops_visible_to(request.viewer)
        .prefetch_related(Prefetch("themes", queryset=WorkshopTheme.objects.order_by("theme")))
        .filter(pk=min(max(workshop_id, 0), MAX_ID))
        .first()
    )
    if workshop is None:
        raise HttpError(404, "Atelier introuvable.")
    return _workshop_out(workshop)


@router.get(
    "/workshop-sessions",
    response={200: SessionPage, 403: ErrorOut},
    auth=MEMBER,
    summary="Les séances (programme)",
)
def list_sessions(request, filters: Query[SessionFilters]):
    sessions = _sessions(request)
    if filters.starts_after:
        sessions = sessions.filter(starts_at__gte=filters.starts_after)
    if filters.starts_before:
        sessions = sessions.filter(starts_at__lt=filters.starts_before)
    if filters.site:
        sessions = sessions.filter(site_id=filters.site)
    if filters.workshop:
        sessions = sessions.filter(workshop_id=filters.workshop)
    if filters.status:
        sessions = sessions.filter(status=filters.status)
    items, next_cursor = paginate(sessions, cursor=filters.cursor, limit=filters.limit)
    return {"items": [_session_out(item) for item in items], "next_cursor": next_cursor}


@router.get(
    "/workshop-sessions/{session_id}",
    response={200: SessionOut, 403: ErrorOut, 404: ErrorOut},
    auth=MEMBER,
    summary="Une séance, avec ses places",
)
def get_session(request, session_id: int):
    return _session_out(request.workshop_session)


# ---------------------------------------------------------------------------------------------
# Registrations
# ---------------------------------------------------------------------------------------------


@router.get(
    "/workshop-sessions/{session_id}/registrations",
    response={200: RegistrationPage, 403: ErrorOut, 404: ErrorOut},
    auth=MEMBER,
    summary="Les inscriptions d'une séance",
)
def list_registrations(request, session_id: int, filters: Query[PageFilters]):
    registrations = selectors.registrations_visible_to(request.viewer).filter(
        session=request.workshop_session
    )
    items, next_cursor = paginate(registrations, cursor=filters.cursor, limit=filters.limit)
    waiting = registrations.filter(status=Registration.Status.WAITLISTED).order_by("waitlisted_at", "pk")
    positions = {pk: index for index, pk in enumerate(waiting.values_list("pk", flat=True), start=1)}
    return {
        "items": [_registration_out(item, positions=positions) for item in items],
        "next_cursor": next_cursor,
    }


@router.post(
    "/workshop-sessions/{session_id}/registrations",
    response={200: RegistrationOut, 201: RegistrationOut, **WRITE_ERRORS},
    auth=MEMBER,
    summary="Inscrire une personne (idempotent)",
    description="201 : inscrite, `status` dit si la place est confirmée (`confirmed`) ou en liste "
    "d'attente (`waitlisted`). 200 : cet identifiant client était déjà connu, la même inscription est "
    "renvoyée. Une personne suivie (`beneficiary_id`), ou un prénom avec un portable ou un e-mail et "
    "l'accord (`consent`). 422 : `errors` dit, par champ, ce qui ne va pas (numéro qui n'est pas un "
    "portable, adresse invalide, personne déjà inscrite, séance commencée…).",
)
def create_registration(request, session_id: int, payload: RegistrationIn):
    beneficiary = _beneficiary(request, payload.beneficiary_id)
    try:
        registration, created = services.registration_create(
            actor=request.user,
            session=request.workshop_session,
            source=Registration.Source.STAFF,
            beneficiary=beneficiary,
            first_name="" if beneficiary else payload.first_name,
            phone="" if beneficiary else payload.phone,
            email="" if beneficiary else payload.email,
            consent=payload.consent,
            client_uuid=payload.client_uuid,
        )
    except ValidationError as error:
        raise _refused(error) from error
    return Status(201 if created else 200, _registration_out(registration))


@router.post(
    "/workshop-registrations/{registration_id}/cancel",
    response={200: RegistrationOut, **WRITE_ERRORS},
    auth=MEMBER,
    summary="Annuler une inscription",
    description="La place va à la première personne en attente, qui a un délai pour la confirmer. "
    "Annuler deux fois ne change rien.",
)
def cancel_registration(request, registration_id: int):
    try:
        registration = services.registration_cancel(actor=request.user, registration=request.registration)
    except ValidationError as error:
        raise _refused(error) from error
    return _registration_out(registration)


@router.post(
    "/workshop-registrations/{registration_id}/confirm",
    response={200: RegistrationOut, **WRITE_ERRORS},
    auth=MEMBER,
    summary="Confirmer, pour la personne, la place qui lui est proposée",
)
def confirm_registration(request, registration_id: int):
    try:
        registration = services.registration_confirm_offer(
            actor=request.user, registration=request.registration
        )
    except ValidationError as error:
        raise _refused(error) from error
    return _registration_out(registration)


# ---------------------------------------------------------------------------------------------
# Attendance
# ---------------------------------------------------------------------------------------------


@router.put(
    "/workshop-registrations/{registration_id}/attendance",
    response={200: RegistrationOut, **WRITE_ERRORS},
    auth=MEMBER,
    summary="Pointer une personne présente, ou non (idempotent)",
)
def set_attendance(request, registration_id: int, payload: AttendanceIn):
    try:
        registration = services.registration_mark_attendance(
            actor=request.user, registration=request.registration, present=payload.present
        )
    except ValidationError as error:
        raise _refused(error) from error
    return _registration_out(registration)


@router.post(
    "/workshop-sessions/{session_id}/walk-ins",
    response={200: RegistrationOut, 201: RegistrationOut, **WRITE_ERRORS},
    auth=MEMBER,
    summary="Ajouter une personne venue sans inscription (idempotent)",
    description="Une personne suivie (`beneficiary_id`) — déjà inscrite, elle est pointée présente — ou un "
    "prénom. 201 : ajoutée ; 200 : déjà connue.",
)
def add_walk_in(request, session_id: int, payload: WalkInIn):
    beneficiary = _beneficiary(request, payload.beneficiary_id)
    try:
        registration, created = services.walk_in_add(
            actor=request.user,
            session=request.workshop_session,
            beneficiary=beneficiary,
            first_name=payload.first_name,
            client_uuid=payload.client_uuid,
        )
    except ValidationError as error:
        raise _refused(error) from error
    return Status(201 if created else 200, _registration_out(registration))


@router.put(
    "/workshop-sessions/{session_id}/extra-participants",
    response={200: AttendanceOut, **WRITE_ERRORS},
    auth=MEMBER,
    summary="Le nombre de participants anonymes d'un genre (idempotent)",
    description="Pour une combinaison tranche d'âge, genre, statut (chacun peut être absent), le nombre "
    "de personnes venues sans donner leur nom. 0 les retire.",
)
def set_extra_participants(request, session_id: int, payload: ExtraParticipantsIn):
    try:
        services.extra_participants_set(
            actor=request.user,
            session=request.workshop_session,
            count=payload.count,
            age_bracket=payload.age_bracket or "",
            gender=payload.gender or "",
            social_status=payload.social_status or "",
        )
    except ValidationError as error:
        raise _refused(error) from error
    return _attendance(request, request.workshop_session)


def _attendance(request, session: Session) -> dict:
    present = (
        selectors.registrations_visible_to(request.viewer)
        .filter(session=session, attended=True)
        .order_by("pk")
    )
    extras = list(session.extra_participants.all())
    present = list(present)
    return {
        "session": _fresh_session(request, session),
        "present": [_registration_out(row) for row in present],
        "extra_participants": [
            {
                "age_bracket": group.age_bracket or None,
                "gender": group.gender or None,
                "social_status": group.social_status or None,
                "count": group.count,
            }
            for group in extras
        ],
        "participants": len(present) + sum(group.count for group in extras),
    }


@router.get(
    "/workshop-sessions/{session_id}/attendance",
    response={200: AttendanceOut, 403: ErrorOut, 404: ErrorOut},
    auth=MEMBER,
    summary="L'appel d'une séance",
)
def get_attendance(request, session_id: int):
    return _attendance(request, request.workshop_session)


@router.post(
    "/workshop-sessions/{session_id}/close",
    response={200: SessionOut, **WRITE_ERRORS},
    auth=MEMBER,
    summary="Clôturer la séance : une interaction de groupe",
    description="La séance devient une interaction de groupe du médiateur animateur (une personne "
    "accompagnée par participant). La clôturer de nouveau met à jour la même interaction.",
)
def close_session(request, session_id: int):
    try:
        session = services.session_close(actor=request.user, session=request.workshop_session)
    except ValidationError as error:
        raise _refused(error) from error
    return _fresh_session(request, session)
