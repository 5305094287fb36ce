"""The dashboards: one page per scope (nation, région, département, commune, site, operator, contract,
mediator) and period, the same for every role, each seeing only what they may count."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tremplin.core.roles import Role

from .. import charts, selectors
from ..models import ScopeKind
from ..periods import default_period, period_from, presets
from ..scopes import NATION, Scope, home_scope, scope_for
from ..tables import COUNT, Column, breakdown_table, headline_table, rows_table
from ..templatetags.reporting_format import format_cell
from .exports import table_response
from .objectives import objectives_for_scope

#: The breakdowns charted on a dashboard (the others are tables only).
CHARTED = ("kind", "theme", "domain")
CHILD_TITLES = {
    ScopeKind.DEPARTEMENT: (_("Par département"), _("Département")),
    ScopeKind.SITE: (_("Par site"), _("Site")),
    ScopeKind.MEDIATOR: (_("Par médiateur"), _("Médiateur")),
}


def scope_url(scope: Scope, period=None) -> str:
    if scope.kind == ScopeKind.NATION:
        url = reverse("reporting:dashboard")
    else:
        url = reverse("reporting:scope", kwargs={"kind": scope.kind, "pk": scope.pk})
    return f"{url}?{period.query()}" if period is not None else url


def breadcrumbs(viewer, scope: Scope) -> list[tuple[str, Scope]]:
    """From the top of what the viewer reads down to this scope (nation → département → site)."""
    if viewer.is_(Role.MEDIATOR) and not viewer.is_platform_admin:
        return [(scope.label(viewer), scope)]
    trail = [(NATION.label(viewer), NATION)]
    obj = scope.obj
    if scope.kind == ScopeKind.DEPARTEMENT and obj.region_id:
        trail.append((obj.region.name, Scope(ScopeKind.REGION, obj.region)))
    if scope.kind in (ScopeKind.COMMUNE, ScopeKind.SITE):
        departement = obj.departement if scope.kind == ScopeKind.COMMUNE else obj.commune.departement
        trail.append((f"{departement.code} – {departement.name}", Scope(ScopeKind.DEPARTEMENT, departement)))
    if scope.kind != ScopeKind.NATION:
        trail.append((scope.label(viewer), scope))
    return trail


def dashboard_context(viewer, scope: Scope, period, *, public: bool = False) -> dict:
    """Everything a dashboard shows; also the read-only page of a share link (`public`: no links, no
    mediator names)."""
    compared = selectors.comparison(viewer, scope, period)
    current = compared.current
    tables = {b.dimension: b for b in selectors.breakdowns(viewer, scope, period, current)}
    months = selectors.by_month(viewer, scope, period)
    child_kind, child_rows = selectors.children(viewer, scope, period)
    context = {
        "scope": scope,
        "scope_label": scope.label(viewer),
        "period": period,
        "current": current,
        "previous": compared.previous,
        "previous_period": compared.previous_period,
        "changes": {
            name: selectors.change(getattr(current, name), getattr(compared.previous, name))
            for name in ("worked_minutes", "interactions", "accompaniments", "people", "first_time")
        },
        "headline": headline_table(current),
        "split_chart": charts.split(
            _("Répartition du temps d'accompagnement"),
            [
                charts.Bar(
                    _("Assistance numérique"),
                    current.digital_minutes,
                    format_cell("share", current.digital_share),
                ),
                charts.Bar(
                    _("Information client"),
                    current.client_minutes,
                    format_cell("share", current.client_share),
                ),
            ],
        )
        if current.minutes
        else None,
        "months_table": rows_table("par-mois", _("Mois par mois"), _("Mois"), months, current),
        "months_chart": charts.columns(
            _("Accompagnements par mois"),
            [
                charts.Bar(
                    row.label, row.figures.accompaniments, format_cell("count", row.figures.accompaniments)
                )
                for row in months
            ],
        ),
        "breakdown_tables": [breakdown_table(b) for b in tables.values()],
        "breakdown_charts": {
            code: charts.horizontal_bars(
                tables[code].title,
                [
                    charts.Bar(row.label, row.records, format_cell("count", row.records))
                    for row in tables[code].rows[:10]
                ],
            )
            for code in CHARTED
            if code in tables
        },
    }
    if child_kind is not None and not (public and child_kind == ScopeKind.MEDIATOR):
        title, first = CHILD_TITLES[child_kind]
        links = [] if public else [scope_url(row.scope, period) for row in child_rows]
        table = rows_table(f"par-{child_kind}", title, first, child_rows, None, links)
        if child_kind == ScopeKind.DEPARTEMENT:
            # Where mediation and kiosks are, beside what was done: the gaps show.
            table.columns[1:1] = [
                Column(_("Sites avec médiation"), COUNT),
                Column(_("Sites avec îlot"), COUNT),
            ]
            for cells, row in zip(table.rows, child_rows, strict=True):
                cells[1:1] = [row.extra["mediation"], row.extra["kiosks"]]
        context["children_table"] = table
        context["children_extra"] = child_rows
        context["child_kind"] = child_kind
    return context


def _page(request, scope: Scope):
    viewer = request.viewer
    today = timezone.localdate()
    form, period = period_from(request.GET, default_period(today))
    context = {
        "form": form,
        "presets": [(label, preset, preset == period) for label, preset in presets(today)],
        "scope": scope,
        "scope_label": scope.label(viewer),
        "title": _("Statistiques — %(scope)s") % {"scope": scope.label(viewer)},
        "breadcrumbs": [(label, scope_url(crumb)) for label, crumb in breadcrumbs(viewer, scope)],
        "may_share": not viewer.is_(Role.MEDIATOR),
        "contract": scope.obj if scope.kind == ScopeKind.CONTRACT else None,
    }
    if scope.kind == ScopeKind.MEDIATOR:
        start, end, week = selectors.mediator_week(viewer, scope)
        context["week"] = {"start": start, "end": end, "figures": week}
    if period is not None:
        context.update(dashboard_context(viewer, scope, period))
        export_format, name = request.GET.get("format"), request.GET.get("table")
        if export_format in ("csv", "xlsx") and name:
            table = _tables(context).get(name)
            if table is None:
                raise Http404
            return table_response(table, export_format, f"{name}_{scope.key}_{period.slug}")
        context["export_base"] = f"?{period.query()}"
        context["objectives"] = objectives_for_scope(viewer, scope)
    context["may_export_rows"] = viewer.is_(Role.COORDINATOR, Role.ADMIN) or viewer.is_platform_admin
    return render(request, "reporting/dashboard.html", context)


def _tables(context: dict) -> dict:
    tables = [context["headline"], context["months_table"], *context["breakdown_tables"]]
    if "children_table" in context:
        tables.append(context["children_table"])
    return {table.name: table for table in tables}


@login_required
@require_GET
def dashboard(request):
    scope = home_scope(request.viewer)
    if scope is None:
        if request.viewer.is_(Role.MEDIATOR):
            # A mediator account without a mediator's card yet: nothing of theirs to count.
            return render(request, "reporting/no_figures.html", {"title": _("Mes chiffres")})
        raise Http404
    return _page(request, scope)


@login_required
@require_GET
def scope_dashboard(request, kind: str, pk: int):
    scope = scope_for(request.viewer, kind, pk)
    if scope is None:
        raise Http404
    return _page(request, scope)
