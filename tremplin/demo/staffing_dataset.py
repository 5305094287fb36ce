"""The demo's staffing: the three field examples of PRODUCT.md §1 as contracts, rotations and absences.

Pure data, no database: services.demo_staffing_load turns it into rows through the staffing services.
The current contracts run over a rolling year that began on the Monday thirteen weeks ago, and
the absences around today are given in weeks from this week's Monday, so the demo always looks current;
the Pas-de-Calais contract of 2021–2023 keeps its real dates.
"""

from dataclasses import dataclass
from datetime import date, time, timedelta

from tremplin.staffing.models import Absence, Contract, Weekday

from .dataset import ASSO_62, ASSO_92, CDPPT_03, EMAIL_DOMAIN, LA_POSTE, LA_POSTE_HDF, LA_POSTE_IDF

MON, TUE, WED, THU, FRI, SAT = (
    Weekday.MONDAY,
    Weekday.TUESDAY,
    Weekday.WEDNESDAY,
    Weekday.THURSDAY,
    Weekday.FRIDAY,
    Weekday.SATURDAY,
)


def _email(local: str) -> str:
    return f"{local}@{EMAIL_DOMAIN}"


@dataclass(frozen=True)
class DemoCertification:
    name: str
    issuer: str
    #: A fixed date, or how long before the day of the load.
    obtained: date | timedelta
    #: How long it stays valid, if it expires.
    valid_for: timedelta | None = None


@dataclass(frozen=True)
class DemoMediator:
    email: str
    operator: str
    languages: str = ""
    active_from: date | None = None
    certifications: tuple[DemoCertification, ...] = ()


@dataclass(frozen=True)
class DemoRotation:
    mediator: str
    #: La Poste identifier of the site (`identifiant_a`).
    site: str
    weekday: int
    starts_at: time
    ends_at: time
    #: Planned from next Monday only (a change the coordinator is preparing).
    from_next_week: bool = False


@dataclass(frozen=True)
class DemoAbsence:
    mediator: str
    reason: str
    #: Fixed dates (a closed contract), or None with `week` and the two weekdays.
    starts_on: date | None = None
    ends_on: date | None = None
    #: Weeks from this week's Monday: -3 is three weeks ago, 1 is next week.
    week: int = 0
    first_day: int = MON
    last_day: int = SAT
    #: Who covers the absent mediator's presences, by weekday; a weekday not listed stays uncovered.
    replacements: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class DemoShiftEvent:
    """Something that happened to one worked shift, found by its week, weekday, site and planned start."""

    week: int
    weekday: int
    site: str
    starts_at: time
    #: "corrected" by the coordinator with `reason`, or "forgotten_end" given later by the mediator.
    kind: str
    #: What the tablet recorded (None: as usual), then what the shift really was.
    recorded_start: time | None = None
    recorded_end: time | None = None
    real_start: time | None = None
    real_end: time | None = None
    reason: str = ""


@dataclass(frozen=True)
class DemoContract:
    operator: str
    client: str
    reference: str
    title: str
    status: str
    #: The coordinator who plans it (the actor of its journal entries).
    planner: str
    #: La Poste identifier → contracted minutes per week.
    sites: tuple[tuple[str, int], ...]
    rotations: tuple[DemoRotation, ...]
    #: Fixed dates, or None for the rolling current year.
    period: tuple[date, date] | None = None
    reporting_period: str = Contract.ReportingPeriod.MONTHLY
    #: Total contracted volume, or None for "the weekly hours over the period".
    contracted_minutes: int | None = None
    absences: tuple[DemoAbsence, ...] = ()
    shift_events: tuple[DemoShiftEvent, ...] = ()
    #: The exact total of worked minutes (the closed contract's reported hours), or None.
    worked_minutes: int | None = None


def _t(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


# --- Certifications ------------------------------------------------------------------------------

CCP = "Certificat de compétences professionnelles Médiateur numérique"


def _ccp(obtained) -> DemoCertification:
    """The digital-mediation unit of the professional title "Responsable d'espace de médiation numérique"."""
    return DemoCertification(CCP, "Ministère du Travail (titre professionnel REMN)", obtained)


def _la_poste_training(obtained) -> DemoCertification:
    """The certifying training of postal staff who mediate (PRODUCT.md §1, national example)."""
    return DemoCertification(
        "Formation certifiante Médiateur numérique en bureau de poste", "La Poste — formation", obtained
    )


def _pix(obtained) -> DemoCertification:
    return DemoCertification("Certification Pix", "Pix", obtained, valid_for=timedelta(days=3 * 365))


def _aidants_connect(obtained) -> DemoCertification:
    return DemoCertification(
        "Habilitation Aidants Connect", "Agence nationale de la cohésion des territoires", obtained
    )


def _conflicts(obtained) -> DemoCertification:
    return DemoCertification(
        "Prévention et gestion des situations conflictuelles", "Organisme de formation continue", obtained
    )


def _sst(obtained) -> DemoCertification:
    return DemoCertification(
        "Sauveteur secouriste du travail", "Organisme habilité INRS", obtained, valid_for=timedelta(days=730)
    )


def _months_ago(months: int) -> timedelta:
    return timedelta(days=round(months * 30.44))


# --- Mediators -----------------------------------------------------------------------------------

CAMILLE = _email("mediateur")
YACINE = _email("yacine.haddad")
LEA = _email("lea.fontaine")
MOUSSA = _email("moussa.diallo")
JULIE = _email("julie.nguyen")
AMANDINE = _email("amandine.delattre")
KEVIN = _email("kevin.wozniak")
SABRINA = _email("sabrina.mekki")
SANDRINE = _email("sandrine.aubert")
MATHIEU = _email("mathieu.pradel")
CHRISTELLE = _email("christelle.bonnet")

MEDIATORS = (
    # Hauts-de-Seine: the association's five mediators.
    DemoMediator(
        CAMILLE,
        ASSO_92,
        languages="anglais",
        active_from=date(2022, 9, 1),
        certifications=(
            _ccp(date(2022, 6, 24)),
            _pix(_months_ago(14)),
            _aidants_connect(_months_ago(8)),
        ),
    ),
    DemoMediator(
        YACINE,
        ASSO_92,
        languages="arabe, anglais",
        active_from=date(2021, 3, 1),
        certifications=(
            _ccp(date(2020, 11, 13)),
            _conflicts(date(2021, 4, 9)),
            _sst(_months_ago(9)),
        ),
    ),
    DemoMediator(
        LEA,
        ASSO_92,
        languages="espagnol",
        active_from=date(2021, 3, 1),
        certifications=(_ccp(date(2021, 1, 29)),),
    ),
    DemoMediator(
        MOUSSA,
        ASSO_92,
        languages="wolof, anglais",
        active_from=date(2023, 1, 9),
        certifications=(
            _ccp(date(2022, 12, 2)),
            _aidants_connect(_months_ago(20)),
        ),
    ),
    DemoMediator(
        JULIE,
        ASSO_92,
        languages="vietnamien, anglais",
        active_from=date(2024, 2, 5),
        certifications=(_pix(_months_ago(30)),),
    ),
    # Pas-de-Calais: the Bassin minier association's three mediators, since the 2021 contract.
    DemoMediator(
        AMANDINE,
        ASSO_62,
        active_from=date(2021, 5, 17),
        certifications=(
            _ccp(date(2021, 4, 16)),
            _conflicts(date(2021, 5, 21)),
        ),
    ),
    DemoMediator(
        KEVIN,
        ASSO_62,
        languages="polonais",
        active_from=date(2021, 5, 17),
        certifications=(_ccp(date(2021, 4, 16)),),
    ),
    DemoMediator(
        SABRINA,
        ASSO_62,
        languages="arabe, kabyle",
        active_from=date(2021, 5, 17),
        certifications=(
            _ccp(date(2020, 12, 11)),
            _sst(_months_ago(15)),
        ),
    ),
    # Allier: postal staff trained to mediate, 18 hours a week each in one office.
    DemoMediator(
        SANDRINE,
        LA_POSTE,
        active_from=date(2019, 9, 2),
        certifications=(_la_poste_training(date(2019, 6, 28)),),
    ),
    DemoMediator(
        MATHIEU,
        LA_POSTE,
        active_from=date(2019, 9, 2),
        certifications=(
            _la_poste_training(date(2019, 6, 28)),
            _aidants_connect(_months_ago(26)),
        ),
    ),
    DemoMediator(
        CHRISTELLE,
        LA_POSTE,
        languages="portugais",
        active_from=date(2022, 1, 3),
        certifications=(_la_poste_training(date(2021, 11, 19)),),
    ),
)

# --- Hauts-de-Seine: 5 mediators, 10 offices, Monday to Saturday by rotation --------------------------

ASNIERES = "92004B"  # Asnières 4 Routes
COLOMBES = "92025C"  # Colombes Aragon
GENNEVILLIERS_CENTRE = "92036A"
GENNEVILLIERS_LE_LUTH = "92036B"
GENNEVILLIERS_GRESILLONS = "92036C"
NANTERRE_CENTRE = "92050A"
NANTERRE_MUGUETS = "92050B"
NANTERRE_PICASSO = "92050C"
NANTERRE_ILE = "92050D"  # Chemin de l'Île
VILLENEUVE = "92078A"

AM_92 = (_t("9:00"), _t("12:30"))
PM_92 = (_t("14:00"), _t("17:30"))

#: Each weekday: (mediator, morning office, afternoon office or None). Saturdays are mornings only.
#: Camille (the demo mediator) works every day from Monday to Saturday, so the shift screen always
#: has a site to offer; the others have one day off. Each office is staffed four or five half-days a week.
HAUTS_DE_SEINE_WEEK = {
    MON: (
        (CAMILLE, NANTERRE_CENTRE, NANTERRE_PICASSO),
        (YACINE, GENNEVILLIERS_CENTRE, GENNEVILLIERS_LE_LUTH),
        (LEA, ASNIERES, COLOMBES),
        (MOUSSA, GENNEVILLIERS_GRESILLONS, VILLENEUVE),
        (JULIE, NANTERRE_MUGUETS, NANTERRE_ILE),
    ),
    TUE: (
        (CAMILLE, NANTERRE_MUGUETS, NANTERRE_ILE),
        (YACINE, GENNEVILLIERS_LE_LUTH, GENNEVILLIERS_GRESILLONS),
        (LEA, COLOMBES, ASNIERES),
        (MOUSSA, VILLENEUVE, GENNEVILLIERS_CENTRE),
    ),
    WED: (
        (CAMILLE, NANTERRE_PICASSO, None),
        (LEA, ASNIERES, VILLENEUVE),
        (MOUSSA, GENNEVILLIERS_CENTRE, GENNEVILLIERS_GRESILLONS),
        (JULIE, NANTERRE_CENTRE, NANTERRE_MUGUETS),
    ),
    THU: (
        (CAMILLE, NANTERRE_CENTRE, NANTERRE_MUGUETS),
        (YACINE, GENNEVILLIERS_GRESILLONS, GENNEVILLIERS_CENTRE),
        (MOUSSA, GENNEVILLIERS_LE_LUTH, VILLENEUVE),
        (JULIE, NANTERRE_ILE, NANTERRE_PICASSO),
    ),
    FRI: (
        (CAMILLE, NANTERRE_ILE, NANTERRE_PICASSO),
        (YACINE, GENNEVILLIERS_CENTRE, GENNEVILLIERS_LE_LUTH),
        (LEA, COLOMBES, ASNIERES),
        (JULIE, NANTERRE_MUGUETS, NANTERRE_CENTRE),
    ),
    SAT: (
        (CAMILLE, NANTERRE_CENTRE, None),
        (YACINE, GENNEVILLIERS_LE_LUTH, None),
        (LEA, COLOMBES, None),
        (MOUSSA, VILLENEUVE, None),
        (JULIE, NANTERRE_PICASSO, None),
    ),
}


def _hauts_de_seine_rotations() -> tuple[DemoRotation, ...]:
    rotations = []
    for weekday, day in HAUTS_DE_SEINE_WEEK.items():
        for mediator, morning, afternoon in day:
            rotations.append(DemoRotation(mediator, morning, weekday, *AM_92))
            if afternoon:
                rotations.append(DemoRotation(mediator, afternoon, weekday, *PM_92))
    return tuple(rotations)


#: The conflict left in the plan on purpose, for the coordinator to see and fix: from next week,
#: Moussa is also planned at Le Luth on Wednesday late morning while he is at Gennevilliers Centre,
#: and Le Luth then goes over its contracted weekly hours.
DELIBERATE_CONFLICT = DemoRotation(
    MOUSSA, GENNEVILLIERS_LE_LUTH, WED, _t("11:00"), _t("13:00"), from_next_week=True
)


def _weekly_minutes(rotations, site: str) -> int:
    return sum(
        (r.ends_at.hour * 60 + r.ends_at.minute) - (r.starts_at.hour * 60 + r.starts_at.minute)
        for r in rotations
        if r.site == site and not r.from_next_week
    )


_HDS_ROTATIONS = _hauts_de_seine_rotations()

HAUTS_DE_SEINE = DemoContract(
    operator=ASSO_92,
    client=LA_POSTE_IDF,
    reference="LN92-LPIDF-01",
    title="Médiation sociale et numérique dans dix bureaux de poste des Hauts-de-Seine",
    status=Contract.Status.ACTIVE,
    planner=_email("coordinateur"),
    sites=tuple(
        (site, _weekly_minutes(_HDS_ROTATIONS, site))
        for site in (
            ASNIERES,
            COLOMBES,
            GENNEVILLIERS_CENTRE,
            GENNEVILLIERS_LE_LUTH,
            GENNEVILLIERS_GRESILLONS,
            NANTERRE_CENTRE,
            NANTERRE_MUGUETS,
            NANTERRE_PICASSO,
            NANTERRE_ILE,
            VILLENEUVE,
        )
    ),
    rotations=(*_HDS_ROTATIONS, DELIBERATE_CONFLICT),
    absences=(
        # Three weeks ago Yacine was ill; Julie (off on Tuesdays) and Léa (off on Thursdays) covered.
        DemoAbsence(
            YACINE,
            Absence.Reason.SICKNESS,
            week=-3,
            first_day=TUE,
            last_day=THU,
            replacements=((TUE, JULIE), (THU, LEA)),
        ),
        # Next week Julie is in training; Yacine (off on Wednesdays) and Léa (off on Thursdays) cover.
        DemoAbsence(
            JULIE,
            Absence.Reason.TRAINING,
            week=1,
            first_day=WED,
            last_day=THU,
            replacements=((WED, YACINE), (THU, LEA)),
        ),
        # In two weeks Léa takes her Saturday off: Colombes Aragon has nobody that morning (uncovered).
        DemoAbsence(LEA, Absence.Reason.LEAVE, week=2, first_day=SAT, last_day=SAT),
    ),
    shift_events=(
        DemoShiftEvent(
            week=-2,
            weekday=TUE,
            site=COLOMBES,
            starts_at=AM_92[0],
            kind="corrected",
            recorded_start=_t("9:48"),
            real_start=_t("9:02"),
            reason="Début saisi en retard : arrivée à 9 h 02, confirmée par le bureau de poste.",
        ),
        DemoShiftEvent(
            week=-1,
            weekday=THU,
            site=VILLENEUVE,
            starts_at=PM_92[0],
            kind="forgotten_end",
            real_end=_t("17:34"),
        ),
    ),
)

# --- Allier: La Poste's own mediation, 18 hours a week in each of three offices ------------------------
# La Poste's direction provides its own trained staff; the client is the CDPPT de l'Allier, which decided
# the programme in 2019 and funds it from the postal presence fund, and to which the hours are reported
# each quarter (so the Allier funder reads the contract as its client).

SAINT_GERAND = "03235A"  # Saint-Gérand-le-Puy
NOYANT = "03202A"  # Noyant-d'Allier
MOLINET = "03173A"

AM_03 = (_t("9:00"), _t("12:00"))
PM_03 = (_t("14:00"), _t("17:00"))
#: Each office: one mediator, three days a week, 9:00–12:00 and 14:00–17:00 (18 hours).
ALLIER_DAYS = (
    (SANDRINE, SAINT_GERAND, (MON, WED, FRI)),
    (MATHIEU, NOYANT, (TUE, WED, THU)),
    (CHRISTELLE, MOLINET, (MON, TUE, THU)),
)

ALLIER = DemoContract(
    operator=LA_POSTE,
    client=CDPPT_03,
    reference="LP03-CDPPT-01",
    title="Médiation numérique et îlots numériques dans trois bureaux de poste de l'Allier",
    status=Contract.Status.ACTIVE,
    planner=_email("olivier.chabrol"),
    sites=tuple((site, 18 * 60) for _mediator, site, _days in ALLIER_DAYS),
    rotations=tuple(
        DemoRotation(mediator, site, weekday, *hours)
        for mediator, site, days in ALLIER_DAYS
        for weekday in days
        for hours in (AM_03, PM_03)
    ),
    reporting_period=Contract.ReportingPeriod.QUARTERLY,
    absences=(
        # Six weeks ago Christelle was in training; Sandrine, free on Tuesdays and Thursdays, went to Molinet.
        DemoAbsence(
            CHRISTELLE,
            Absence.Reason.TRAINING,
            week=-6,
            first_day=TUE,
            last_day=THU,
            replacements=((TUE, SANDRINE), (THU, SANDRINE)),
        ),
        # In two weeks Sandrine is on leave; Mathieu and Christelle share her days at Saint-Gérand-le-Puy.
        DemoAbsence(
            SANDRINE,
            Absence.Reason.LEAVE,
            week=2,
            first_day=MON,
            last_day=FRI,
            replacements=((MON, MATHIEU), (WED, CHRISTELLE), (FRI, MATHIEU)),
        ),
    ),
    shift_events=(
        DemoShiftEvent(
            week=-4,
            weekday=THU,
            site=NOYANT,
            starts_at=PM_03[0],
            kind="corrected",
            recorded_end=_t("15:12"),
            real_end=_t("17:00"),
            reason=(
                "Fin saisie par erreur à 15 h 12 : l'atelier « Mes démarches en ligne » a duré jusqu'à 17 h."
            ),
        ),
    ),
)

# --- Pas-de-Calais: the association's contract of 2021–2023, then its renewal ---------------------------

LENS = "62498A"
LIEVIN = "62510A"
HENIN_BEAUMONT = "62427A"

#: "Always the same mediator": each one in their office, two mornings or afternoons of 2 h 30 a week.
PAS_DE_CALAIS_ROTATIONS = (
    DemoRotation(AMANDINE, LENS, TUE, _t("9:00"), _t("11:30")),
    DemoRotation(AMANDINE, LENS, FRI, _t("14:00"), _t("16:30")),
    DemoRotation(KEVIN, LIEVIN, TUE, _t("14:00"), _t("16:30")),
    DemoRotation(KEVIN, LIEVIN, THU, _t("9:00"), _t("11:30")),
    DemoRotation(SABRINA, HENIN_BEAUMONT, WED, _t("9:00"), _t("11:30")),
    DemoRotation(SABRINA, HENIN_BEAUMONT, FRI, _t("9:00"), _t("11:30")),
)
PAS_DE_CALAIS_SITES = ((LENS, 5 * 60), (LIEVIN, 5 * 60), (HENIN_BEAUMONT, 5 * 60))
PAS_DE_CALAIS_PLANNER = _email("didier.lefebvre")


def _leave(mediator: str, starts_on: date, ends_on: date, replacements=()) -> DemoAbsence:
    return DemoAbsence(
        mediator, Absence.Reason.LEAVE, starts_on=starts_on, ends_on=ends_on, replacements=replacements
    )


PAS_DE_CALAIS_2021 = DemoContract(
    operator=ASSO_62,
    client=LA_POSTE_HDF,
    reference="RNBM-LP62-2021",
    title="Médiation sociale et numérique à Lens, Liévin et Hénin-Beaumont (juin 2021 – février 2023)",
    status=Contract.Status.CLOSED,
    planner=PAS_DE_CALAIS_PLANNER,
    period=(date(2021, 6, 1), date(2023, 2, 28)),
    sites=PAS_DE_CALAIS_SITES,
    rotations=PAS_DE_CALAIS_ROTATIONS,
    contracted_minutes=1_200 * 60,
    absences=(
        _leave(AMANDINE, date(2021, 8, 2), date(2021, 8, 13), ((TUE, KEVIN), (FRI, KEVIN))),
        *(_leave(m, date(2021, 12, 20), date(2021, 12, 31)) for m in (AMANDINE, KEVIN, SABRINA)),
        _leave(KEVIN, date(2022, 7, 18), date(2022, 8, 5), ((TUE, SABRINA), (THU, SABRINA))),
        _leave(SABRINA, date(2022, 8, 8), date(2022, 8, 26)),
        _leave(AMANDINE, date(2022, 8, 8), date(2022, 8, 19), ((TUE, KEVIN),)),
        *(_leave(m, date(2022, 12, 19), date(2022, 12, 30)) for m in (AMANDINE, KEVIN, SABRINA)),
    ),
    #: What the association reported to La Poste at the end of the contract.
    worked_minutes=1_184 * 60,
)

PAS_DE_CALAIS_RENEWAL = DemoContract(
    operator=ASSO_62,
    client=LA_POSTE_HDF,
    reference="RNBM-LP62-R1",
    title="Médiation sociale et numérique à Lens, Liévin et Hénin-Beaumont (renouvellement)",
    status=Contract.Status.ACTIVE,
    planner=PAS_DE_CALAIS_PLANNER,
    sites=PAS_DE_CALAIS_SITES,
    rotations=PAS_DE_CALAIS_ROTATIONS,
    absences=(
        # Five weeks ago Amandine was ill on Friday; Sabrina, at Hénin-Beaumont that morning, did Lens.
        DemoAbsence(
            AMANDINE,
            Absence.Reason.SICKNESS,
            week=-5,
            first_day=FRI,
            last_day=FRI,
            replacements=((FRI, SABRINA),),
        ),
    ),
)

CONTRACTS = (PAS_DE_CALAIS_2021, PAS_DE_CALAIS_RENEWAL, HAUTS_DE_SEINE, ALLIER)
