"""The one tenancy mechanism: who is looking (`Viewer`) and what they may see (`ScopedQuerySet`).

Every selector starts from `Model.objects.visible_to(viewer)`; a view never filters by operator itself.
A model opts in by using `ScopedQuerySet.as_manager()` and naming, as class attributes,
`tenancy_operator_field` (path to the owning operator, a tuple of paths when several operators share a row
— e.g. a contract's provider and its client —, or None) and
`tenancy_departement_field` (path to the département the row belongs to, or None; it may cross a
many-to-many relation: rows are then matched once, without duplicates).
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
        operator_fields = getattr(model, "tenancy_operator_field", None)
        departement_field = getattr(model, "tenancy_departement_field", None)
        if isinstance(operator_fields, str):
            operator_fields = (operator_fields,)
        if viewer is None or not viewer.is_authenticated:
            return self.none()
        if viewer.is_platform_admin:
            return self
        if not viewer.has_role:
            return self.none()
        if viewer.works_for_operator:
            if operator_fields:
                condition = models.Q()
                for field_path in operator_fields:
                    condition |= models.Q(**{field_path: viewer.operator_id})
                return self._matching(condition, distinct=len(operator_fields) > 1)
            if departement_field:
                return self._in_departements(departement_field, viewer.departement_ids)
            return self.none()
        if viewer.is_funder:
            if viewer.is_national:
                return self
            if departement_field:
                return self._in_departements(departement_field, viewer.departement_ids)
            return self.none()
        return self.none()

    def _in_departements(self, field_path: str, departement_ids) -> ScopedQuerySet:
        condition = models.Q(**{f"{field_path}__in": departement_ids})
        return self._matching(condition, distinct="__" in field_path and self._crosses_many(field_path))

    def _matching(self, condition: models.Q, *, distinct: bool) -> ScopedQuerySet:
        """Filters by `condition`; through a subquery when a join could repeat rows."""
        if not distinct:
            return self.filter(condition)
        return self.filter(pk__in=self.model._base_manager.filter(condition).values("pk"))

    def _crosses_many(self, field_path: str) -> bool:
        model = self.model
        for name in field_path.split("__"):
            field = model._meta.get_field(name)
            if field.many_to_many or field.one_to_many:
                return True
            if not field.is_relation:
                return False
            model = field.related_model
        return False
