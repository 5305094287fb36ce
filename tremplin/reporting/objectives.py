"""Objectives: who sees which, how far along they are, and where the current pace leads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from tremplin.core.roles import Role
from tremplin.core.tenancy import Viewer

from . import selectors
from .models import Objective, ScopeKind
from .periods import Period
from .scopes import Scope, counts_territory_only, scope_for


@dataclass(frozen=True)
class Progress:
    objective: Objective
    scope: Scope
    value: int
    #: Where the objective ends if the pace since it started goes on; None before it starts.
    projection: int | None
    elapsed_days: int
    total_days: int
    scope_label: str = ""

    @property
    def share(self) -> float:
        return self.value / self.objective.target

    @property
    def projected_share(self) -> float | None:
        return self.projection / self.objective.target if self.projection is not None else None

    @property
    def status(self) -> str:
        if self.value >= self.objective.target:
            return _("Atteint")
        if self.elapsed_days >= self.total_days:
            return _("Non atteint")
        if self.projection is None:
            return _("Pas encore commencé")
        if self.projection >= self.objective.target:
            return _("En bonne voie")
        return _("En retard sur le rythme nécessaire")

    @property
    def needed_per_month(self) -> int | None:
        """What each remaining month must bring to reach the target."""
        remaining_days = self.total_days - self.elapsed_days
        if remaining_days <= 0 or self.value >= self.objective.target:
            return None
        return round((self.objective.target - self.value) / (remaining_days / 30.4375))


def may_set_objectives(viewer: Viewer) -> bool:
    return viewer.is_(Role.COORDINATOR, Role.ADMIN, Role.FUNDER) or viewer.is_platform_admin


def _counts_whole_scope(viewer: Viewer, objective: Objective, scope: Scope) -> bool:
    """A target is shown to those whose figures for its scope are the whole scope's: its author's
    operator, or readers of whole territories holding it."""
    if objective.operator_id == viewer.operator_id or viewer.is_platform_admin:
        return True
    if not counts_territory_only(viewer):
        return False
    if viewer.is_national:
        return True
    return scope.kind != ScopeKind.NATION


def objective_scope(viewer: Viewer, objective: Objective) -> Scope | None:
    scope = scope_for(viewer, objective.scope_kind, objective.scope_id)
    if scope is None or not _counts_whole_scope(viewer, objective, scope):
        return None
    return scope


def objectives_visible_to(viewer: Viewer) -> list[tuple[Objective, Scope]]:
    visible = []
    for objective in Objective.objects.select_related("operator").order_by("ends_on", "name"):
        scope = objective_scope(viewer, objective)
        if scope is not None:
            visible.append((objective, scope))
    return visible


def progress(viewer: Viewer, objective: Objective, scope: Scope, *, today: date | None = None) -> Progress:
    """The figure reached from the objective's first month to today (or its end), and the projection
    at the pace since it started."""
    today = today or timezone.localdate()
    until = min(today, objective.ends_on)
    total_days = (objective.ends_on - objective.starts_on).days + 1
    if until < objective.starts_on:
        return Progress(objective, scope, 0, None, 0, total_days, scope.label(viewer))
    figures = selectors.figures(viewer, scope, Period.of(objective.starts_on, until))
    value = figures.metric(objective.metric)
    elapsed = (until - objective.starts_on).days + 1
    projection = round(value * total_days / elapsed)
    return Progress(objective, scope, value, projection, elapsed, total_days, scope.label(viewer))
