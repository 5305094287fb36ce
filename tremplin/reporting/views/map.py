"""The map: départements (or the communes of one département) shaded by a chosen figure, sites with
mediation marked; an SVG built on the server from geometry shipped offline, beside the same numbers
in a table."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from tremplin.core.roles import Role
from tremplin.territory.models import Commune, Departement, Site

from .. import selectors
from ..aggregates import aggregates_refresh
from ..geometry import departement_paths
from ..geometry.communes import commune_paths
from ..geometry.projection import METROPOLE
from ..models import ScopeKind
from ..periods import default_period, period_from, presets
from ..scopes import NATION, Scope, scope_for, viewer_rows
from ..templatetags.reporting_format import format_cell

INDICATORS = {
    "people": (gettext_lazy("Personnes accompagnées (estimation)"), "count"),
    "accompaniments": (gettext_lazy("Accompagnements"), "count"),
    "hours": (gettext_lazy("Heures d'intervention"), "minutes"),
    "interactions": (gettext_lazy("Interactions"), "count"),
}
#: Sequential blues, light to dark; the legend and each shape's title give the values too.
SHADES = ("#dfe8f6", "#b3c8ea", "#7fa2d8", "#4a74bd", "#1d3f8a")
EMPTY = "#f4f5f7"


class IndicatorForm(forms.Form):
    indicateur = forms.ChoiceField(
        label=gettext_lazy("Indicateur"),
        choices=[(code, label) for code, (label, _kind) in INDICATORS.items()],
        required=False,
    )


def _value(figures, indicator: str) -> int:
    return figures.worked_minutes if indicator == "hours" else figures.metric(indicator)


def _classes(values: list[int]) -> list[int]:
    """Upper bounds of five classes (quantiles of the non-zero values)."""
    positive = sorted(v for v in values if v > 0)
    if not positive:
        return []
    bounds = []
    for step in range(1, 6):
        bound = positive[min(len(positive) - 1, round(step * len(positive) / 5) - 1)]
        if not bounds or bound > bounds[-1]:
            bounds.append(bound)
    return bounds


def _shade(value: int, bounds: list[int]) -> str:
    if value <= 0 or not bounds:
        return EMPTY
    for index, bound in enumerate(bounds):
        if value <= bound:
            return SHADES[index * len(SHADES) // len(bounds)]
    return SHADES[-1]


def _legend(bounds: list[int], kind: str) -> list[tuple[str, str]]:
    legend = [(EMPTY, _("aucune activité"))]
    low = 1
    for index, bound in enumerate(bounds):
        legend.append(
            (
                SHADES[index * len(SHADES) // len(bounds)],
                _("de %(low)s à %(high)s")
                % {"low": format_cell(kind, low), "high": format_cell(kind, bound)},
            )
        )
        low = bound + 1
    return legend


def _sites(viewer, where: Q, box):
    """Sites with mediation on the map, as the viewer may see them."""
    from tremplin.territory.selectors import sites_visible_to

    sites = sites_visible_to(viewer) if not viewer.is_platform_admin else Site.objects.all()
    marks = []
    for site in sites.filter(where, has_mediation=True, latitude__isnull=False, longitude__isnull=False).only(
        "name", "latitude", "longitude", "has_kiosk"
    )[:2000]:
        x, y = box.point(float(site.longitude), float(site.latitude))
        if 0 <= x <= box.width and 0 <= y <= box.height:
            marks.append({"x": x, "y": y, "name": site.name, "kiosk": site.has_kiosk})
    return marks


@login_required
@require_GET
def map_page(request):
    viewer = request.viewer
    if viewer.is_(Role.MEDIATOR) and not viewer.is_platform_admin or viewer_rows(viewer) is None:
        raise PermissionDenied
    today = timezone.localdate()
    form, period = period_from(request.GET, default_period(today))
    choice = IndicatorForm(request.GET)
    indicator = choice.cleaned_data.get("indicateur") if choice.is_valid() else ""
    indicator = indicator or "people"
    label, kind = INDICATORS[indicator]
    departement = None
    if request.GET.get("departement"):
        try:
            scope = scope_for(viewer, ScopeKind.DEPARTEMENT, int(request.GET["departement"]))
        except ValueError:
            scope = None
        if scope is None:
            raise Http404
        departement = scope.obj
    context = {
        "title": _("Carte — %(figure)s") % {"figure": label},
        "form": form,
        "indicator_form": choice,
        "indicator": indicator,
        "indicator_label": label,
        "period": period,
        "presets": [(name, preset, preset == period) for name, preset in presets(today)],
        "departement": departement,
    }
    if period is not None:
        aggregates_refresh()
        context.update(
            _communes(viewer, departement, period, indicator, kind)
            if departement
            else _nation(viewer, period, indicator, kind)
        )
    return render(request, "reporting/map.html", context)


def _nation(viewer, period, indicator: str, kind: str) -> dict:
    _kind, rows = selectors.children(viewer, NATION, period)
    values = {row.scope.obj.code: (row, _value(row.figures, indicator)) for row in rows}
    bounds = _classes([value for _row, value in values.values()])
    shapes = []
    names = dict(Departement.objects.values_list("code", "name"))
    for code, path in departement_paths().items():
        row, value = values.get(code, (None, 0))
        shapes.append(
            {
                "path": path,
                "fill": _shade(value, bounds),
                "title": f"{code} – {names.get(code, code)} : {format_cell(kind, value)}",
                "url": f"?departement={row.scope.pk}&{period.query()}&indicateur={indicator}"
                if row
                else None,
            }
        )
    return {
        "width": METROPOLE.width,
        "height": METROPOLE.height,
        "shapes": shapes,
        "legend": _legend(bounds, kind),
        "marks": _sites(viewer, Q(), METROPOLE),
        "rows": [
            (row.label, format_cell(kind, value), row.scope.pk)
            for _code, (row, value) in sorted(values.items())
        ],
        "kind": kind,
    }


def _communes(viewer, departement, period, indicator: str, kind: str) -> dict:
    from ..selectors import _grouped, _scope_filter

    geometry = commune_paths(departement.code)
    if geometry is None:
        raise Http404
    box, paths = geometry
    where = _scope_filter(viewer, Scope(ScopeKind.DEPARTEMENT, departement), period)
    grouped = _grouped(where, "site__commune_id") if where is not None else {}
    communes = {c.pk: c for c in Commune.objects.filter(pk__in=grouped)}
    by_code = {
        communes[pk].code: (communes[pk], _value(figures, indicator))
        for pk, figures in grouped.items()
        if pk in communes
    }
    bounds = _classes([value for _c, value in by_code.values()])
    names = dict(Commune.objects.filter(departement=departement).values_list("code", "name"))
    shapes = [
        {
            "path": path,
            "fill": _shade(by_code.get(code, (None, 0))[1], bounds),
            "title": f"{names.get(code, code)} : {format_cell(kind, by_code.get(code, (None, 0))[1])}",
            "url": None,
        }
        for code, path in paths.items()
    ]
    return {
        "width": box.width,
        "height": box.height,
        "shapes": shapes,
        "legend": _legend(bounds, kind),
        "marks": _sites(viewer, Q(commune__departement=departement), box),
        "rows": [
            (commune.name, format_cell(kind, value), None)
            for commune, value in sorted(by_code.values(), key=lambda item: (-item[1], item[0].name))
        ],
        "kind": kind,
    }
