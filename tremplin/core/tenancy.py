"""The one tenancy mechanism: who is looking (`Viewer`) and what they may see (`ScopedQuerySet`).

Every selector starts from `Model.objects.visible_to(viewer)`; a view never filters by operator itself.
A model opts in by using `ScopedQuerySet.as_manager()` and naming, as class attributes,
`tenancy_operator_field` (path to the owning operator, or None) and
`tenancy_departement_field` (path to the département the row belongs to, or None).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models

from .roles import OPERATOR_ROLES, Role


@dataclass(frozen=True)
class Viewer:
    """The signed-in user seen through one membership: an operator, a role, a territory."""

    user_id: int | None
    membership_id: int | None = None
    operator_id: int | None = None
    role: str | None = None
    is_national: bool = False
    departement_ids: frozenset[int] = field(default_factory=frozenset)
    is_platform_admin: bool = False

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def has_role(self) -> bool:
        return self.role is not None

    def is_(self, *roles: str) -> bool:
        return self.role in roles

    @property
    def works_for_operator(self) -> bool:
        return self.role in OPERATOR_ROLES

    @property
    def is_funder(self) -> bool:
        return self.role == Role.FUNDER


ANONYMOUS = Viewer(user_id=None)


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows how to restrict itself to what a viewer may read."""

    def visible_to(self, viewer: Viewer) -> ScopedQuerySet:
        model = self.model
        operator_field = getattr(model, "tenancy_operator_field", None)
        departement_field = getattr(model, "tenancy_departement_field", None)
        if viewer is None or not viewer.is_authenticated:
            return self.none()
        if viewer.is_platform_admin:
            return self
        if not viewer.has_role:
            return self.none()
        if viewer.works_for_operator:
            if operator_field:
                return self.filter(**{operator_field: viewer.operator_id})
            if departement_field:
                return self.filter(**{f"{departement_field}__in": viewer.departement_ids})
            return self.none()
        if viewer.is_funder:
            if viewer.is_national:
                return self
            if departement_field:
                return self.filter(**{f"{departement_field}__in": viewer.departement_ids})
            return self.none()
        return self.none()
