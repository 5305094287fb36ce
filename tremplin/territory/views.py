from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers

from tremplin.flow.stats import queue_access
from tremplin.reporting.models import ScopeKind
from tremplin.reporting.scopes import scope_for
from tremplin.staffing.selectors import next_presence_at
from tremplin.workshops.selectors import public_sessions_at_site

from . import selectors
from .forms import SiteFilterForm


@login_required
def site_list(request):
    viewer = request.viewer
    form = SiteFilterForm(request.GET or None, departements=selectors.departements_visible_to(viewer))
    sites = selectors.site_list(viewer=viewer, **form.filters())
    page = Paginator(sites, settings.TREMPLIN_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    # A history restore asks for the whole page; Vary keeps the browser from showing the
    # cached fragment when Back returns to a URL that htmx pushed.
    restoring = request.headers.get("HX-History-Restore-Request") == "true"
    partial = request.headers.get("HX-Request") == "true" and not restoring
    response = render(
        request,
        "territory/_site_results.html" if partial else "territory/site_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "partial": partial},
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def site_detail(request, pk: int):
    site = get_object_or_404(
        selectors.sites_visible_to(request.viewer).select_related("commune__departement__region"),
        pk=pk,
    )
    return render(
        request,
        "territory/site_detail.html",
        {
            "site": site,
            "next_presence": next_presence_at(site),
            "queue": queue_access(request.viewer, site),
            "upcoming_workshops": public_sessions_at_site(site).count(),
            "statistics": scope_for(request.viewer, ScopeKind.SITE, site.pk) is not None,
        },
    )
