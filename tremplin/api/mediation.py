"""Interactions and followed beneficiaries: what a mediator's tablet records, and reads back.

Recording is idempotent by the client-generated UUID, so a tablet that lost the answer (or synchronises
what it recorded offline) sends the same request again and gets the same interaction. Interactions never
carry names: a followed person appears by their id only; names are read, by those allowed, through
/beneficiaries. Funders read figures (reports), never records: they get a 403 here."""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Prefetch
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from pydantic import BeforeValidator, StringConstraints

from tremplin.mediation import selectors, services
from tremplin.mediation.models import Accompaniment, Beneficiary, Interaction
from tremplin.mediation.vocabularies import (
    DEFAULT_TIME_CATEGORY,
    ActionKind,
    AgeBracket,
    AutonomyOutcome,
    ConflictSeverity,
    Domain,
    Equipment,
    Gender,
    OrientationTarget,
    Place,
    PostalForm,
    SocialStatus,
    Theme,
    TimeCategory,
)
from tremplin.staffing import selectors as staffing_selectors
from tremplin.staffing import services as staffing_services
from tremplin.territory.models import Commune

from .auth import TokenAuth
from .errors import FieldErrors
from .fields import MAX_ID, NO_NUL, Moment
from .pagination import Page, paginate
from .schemas import ErrorOut, FieldErrorsOut, StrictSchema

router = Router(tags=["médiation"])

#: The most people one (group) interaction counts.
MAX_PEOPLE = 200
MAX_NOTES = 4000
LIMIT = Field(100, ge=1, le=settings.TREMPLIN_API_MAX_LIMIT)
#: Service field names → the API's.
SERVICE_FIELDS = {"site": "site_id", "shift": "shift_client_uuid"}


# ---------------------------------------------------------------------------------------------
# Input types
# ---------------------------------------------------------------------------------------------


def _blank_to_none(value):
    return None if value == "" else value


KindCode = Annotated[ActionKind | None, BeforeValidator(_blank_to_none)]
TimeCategoryCode = Annotated[TimeCategory | None, BeforeValidator(_blank_to_none)]
DomainCode = Annotated[Domain | None, BeforeValidator(_blank_to_none)]
EquipmentCode = Annotated[Equipment | None, BeforeValidator(_blank_to_none)]
PlaceCode = Annotated[Place | None, BeforeValidator(_blank_to_none)]
AutonomyCode = Annotated[AutonomyOutcome | None, BeforeValidator(_blank_to_none)]
OrientationCode = Annotated[OrientationTarget | None, BeforeValidator(_blank_to_none)]
PostalFormCode = Annotated[PostalForm | None, BeforeValidator(_blank_to_none)]
SeverityCode = Annotated[ConflictSeverity | None, BeforeValidator(_blank_to_none)]
AgeBracketCode = Annotated[AgeBracket | None, BeforeValidator(_blank_to_none)]
GenderCode = Annotated[Gender | None, BeforeValidator(_blank_to_none)]
SocialStatusCode = Annotated[SocialStatus | None, BeforeValidator(_blank_to_none)]
CommuneCode = Annotated[
    Annotated[str, StringConstraints(max_length=5, pattern=NO_NUL)] | None, BeforeValidator(_blank_to_none)
]


class PersonIn(StrictSchema):
    beneficiary_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="Un bénéficiaire suivi ; ses attributs viennent alors de sa fiche."
    )
    age_bracket: AgeBracketCode = None
    gender: GenderCode = None
    social_status: SocialStatusCode = None
    commune_code: CommuneCode = Field(None, description="Code INSEE de la commune de résidence.")
    is_first_time: bool | None = Field(None, description="Première venue (inconnu si vide).")


class InteractionFields(StrictSchema):
    kind: ActionKind = Field(description="Le type d'action.")
    site_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="Par défaut, le site de la permanence en cours."
    )
    shift_client_uuid: UUID | None = Field(
        None,
        description="La permanence (son identifiant client). Par défaut, la permanence en cours sur ce "
        "site si l'interaction a commencé pendant celle-ci.",
    )
    started_at: Moment | None = Field(None, description="Début (ISO 8601) ; maintenant si absent.")
    duration_minutes: int = Field(description="Durée en minutes, de 1 à 720.")
    time_category: TimeCategoryCode = Field(None, description="Par défaut, celle du type d'action.")
    domain: DomainCode = None
    themes: list[Theme] = Field(default_factory=list, max_length=len(Theme))
    equipment: EquipmentCode = None
    place: PlaceCode = Field(None, description="Par défaut, au bureau de poste.")
    autonomy: AutonomyCode = None
    oriented: bool = False
    orientation_target: OrientationCode = None
    orientation_partner: str | None = Field("", max_length=150, pattern=NO_NUL)
    postal_form: PostalFormCode = Field(None, description="Seulement pour les imprimés postaux.")
    conflict_severity: SeverityCode = Field(None, description="Seulement pour la prévention de conflit.")
    conflict_defused: bool | None = None
    notes: str | None = Field(
        "", max_length=MAX_NOTES, pattern=NO_NUL, description="Sans nom ni donnée personnelle."
    )
    people: list[PersonIn] = Field(
        default_factory=lambda: [PersonIn()],
        max_length=MAX_PEOPLE,
        description="Les personnes aidées ; par défaut une personne anonyme.",
    )


class InteractionIn(InteractionFields):
    client_uuid: UUID = Field(description="Généré par la tablette : le renvoyer ne crée pas de doublon.")


class InteractionPut(InteractionFields):
    client_uuid: UUID | None = Field(None, description="Facultatif ; s'il est donné, celui de l'interaction.")


class InteractionPatch(StrictSchema):
    """Every field optional: only those given change."""

    kind: KindCode = None
    site_id: int | None = Field(None, ge=1, le=MAX_ID)
    shift_client_uuid: UUID | None = Field(None, description="null : détacher de toute permanence.")
    started_at: Moment | None = None
    duration_minutes: int | None = None
    time_category: TimeCategoryCode = None
    domain: DomainCode = None
    themes: list[Theme] | None = Field(None, max_length=len(Theme))
    equipment: EquipmentCode = None
    place: PlaceCode = None
    autonomy: AutonomyCode = None
    oriented: bool | None = None
    orientation_target: OrientationCode = None
    orientation_partner: str | None = Field(None, max_length=150, pattern=NO_NUL)
    postal_form: PostalFormCode = None
    conflict_severity: SeverityCode = None
    conflict_defused: bool | None = None
    notes: str | None = Field(None, max_length=MAX_NOTES, pattern=NO_NUL)
    people: list[PersonIn] | None = Field(None, max_length=MAX_PEOPLE)


#: Fields a PATCH may not set to null.
REQUIRED = ("kind", "site_id", "started_at", "duration_minutes", "themes", "oriented", "people")
#: Vocabulary fields stored as "" when unset.
CHOICES = (
    "kind",
    "time_category",
    "domain",
    "equipment",
    "autonomy",
    "orientation_target",
    "postal_form",
    "conflict_severity",
)


class InteractionFilters(Schema):
    started_after: Moment | None = Field(None, description="Commencées à partir de (ISO 8601)")
    started_before: Moment | None = Field(None, description="Commencées avant (ISO 8601)")
    site: int | None = Field(None, ge=1, le=MAX_ID, description="Identifiant du site")
    mediator: int | None = Field(None, ge=1, le=MAX_ID, description="Identifiant du médiateur")
    kind: ActionKind | None = Field(None, description="Type d'action")
    theme: Theme | None = Field(None, description="Thématique")
    beneficiary: int | None = Field(None, ge=1, le=MAX_ID, description="Bénéficiaire suivi (son historique)")
    cursor: str | None = None
    limit: int = LIMIT


class BeneficiaryIn(StrictSchema):
    consent_given: bool = Field(
        description="La personne accepte d'être suivie : obligatoire, sinon l'accompagnement reste anonyme."
    )
    display_name: str = Field(max_length=80, pattern=NO_NUL, description="Prénom ou pseudonyme.")
    birth_year: int | None = Field(None, description="Année de naissance (la tranche d'âge en découle).")
    gender: GenderCode = None
    social_status: SocialStatusCode = None
    commune_code: CommuneCode = None
    phone: str | None = Field("", max_length=20, pattern=NO_NUL, description="Pour les rappels.")
    email: str | None = Field("", max_length=254, pattern=NO_NUL, description="Pour les rappels.")
    consent_scope: Beneficiary.ConsentScope = Beneficiary.ConsentScope.MEDIATOR
    consent_reminders: bool = False


class BeneficiaryFilters(Schema):
    q: str | None = Field(
        None, max_length=80, pattern=NO_NUL, description="Deux lettres au moins du prénom ou du pseudonyme."
    )
    cursor: str | None = None
    limit: int = LIMIT


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------


class PersonOut(Schema):
    beneficiary_id: int | None = Field(description="Un bénéficiaire suivi ; jamais son nom.")
    age_bracket: AgeBracket | None
    gender: Gender | None
    social_status: SocialStatus | None
    commune_code: str | None
    is_first_time: bool | None


class InteractionOut(Schema):
    id: int
    client_uuid: UUID
    mediator_id: int
    site_id: int
    shift_client_uuid: UUID | None
    started_at: datetime
    duration_minutes: int
    kind: ActionKind
    time_category: TimeCategory
    domain: Domain | None
    themes: list[Theme]
    equipment: Equipment | None
    place: Place
    autonomy: AutonomyOutcome | None
    oriented: bool
    orientation_target: OrientationTarget | None
    orientation_partner: str
    postal_form: PostalForm | None
    conflict_severity: ConflictSeverity | None
    conflict_defused: bool | None
    notes: str
    people: list[PersonOut]
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = Field(description="Renseignée si l'interaction a été supprimée depuis.")


class InteractionPage(Page):
    items: list[InteractionOut]


class BeneficiaryRef(Schema):
    id: int
    display_name: str
    birth_year: int | None


class BeneficiaryOut(BeneficiaryRef):
    age_bracket: AgeBracket | None
    gender: Gender | None
    social_status: SocialStatus | None
    commune_code: str | None
    phone: str
    email: str
    consent_scope: Beneficiary.ConsentScope
    consent_reminders: bool
    consent_at: datetime
    recorded_by_id: int = Field(description="Le médiateur qui l'a enregistré.")
    last_seen_at: datetime


class BeneficiaryCreatedOut(BeneficiaryOut):
    similar: list[BeneficiaryRef] = Field(
        description="Des fiches qui lui ressemblent (nom proche, année voisine) : un doublon à fusionner ?"
    )


class BeneficiaryPage(Page):
    items: list[BeneficiaryOut]


def _code(value):
    return value or None


def _interaction_out(interaction: Interaction) -> dict:
    return {
        "id": interaction.pk,
        "client_uuid": interaction.client_uuid,
        "mediator_id": interaction.mediator_id,
        "site_id": interaction.site_id,
        "shift_client_uuid": interaction.shift.client_uuid if interaction.shift_id else None,
        "started_at": interaction.started_at,
        "duration_minutes": interaction.duration_minutes,
        "kind": interaction.kind,
        "time_category": interaction.time_category,
        "domain": _code(interaction.domain),
        "themes": sorted(row.theme for row in interaction.themes.all()),
        "equipment": _code(interaction.equipment),
        "place": interaction.place,
        "autonomy": _code(interaction.autonomy),
        "oriented": interaction.oriented,
        "orientation_target": _code(interaction.orientation_target),
        "orientation_partner": interaction.orientation_partner,
        "postal_form": _code(interaction.postal_form),
        "conflict_severity": _code(interaction.conflict_severity),
        "conflict_defused": interaction.conflict_defused,
        "notes": interaction.notes,
        "people": [
            {
                "beneficiary_id": row.beneficiary_id,
                "age_bracket": _code(row.age_bracket),
                "gender": _code(row.gender),
                "social_status": _code(row.social_status),
                "commune_code": row.commune.code if row.commune_id else None,
                "is_first_time": row.is_first_time,
            }
            for row in interaction.accompaniments.all()
        ],
        "created_at": interaction.created_at,
        "updated_at": interaction.updated_at,
        "deleted_at": interaction.deleted_at,
    }


def _beneficiary_out(beneficiary: Beneficiary) -> dict:
    return {
        "id": beneficiary.pk,
        "display_name": beneficiary.display_name,
        "birth_year": beneficiary.birth_year,
        "age_bracket": _code(beneficiary.age_bracket),
        "gender": _code(beneficiary.gender),
        "social_status": _code(beneficiary.social_status),
        "commune_code": beneficiary.commune.code if beneficiary.commune_id else None,
        "phone": beneficiary.phone,
        "email": beneficiary.email,
        "consent_scope": beneficiary.consent_scope,
        "consent_reminders": beneficiary.consent_reminders,
        "consent_at": beneficiary.consent_at,
        "recorded_by_id": beneficiary.recorded_by_id,
        "last_seen_at": beneficiary.last_seen_at,
    }


# ---------------------------------------------------------------------------------------------
# Who may call
# ---------------------------------------------------------------------------------------------


class MediatorOnlyAuth(TokenAuth):
    """A token whose membership has a mediator profile; checked before the body is read (a plain 403)."""

    def __init__(self, refusal: str):
        super().__init__()
        self.refusal = refusal

    def authenticate(self, request, token):
        api_token = super().authenticate(request, token)
        if api_token is None:
            return None
        request.mediator_profile = selectors.mediator_profile_for(request.viewer)
        if request.mediator_profile is None:
            raise HttpError(403, self.refusal)
        return api_token


RECORDER = MediatorOnlyAuth(
    "Seul un médiateur enregistre des interactions : ce jeton n'a pas de fiche de médiateur."
)
FOLLOWER = MediatorOnlyAuth(
    "Seul un médiateur enregistre un bénéficiaire suivi : ce jeton n'a pas de fiche de médiateur."
)


def _not_for_funders(request, what: str) -> None:
    if request.viewer.is_funder:
        raise HttpError(403, f"Les financeurs lisent les chiffres (rapports), pas {what} une à une.")


def _pk(value: int) -> int:
    if not 1 <= value <= MAX_ID:
        raise HttpError(404, "Ressource introuvable.")
    return value


def _interactions(request):
    """With what the output shows, in a fixed number of queries."""
    _not_for_funders(request, "les interactions")
    return (
        selectors.interactions_visible_to(request.viewer)
        .select_related("shift")
        .prefetch_related(
            "themes", Prefetch("accompaniments", queryset=Accompaniment.objects.select_related("commune"))
        )
    )


def _interaction(request, id: int, *, editable: bool = False) -> Interaction:
    _not_for_funders(request, "les interactions")
    if editable:
        queryset = selectors.interactions_editable_by(request.viewer).select_related("shift", "mediator")
    else:
        queryset = _interactions(request)
    interaction = queryset.filter(pk=_pk(id)).first()
    if interaction is None:
        raise HttpError(404, "Interaction introuvable.")
    return interaction


def _beneficiaries(request):
    _not_for_funders(request, "les bénéficiaires")
    return selectors.beneficiaries_visible_to(request.viewer).select_related("commune")


# ---------------------------------------------------------------------------------------------
# From the payload to the service's InteractionData
# ---------------------------------------------------------------------------------------------


def _people(request, people: list[dict], errors: dict) -> list[services.Person]:
    """Followed people among those the caller sees, communes by INSEE code: one query each."""
    wanted = {person["beneficiary_id"] for person in people if person.get("beneficiary_id")}
    codes = {person["commune_code"] for person in people if person.get("commune_code")}
    beneficiaries = (
        {row.pk: row for row in selectors.beneficiaries_visible_to(request.viewer).filter(pk__in=wanted)}
        if wanted
        else {}
    )
    communes = {row.code: row for row in Commune.objects.filter(code__in=codes)} if codes else {}
    result = []
    for index, person in enumerate(people):
        beneficiary = None
        if person.get("beneficiary_id"):
            beneficiary = beneficiaries.get(person["beneficiary_id"])
            if beneficiary is None:
                errors.setdefault(f"people.{index}.beneficiary_id", []).append(
                    "Bénéficiaire inconnu, ou qui n'est pas suivi par vous."
                )
        commune = None
        if person.get("commune_code"):
            commune = communes.get(person["commune_code"])
            if commune is None:
                errors.setdefault(f"people.{index}.commune_code", []).append(
                    "Commune inconnue : son code INSEE (5 caractères) est attendu."
                )
        result.append(
            services.Person(
                beneficiary=beneficiary,
                age_bracket=person.get("age_bracket") or "",
                gender=person.get("gender") or "",
                social_status=person.get("social_status") or "",
                commune=commune,
                is_first_time=person.get("is_first_time"),
            )
        )
    return result


def _site_and_shift(request, mediator, values: dict, base: services.InteractionData | None, errors: dict):
    """The site and shift said, or else those of the record (an edit) or of the context (a new one)."""
    if base is None:
        return _new_site_and_shift(mediator, values, errors)
    site, shift = base.site, base.shift
    if "shift_client_uuid" in values:
        shift = _named_shift(mediator, values["shift_client_uuid"], errors)
    if values.get("site_id") is not None:
        site = _named_site(mediator, values["site_id"], errors)
        if site is not None and "shift_client_uuid" not in values and shift and shift.site_id != site.pk:
            shift = None  # moved to another site: no longer part of that shift
    return site, shift


def _new_site_and_shift(mediator, values: dict, errors: dict):
    """A new record: by default at the site of the shift under way, and within it if it started during it."""
    shift = under_way = None
    if "shift_client_uuid" in values:
        shift = _named_shift(mediator, values["shift_client_uuid"], errors)
    if "site_id" in values:
        site = _named_site(mediator, values["site_id"], errors)
        under_way = staffing_selectors.open_shift_of(mediator)
    elif shift is not None or errors:
        return (shift.site if shift else None), shift
    else:
        context = selectors.recording_context(mediator)
        site, under_way = context.site, context.shift
        if site is None:
            errors["site_id"] = ["Indiquez le site : aucune permanence n'est en cours pour le déduire."]
    if shift is None and "shift_client_uuid" not in values and site is not None and under_way is not None:
        started_at = values.get("started_at")
        if (
            under_way.site_id == site.pk
            and not staffing_services.shift_is_forgotten(under_way)
            and (started_at is None or started_at >= under_way.started_at - services.CLOCK_DRIFT)
        ):
            shift = under_way
    return site, shift


def _named_shift(mediator, client_uuid, errors: dict):
    if client_uuid is None:
        return None
    shift = staffing_selectors.shift_of_mediator(mediator, client_uuid)
    if shift is None:
        errors["shift_client_uuid"] = ["Permanence inconnue : ce n'est pas une de vos permanences."]
    return shift


def _named_site(mediator, site_id: int, errors: dict):
    site = selectors.recording_sites_for(mediator).filter(pk=site_id).first()
    if site is None:
        errors["site_id"] = ["Site inconnu, ou qui ne fait pas partie de vos sites d'intervention."]
    return site


def _interaction_data(
    request, mediator, values: dict, *, base: services.InteractionData | None = None
) -> services.InteractionData:
    """`values` are the fields given (all of them for a creation or a PUT); `base` the record edited."""
    errors: dict[str, list[str]] = {}
    for name in REQUIRED:
        if name in values and values[name] is None:
            errors[name] = ["Ce champ ne peut pas être vide."]
    if errors:
        raise FieldErrors(errors)
    site, shift = _site_and_shift(request, mediator, values, base, errors)
    people = _people(request, values["people"], errors) if "people" in values else None
    if errors:
        raise FieldErrors(errors)
    fields = {}
    for name in CHOICES:
        if name in values:
            fields[name] = values[name] or ""
    for name in ("orientation_partner", "notes"):
        if name in values:
            fields[name] = values[name] or ""
    for name in ("oriented", "conflict_defused", "duration_minutes", "themes"):
        if name in values:
            fields[name] = values[name]
    if "place" in values:
        fields["place"] = values["place"] or Place.BUREAU_DE_POSTE
    if "started_at" in values:
        fields["started_at"] = values["started_at"] or timezone.now()
    if people is not None:
        fields["people"] = people
    fields = {name: getattr(value, "value", value) for name, value in fields.items()}
    fields["themes"] = [
        getattr(code, "value", code) for code in fields.get("themes", base.themes if base else [])
    ]
    if base is None:
        return services.InteractionData(site=site, shift=shift, **fields)
    data = services.InteractionData(**{**base.__dict__, **fields, "site": site, "shift": shift})
    if (
        "kind" in values
        and "time_category" not in values
        and base.time_category == DEFAULT_TIME_CATEGORY[base.kind]
    ):
        data.time_category = ""  # it was the old kind's default: it follows the new kind
    return data


# ---------------------------------------------------------------------------------------------
# Interactions
# ---------------------------------------------------------------------------------------------

WRITE_ERRORS = {403: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut}


@router.post(
    "/interactions",
    response={200: InteractionOut, 201: InteractionOut, **WRITE_ERRORS},
    auth=RECORDER,
    summary="Enregistrer une interaction (idempotent)",
    description="201 : l'interaction est enregistrée. 200 : cet identifiant client était déjà connu, la même "
    "interaction est renvoyée sans rien créer (même supprimée depuis : voir `deleted_at`). Le site, la "
    "permanence et l'heure viennent par défaut de la permanence en cours ; sans `people`, une personne "
    "anonyme. 422 : `errors` donne, par champ, les messages à afficher.",
)
def record_interaction(request, payload: InteractionIn):
    mediator = request.mediator_profile
    known = (
        Interaction.objects.filter(mediator=mediator, client_uuid=payload.client_uuid)
        .select_related("shift")
        .prefetch_related("themes", "accompaniments__commune")
        .first()
    )
    if known is not None:
        return Status(200, _interaction_out(known))
    values = payload.model_dump(exclude={"client_uuid"})
    values["started_at"] = values["started_at"] or timezone.now()
    for name in ("site_id", "shift_client_uuid"):
        if values[name] is None:
            del values[name]
    data = _interaction_data(request, mediator, values)
    try:
        interaction, created = services.interaction_record(
            actor=request.user, mediator=mediator, data=data, client_uuid=payload.client_uuid
        )
    except ValidationError as error:
        raise FieldErrors.from_django(error, rename=SERVICE_FIELDS) from error
    return Status(201 if created else 200, _interaction_out(interaction))


@router.get("/interactions", response={200: InteractionPage, 403: ErrorOut}, summary="Interactions visibles")
def list_interactions(request, filters: Query[InteractionFilters]):
    """Un médiateur lit les siennes ; coordinateurs et administrateurs celles de leur structure."""
    interactions = _interactions(request)
    if filters.started_after:
        interactions = interactions.filter(started_at__gte=filters.started_after)
    if filters.started_before:
        interactions = interactions.filter(started_at__lt=filters.started_before)
    for name in ("site", "mediator", "kind"):
        if getattr(filters, name) is not None:
            interactions = interactions.filter(**{name: getattr(filters, name)})
    if filters.theme:
        interactions = interactions.filter(themes__theme=filters.theme)
    if filters.beneficiary:
        interactions = interactions.filter(accompaniments__beneficiary_id=filters.beneficiary)
    items, next_cursor = paginate(interactions, cursor=filters.cursor, limit=filters.limit)
    return {"items": [_interaction_out(item) for item in items], "next_cursor": next_cursor}


@router.get(
    "/interactions/{id}",
    response={200: InteractionOut, 403: ErrorOut, 404: ErrorOut},
    summary="Une interaction",
)
def get_interaction(request, id: int):
    return _interaction_out(_interaction(request, id))


def _update(request, interaction: Interaction, values: dict) -> Interaction:
    data = _interaction_data(request, interaction.mediator, values, base=services.data_from(interaction))
    try:
        services.interaction_update(actor=request.user, interaction=interaction, data=data)
    except ValidationError as error:
        raise FieldErrors.from_django(error, rename=SERVICE_FIELDS) from error
    return _interactions(request).get(pk=interaction.pk)


@router.patch(
    "/interactions/{id}",
    response={200: InteractionOut, **WRITE_ERRORS},
    summary="Modifier une interaction (les champs donnés)",
    description="Changer de site sans nommer de permanence détache l'interaction de sa permanence.",
)
def patch_interaction(request, id: int, payload: InteractionPatch):
    interaction = _interaction(request, id, editable=True)
    return _interaction_out(_update(request, interaction, payload.model_dump(exclude_unset=True)))


@router.put(
    "/interactions/{id}",
    response={200: InteractionOut, **WRITE_ERRORS},
    summary="Remplacer une interaction",
    description="Les champs absents reprennent leur valeur par défaut, sauf le site, la permanence et "
    "l'heure de début, qui restent ceux de l'interaction.",
)
def put_interaction(request, id: int, payload: InteractionPut):
    values = payload.model_dump(exclude={"client_uuid"})
    for name in ("site_id", "shift_client_uuid", "started_at"):
        if name not in payload.model_fields_set:
            values.pop(name)
    interaction = _interaction(request, id, editable=True)
    if payload.client_uuid is not None and payload.client_uuid != interaction.client_uuid:
        raise FieldErrors({"client_uuid": ["L'identifiant client d'une interaction ne change pas."]})
    return _interaction_out(_update(request, interaction, values))


@router.delete(
    "/interactions/{id}",
    response={204: None, 403: ErrorOut, 404: ErrorOut},
    summary="Supprimer une interaction",
    description="Elle quitte les listes et les chiffres ; un coordinateur peut la rétablir.",
)
def delete_interaction(request, id: int):
    interaction = _interaction(request, id, editable=True)
    services.interaction_delete(actor=request.user, interaction=interaction)
    return Status(204, None)


# ---------------------------------------------------------------------------------------------
# Followed beneficiaries
# ---------------------------------------------------------------------------------------------


@router.get(
    "/beneficiaries",
    response={200: BeneficiaryPage, 403: ErrorOut, 422: FieldErrorsOut},
    summary="Bénéficiaires suivis (recherche)",
    description="Avec `q` (deux lettres au moins) : les plus proches d'abord, au plus `limit`, sans page "
    "suivante. Sans `q` : tous, page par page. Un médiateur lit ceux qu'il a enregistrés et ceux qui ont "
    "accepté un suivi par toute la structure ; coordinateurs et administrateurs, tous ceux de la structure.",
)
def list_beneficiaries(request, filters: Query[BeneficiaryFilters]):
    beneficiaries = _beneficiaries(request)
    if filters.q is not None:
        found = selectors.beneficiary_search(request.viewer, filters.q, limit=filters.limit)
        return {"items": [_beneficiary_out(row) for row in found], "next_cursor": None}
    items, next_cursor = paginate(beneficiaries, cursor=filters.cursor, limit=filters.limit)
    return {"items": [_beneficiary_out(row) for row in items], "next_cursor": next_cursor}


@router.get(
    "/beneficiaries/{id}",
    response={200: BeneficiaryOut, 403: ErrorOut, 404: ErrorOut},
    summary="Un bénéficiaire suivi",
)
def get_beneficiary(request, id: int):
    beneficiary = _beneficiaries(request).filter(pk=_pk(id)).first()
    if beneficiary is None:
        raise HttpError(404, "Bénéficiaire introuvable.")
    return _beneficiary_out(beneficiary)


@router.post(
    "/beneficiaries",
    response={201: BeneficiaryCreatedOut, 403: ErrorOut, 422: FieldErrorsOut},
    auth=FOLLOWER,
    summary="Suivre une personne (avec son accord)",
    description="`consent_given` doit être vrai : sans accord, l'accompagnement reste anonyme (422). "
    "`similar` signale les fiches qui lui ressemblent.",
)
def create_beneficiary(request, payload: BeneficiaryIn):
    values = payload.model_dump(exclude={"consent_given", "commune_code"})
    errors = {}
    if payload.email:
        try:
            validate_email(payload.email)
        except ValidationError:
            errors["email"] = ["Adresse e-mail invalide."]
    commune = None
    if payload.commune_code:
        commune = Commune.objects.filter(code=payload.commune_code).first()
        if commune is None:
            errors["commune_code"] = ["Commune inconnue : son code INSEE (5 caractères) est attendu."]
    if errors:
        raise FieldErrors(errors)
    values = {name: getattr(value, "value", value) for name, value in values.items()}
    for name in ("gender", "social_status", "phone", "email"):
        values[name] = values[name] or ""
    values["commune"] = commune
    try:
        beneficiary = services.beneficiary_create(
            actor=request.user,
            mediator=request.mediator_profile,
            consent_given=payload.consent_given,
            **values,
        )
    except ValidationError as error:
        raise FieldErrors.from_django(error) from error
    similar = selectors.similar_beneficiaries(
        request.viewer, beneficiary.display_name, beneficiary.birth_year, exclude_pk=beneficiary.pk
    )
    return Status(
        201,
        {
            **_beneficiary_out(beneficiary),
            "similar": [
                {"id": row.pk, "display_name": row.display_name, "birth_year": row.birth_year}
                for row in similar
            ],
        },
    )
