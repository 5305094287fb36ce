"""Who may open the planning pages: the tenancy comes from the selectors; this adds the roles.

An object the viewer cannot see is a 404; an object they see but may not change is a 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from tremplin.core.roles import Role

from .. import selectors
from ..models import Contract, MediatorProfile

READER_ROLES = (Role.COORDINATOR, Role.ADMIN, Role.FUNDER)
PLANNER_ROLES = (Role.COORDINATOR, Role.ADMIN)


def require_reader(viewer) -> None:
    """Contracts are read by coordinators, administrators and funders (mediators have their schedule)."""
    if not (viewer.is_(*READER_ROLES) or (viewer.is_platform_admin and not viewer.has_role)):
        raise PermissionDenied


def require_planner(viewer) -> None:
    if not viewer.is_(*PLANNER_ROLES):
        raise PermissionDenied


def readable_contract(viewer, pk: int) -> Contract:
    require_reader(viewer)
    contract = selectors.contracts_visible_to(viewer).filter(pk=pk).first()
    if contract is None:
        raise Http404
    return contract


def can_edit(viewer, contract: Contract) -> bool:
    return selectors.contracts_editable_by(viewer).filter(pk=contract.pk).exists()


def editable_contract(viewer, pk: int) -> Contract:
    contract = readable_contract(viewer, pk)
    if not can_edit(viewer, contract):
        raise PermissionDenied
    return contract


def managed_mediator(viewer, pk: int) -> MediatorProfile:
    """A mediator profile of the viewer's operator, for its coordinators and administrators."""
    require_planner(viewer)
    profile = (
        MediatorProfile.objects.filter(operator_id=viewer.operator_id, pk=pk)
        .select_related("user", "operator")
        .first()
    )
    if profile is None:
        raise Http404
    return profile


def schedule_of_mediator(viewer, pk: int) -> MediatorProfile:
    """A mediator's schedule: for the coordinators of their operator, and for the mediator."""
    profile = (
        MediatorProfile.objects.visible_to(viewer).filter(pk=pk).select_related("user", "operator").first()
    )
    if profile is None:
        raise Http404
    if viewer.is_(*PLANNER_ROLES) or profile.user_id == viewer.user_id:
        return profile
    raise Http404
