"""Tables of figures, built once and shown as HTML, written as CSV and XLSX, and printed in the PDF.

A cell keeps its raw value (minutes, a count, a share between 0 and 1); each output formats it its
own way, so a page, its PDF and its spreadsheet always carry the same numbers."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .selectors import Breakdown, Figures, Row

TEXT, COUNT, MINUTES, SHARE, DECIMAL = "text", "count", "minutes", "share", "decimal"


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT


@dataclass
class Table:
    name: str
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    footer: list | None = None
    #: Links of the first cell of each row (drill-down), where there is one.
    links: list[str | None] = field(default_factory=list)
    note: str = ""

    def cells(self, row: list) -> list[tuple[str, object]]:
        return [
            value if isinstance(value, tuple) else (column.kind, value)
            for column, value in zip(self.columns, row, strict=True)
        ]

    @property
    def body(self):
        links = self.links or [None] * len(self.rows)
        return [(self.cells(row), link) for row, link in zip(self.rows, links, strict=True)]

    @property
    def footer_cells(self):
        return self.cells(self.footer) if self.footer else None


def figure_columns(first: str) -> list[Column]:
    return [
        Column(first),
        Column(_("Heures d'intervention"), MINUTES),
        Column(_("Heures prévues"), MINUTES),
        Column(_("Interactions"), COUNT),
        Column(_("Accompagnements"), COUNT),
        Column(_("Personnes (estimation)"), COUNT),
        Column(_("Premiers accompagnements"), COUNT),
        Column(_("Assistance numérique"), SHARE),
        Column(_("Information client"), SHARE),
    ]


def figure_cells(label: str, figures: Figures) -> list:
    return [
        label,
        figures.worked_minutes,
        figures.planned_minutes,
        figures.interactions,
        figures.accompaniments,
        figures.people,
        figures.first_time,
        figures.digital_share,
        figures.client_share,
    ]


PLANNED_NOTE = _(
    "Heures prévues : les présences du planning des contrats en cours jusqu'à aujourd'hui, absences non "
    "remplacées déduites."
)
ESTIMATE_NOTE = _(
    "Personnes (estimation) : les personnes suivies comptées une fois, plus chaque accompagnement "
    "anonyme (une personne anonyme venue deux fois compte deux fois)."
)


def rows_table(
    name: str, title: str, first: str, rows: list[Row], total: Figures | None, links=None
) -> Table:
    table = Table(name, title, figure_columns(first), note=str(ESTIMATE_NOTE))
    table.rows = [figure_cells(row.label, row.figures) for row in rows]
    table.links = links or []
    if total is not None:
        table.footer = figure_cells(_("Total"), total)
    return table


def headline_table(figures: Figures) -> Table:
    table = Table("chiffres-cles", _("Chiffres clés"), [Column(_("Indicateur")), Column(_("Valeur"), COUNT)])
    table.rows = [
        [_("Heures d'intervention"), ("minutes", figures.worked_minutes)],
        [_("Heures prévues au planning"), ("minutes", figures.planned_minutes)],
        [_("Écart entre effectué et prévu"), ("minutes", figures.hours_gap)],
        [_("Permanences effectuées"), ("count", figures.shifts)],
        [_("Interactions"), ("count", figures.interactions)],
        [_("Accompagnements"), ("count", figures.accompaniments)],
        [_("dont accompagnements individuels"), ("count", figures.individual_accompaniments)],
        [_("dont accompagnements en atelier"), ("count", figures.workshop_accompaniments)],
        [_("dont personnes suivies"), ("count", figures.followed_accompaniments)],
        [_("dont personnes anonymes"), ("count", figures.anonymous_accompaniments)],
        [_("Personnes accompagnées (estimation)"), ("count", figures.people)],
        [_("Premiers accompagnements"), ("count", figures.first_time)],
        [_("Temps d'accompagnement"), ("minutes", figures.minutes)],
        [_("Assistance numérique (temps)"), ("minutes", figures.digital_minutes)],
        [_("Assistance numérique (part du temps)"), ("share", figures.digital_share)],
        [_("Information client (temps)"), ("minutes", figures.client_minutes)],
        [_("Information client (part du temps)"), ("share", figures.client_share)],
        [_("Personnes orientées vers un partenaire"), ("count", figures.oriented)],
    ]
    if figures.queue.visits:
        table.rows += [
            [_("Visites dans la file d'attente"), ("count", figures.queue.visits)],
            [_("Attente moyenne (minutes)"), ("decimal", figures.queue.mean_wait_minutes)],
            [_("Parties sans être servies"), ("share", figures.queue.left_share)],
        ]
    workshops = figures.workshops
    if workshops.sessions or workshops.cancelled:
        table.rows += [
            [_("Ateliers tenus"), ("count", workshops.sessions)],
            [_("Ateliers annulés"), ("count", workshops.cancelled)],
            [_("Places offertes aux ateliers tenus"), ("count", workshops.capacity)],
            [_("Places réservées à l'avance"), ("count", workshops.booked)],
            [_("Taux de remplissage (réservées / offertes)"), ("share", workshops.fill_rate)],
            [_("Participants présents"), ("count", workshops.participants)],
            [_("dont venus sans inscription"), ("count", workshops.walk_ins)],
            [_("dont participants anonymes"), ("count", workshops.extras)],
            [_("Inscrits absents"), ("count", workshops.no_shows)],
            [_("Taux d'absence des inscrits"), ("share", workshops.no_show_rate)],
            [_("Restés en liste d'attente"), ("count", workshops.waiting)],
        ]
    table.note = f"{ESTIMATE_NOTE} {PLANNED_NOTE}"
    return table


def breakdown_table(breakdown: Breakdown) -> Table:
    unit = {
        "people": _("Accompagnements"),
        "visits": _("Visites"),
        "interactions": _("Interactions"),
    }[breakdown.unit]
    columns = [Column(breakdown.title), Column(unit, COUNT)]
    if breakdown.unit == "interactions":
        columns += [Column(_("Temps"), MINUTES), Column(_("Personnes"), COUNT)]
    elif breakdown.unit == "visits":
        columns.append(Column(_("Personnes"), COUNT))
    columns.append(Column(_("Part"), SHARE))
    table = Table(f"par-{breakdown.dimension}", breakdown.title, columns)
    for row in breakdown.rows:
        cells = [row.label, row.records]
        if breakdown.unit == "interactions":
            cells += [row.minutes, row.people]
        elif breakdown.unit == "visits":
            cells.append(row.people)
        cells.append(row.share)
        table.rows.append(cells)
    if breakdown.dimension == "theme":
        table.note = _("Une interaction peut porter sur plusieurs thématiques : les parts dépassent 100 %.")
    elif breakdown.dimension == "orientation":
        table.note = _("Parts calculées sur toutes les interactions.")
    return table
