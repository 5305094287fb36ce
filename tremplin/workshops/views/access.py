"""Who may open what: the operator's members work on its workshops (coordinators and administrators
plan them); a session or registration of another operator is a 404, as if it did not exist."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .. import selectors


def require_member(request) -> None:
    if not selectors.works_on_workshops(request.viewer):
        raise PermissionDenied


def require_planner(request) -> None:
    if not selectors.can_plan(request.viewer):
        raise PermissionDenied


def session_or_404(request, pk: int):
    require_member(request)
    session = selectors.session_for_page(request.viewer, pk)
    if session is None:
        raise Http404
    return session


def registration_or_404(request, pk: int):
    require_member(request)
    registration = (
        selectors.registrations_visible_to(request.viewer)
        .select_related("session__workshop", "session__site", "beneficiary")
        .filter(pk=pk)
        .first()
    )
    if registration is None:
        raise Http404
    return registration


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"
