"""What a page of figures is about (a scope: the nation, a département, a site, a contract...) and what
of it the viewer may count.

Two filters meet in every read: the scope's (which rows are about this département) and the viewer's
(which rows this person may count: a mediator their own, a coordinator their operator's and the
contracts their operator is the client of, a funder their départements or the nation, a platform
administrator everything). A scope the viewer cannot see at all is not found."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from tremplin.core.roles import Role
from tremplin.core.tenancy import Viewer
from tremplin.staffing.models import Contract, MediatorProfile
from tremplin.territory.models import Commune, Departement, Region, Site

from .models import ScopeKind

#: Scope kinds a viewer's role may open (their data is filtered further by `viewer_rows`).
KINDS_BY_ROLE = {
    Role.MEDIATOR: {ScopeKind.MEDIATOR},
    Role.COORDINATOR: {
        ScopeKind.NATION,
        ScopeKind.REGION,
        ScopeKind.DEPARTEMENT,
        ScopeKind.COMMUNE,
        ScopeKind.SITE,
        ScopeKind.OPERATOR,
        ScopeKind.CONTRACT,
        ScopeKind.MEDIATOR,
    },
    Role.FUNDER: {
        ScopeKind.NATION,
        ScopeKind.REGION,
        ScopeKind.DEPARTEMENT,
        ScopeKind.COMMUNE,
        ScopeKind.SITE,
        ScopeKind.CONTRACT,
    },
}
KINDS_BY_ROLE[Role.ADMIN] = KINDS_BY_ROLE[Role.COORDINATOR]


@dataclass(frozen=True)
class Scope:
    kind: str
    obj: object | None = None

    @property
    def pk(self) -> int | None:
        return getattr(self.obj, "pk", None)

    def label(self, viewer: Viewer | None = None) -> str:
        if self.kind == ScopeKind.NATION:
            if viewer is not None and viewer.is_funder and not viewer.is_national:
                return _("Mon territoire")
            if viewer is not None and viewer.works_for_operator and not viewer.is_platform_admin:
                return _("Toute mon activité")
            return _("France entière")
        if self.kind == ScopeKind.DEPARTEMENT:
            return f"{self.obj.code} – {self.obj.name}"
        if self.kind == ScopeKind.CONTRACT:
            return f"{self.obj.reference} — {self.obj.title}"
        return str(self.obj)

    @property
    def key(self) -> str:
        return self.kind if self.obj is None else f"{self.kind}-{self.pk}"

    def rows(self, *, with_mediator: bool = True) -> Q:
        """The aggregate rows about this scope (fields of SiteMonth and its siblings)."""
        kind, pk = self.kind, self.pk
        if kind == ScopeKind.NATION:
            return Q()
        if kind == ScopeKind.REGION:
            return Q(site__commune__departement__region_id=pk)
        if kind == ScopeKind.DEPARTEMENT:
            return Q(departement_id=pk)
        if kind == ScopeKind.COMMUNE:
            return Q(site__commune_id=pk)
        if kind == ScopeKind.SITE:
            return Q(site_id=pk)
        if kind == ScopeKind.OPERATOR:
            return Q(operator_id=pk)
        if kind == ScopeKind.CONTRACT:
            return Q(contract_id=pk)
        if kind == ScopeKind.MEDIATOR:
            return Q(mediator_id=pk) if with_mediator else Q(pk__in=[])
        raise ValueError(kind)

    @property
    def is_territory(self) -> bool:
        return self.kind in (ScopeKind.NATION, ScopeKind.REGION, ScopeKind.DEPARTEMENT)


NATION = Scope(ScopeKind.NATION)


def viewer_rows(viewer: Viewer) -> Q | None:
    """The aggregate rows a viewer may count; None: nothing at all."""
    if viewer is None or not viewer.is_authenticated:
        return None
    if viewer.is_platform_admin:
        return Q()
    if viewer.is_funder:
        return Q() if viewer.is_national else Q(departement_id__in=viewer.departement_ids)
    if viewer.is_(Role.COORDINATOR, Role.ADMIN):
        return Q(operator_id=viewer.operator_id) | Q(contract__client_id=viewer.operator_id)
    if viewer.is_(Role.MEDIATOR):
        return Q(operator_id=viewer.operator_id, mediator__user_id=viewer.user_id)
    return None


def counts_territory_only(viewer: Viewer) -> bool:
    """The viewer counts whole territories: per-département sums serve them."""
    return viewer.is_platform_admin or viewer.is_funder


def allowed_kinds(viewer: Viewer) -> set[str]:
    if viewer.is_platform_admin:
        return set(ScopeKind.values)
    return KINDS_BY_ROLE.get(viewer.role, set())


def scope_for(viewer: Viewer, kind: str, pk: int | None) -> Scope | None:
    """The scope if the viewer may open it, else None."""
    from tremplin.staffing.selectors import contracts_visible_to, mediators_of
    from tremplin.territory.selectors import sites_visible_to

    if kind not in allowed_kinds(viewer):
        return None
    if kind == ScopeKind.NATION:
        return NATION if pk is None else None
    if pk is None:
        return None
    territory = None if (viewer.is_platform_admin or viewer.is_national) else viewer.departement_ids
    obj = None
    if kind == ScopeKind.REGION:
        obj = Region.objects.filter(pk=pk).first()
        if (
            obj is not None
            and territory is not None
            and not obj.departements.filter(pk__in=territory).exists()
        ):
            obj = None
    elif kind == ScopeKind.DEPARTEMENT:
        found = Departement.objects.filter(pk=pk)
        obj = (found if territory is None else found.filter(pk__in=territory)).first()
    elif kind == ScopeKind.COMMUNE:
        found = Commune.objects.filter(pk=pk).select_related("departement")
        obj = (found if territory is None else found.filter(departement_id__in=territory)).first()
    elif kind == ScopeKind.SITE:
        found = Site.objects.filter(pk=pk).select_related("commune__departement")
        if viewer.works_for_operator and not viewer.is_platform_admin:
            obj = found.first() if _operator_touches_site(viewer, pk) else None
        else:
            obj = sites_visible_to(viewer).filter(pk=pk).select_related("commune__departement").first()
    elif kind == ScopeKind.OPERATOR:
        from tremplin.accounts.models import Operator

        found = Operator.objects.filter(pk=pk)
        obj = (found if viewer.is_platform_admin else found.filter(pk=viewer.operator_id)).first()
    elif kind == ScopeKind.CONTRACT:
        obj = contracts_visible_to(viewer).filter(pk=pk).first()
    elif kind == ScopeKind.MEDIATOR:
        found = mediators_of(viewer).filter(pk=pk)
        if viewer.is_(Role.MEDIATOR):
            found = found.filter(user_id=viewer.user_id)
        obj = found.first()
    return Scope(kind, obj) if obj is not None else None


def _operator_touches_site(viewer: Viewer, site_pk: int) -> bool:
    """A coordinator opens a site where their operator works (a contract) or their client's contracts do."""
    return Contract.objects.filter(
        Q(operator_id=viewer.operator_id) | Q(client_id=viewer.operator_id), contract_sites__site_id=site_pk
    ).exists()


def own_mediator(viewer: Viewer) -> MediatorProfile | None:
    return (
        MediatorProfile.objects.filter(user_id=viewer.user_id, operator_id=viewer.operator_id)
        .select_related("user")
        .first()
    )


def home_scope(viewer: Viewer) -> Scope | None:
    """Where a viewer's dashboard opens: a mediator on themselves, everyone else on everything they
    may count."""
    if viewer.is_(Role.MEDIATOR) and not viewer.is_platform_admin:
        mediator = own_mediator(viewer)
        return Scope(ScopeKind.MEDIATOR, mediator) if mediator else None
    if viewer_rows(viewer) is None:
        return None
    return NATION
