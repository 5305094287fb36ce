from django.conf import settings
from ninja import Field, Query, Router, Schema

from tremplin.territory.models import Site
from tremplin.territory.selectors import site_list

from .pagination import Page, paginate

router = Router(tags=["territoire"])


class SiteOut(Schema):
    id: int
    identifier: str
    name: str
    kind: Site.Kind
    address: str
    postcode: str
    locality: str
    commune_code: str = Field(alias="commune.code")
    commune_name: str = Field(alias="commune.name")
    departement_code: str = Field(alias="commune.departement.code")
    latitude: float | None
    longitude: float | None
    has_mediation: bool
    has_kiosk: bool
    has_etape_numerique: bool
    is_qpv: bool


class SitePage(Page):
    items: list[SiteOut]


#: PostgreSQL cannot compare text with a NUL character: refuse it as invalid input (422), not a 500.
NO_NUL = r"^[^\x00]*$"


class SiteFilters(Schema):
    departement: str | None = Field(None, description="Code du département, par exemple 03", pattern=NO_NUL)
    commune: str | None = Field(None, description="Code INSEE, code postal ou nom de commune", pattern=NO_NUL)
    kind: Site.Kind | None = None
    has_mediation: bool | None = None
    cursor: str | None = None
    limit: int = Field(100, ge=1, le=settings.TREMPLIN_API_MAX_LIMIT)


@router.get("/sites", response=SitePage, summary="Sites visibles par l'appelant")
def list_sites(request, filters: Query[SiteFilters]):
    sites = site_list(
        viewer=request.viewer,
        commune=filters.commune or "",
        kind=filters.kind or "",
        has_mediation=filters.has_mediation,
    )
    if filters.departement:
        sites = sites.filter(commune__departement__code=filters.departement)
    items, next_cursor = paginate(sites, cursor=filters.cursor, limit=filters.limit)
    return {"items": items, "next_cursor": next_cursor}
