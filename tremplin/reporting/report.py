"""The contract report: the client-facing figures of a contract over a period, as a page, a PDF and an
XLSX workbook built from the same tables, headline figures first, as the field reports them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from tremplin.core.tenancy import Viewer
from tremplin.staffing import selectors as staffing_selectors

from . import charts, selectors
from .compute import month_start
from .models import ReportComment, ScopeKind
from .periods import Period
from .scopes import Scope
from .tables import MINUTES, SHARE, Column, Table, breakdown_table, headline_table, rows_table
from .templatetags.reporting_format import format_cell

#: The breakdowns a client report carries, in this order.
REPORT_DIMENSIONS = (
    "kind",
    "domain",
    "theme",
    "autonomy",
    "orientation",
    "equipment",
    "place",
    "age",
    "gender",
    "status",
    "reason",
    "route",
)


def contract_period(contract, today: date | None = None) -> Period:
    """The contract's months up to today (the whole contract once it has ended)."""
    today = today or timezone.localdate()
    last = min(contract.ends_on, max(today, contract.starts_on))
    return Period(month_start(contract.starts_on), month_start(last))


@dataclass
class ContractReport:
    contract: object
    period: Period
    figures: selectors.Figures
    tables: list[Table]
    charts: dict
    comment: ReportComment | None
    hours: object
    headline: Table = field(init=False)

    def __post_init__(self):
        self.headline = self.tables[0]


def contract_report(viewer: Viewer, contract, period: Period) -> ContractReport:
    scope = Scope(ScopeKind.CONTRACT, contract)
    figures = selectors.figures(viewer, scope, period)
    _kind, sites = selectors.children(viewer, scope, period)
    months = selectors.by_month(viewer, scope, period)
    found = {b.dimension: b for b in selectors.breakdowns(viewer, scope, period, figures)}
    start = max(period.start, contract.starts_on)
    end = min(period.end, contract.ends_on)
    hours = (
        staffing_selectors.contract_hours(
            contract, start, end, site_ids=staffing_selectors.contract_site_ids_for(viewer, contract)
        )
        if start <= end
        else None
    )
    tables = [
        headline_table(figures),
        rows_table("par-site", _("Par site"), _("Site"), sites, figures),
        rows_table("par-mois", _("Par mois"), _("Mois"), months, figures),
    ]
    tables += [breakdown_table(found[code]) for code in REPORT_DIMENSIONS if code in found]
    if hours is not None:
        planned = Table(
            "prevu-effectue",
            _("Heures prévues et effectuées par site"),
            [
                Column(_("Site")),
                Column(_("Prévues"), MINUTES),
                Column(_("Effectuées"), MINUTES),
                Column(_("Écart"), MINUTES),
            ],
        )
        planned.rows = [[row.site.name, row.planned, row.worked, row.gap] for row in hours.sites]
        planned.footer = [_("Total"), hours.planned, hours.worked, hours.gap]
        planned.note = _("Le prévu vient du planning des présences, absences et remplacements compris.")
        continuity = Table(
            "continuite",
            _("Continuité : toujours le même médiateur"),
            [
                Column(_("Site")),
                Column(_("Médiateur le plus présent")),
                Column(_("Heures effectuées"), MINUTES),
                Column(_("Part de ses heures"), SHARE),
            ],
        )
        continuity.rows = [
            [row.site.name, str(row.top_mediator) if row.top_mediator else "—", row.total, row.share]
            for row in hours.continuity
        ]
        tables += [planned, continuity]
    kinds = found.get("kind")
    report_charts = {
        "split": charts.split(
            _("Répartition du temps d'accompagnement"),
            [
                charts.Bar(
                    _("Assistance numérique"),
                    figures.digital_minutes,
                    format_cell("share", figures.digital_share),
                ),
                charts.Bar(
                    _("Information client"),
                    figures.client_minutes,
                    format_cell("share", figures.client_share),
                ),
            ],
        )
        if figures.minutes
        else None,
        "months": charts.columns(
            _("Accompagnements par mois"),
            [
                charts.Bar(
                    row.label, row.figures.accompaniments, format_cell("count", row.figures.accompaniments)
                )
                for row in months
            ],
        ),
        "kinds": charts.horizontal_bars(
            _("Interactions par type d'action"),
            [charts.Bar(row.label, row.records, format_cell("count", row.records)) for row in kinds.rows],
        )
        if kinds
        else None,
    }
    comment = ReportComment.objects.filter(
        contract=contract, first_month=period.first, last_month=period.last
    ).first()
    return ContractReport(contract, period, figures, tables, report_charts, comment, hours)
