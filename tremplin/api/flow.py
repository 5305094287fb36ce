"""The walk-in queue of a site: add a visit (idempotent), move it along, call the next person, read the
queue with the estimated wait per reason.

Only the staff of the operator whose contracts cover the site act on its queue: its mediators (where they
record), coordinators and administrators (their operator's contract sites). Funders read statistics, never
the queue: a 403. Someone else's site or visit is a 404. Who may act is checked with the token, before the
body is read. Visit outputs carry the first name given to call the person: staff only."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from tremplin.accounts.models import Operator
from tremplin.flow import selectors, services
from tremplin.flow.models import Reason, Route, Visit

from .auth import TokenAuth
from .errors import FieldErrors
from .fields import NO_NUL, path_id
from .schemas import ErrorOut, FieldErrorsOut, StrictSchema

router = Router(tags=["file d'attente"])

#: How much text a first name may hold before the service trims it and checks its 30 characters.
MAX_FIRST_NAME_INPUT = 200


# ---------------------------------------------------------------------------------------------
# Who may call
# ---------------------------------------------------------------------------------------------


class QueueStaffAuth(TokenAuth):
    """A token of the queue's staff; the site (`site_id`) or visit (`id`) of the path is resolved here,
    before the body is read, so a stranger gets a plain 403 or 404 whatever they send."""

    def authenticate(self, request, token):
        api_token = super().authenticate(request, token)
        if api_token is None:
            return None
        viewer = request.viewer
        if viewer.is_funder:
            raise HttpError(403, "Les financeurs lisent les statistiques, pas la file d'attente.")
        if not viewer.is_(*selectors.STAFF_ROLES):
            raise HttpError(403, "Seul le personnel de la structure agit sur la file d'attente.")
        sites = selectors.queue_sites_for(viewer)
        request.flow_sites = sites
        site_id = path_id(request, "site_id")
        if site_id is not None:
            request.flow_site = sites.filter(pk=site_id).first()
            if request.flow_site is None:
                raise HttpError(404, "Site introuvable.")
        visit_id = path_id(request, "id")
        if visit_id is not None:
            request.flow_visit = (
                selectors.visits_visible_to(viewer)
                .filter(pk=visit_id, site__in=sites)
                .select_related("site", "operator")
                .first()
            )
            if request.flow_visit is None:
                raise HttpError(404, "Visite introuvable.")
        return api_token


STAFF = QueueStaffAuth()


# ---------------------------------------------------------------------------------------------
# Input and output
# ---------------------------------------------------------------------------------------------


class VisitIn(StrictSchema):
    client_uuid: UUID = Field(description="Généré par la tablette : le renvoyer ne crée pas de doublon.")
    reasons: list[Reason] = Field(max_length=len(Reason), description="Un motif au moins.")
    first_name: str = Field(
        "",
        max_length=MAX_FIRST_NAME_INPUT,
        pattern=NO_NUL,
        description="Facultatif : le prénom pour l'appeler (30 caractères au plus), jamais le nom.",
    )
    group_size: int = Field(1, description="Personnes venues ensemble, de 1 à 20.")


class TransitionIn(StrictSchema):
    action: Literal["call", "serve", "hold", "requeue", "close", "tension"] = Field(
        description="call : appeler ; serve : servir ; hold : mettre en pause ; requeue : remettre en "
        "attente ; close : terminer, avec l'orientation (route) ; tension : noter une tension (à "
        "enregistrer ensuite comme prévention d'une situation conflictuelle), sans changer l'état."
    )
    route: Route | None = Field(None, description="Pour close : où la personne a été orientée.")


class CallNextFilters(Schema):
    reason: Reason | None = Field(None, description="Appeler la première personne venue pour ce motif.")


class VisitOut(Schema):
    id: int
    client_uuid: UUID
    site_id: int
    day: str
    ticket: int
    label: str = Field(description="Comme elle est appelée : le numéro, et le prénom s'il a été donné.")
    first_name: str
    group_size: int
    state: str
    reasons: list[Reason]
    route: Route | None
    prequalified: bool
    tension: bool
    interaction_id: int | None
    arrived_at: datetime
    state_since: datetime
    called_at: datetime | None
    served_at: datetime | None
    closed_at: datetime | None
    waited_minutes: int = Field(description="Attente jusqu'à l'appel (ou jusqu'à maintenant).")


class ReasonWaitOut(Schema):
    reason: Reason
    label: str
    waiting: int = Field(description="Personnes en attente (ou appelées) pour ce motif.")
    minutes: int = Field(description="Attente estimée, en minutes, pour quelqu'un qui arrive maintenant.")


class QueueOut(Schema):
    site_id: int
    day: str
    visits: list[VisitOut] = Field(description="Les visites en cours du jour, la plus ancienne d'abord.")
    waits: list[ReasonWaitOut]


def _visit_out(visit: Visit, *, now: datetime | None = None) -> dict:
    return {
        "id": visit.pk,
        "client_uuid": visit.client_uuid,
        "site_id": visit.site_id,
        "day": visit.day.isoformat(),
        "ticket": visit.ticket,
        "label": visit.label,
        "first_name": visit.first_name,
        "group_size": visit.group_size,
        "state": visit.state,
        "reasons": [row.reason for row in visit.reasons.all()],
        "route": visit.route or None,
        "prequalified": visit.prequalified,
        "tension": visit.tension,
        "interaction_id": visit.interaction_id,
        "arrived_at": visit.arrived_at,
        "state_since": visit.state_since,
        "called_at": visit.called_at,
        "served_at": visit.served_at,
        "closed_at": visit.closed_at,
        "waited_minutes": selectors.waited_minutes(visit, now=now),
    }


def _operator_of(request) -> Operator:
    return Operator.objects.get(pk=request.viewer.operator_id)


# ---------------------------------------------------------------------------------------------
# Endpoints
# ---------------------------------------------------------------------------------------------


@router.post(
    "/sites/{site_id}/visits",
    response={
        200: VisitOut,
        201: VisitOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: FieldErrorsOut,
    },
    auth=STAFF,
    summary="Ajouter une visite à la file (idempotent)",
    description="201 : la personne entre dans la file avec un numéro du jour. 200 : cet identifiant client "
    "était déjà connu, la même visite est renvoyée sans rien créer.",
)
def create_visit(request, site_id: int, payload: VisitIn):
    site = request.flow_site
    try:
        visit, created = services.visit_create(
            actor=request.user,
            operator=_operator_of(request),
            site=site,
            reasons=[str(reason) for reason in payload.reasons],
            first_name=payload.first_name,
            group_size=payload.group_size,
            client_uuid=payload.client_uuid,
        )
    except services.FlowError as error:
        raise FieldErrors.from_django(error) from error
    if visit.site_id != site.pk or visit.operator_id != request.viewer.operator_id:
        return Status(409, {"detail": "Cet identifiant client désigne déjà une autre visite."})
    return Status(201 if created else 200, _visit_out(visit))


#: action → the service that does it.
ACTIONS = {
    "call": services.visit_call,
    "serve": services.visit_serve,
    "hold": services.visit_hold,
    "requeue": services.visit_requeue,
    "tension": services.visit_note_tension,
}


@router.post(
    "/visits/{id}/transitions",
    response={200: VisitOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: FieldErrorsOut},
    auth=STAFF,
    summary="Faire avancer une visite : appeler, servir, mettre en pause, remettre en attente, terminer ; "
    "noter une tension",
    description="409 : ce passage n'est pas permis depuis l'état de la visite (par exemple servir une "
    "visite terminée) ; le message dit pourquoi.",
)
def transition_visit(request, id: int, payload: TransitionIn):
    visit = request.flow_visit
    if payload.action == "close" and payload.route is None:
        raise FieldErrors({"route": ["Choisissez où la personne a été orientée."]})
    if payload.action != "close" and payload.route is not None:
        raise FieldErrors({"route": ["L'orientation ne se donne qu'en terminant la visite (close)."]})
    try:
        if payload.action == "close":
            visit = services.visit_close(actor=request.user, visit=visit, route=payload.route)
        else:
            visit = ACTIONS[payload.action](actor=request.user, visit=visit)
    except services.FlowError as error:
        return Status(409, {"detail": " ".join(error.messages)})
    return Status(200, _visit_out(visit))


@router.post(
    "/sites/{site_id}/call-next",
    response={200: VisitOut, 204: None, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorsOut},
    auth=STAFF,
    summary="Appeler la personne qui attend depuis le plus longtemps",
    description="Sans corps ; `?reason=…` pour un motif. 200 : la visite appelée. 204 : personne "
    "n'attend (pour ce motif, s'il est donné). Deux appels simultanés n'appellent jamais la même personne.",
)
def call_next(request, site_id: int, filters: Query[CallNextFilters]):
    reason = filters.reason
    visit = services.visit_call_next(
        actor=request.user,
        site=request.flow_site,
        operator=request.viewer.operator_id,
        reason=str(reason) if reason else None,
    )
    if visit is None:
        return Status(204, None)
    return Status(200, _visit_out(visit))


@router.get(
    "/sites/{site_id}/queue",
    response={200: QueueOut, 403: ErrorOut, 404: ErrorOut},
    auth=STAFF,
    summary="La file du jour : visites en cours et attente estimée par motif",
)
def get_queue(request, site_id: int):
    site = request.flow_site
    now = timezone.now()
    visits = selectors.queue_of(request.viewer, site).filter(operator_id=request.viewer.operator_id)
    return Status(
        200,
        {
            "site_id": site.pk,
            "day": timezone.localdate(now).isoformat(),
            "visits": [_visit_out(visit, now=now) for visit in visits],
            "waits": [
                {"reason": w.reason, "label": w.label, "waiting": w.waiting, "minutes": w.minutes}
                for w in selectors.estimated_waits(site, now=now)
            ],
        },
    )
