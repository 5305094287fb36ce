"""Every figure of the reporting pages, for a viewer, a scope and a period.

Reads the pre-aggregated tables after bringing them up to date (`aggregates_refresh`), so a figure equals
the count over the raw rows at the time of reading. A mediator's scope is small: it is computed from the
raw rows with the same `compute` that fills the tables."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import date, timedelta

from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tremplin.core.roles import Role
from tremplin.core.tenancy import Viewer
from tremplin.flow.models import Reason, Route
from tremplin.mediation.vocabularies import (
    ActionKind,
    AgeBracket,
    AutonomyOutcome,
    Domain,
    Equipment,
    Gender,
    OrientationTarget,
    Place,
    SocialStatus,
    Theme,
    TimeCategory,
)
from tremplin.territory.models import Departement, Site

from . import compute as computing
from .aggregates import aggregates_refresh
from .models import (
    DepartementMonth,
    DepartementMonthCount,
    FollowedMonth,
    NationMonthCount,
    PeopleMonth,
    QueueMonth,
    ScopeKind,
    SiteMonth,
    SiteMonthCount,
    WorkshopMonth,
)
from .periods import Period
from .scopes import Scope, counts_territory_only, viewer_rows

HEADLINE_FIELDS = tuple(f.name for f in fields(computing.Headline))
QUEUE_FIELDS = tuple(f.name for f in fields(computing.Queue))
WORKSHOP_FIELDS = tuple(f.name for f in fields(computing.Workshops))

#: The vocabularies figures are broken down by: (dimension, title, choices, label of the empty value).
DIMENSIONS = (
    ("kind", gettext_lazy("Types d'action"), ActionKind, ""),
    ("time_category", gettext_lazy("Catégories de temps"), TimeCategory, ""),
    ("domain", gettext_lazy("Domaines"), Domain, gettext_lazy("Non renseigné")),
    ("theme", gettext_lazy("Thématiques"), Theme, ""),
    ("equipment", gettext_lazy("Matériel utilisé"), Equipment, gettext_lazy("Non renseigné")),
    ("place", gettext_lazy("Lieux"), Place, gettext_lazy("Non renseigné")),
    ("autonomy", gettext_lazy("Autonomie à l'issue"), AutonomyOutcome, gettext_lazy("Non renseignée")),
    ("orientation", gettext_lazy("Orientations"), OrientationTarget, gettext_lazy("Non précisée")),
    ("age", gettext_lazy("Tranches d'âge"), AgeBracket, gettext_lazy("Non communiquée")),
    ("gender", gettext_lazy("Genre"), Gender, gettext_lazy("Non communiqué")),
    ("status", gettext_lazy("Statut"), SocialStatus, gettext_lazy("Non communiqué")),
    ("reason", gettext_lazy("Motifs de venue (file d'attente)"), Reason, ""),
    (
        "route",
        gettext_lazy("Orientations dans la file d'attente"),
        Route,
        gettext_lazy("Pas encore terminée"),
    ),
)
DIMENSION_TITLES = {code: title for code, title, _c, _e in DIMENSIONS}


# ---------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------


@dataclass
class QueueFigures:
    visits: int = 0
    people: int = 0
    reached: int = 0
    wait_us: int = 0
    left: int = 0
    prequalified: int = 0

    @property
    def mean_wait_minutes(self) -> float | None:
        return self.wait_us / self.reached / computing.MICROSECONDS_PER_MINUTE if self.reached else None

    @property
    def left_share(self) -> float | None:
        return self.left / self.visits if self.visits else None

    @property
    def prequalified_share(self) -> float | None:
        return self.prequalified / self.visits if self.visits else None


@dataclass
class WorkshopFigures(computing.Workshops):
    """Workshop sessions held and cancelled, with the rates of the programme's page."""

    @property
    def participants(self) -> int:
        """People present: registered ones ticked present (walk-ins included) and anonymous extras."""
        return self.attended + self.extras

    @property
    def fill_rate(self) -> float | None:
        """Seats booked in advance over seats offered, for the sessions held."""
        return self.booked / self.capacity if self.capacity else None

    @property
    def attendance_rate(self) -> float | None:
        """People present over seats offered."""
        return self.participants / self.capacity if self.capacity else None

    @property
    def no_show_rate(self) -> float | None:
        """People booked who did not come, over people booked."""
        return self.no_shows / self.booked if self.booked else None


@dataclass
class Figures:
    """The headline figures of a scope and period."""

    worked_us: int = 0
    shifts: int = 0
    interactions: int = 0
    minutes: int = 0
    digital_minutes: int = 0
    client_minutes: int = 0
    accompaniments: int = 0
    followed_accompaniments: int = 0
    first_time: int = 0
    oriented: int = 0
    workshop_accompaniments: int = 0
    planned_minutes: int = 0
    followed_people: int = 0
    queue: QueueFigures = field(default_factory=QueueFigures)
    workshops: WorkshopFigures = field(default_factory=WorkshopFigures)

    @property
    def worked_minutes(self) -> int:
        """Hours of intervention, in whole minutes (rounded once, on the total)."""
        return round(self.worked_us / computing.MICROSECONDS_PER_MINUTE)

    @property
    def individual_accompaniments(self) -> int:
        """Accompaniments outside workshops: one person helped in an individual interaction."""
        return self.accompaniments - self.workshop_accompaniments

    @property
    def hours_gap(self) -> int:
        """Worked minus planned minutes: positive when more was done than the plan asked."""
        return self.worked_minutes - self.planned_minutes

    @property
    def anonymous_accompaniments(self) -> int:
        return self.accompaniments - self.followed_accompaniments

    @property
    def people(self) -> int:
        """Distinct people, an estimate: followed people once each, plus every anonymous accompaniment."""
        return self.followed_people + self.anonymous_accompaniments

    @property
    def digital_share(self) -> float | None:
        return self.digital_minutes / self.minutes if self.minutes else None

    @property
    def client_share(self) -> float | None:
        return self.client_minutes / self.minutes if self.minutes else None

    @property
    def first_time_share(self) -> float | None:
        return self.first_time / self.accompaniments if self.accompaniments else None

    def metric(self, name: str) -> int:
        """The value an objective measures."""
        return {
            "people": self.people,
            "accompaniments": self.accompaniments,
            "first_time": self.first_time,
            "interactions": self.interactions,
            "hours": self.worked_minutes // 60,
        }[name]


def _add(target, source) -> None:
    for name in (f.name for f in fields(source)):
        setattr(target, name, getattr(target, name) + getattr(source, name))


def _figures_of_tally(tally: computing.Tally) -> Figures:
    result = Figures()
    for row in tally.headline.values():
        for name in HEADLINE_FIELDS:
            setattr(result, name, getattr(result, name) + getattr(row, name))
    result.followed_people = len({key[-1] for key in tally.followed})
    queue = QueueFigures()
    for row in tally.queue.values():
        _add(queue, row)
    result.queue = queue
    workshops = WorkshopFigures()
    for row in tally.workshops.values():
        _add(workshops, row)
    result.workshops = workshops
    return result


def _scope_filter(viewer: Viewer, scope: Scope, period: Period, *, with_mediator: bool = True) -> Q | None:
    rows = viewer_rows(viewer)
    if rows is None:
        return None
    return rows & scope.rows(with_mediator=with_mediator) & Q(month__range=(period.first, period.last))


def _people_key(viewer: Viewer, scope: Scope) -> tuple[str, int] | None:
    """The national or départemental people counts that answer exactly for this viewer and scope."""
    if not counts_territory_only(viewer):
        return None
    if scope.kind == ScopeKind.NATION:
        if viewer.is_platform_admin or viewer.is_national:
            return PeopleMonth.NATION, 0
        if len(viewer.departement_ids) == 1:
            return PeopleMonth.DEPARTEMENT, next(iter(viewer.departement_ids))
        return None
    if scope.kind == ScopeKind.DEPARTEMENT:
        return PeopleMonth.DEPARTEMENT, scope.pk
    return None


def _starting(period: Period) -> Q:
    """Rows that start a person's presence in the period: no earlier row, or one before the period."""
    return Q(month__range=(period.first, period.last)) & (Q(prev__isnull=True) | Q(prev__lt=period.first))


def _followed_people(viewer: Viewer, scope: Scope, period: Period, where: Q) -> int:
    key = _people_key(viewer, scope)
    if key is not None:
        rows = PeopleMonth.objects.filter(_starting(period), level=key[0], key=key[1])
        return rows.aggregate(n=Sum("rows"))["n"] or 0
    return FollowedMonth.objects.filter(where).values("beneficiary_id").distinct().count()


def _mediator_tally(scope: Scope, start: date, end: date, bucket_of=computing.by_month) -> computing.Tally:
    return computing.compute(first=start, last=end, mediator_id=scope.pk, bucket_of=bucket_of)


def _territory_rows(viewer: Viewer, scope: Scope, period: Period) -> Q | None:
    """For the per-département tables: the rows of a territorial scope a territory reader counts;
    None when the scope or the reader needs the per-site tables."""
    if not (scope.is_territory and counts_territory_only(viewer)):
        return None
    where = Q(month__range=(period.first, period.last))
    if scope.kind == ScopeKind.REGION:
        where &= Q(departement__region_id=scope.pk)
    elif scope.kind == ScopeKind.DEPARTEMENT:
        where &= Q(departement_id=scope.pk)
    if viewer.is_funder and not viewer.is_national and not viewer.is_platform_admin:
        where &= Q(departement_id__in=viewer.departement_ids)
    return where


def _headline_rows(viewer: Viewer, scope: Scope, period: Period, where: Q):
    territory = _territory_rows(viewer, scope, period)
    if territory is not None:
        return DepartementMonth.objects.filter(territory)
    return SiteMonth.objects.filter(where)


def figures(viewer: Viewer, scope: Scope, period: Period) -> Figures:
    aggregates_refresh()
    if scope.kind == ScopeKind.MEDIATOR:
        return _figures_of_tally(_mediator_tally(scope, period.start, period.end))
    where = _scope_filter(viewer, scope, period)
    if where is None:
        return Figures()
    sums = _headline_rows(viewer, scope, period, where).aggregate(
        **{name: Sum(name) for name in HEADLINE_FIELDS}
    )
    result = Figures(**{name: sums[name] or 0 for name in HEADLINE_FIELDS})
    result.followed_people = _followed_people(viewer, scope, period, where)
    queue = QueueMonth.objects.filter(where).aggregate(**{name: Sum(name) for name in QUEUE_FIELDS})
    result.queue = QueueFigures(**{name: queue[name] or 0 for name in QUEUE_FIELDS})
    workshops = WorkshopMonth.objects.filter(where).aggregate(**{name: Sum(name) for name in WORKSHOP_FIELDS})
    result.workshops = WorkshopFigures(**{name: workshops[name] or 0 for name in WORKSHOP_FIELDS})
    return result


def mediator_week(viewer: Viewer, scope: Scope, *, day: date | None = None) -> tuple[date, date, Figures]:
    """A mediator's figures from Monday to Sunday of the week of `day` (this week by default)."""
    day = day or timezone.localdate()
    start = day - timedelta(days=day.weekday())
    end = start + timedelta(days=6)
    tally = _mediator_tally(scope, start, end, bucket_of=lambda _day: start)
    return start, end, _figures_of_tally(tally)


@dataclass(frozen=True)
class Comparison:
    current: Figures
    previous: Figures
    previous_period: Period


def comparison(viewer: Viewer, scope: Scope, period: Period) -> Comparison:
    before = period.previous()
    return Comparison(figures(viewer, scope, period), figures(viewer, scope, before), before)


def change(current: float, previous: float) -> float | None:
    """Relative change from the previous period: +0.25 for a quarter more; None without a base."""
    return (current - previous) / previous if previous else None


# ---------------------------------------------------------------------------------------------
# Breakdowns by vocabulary
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BreakdownRow:
    code: str
    label: str
    records: int
    minutes: int
    people: int
    share: float | None


@dataclass(frozen=True)
class Breakdown:
    dimension: str
    title: str
    rows: list[BreakdownRow]
    #: What a row counts: interactions, visits, or people.
    unit: str
    total: int


def _label_of(choices, empty, code: str) -> str:
    if not code:
        return str(empty) or _("Non renseigné")
    try:
        return str(choices(code).label)
    except ValueError:
        return code


def _unit(dimension: str) -> str:
    if dimension in computing.PERSON_LEVEL:
        return "people"
    if dimension in computing.VISIT_LEVEL:
        return "visits"
    return "interactions"


def _breakdowns_from(totals: dict, figures_: Figures) -> list[Breakdown]:
    """totals: {(dimension, value): [records, minutes, people]}."""
    result = []
    for dimension, title, choices, empty in DIMENSIONS:
        found = {value: sums for (dim, value), sums in totals.items() if dim == dimension}
        if not found:
            continue
        unit = _unit(dimension)
        if unit == "people":
            base = figures_.accompaniments
        elif unit == "visits":
            base = figures_.queue.visits
        else:
            base = figures_.interactions
        order = {code: index for index, code in enumerate(choices.values)}
        rows = [
            BreakdownRow(
                code,
                _label_of(choices, empty, code),
                sums[0],
                sums[1],
                sums[2],
                sums[0] / base if base else None,
            )
            for code, sums in sorted(found.items(), key=lambda item: (-item[1][0], order.get(item[0], 99)))
        ]
        result.append(Breakdown(dimension, str(title), rows, unit, base))
    return result


def breakdowns(
    viewer: Viewer, scope: Scope, period: Period, figures_: Figures | None = None
) -> list[Breakdown]:
    figures_ = figures_ or figures(viewer, scope, period)
    totals = defaultdict(lambda: [0, 0, 0])
    if scope.kind == ScopeKind.MEDIATOR:
        tally = _mediator_tally(scope, period.start, period.end)
        for key, count in tally.counts.items():
            sums = totals[key[-2:]]
            sums[0] += count.records
            sums[1] += count.minutes
            sums[2] += count.people
        return _breakdowns_from(totals, figures_)
    aggregates_refresh()
    territory = _territory_rows(viewer, scope, period)
    if _people_key(viewer, scope) == (PeopleMonth.NATION, 0):
        rows = NationMonthCount.objects.filter(month__range=(period.first, period.last))
    elif territory is not None:
        rows = DepartementMonthCount.objects.filter(territory)
    else:
        where = _scope_filter(viewer, scope, period, with_mediator=False)
        if where is None:
            return []
        rows = SiteMonthCount.objects.filter(where)
    for row in (
        rows.values("dimension", "value")
        .annotate(records=Sum("records"), minutes=Sum("minutes"), people=Sum("people"))
        .order_by()
    ):
        totals[(row["dimension"], row["value"])] = [row["records"], row["minutes"], row["people"]]
    return _breakdowns_from(totals, figures_)


# ---------------------------------------------------------------------------------------------
# Month by month, and one level down
# ---------------------------------------------------------------------------------------------


@dataclass
class Row:
    """One line of a table of figures: a month, a département, a site, a mediator."""

    key: object
    label: str
    figures: Figures
    scope: Scope | None = None
    extra: dict = field(default_factory=dict)


def _grouped(where: Q, group: str, people: dict | None = None, headline=None) -> dict:
    """Figures per value of `group`; `people`: the followed people per value, when already counted;
    `headline`: the rows to add up (per-site by default)."""
    result = defaultdict(Figures)
    for row in (
        (headline if headline is not None else SiteMonth.objects.filter(where))
        .values(group)
        .annotate(**{name: Sum(name) for name in HEADLINE_FIELDS})
        .order_by()
    ):
        figures_ = result[row[group]]
        for name in HEADLINE_FIELDS:
            setattr(figures_, name, row[name] or 0)
    if people is None:
        people = {
            row[group]: row["people"]
            for row in FollowedMonth.objects.filter(where)
            .values(group)
            .annotate(people=Count("beneficiary_id", distinct=True))
            .order_by()
        }
    for value, count in people.items():
        result[value].followed_people = count
    if group != "mediator_id":
        for row in (
            QueueMonth.objects.filter(where)
            .values(group)
            .annotate(**{name: Sum(name) for name in QUEUE_FIELDS})
            .order_by()
        ):
            result[row[group]].queue = QueueFigures(**{name: row[name] or 0 for name in QUEUE_FIELDS})
    return result


def by_month(viewer: Viewer, scope: Scope, period: Period) -> list[Row]:
    """Every month of the period, in order, empty months included."""
    if scope.kind == ScopeKind.MEDIATOR:
        tally = _mediator_tally(scope, period.start, period.end)
        grouped = defaultdict(computing.Tally)
        for key, row in tally.headline.items():
            grouped[key[0]].headline[key] = row
        for key in tally.followed:
            grouped[key[0]].followed.add(key)
        values = {month: _figures_of_tally(part) for month, part in grouped.items()}
    else:
        aggregates_refresh()
        where = _scope_filter(viewer, scope, period)
        key = _people_key(viewer, scope)
        people = None
        if key is not None:
            people = {
                row["month"]: row["n"]
                for row in PeopleMonth.objects.filter(
                    level=key[0], key=key[1], month__range=(period.first, period.last)
                )
                .filter(Q(prev__isnull=True) | Q(prev__lt=F("month")))
                .values("month")
                .annotate(n=Sum("rows"))
                .order_by()
            }
        values = (
            _grouped(where, "month", people, _headline_rows(viewer, scope, period, where))
            if where is not None
            else {}
        )
    from .periods import month_label

    return [Row(month, month_label(month), values.get(month, Figures())) for month in period.months]


CHILD_KIND = {
    ScopeKind.NATION: ScopeKind.DEPARTEMENT,
    ScopeKind.REGION: ScopeKind.DEPARTEMENT,
    ScopeKind.DEPARTEMENT: ScopeKind.SITE,
    ScopeKind.COMMUNE: ScopeKind.SITE,
    ScopeKind.OPERATOR: ScopeKind.SITE,
    ScopeKind.CONTRACT: ScopeKind.SITE,
    ScopeKind.SITE: ScopeKind.MEDIATOR,
}


def children(viewer: Viewer, scope: Scope, period: Period) -> tuple[str | None, list[Row]]:
    """One level down (nation → départements → sites → mediators), each with its figures."""
    kind = CHILD_KIND.get(scope.kind)
    if kind == ScopeKind.MEDIATOR and not (viewer.works_for_operator or viewer.is_platform_admin):
        return None, []
    if kind is None or viewer.is_(Role.MEDIATOR):
        return None, []
    aggregates_refresh()
    where = _scope_filter(viewer, scope, period)
    if where is None:
        return kind, []
    if kind == ScopeKind.DEPARTEMENT:
        return kind, _departement_rows(viewer, scope, where, period)
    if kind == ScopeKind.SITE:
        return kind, _site_rows(viewer, scope, where)
    return kind, _mediator_rows(where)


def _departement_rows(viewer: Viewer, scope: Scope, where: Q, period: Period) -> list[Row]:
    from tremplin.territory.selectors import coverage_by_departement

    people = None
    if counts_territory_only(viewer):
        rows = PeopleMonth.objects.filter(_starting(period), level=PeopleMonth.DEPARTEMENT)
        if not (viewer.is_platform_admin or viewer.is_national):
            rows = rows.filter(key__in=viewer.departement_ids)
        people = {row["key"]: row["n"] for row in rows.values("key").annotate(n=Sum("rows")).order_by()}
    territory = _territory_rows(viewer, scope, period)
    headline = DepartementMonth.objects.filter(territory) if territory is not None else None
    values = _grouped(where, "departement_id", people, headline)
    coverage = {row["id"]: row for row in coverage_by_departement(viewer)}
    departements = Departement.objects.filter(pk__in=set(values) | set(coverage))
    if scope.kind == ScopeKind.REGION:
        departements = departements.filter(region_id=scope.pk)
    rows = []
    for departement in departements.order_by("code"):
        cover = coverage.get(departement.pk, {})
        rows.append(
            Row(
                departement.pk,
                f"{departement.code} – {departement.name}",
                values.get(departement.pk, Figures()),
                Scope(ScopeKind.DEPARTEMENT, departement),
                {
                    "sites": cover.get("sites", 0),
                    "mediation": cover.get("mediation", 0),
                    "kiosks": cover.get("kiosks", 0),
                },
            )
        )
    return rows


def _site_rows(viewer: Viewer, scope: Scope, where: Q) -> list[Row]:
    values = _grouped(where, "site_id")
    site_ids = set(values)
    if scope.kind in (ScopeKind.DEPARTEMENT, ScopeKind.COMMUNE) and counts_territory_only(viewer):
        # Funders also see the sites with mediation where nothing was recorded: the gaps.
        field_name = "commune__departement_id" if scope.kind == ScopeKind.DEPARTEMENT else "commune_id"
        site_ids |= set(
            Site.objects.filter(**{field_name: scope.pk}, has_mediation=True).values_list("pk", flat=True)
        )
    elif scope.kind == ScopeKind.CONTRACT:
        site_ids |= set(scope.obj.contract_sites.values_list("site_id", flat=True))
    sites = Site.objects.filter(pk__in=site_ids).select_related("commune").order_by("name")
    return [
        Row(
            site.pk,
            site.name,
            values.get(site.pk, Figures()),
            Scope(ScopeKind.SITE, site),
            {"commune": site.commune.name, "kiosk": site.has_kiosk, "mediation": site.has_mediation},
        )
        for site in sites
    ]


def _mediator_rows(where: Q) -> list[Row]:
    from tremplin.staffing.models import MediatorProfile

    values = _grouped(where, "mediator_id")
    mediators = MediatorProfile.objects.filter(pk__in=[pk for pk in values if pk]).select_related("user")
    rows = [
        Row(mediator.pk, str(mediator), values[mediator.pk], Scope(ScopeKind.MEDIATOR, mediator))
        for mediator in mediators
    ]
    rows.sort(key=lambda row: (-row.figures.worked_us, row.label))
    return rows
