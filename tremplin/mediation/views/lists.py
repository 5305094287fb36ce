"""The interaction list (a mediator's own records, or every mediator's of the operator for its
coordinators) with its filters, totals and exports. Funders read figures in reporting, not records."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tremplin.core.roles import Role

from .. import exports, selectors, services
from ..filter_forms import (
    FILTER_NAMES,
    InteractionFilterForm,
    interactions_filtered,
    period_presets,
    shows_mediators,
)
from ..vocabularies import TimeCategory


def _require_reader(viewer) -> None:
    """Mediators, coordinators and administrators of an operator (and platform staff) read records."""
    if not (
        viewer.is_(Role.MEDIATOR, Role.COORDINATOR, Role.ADMIN)
        or (viewer.is_platform_admin and not viewer.has_role)
    ):
        raise PermissionDenied


@dataclass(frozen=True)
class Totals:
    count: int
    minutes: int
    digital_assistance: int
    client_information: int

    def share(self, minutes: int) -> float | None:
        return minutes / self.minutes if self.minutes else None

    @property
    def digital_assistance_share(self) -> float | None:
        return self.share(self.digital_assistance)

    @property
    def client_information_share(self) -> float | None:
        return self.share(self.client_information)


def _totals(interactions) -> Totals:
    """Count, time and the digital-assistance / client-information split, in one query."""
    figures = interactions.order_by().aggregate(
        count=Count("pk"),
        minutes=Sum("duration_minutes"),
        digital=Sum("duration_minutes", filter=Q(time_category=TimeCategory.DIGITAL_ASSISTANCE)),
        client=Sum("duration_minutes", filter=Q(time_category=TimeCategory.CLIENT_INFORMATION)),
    )
    return Totals(
        count=figures["count"],
        minutes=figures["minutes"] or 0,
        digital_assistance=figures["digital"] or 0,
        client_information=figures["client"] or 0,
    )


def _filtered(request):
    """The form, and the viewer's interactions it selects (none while it has errors)."""
    viewer = request.viewer
    _require_reader(viewer)
    form = InteractionFilterForm(request.GET or None, viewer=viewer)
    interactions = selectors.interactions_for_list(viewer).order_by("-started_at", "-pk")
    filters = form.filters() if form.is_bound else {}
    if filters is None:
        return form, interactions.none(), None
    return form, interactions_filtered(interactions, filters), filters


def _query(request, **changes) -> str:
    """The current filters as a query string, with `changes` (None removes a parameter), no page."""
    query = request.GET.copy()
    query.pop("page", None)
    for name, value in changes.items():
        query.pop(name, None)
        if value is not None:
            query[name] = value
    return query.urlencode()


def _presets(request, filters):
    today = timezone.localdate()
    current = (filters or {}).get("start"), (filters or {}).get("end")
    return [
        {
            "label": label,
            "query": _query(request, start=start.isoformat(), end=end.isoformat()),
            "current": current == (start, end),
        }
        for label, start, end in period_presets(today)
    ]


@login_required
@require_GET
def interaction_list(request):
    viewer = request.viewer
    form, interactions, filters = _filtered(request)
    page = Paginator(interactions, settings.TREMPLIN_PAGE_SIZE).get_page(request.GET.get("page"))
    query = _query(request)
    export_query = urlencode([(name, request.GET[name]) for name in FILTER_NAMES if request.GET.get(name)])
    # A history restore asks for the whole page; Vary keeps the browser from showing the cached
    # fragment when Back returns to a URL that htmx pushed.
    restoring = request.headers.get("HX-History-Restore-Request") == "true"
    partial = request.headers.get("HX-Request") == "true" and not restoring
    response = render(
        request,
        "mediation/_interaction_table.html" if partial else "mediation/interaction_list.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "export_query": export_query,
            "valid": filters is not None,
            "totals": _totals(interactions) if filters is not None else None,
            "presets": _presets(request, filters),
            "title": _("Mes interactions") if viewer.is_(Role.MEDIATOR) else _("Interactions"),
            "is_mediator": viewer.is_(Role.MEDIATOR),
            "show_mediator": shows_mediators(viewer),
            "partial": partial,
        },
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


def _export(request, export_format: str):
    """The filtered list and its filters, journalled; None when the filters are wrong."""
    form, interactions, filters = _filtered(request)
    if filters is None:
        return None
    services.interactions_export_journal(
        actor=request.user,
        operator_id=request.viewer.operator_id,
        export_format=export_format,
        count=interactions.order_by().count(),
        filters=form.codes() if form.is_bound else {},
    )
    return interactions, filters


def _back_to_list(request):
    """Wrong filters: the list shows what to fix, rather than a file of something else."""
    return redirect(f"{reverse('mediation:interaction_list')}?{request.GET.urlencode()}")


@login_required
@require_GET
def interaction_export_csv(request):
    exported = _export(request, "csv")
    if exported is None:
        return _back_to_list(request)
    interactions, filters = exported
    response = StreamingHttpResponse(exports.csv_lines(interactions), content_type=exports.CSV_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=exports.filename(filters, "csv")
    )
    return response


@login_required
@require_GET
def interaction_export_xlsx(request):
    exported = _export(request, "xlsx")
    if exported is None:
        return _back_to_list(request)
    interactions, filters = exported
    return FileResponse(
        exports.xlsx_file(interactions),
        as_attachment=True,
        filename=exports.filename(filters, "xlsx"),
        content_type=exports.XLSX_CONTENT_TYPE,
    )
