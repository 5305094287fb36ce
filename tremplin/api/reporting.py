"""Statistics: the figures of a scope and period, as each viewer may count them (the same selectors as
the dashboards). Periods are whole months; a scope the token's holder cannot see is a 404."""

from __future__ import annotations

from datetime import date

from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from tremplin.reporting import selectors
from tremplin.reporting.models import ScopeKind
from tremplin.reporting.periods import MAX_MONTHS, Period
from tremplin.reporting.scopes import home_scope, scope_for

from .errors import FieldErrors

router = Router(tags=["statistiques"])

MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"


class StatisticsFilters(Schema):
    scope: ScopeKind | None = Field(None, description="Périmètre ; par défaut, tout ce que vous lisez.")
    id: int | None = Field(None, ge=1, le=2**53, description="Identifiant du périmètre (sauf « nation »).")
    du: str = Field(..., pattern=MONTH, description="Premier mois, AAAA-MM.")
    au: str = Field(..., pattern=MONTH, description="Dernier mois, AAAA-MM.")


class QueueOut(Schema):
    visits: int
    people: int
    mean_wait_minutes: float | None
    left_share: float | None


class WorkshopsOut(Schema):
    sessions: int = Field(description="Séances tenues (clôturées).")
    cancelled: int
    capacity: int = Field(description="Places offertes aux séances tenues.")
    booked: int = Field(description="Places réservées à l'avance (hors venus sans inscription).")
    attended: int = Field(description="Inscrits pointés présents, venus sans inscription compris.")
    walk_ins: int
    extras: int = Field(description="Participants anonymes en plus.")
    participants: int
    no_shows: int
    waiting: int = Field(description="Restés en liste d'attente.")
    fill_rate: float | None = Field(description="Réservées ÷ offertes.")
    no_show_rate: float | None = Field(description="Absents ÷ réservées.")


class BreakdownRowOut(Schema):
    code: str
    label: str
    records: int
    minutes: int
    people: int
    share: float | None


class BreakdownOut(Schema):
    dimension: str
    title: str
    unit: str
    rows: list[BreakdownRowOut]


class StatisticsOut(Schema):
    scope: str
    scope_id: int | None
    label: str
    first_month: str
    last_month: str
    hours_of_intervention_minutes: int
    planned_minutes: int = Field(
        ...,
        description="Présences prévues au planning des contrats en cours, absences et remplacements compris.",
    )
    shifts: int
    interactions: int
    interaction_minutes: int
    digital_assistance_minutes: int
    client_information_minutes: int
    digital_assistance_share: float | None
    accompaniments: int
    workshop_accompaniments: int = Field(..., description="Accompagnements des séances d'atelier.")
    individual_accompaniments: int
    followed_accompaniments: int
    anonymous_accompaniments: int
    followed_people: int
    people_estimate: int = Field(
        ..., description="Personnes suivies comptées une fois, plus chaque accompagnement anonyme."
    )
    first_time_accompaniments: int
    oriented: int
    queue: QueueOut
    workshops: WorkshopsOut
    breakdowns: list[BreakdownOut]


def _month(value: str) -> date:
    year, month = value.split("-")
    return date(int(year), int(month), 1)


@router.get("/statistics", response=StatisticsOut, summary="Chiffres d'un périmètre sur une période")
def get_statistics(request, filters: Query[StatisticsFilters]):
    viewer = request.viewer
    first, last = _month(filters.du), _month(filters.au)
    if last < first:
        raise FieldErrors({"au": ["Le dernier mois doit suivre le premier."]})
    period = Period(first, last)
    if period.length > MAX_MONTHS:
        raise FieldErrors({"au": ["Choisissez une période de trois ans au plus."]})
    if filters.scope is None:
        scope = home_scope(viewer)
    else:
        if filters.scope != ScopeKind.NATION and filters.id is None:
            raise FieldErrors({"id": ["Indiquez l'identifiant du périmètre."]})
        scope = scope_for(viewer, filters.scope, None if filters.scope == ScopeKind.NATION else filters.id)
    if scope is None:
        raise HttpError(404, "Périmètre introuvable.")
    figures = selectors.figures(viewer, scope, period)
    return {
        "scope": scope.kind,
        "scope_id": scope.pk,
        "label": scope.label(viewer),
        "first_month": f"{first:%Y-%m}",
        "last_month": f"{last:%Y-%m}",
        "hours_of_intervention_minutes": figures.worked_minutes,
        "planned_minutes": figures.planned_minutes,
        "shifts": figures.shifts,
        "interactions": figures.interactions,
        "interaction_minutes": figures.minutes,
        "digital_assistance_minutes": figures.digital_minutes,
        "client_information_minutes": figures.client_minutes,
        "digital_assistance_share": figures.digital_share,
        "accompaniments": figures.accompaniments,
        "workshop_accompaniments": figures.workshop_accompaniments,
        "individual_accompaniments": figures.individual_accompaniments,
        "followed_accompaniments": figures.followed_accompaniments,
        "anonymous_accompaniments": figures.anonymous_accompaniments,
        "followed_people": figures.followed_people,
        "people_estimate": figures.people,
        "first_time_accompaniments": figures.first_time,
        "oriented": figures.oriented,
        "queue": {
            "visits": figures.queue.visits,
            "people": figures.queue.people,
            "mean_wait_minutes": figures.queue.mean_wait_minutes,
            "left_share": figures.queue.left_share,
        },
        "workshops": {
            **vars(figures.workshops),
            "participants": figures.workshops.participants,
            "fill_rate": figures.workshops.fill_rate,
            "no_show_rate": figures.workshops.no_show_rate,
        },
        "breakdowns": [
            {"dimension": b.dimension, "title": b.title, "unit": b.unit, "rows": [vars(r) for r in b.rows]}
            for b in selectors.breakdowns(viewer, scope, period, figures)
        ],
    }
