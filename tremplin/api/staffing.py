"""Contracts, rotations and shifts; a mediator's tablet starts and ends its shifts here.

Reads are scoped by the token's viewer through the staffing selectors. Writes are idempotent by the
client-generated UUID, so a tablet that lost the answer may send the same request again."""

from datetime import date, datetime, time
from uuid import UUID

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from tremplin.staffing import selectors, services
from tremplin.staffing.models import Contract, Weekday
from tremplin.territory.models import Site

from .auth import TokenAuth
from .errors import FieldErrors
from .fields import Moment
from .pagination import Page, paginate
from .schemas import ErrorOut, FieldErrorsOut

router = Router(tags=["personnel et permanences"])


class ShiftConflictOut(ErrorOut):
    open_shift: UUID | None = Field(
        None, description="Identifiant client de la permanence encore ouverte, à terminer d'abord."
    )


class OperatorRef(Schema):
    id: int
    name: str


class ContractSiteOut(Schema):
    site_id: int
    site_name: str = Field(alias="site.name")
    weekly_minutes: int | None = Field(description="Présence contractuelle par semaine, en minutes.")


class ContractOut(Schema):
    id: int
    reference: str
    title: str
    operator: OperatorRef
    client: OperatorRef
    starts_on: date
    ends_on: date
    status: Contract.Status
    reporting_period: Contract.ReportingPeriod
    contracted_minutes: int | None = Field(description="Volume contractuel total, en minutes.")
    sites: list[ContractSiteOut] = Field(alias="contract_sites")


class ContractPage(Page):
    items: list[ContractOut]


class RotationOut(Schema):
    id: int
    contract_id: int
    mediator_id: int
    mediator_name: str
    site_id: int
    site_name: str = Field(alias="site.name")
    weekday: Weekday = Field(description="0 = lundi … 6 = dimanche.")
    starts_at: time
    ends_at: time
    valid_from: date
    valid_until: date | None

    @staticmethod
    def resolve_mediator_name(obj) -> str:
        return str(obj.mediator)


class RotationPage(Page):
    items: list[RotationOut]


class ShiftOut(Schema):
    id: int
    client_uuid: UUID
    mediator_id: int
    mediator_name: str
    site_id: int
    site_name: str = Field(alias="site.name")
    contract_id: int | None
    rotation_id: int | None
    started_at: datetime
    ended_at: datetime | None
    minutes: int | None = Field(description="Durée effectuée, en minutes ; vide tant qu'elle est ouverte.")
    expected_end_at: datetime
    is_open: bool
    is_forgotten: bool = Field(description="Ouverte au-delà de la fin prévue : la terminer avec ended_at.")
    end_was_forgotten: bool
    corrected_at: datetime | None

    @staticmethod
    def resolve_mediator_name(obj) -> str:
        return str(obj.mediator)

    @staticmethod
    def resolve_is_forgotten(obj) -> bool:
        return services.shift_is_forgotten(obj)


class ShiftPage(Page):
    items: list[ShiftOut]


LIMIT = Field(100, ge=1, le=settings.TREMPLIN_API_MAX_LIMIT)
#: Identifiers are 64-bit: a larger number is invalid input (422), not a database error.
MAX_ID = 2**63 - 1


class ContractFilters(Schema):
    status: Contract.Status | None = None
    cursor: str | None = None
    limit: int = LIMIT


class RotationFilters(Schema):
    contract: int | None = Field(None, ge=1, le=MAX_ID, description="Identifiant du contrat")
    site: int | None = Field(None, ge=1, le=MAX_ID, description="Identifiant du site")
    mediator: int | None = Field(None, ge=1, le=MAX_ID, description="Identifiant du médiateur")
    cursor: str | None = None
    limit: int = LIMIT


class ShiftFilters(RotationFilters):
    started_after: datetime | None = Field(None, description="Commencées à partir de (ISO 8601)")
    started_before: datetime | None = Field(None, description="Commencées avant (ISO 8601)")


class ShiftStartIn(Schema):
    client_uuid: UUID = Field(description="Généré par la tablette : le renvoyer ne crée pas de doublon.")
    site_id: int = Field(ge=1, le=MAX_ID)
    rotation_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="La présence planifiée, si la tablette la connaît."
    )
    started_at: Moment | None = Field(
        None,
        description="Heure de début relevée par la tablette (hors ligne) ; maintenant si absente. "
        "Refusée dans le futur (au-delà de quelques minutes d'écart d'horloge) ou plus de 24 heures avant.",
    )


class ShiftEndIn(Schema):
    ended_at: Moment | None = Field(
        None, description="Heure de fin relevée par la tablette (hors ligne) ; maintenant si absente."
    )


def _aware(moment: datetime | None) -> datetime | None:
    """A time without offset is read in Europe/Paris, as the tablets show it."""
    if moment is not None and timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


def _by_ids(queryset, **ids):
    return queryset.filter(**{f"{name}_id": value for name, value in ids.items() if value is not None})


# ---------------------------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------------------------


def _contracts(request):
    return selectors.contracts_visible_to(request.viewer).prefetch_related("contract_sites__site")


@router.get("/contracts", response=ContractPage, summary="Contrats visibles par l'appelant")
def list_contracts(request, filters: Query[ContractFilters]):
    contracts = _contracts(request)
    if filters.status:
        contracts = contracts.filter(status=filters.status)
    items, next_cursor = paginate(contracts, cursor=filters.cursor, limit=filters.limit)
    return {"items": items, "next_cursor": next_cursor}


@router.get(
    "/contracts/{id}",
    response={200: ContractOut, 404: ErrorOut},
    summary="Un contrat, avec ses sites et leur présence contractuelle",
)
def get_contract(request, id: int):
    return get_object_or_404(_contracts(request), pk=id)


@router.get("/rotations", response=RotationPage, summary="Présences planifiées (le planning)")
def list_rotations(request, filters: Query[RotationFilters]):
    rotations = selectors.rotations_visible_to(request.viewer)
    rotations = _by_ids(rotations, contract=filters.contract, site=filters.site, mediator=filters.mediator)
    items, next_cursor = paginate(rotations, cursor=filters.cursor, limit=filters.limit)
    return {"items": items, "next_cursor": next_cursor}


@router.get("/shifts", response=ShiftPage, summary="Permanences effectuées (heures d'intervention)")
def list_shifts(request, filters: Query[ShiftFilters]):
    shifts = selectors.shifts_visible_to(request.viewer)
    shifts = _by_ids(shifts, contract=filters.contract, site=filters.site, mediator=filters.mediator)
    if filters.started_after:
        shifts = shifts.filter(started_at__gte=_aware(filters.started_after))
    if filters.started_before:
        shifts = shifts.filter(started_at__lt=_aware(filters.started_before))
    items, next_cursor = paginate(shifts, cursor=filters.cursor, limit=filters.limit)
    return {"items": items, "next_cursor": next_cursor}


# ---------------------------------------------------------------------------------------------
# The mediator's tablet
# ---------------------------------------------------------------------------------------------


class MediatorTokenAuth(TokenAuth):
    """A token whose membership has a mediator profile: only a mediator records their shifts.

    Checked with the token, before the body is read, so any other token gets a plain 403."""

    def authenticate(self, request, token):
        api_token = super().authenticate(request, token)
        if api_token is None:
            return None
        request.mediator_profile = selectors.mediator_profile_for(request.viewer)
        if request.mediator_profile is None:
            raise HttpError(
                403, "Seul un médiateur enregistre ses permanences : ce jeton n'a pas de fiche de médiateur."
            )
        return api_token


@router.post(
    "/shifts/start",
    response={
        200: ShiftOut,
        201: ShiftOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ShiftConflictOut,
        422: FieldErrorsOut,
    },
    auth=MediatorTokenAuth(),
    summary="Commencer une permanence (idempotent)",
    description="201 : la permanence commence. 200 : cet identifiant client était déjà connu, la même "
    "permanence est renvoyée sans rien créer. 409 : une permanence est déjà ouverte (ou oubliée : la "
    "terminer d'abord avec son heure de fin).",
)
def start_shift(request, payload: ShiftStartIn):
    profile = request.mediator_profile
    known = selectors.shift_of_mediator(profile, payload.client_uuid)
    if known is not None:
        return Status(200, known)
    site = Site.objects.filter(pk=payload.site_id).first()
    if site is None:
        raise HttpError(404, "Site inconnu.")
    if not selectors.shift_sites_for(request.viewer, profile).filter(pk=site.pk).exists():
        raise HttpError(403, "Ce site ne fait pas partie de vos sites de permanence.")
    rotation = None
    if payload.rotation_id is not None:
        rotation = _rotation_for_start(profile, site, payload.rotation_id)
    else:
        presence = selectors.presence_for_start(profile, site=site, now=payload.started_at)
        rotation = presence.rotation if presence else None
    try:
        shift = services.shift_start_recorded(
            actor=request.user,
            mediator=profile,
            site=site,
            client_uuid=payload.client_uuid,
            rotation=rotation,
            started_at=payload.started_at or timezone.now(),
        )
    except services.ShiftError as error:
        if error.code == "started_at":
            raise FieldErrors({"started_at": error.messages}, " ".join(error.messages)) from error
        open_shift = selectors.open_shift_of(profile)
        return Status(
            409,
            {
                "detail": " ".join(error.messages),
                "open_shift": open_shift.client_uuid if open_shift else None,
            },
        )
    return Status(201, shift)


def _rotation_for_start(profile, site, rotation_id: int):
    presence = next(
        (p for p in selectors.todays_presences_for(profile) if p.rotation.pk == rotation_id),
        None,
    )
    if presence is None or presence.site.pk != site.pk:
        raise HttpError(
            422, "Cette présence planifiée n'est pas la vôtre aujourd'hui sur ce site : omettez rotation_id."
        )
    return presence.rotation


@router.post(
    "/shifts/{client_uuid}/end",
    response={200: ShiftOut, 403: ErrorOut, 404: ErrorOut, 409: ShiftConflictOut, 422: ErrorOut},
    auth=MediatorTokenAuth(),
    summary="Terminer une permanence (idempotent)",
    description="Terminer une permanence déjà terminée la renvoie telle quelle (200). Sans `ended_at`, "
    "la fin est maintenant ; une permanence oubliée (ouverte au-delà de la fin prévue) demande `ended_at`, "
    "son heure de fin réelle (409 sinon). Une heure de fin relevée au-delà de la fin prévue et de sa marge "
    "marque la permanence « fin oubliée » (`end_was_forgotten`).",
)
def end_shift(request, client_uuid: str, payload: ShiftEndIn | None = None):
    profile = request.mediator_profile
    try:
        uuid = UUID(client_uuid)
    except ValueError as exc:
        raise HttpError(422, "Identifiant de permanence invalide : un UUID est attendu.") from exc
    shift = selectors.shift_of_mediator(profile, uuid)
    if shift is None:
        raise HttpError(404, "Permanence introuvable.")
    if not shift.is_open:
        return Status(200, shift)
    ended_at = _aware(payload.ended_at) if payload else None
    try:
        if ended_at is None:
            shift = services.shift_end(actor=request.user, shift=shift)
        else:
            shift = services.shift_end_recorded(actor=request.user, shift=shift, ended_at=ended_at)
    except services.ShiftError as error:
        if ended_at is None and services.shift_is_forgotten(shift):
            return Status(409, {"detail": " ".join(error.messages), "open_shift": shift.client_uuid})
        raise HttpError(422, " ".join(error.messages)) from error
    return Status(200, shift)
