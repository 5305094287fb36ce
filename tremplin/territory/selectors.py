from django.db.models import Count, Q

from tremplin.core.tenancy import Viewer

from .models import Commune, Departement, Site


def sites_visible_to(viewer: Viewer):
    return Site.objects.visible_to(viewer)


def site_list(
    *,
    viewer: Viewer,
    departement: Departement | None = None,
    commune: str = "",
    kind: str = "",
    has_mediation: bool | None = None,
):
    sites = sites_visible_to(viewer).select_related("commune__departement")
    if departement is not None:
        sites = sites.filter(commune__departement=departement)
    if commune:
        commune = commune.strip()
        sites = sites.filter(
            Q(commune__code=commune) | Q(commune__name__icontains=commune) | Q(postcode=commune)
        )
    if kind:
        sites = sites.filter(kind=kind)
    if has_mediation is not None:
        sites = sites.filter(has_mediation=has_mediation)
    return sites.order_by("commune__departement__code", "commune__name", "name")


def departements_visible_to(viewer: Viewer):
    """The départements a viewer works in or reads: their operator's, their scope, or all."""
    if viewer.is_platform_admin or (viewer.is_funder and viewer.is_national):
        return Departement.objects.all()
    return Departement.objects.filter(pk__in=viewer.departement_ids)


def coverage_by_departement(viewer: Viewer) -> list[dict]:
    """Per visible département: points of contact, and those with mediation, a kiosk, an Étape."""
    rows = (
        sites_visible_to(viewer)
        .values("commune__departement_id", "commune__departement__code", "commune__departement__name")
        .annotate(
            sites=Count("id"),
            mediation=Count("id", filter=Q(has_mediation=True)),
            kiosks=Count("id", filter=Q(has_kiosk=True)),
            etape=Count("id", filter=Q(has_etape_numerique=True)),
            qpv=Count("id", filter=Q(is_qpv=True)),
            rural=Count("id", filter=Q(commune__is_rural=True)),
        )
        .order_by("commune__departement__code")
    )
    return [
        {
            "id": row["commune__departement_id"],
            "code": row["commune__departement__code"],
            "name": row["commune__departement__name"],
            **{k: row[k] for k in ("sites", "mediation", "kiosks", "etape", "qpv", "rural")},
        }
        for row in rows
    ]


def commune_by_code(code: str) -> Commune | None:
    return Commune.objects.filter(code=code).select_related("departement").first()
