"""Every write of the walk-in queue. Rows are locked while they change, so two mediators acting on the
same queue never call the same visit twice and two arrivals never get the same ticket."""

from __future__ import annotations

import uuid as uuid_module
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from tremplin.core.services import journal_record

from .models import (
    DEFAULT_ROUTES,
    TRANSITIONS,
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

#: The most people one visit may count (a family at the counter, not a workshop).
MAX_GROUP_SIZE = 20


class FlowError(ValidationError):
    """A queue action that cannot be done; its message says why, in French."""


def site_reasons_ensure(*, site) -> list[SiteReason]:
    """The site's reasons catalogue, created with the defaults the first time it is needed."""
    reasons = list(SiteReason.objects.filter(site=site))
    if reasons:
        return reasons
    SiteReason.objects.bulk_create(
        [
            SiteReason(
                site=site, reason=reason, default_route=route, position=index, service_seconds=minutes * 60
            )
            for index, (reason, (route, minutes)) in enumerate(DEFAULT_ROUTES.items())
        ],
        ignore_conflicts=True,
    )
    return list(SiteReason.objects.filter(site=site))


@transaction.atomic
def site_reason_update(
    *, actor, site_reason: SiteReason, default_route: str, position: int, is_active: bool
) -> SiteReason:
    if default_route not in Route.values or default_route == Route.LEFT:
        raise FlowError(_("Choisissez une orientation par défaut."))
    site_reason.default_route = default_route
    site_reason.position = position
    site_reason.is_active = is_active
    site_reason.save()
    journal_record(
        action="flow.site_reason.updated",
        actor=actor,
        obj=site_reason,
        payload={"site": site_reason.site_id, "reason": site_reason.reason, "route": default_route},
    )
    return site_reason


#: The history a site's reasons are ordered by when the coordinator asks for « most frequent first ».
FREQUENCY_WINDOW_DAYS = 90


@transaction.atomic
def site_reasons_order_by_frequency(*, actor, site, now: datetime | None = None) -> list[SiteReason]:
    """Puts the site's reasons in order of how often visits gave them over the last 90 days, the most
    frequent first; reasons never given keep their relative order after them."""
    since = timezone.localdate(now or timezone.now()) - timedelta(days=FREQUENCY_WINDOW_DAYS)
    counts = dict(
        VisitReason.objects.filter(visit__site=site, visit__day__gte=since)
        .values_list("reason")
        .annotate(count=Count("id"))
        .values_list("reason", "count")
    )
    reasons = sorted(
        SiteReason.objects.select_for_update().filter(site=site),
        key=lambda item: (-counts.get(item.reason, 0), item.position, item.reason),
    )
    for position, item in enumerate(reasons):
        item.position = position
    SiteReason.objects.bulk_update(reasons, ["position"])
    journal_record(
        action="flow.site_reason.ordered",
        actor=actor,
        obj=site,
        payload={"site": site.pk, "order": [item.reason for item in reasons]},
    )
    return reasons


def _next_ticket(site, day) -> int:
    counter, _created = TicketCounter.objects.get_or_create(site=site, day=day)
    counter = TicketCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _event(visit: Visit, state: str, at: datetime, actor, route: str = "") -> None:
    VisitEvent.objects.create(
        visit=visit, state=state, route=route, at=at, actor=actor if getattr(actor, "pk", None) else None
    )


def visit_create(
    *,
    actor,
    operator,
    site,
    reasons: list[str],
    first_name: str = "",
    group_size: int = 1,
    client_uuid: uuid_module.UUID | None = None,
    at: datetime | None = None,
    prequalified: bool = True,
) -> tuple[Visit, bool]:
    """A person joins the queue with their reasons. Returns (visit, created); idempotent by UUID."""
    client_uuid = client_uuid or uuid_module.uuid4()
    known = Visit.objects.filter(client_uuid=client_uuid).first()
    if known is not None:
        return known, False
    errors = {}
    reasons = list(dict.fromkeys(reasons))
    if not reasons:
        errors["reasons"] = [_("Choisissez au moins un motif.")]
    elif any(reason not in Reason.values for reason in reasons):
        errors["reasons"] = [_("Motif inconnu.")]
    if not 1 <= group_size <= MAX_GROUP_SIZE:
        errors["group_size"] = [_("Le nombre de personnes doit être compris entre 1 et 20.")]
    first_name = " ".join((first_name or "").split())
    if len(first_name) > 30:
        errors["first_name"] = [_("Le prénom tient en 30 caractères au plus.")]
    if errors:
        raise FlowError(errors)
    at = at or timezone.now()
    estimate = _estimated_wait(site, reasons, at)
    try:
        with transaction.atomic():
            visit = Visit.objects.create(
                client_uuid=client_uuid,
                operator=operator,
                site=site,
                day=timezone.localdate(at),
                ticket=_next_ticket(site, timezone.localdate(at)),
                first_name=first_name,
                group_size=group_size,
                arrived_at=at,
                state=State.WAITING,
                state_since=at,
                prequalified=prequalified,
                estimated_wait_minutes=estimate,
            )
            VisitReason.objects.bulk_create(VisitReason(visit=visit, reason=reason) for reason in reasons)
            _event(visit, State.WAITING, at, actor)
            journal_record(
                action="flow.visit.created",
                actor=actor,
                operator=operator,
                obj=visit,
                payload={"site": site.pk, "reasons": reasons},
            )
    except IntegrityError:
        known = Visit.objects.filter(client_uuid=client_uuid).first()
        if known is None:
            raise
        return known, False
    return visit, True


def _estimated_wait(site, reasons: list[str], at: datetime) -> int | None:
    """The wait announced on arrival (the longest of the visit's reasons), kept to measure its error."""
    from .selectors import estimated_waits

    minutes = [wait.minutes for wait in estimated_waits(site, now=at) if wait.reason in reasons]
    return max(minutes, default=None)


def _locked(visit: Visit) -> Visit:
    return Visit.objects.select_for_update().get(pk=visit.pk)


def _move(visit: Visit, *, actor, to: str, at: datetime, route: str = "") -> Visit:
    if to not in TRANSITIONS[visit.state]:
        raise FlowError(
            _("Impossible : la visite %(ticket)s est « %(state)s ».")
            % {"ticket": visit.label, "state": visit.get_state_display()}
        )
    if at < visit.state_since:
        at = visit.state_since
    visit.state = to
    visit.state_since = at
    fields = ["state", "state_since", "updated_at"]
    if to == State.CALLED:
        visit.called_at, visit.called_by = at, actor if getattr(actor, "pk", None) else None
        fields += ["called_at", "called_by"]
    if to == State.SERVING and visit.served_at is None:
        visit.served_at = at
        fields.append("served_at")
        if visit.called_at is None:
            visit.called_at = at
            fields.append("called_at")
    if to == State.DONE:
        visit.closed_at = at
        visit.route = route
        fields += ["closed_at", "route"]
    visit.save(update_fields=fields)
    _event(visit, to, at, actor, route)
    journal_record(
        action=f"flow.visit.{to}",
        actor=actor,
        operator=visit.operator,
        obj=visit,
        payload={"site": visit.site_id, **({"route": route} if route else {})},
    )
    return visit


@transaction.atomic
def visit_call(*, actor, visit: Visit, at: datetime | None = None) -> Visit:
    return _move(_locked(visit), actor=actor, to=State.CALLED, at=at or timezone.now())


@transaction.atomic
def visit_call_next(
    *, actor, site, reason: str | None = None, at: datetime | None = None, operator=None
) -> Visit | None:
    """Calls the longest-waiting visit (for `reason` when given, of `operator`'s queue when given);
    None when nobody waits.

    The row is taken with SKIP LOCKED, so two mediators calling at once get two different people."""
    waiting = Visit.objects.filter(site=site, state=State.WAITING).order_by("arrived_at", "id")
    if operator is not None:
        waiting = waiting.filter(operator=operator)
    if reason:
        waiting = waiting.filter(reasons__reason=reason)
    visit = waiting.select_for_update(skip_locked=True, of=("self",)).first()
    if visit is None:
        return None
    return _move(visit, actor=actor, to=State.CALLED, at=at or timezone.now())


@transaction.atomic
def visit_serve(*, actor, visit: Visit, at: datetime | None = None) -> Visit:
    return _move(_locked(visit), actor=actor, to=State.SERVING, at=at or timezone.now())


@transaction.atomic
def visit_hold(*, actor, visit: Visit, at: datetime | None = None) -> Visit:
    return _move(_locked(visit), actor=actor, to=State.ON_HOLD, at=at or timezone.now())


@transaction.atomic
def visit_requeue(*, actor, visit: Visit, at: datetime | None = None) -> Visit:
    return _move(_locked(visit), actor=actor, to=State.WAITING, at=at or timezone.now())


@transaction.atomic
def visit_close(*, actor, visit: Visit, route: str, at: datetime | None = None) -> Visit:
    """Ends a visit where it was sent (counter, machine, mediator, workshop, partner) or as left."""
    if route not in Route.values:
        raise FlowError(_("Choisissez où la personne a été orientée."))
    visit = _locked(visit)
    was_served_by_mediator = visit.state == State.SERVING
    visit = _move(visit, actor=actor, to=State.DONE, at=at or timezone.now(), route=route)
    if was_served_by_mediator and route == Route.MEDIATOR:
        _learn_service_time(visit)
    return visit


def _learn_service_time(visit: Visit) -> None:
    """Running mean of the service time of each of the visit's reasons at its site."""
    seconds = int((visit.closed_at - visit.served_at).total_seconds())
    if seconds <= 0:
        return
    share = seconds // max(1, visit.reasons.count())
    for site_reason in SiteReason.objects.select_for_update().filter(
        site=visit.site, reason__in=visit.reasons.values("reason")
    ):
        count = site_reason.served_count
        site_reason.service_seconds = (site_reason.service_seconds * count + share) // (count + 1)
        site_reason.served_count = count + 1
        site_reason.save(update_fields=["service_seconds", "served_count"])


@transaction.atomic
def visit_note_tension(*, actor, visit: Visit) -> Visit:
    visit = _locked(visit)
    if not visit.tension:
        visit.tension = True
        visit.save(update_fields=["tension", "updated_at"])
        journal_record(action="flow.visit.tension", actor=actor, operator=visit.operator, obj=visit)
    return visit


@transaction.atomic
def visit_recorded(*, actor, visit: Visit, interaction, at: datetime | None = None) -> Visit:
    """Links the interaction recorded for the visit; a visit being served then ends with the mediator
    (a visit closed after a tension only gets its conflict prevention linked)."""
    visit = _locked(visit)
    if interaction.operator_id != visit.operator_id or interaction.site_id != visit.site_id:
        raise FlowError(_("Cette interaction n'a pas eu lieu sur le site de la visite."))
    if visit.interaction_id is not None and visit.interaction_id != interaction.pk:
        raise FlowError(
            _("La visite %(ticket)s a déjà son interaction enregistrée.") % {"ticket": visit.label}
        )
    visit.interaction = interaction
    visit.save(update_fields=["interaction", "updated_at"])
    if visit.state == State.SERVING:
        visit = _move(visit, actor=actor, to=State.DONE, at=at or timezone.now(), route=Route.MEDIATOR)
        _learn_service_time(visit)
    return visit


def board_ensure(*, site) -> Board:
    """The site's public screen, created with its secret URL the first time an admin looks for it."""
    board, _created = Board.objects.get_or_create(site=site)
    return board


@transaction.atomic
def board_rotate(*, actor, site) -> Board:
    """A new secret URL for the site's public screen; the old one stops working at once."""
    board, created = Board.objects.get_or_create(site=site)
    if not created:
        board.secret = Board._meta.get_field("secret").default()
        board.rotated_at = timezone.now()
        board.save(update_fields=["secret", "rotated_at"])
    journal_record(action="flow.board.rotated", actor=actor, obj=board, payload={"site": site.pk})
    return board
