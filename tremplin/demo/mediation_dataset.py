"""The demo's mediation: what mediators did during their worked shifts, shaped like the field (PRODUCT.md §1).

Pure data and pure drawing, no database: `mediation_services.demo_mediation_load` hands the worked shifts
to `plan_interactions` and writes what it draws. Every draw is seeded by the shift (or, for a contract
with a reported total, by the contract), so the same shifts always give the same interactions.

What it imitates: the Pas-de-Calais association reported 2,364 individual accompaniments in its 1,184
hours, 48 % of the accompaniment time on digital assistance and 52 % on client information; postal
requests are most of the work, some people are oriented elsewhere, a few tensions in the queue are
defused, and a handful of regulars agreed to be followed.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tremplin.mediation.models import Beneficiary
from tremplin.mediation.vocabularies import DEFAULT_TIME_CATEGORY, TimeCategory

from . import staffing_dataset as staffing

#: The time share the field reported for digital assistance (the rest is client information).
DIGITAL_ASSISTANCE_SHARE = 0.48


@dataclass(frozen=True)
class ContractActivity:
    #: People accompanied per hour of shift, on average.
    people_per_hour: float
    #: The exact number of people accompanied a closed contract reported, or None.
    people_total: int | None = None


#: Keyed by contract reference. Busy offices in priority neighbourhoods, quieter rural ones.
ACTIVITY = {
    staffing.PAS_DE_CALAIS_2021.reference: ContractActivity(2.0, people_total=2_364),
    staffing.PAS_DE_CALAIS_RENEWAL.reference: ContractActivity(2.0),
    staffing.HAUTS_DE_SEINE.reference: ContractActivity(2.4),
    staffing.ALLIER.reference: ContractActivity(1.4),
}

# --- What an interaction is like, by kind --------------------------------------------------------

MACHINES = "machines_and_tools"
INFORMATION = "information_orientation"
CONFLICT = "conflict_prevention"
FORMS = "postal_forms"
INDIVIDUAL = "individual_accompaniment"

KIND_WEIGHTS = {INFORMATION: 38, MACHINES: 24, FORMS: 24, INDIVIDUAL: 10, CONFLICT: 4}

#: Minutes, drawn uniformly from these lists (repeats make a value likelier).
DURATIONS = {
    INFORMATION: (3, 4, 5, 5, 6, 6, 7, 8, 8, 10, 12),
    MACHINES: (5, 6, 7, 8, 8, 9, 10, 10, 12, 15),
    FORMS: (5, 6, 8, 8, 10, 10, 10, 12, 15, 20),
    INDIVIDUAL: (15, 20, 20, 25, 25, 30, 30, 35, 40, 45, 50),
    CONFLICT: (3, 5, 8, 10, 10, 12, 15),
}

#: Durations common to "machines" and "information": a record may switch between the two to bring the
#: contract's time share to the field's without looking odd.
SWITCHABLE_DURATIONS = range(5, 13)

DOMAINS = {
    MACHINES: {"mail_parcel": 50, "banking": 30, "mobile": 10, "digital_offers": 10},
    INFORMATION: {
        "mail_parcel": 30,
        "banking": 24,
        "mobile": 5,
        "digital_offers": 5,
        "state_procedures": 16,
        "taxes": 8,
        "other_procedures": 12,
    },
    CONFLICT: {"mail_parcel": 60, "banking": 40},
    FORMS: {"mail_parcel": 85, "banking": 15},
    INDIVIDUAL: {
        "digital_offers": 24,
        "banking": 18,
        "mobile": 8,
        "state_procedures": 28,
        "taxes": 10,
        "other_procedures": 12,
    },
}

#: The national themes that go with each domain (first ones likelier).
THEMES = {
    "mail_parcel": ("navigation_sur_internet", "aide_aux_demarches_administratives", "email"),
    "banking": ("banque_et_achats_en_ligne", "securite_numerique", "prendre_en_main_du_materiel"),
    "mobile": ("prendre_en_main_du_materiel", "maintenance_de_materiel", "reseaux_sociaux"),
    "digital_offers": ("email", "gere_ses_contenus_numeriques", "securite_numerique"),
    "taxes": ("argent_impots", "aide_aux_demarches_administratives"),
    "state_procedures": (
        "aide_aux_demarches_administratives",
        "papiers_elections_citoyennete",
        "social_sante",
        "travail_formation",
        "transports_mobilite",
        "famille_scolarite",
        "logement",
    ),
    "other_procedures": ("aide_aux_demarches_administratives", "sante", "social_sante", "logement"),
}
#: How many themes a record of this kind carries: (none, one, two, three) weights.
THEME_COUNTS = {
    MACHINES: (5, 80, 15, 0),
    INFORMATION: (10, 80, 10, 0),
    CONFLICT: (80, 20, 0, 0),
    FORMS: (45, 55, 0, 0),
    INDIVIDUAL: (0, 55, 35, 10),
}
#: A theme a kind often adds to the domain's: handling the machine, or the first hands-on diagnostic.
KIND_THEME = {MACHINES: "prendre_en_main_du_materiel", INDIVIDUAL: "diagnostic_numerique"}

EQUIPMENT = {
    MACHINES: {"automate": 60, "telephone": 25, "ilot_numerique": 15},
    INDIVIDUAL: {"telephone": 40, "tablette": 20, "ordinateur": 25, "ilot_numerique": 15},
    INFORMATION: {"": 45, "aucun": 50, "telephone": 5},
    FORMS: {"": 40, "aucun": 60},
    CONFLICT: {"": 100},
}

AUTONOMY = {
    MACHINES: {"autonome": 45, "partiellement_autonome": 35, "entierement_accompagne": 20},
    INDIVIDUAL: {"autonome": 15, "partiellement_autonome": 45, "entierement_accompagne": 40},
    INFORMATION: {"": 85, "autonome": 15},
    FORMS: {"": 70, "autonome": 20, "partiellement_autonome": 10},
    CONFLICT: {"": 100},
}

#: Share of each kind's records where the person was oriented elsewhere.
ORIENTED_SHARE = {MACHINES: 0.04, INFORMATION: 0.42, CONFLICT: 0.15, FORMS: 0.05, INDIVIDUAL: 0.15}
ORIENTATION_TARGETS = {
    MACHINES: {"guichet_la_poste": 100},
    CONFLICT: {"guichet_la_poste": 80, "autre": 20},
    FORMS: {"guichet_la_poste": 70, "operateur_ou_organisme_en_charge": 30},
    INFORMATION: {
        "guichet_la_poste": 30,
        "administration": 20,
        "operateur_ou_organisme_en_charge": 18,
        "aide_sociale": 12,
        "aide_aux_demarches_administratives": 10,
        "mediation_numerique": 6,
        "insertion_professionnelle": 4,
    },
    INDIVIDUAL: {
        "mediation_numerique": 40,
        "aide_aux_demarches_administratives": 25,
        "administration": 20,
        "insertion_professionnelle": 15,
    },
}
#: Partners a mediator names when orienting (none named for the others).
PARTNERS = {
    "administration": ("Centre des finances publiques", "Préfecture (ANTS)", "Mairie"),
    "operateur_ou_organisme_en_charge": ("CAF", "CPAM", "CARSAT", "MSA", "GRDF"),
    "aide_sociale": ("CCAS", "Maison départementale des solidarités"),
    "aide_aux_demarches_administratives": ("France Services", "Aidants Connect (lieu habilité)"),
    "mediation_numerique": ("Atelier numérique de la médiathèque", "Conseiller numérique de la mairie"),
    "insertion_professionnelle": ("France Travail", "Mission locale"),
    "guichet_la_poste": ("Guichet du bureau", "Conseiller bancaire La Banque Postale"),
}

POSTAL_FORMS = {
    "avis_de_passage": 25,
    "recommande": 25,
    "procuration": 12,
    "reexpedition": 12,
    "declaration_douane": 10,
    "reclamation": 8,
    "mandat": 5,
    "autre": 3,
}
CONFLICT_SEVERITY = {"low": 60, "medium": 30, "high": 10}
#: Share of tensions the mediator defused, by severity.
DEFUSED_SHARE = {"low": 0.97, "medium": 0.88, "high": 0.6}

#: A few records carry a note; never a name (notes are exported).
NOTES = (
    "Rendez-vous pris pour terminer la démarche la semaine prochaine.",
    "Documents manquants : revient avec son avis d'imposition.",
    "Mot de passe réinitialisé, noté sur papier par la personne.",
    "Orientée vers l'atelier « premiers pas sur tablette ».",
    "File d'attente longue ce matin, personne rassurée.",
)
NOTE_SHARE = 0.03
#: Share of records made by phone with a regular (the rest in the office).
REMOTE_SHARE = 0.01
#: Share of records helping two people at once (a couple, a parent and a grown-up child).
COUPLE_SHARE = 0.03

# --- Who was helped: anonymous people, partly described --------------------------------------------

AGE_KNOWN, GENDER_KNOWN, STATUS_KNOWN, COMMUNE_KNOWN, FIRST_TIME_KNOWN = 0.6, 0.7, 0.4, 0.3, 0.35
AGE_BRACKETS = {
    "moins_de_douze": 1,
    "douze_dix_huit": 3,
    "dix_huit_vingt_quatre": 8,
    "vingt_cinq_trente_neuf": 18,
    "quarante_cinquante_neuf": 23,
    "soixante_soixante_neuf": 22,
    "soixante_dix_plus": 25,
}
GENDERS = {"feminin": 56, "masculin": 44}
#: Social status by age: the young are at school, the older retired.
STATUSES = {
    "young": {"scolarise": 100},
    "working_age": {"en_emploi": 45, "sans_emploi": 50, "scolarise": 5},
    "old": {"retraite": 90, "sans_emploi": 5, "en_emploi": 5},
    "unknown": {"retraite": 45, "sans_emploi": 30, "en_emploi": 20, "scolarise": 5},
}
AGE_GROUP = {
    "moins_de_douze": "young",
    "douze_dix_huit": "young",
    "dix_huit_vingt_quatre": "working_age",
    "vingt_cinq_trente_neuf": "working_age",
    "quarante_cinquante_neuf": "working_age",
    "soixante_soixante_neuf": "old",
    "soixante_dix_plus": "old",
    "": "unknown",
}
FIRST_TIME_SHARE = 0.4

# --- A handful of regulars who agreed to be followed (made-up first names) --------------------------

STRUCTURE = Beneficiary.ConsentScope.STRUCTURE
MEDIATOR = Beneficiary.ConsentScope.MEDIATOR


@dataclass(frozen=True)
class DemoFollowed:
    display_name: str
    birth_year: int
    gender: str
    social_status: str
    #: The mediator who recorded them, and the office where they come.
    mediator: str
    site: str
    consent_scope: str
    visits: int
    phone: str = ""
    email: str = ""
    consent_reminders: bool = False


#: Phone numbers from the range ARCEP reserves for fiction; e-mail addresses on a reserved domain.
FOLLOWED = (
    DemoFollowed(
        "Ginette",
        1946,
        "feminin",
        "retraite",
        staffing.CAMILLE,
        staffing.NANTERRE_CENTRE,
        STRUCTURE,
        6,
        phone="06 39 98 00 14",
        consent_reminders=True,
    ),
    DemoFollowed(
        "Mamadou", 1961, "masculin", "sans_emploi", staffing.CAMILLE, staffing.NANTERRE_PICASSO, MEDIATOR, 4
    ),
    DemoFollowed(
        "Thi Lan", 1979, "feminin", "en_emploi", staffing.JULIE, staffing.NANTERRE_MUGUETS, STRUCTURE, 3
    ),
    DemoFollowed(
        "Fatima",
        1952,
        "feminin",
        "retraite",
        staffing.YACINE,
        staffing.GENNEVILLIERS_LE_LUTH,
        STRUCTURE,
        5,
        email="fatima.demo@exemple.test",
        consent_reminders=True,
    ),
    # The same Ginette, recorded again at Gennevilliers a year off: a duplicate for a coordinator to merge.
    DemoFollowed("Ginette", 1947, "feminin", "", staffing.YACINE, staffing.GENNEVILLIERS_CENTRE, MEDIATOR, 2),
    DemoFollowed("Jean-Claude", 1941, "masculin", "retraite", staffing.LEA, staffing.ASNIERES, MEDIATOR, 4),
    DemoFollowed(
        "Raymonde",
        1938,
        "feminin",
        "retraite",
        staffing.SANDRINE,
        staffing.SAINT_GERAND,
        STRUCTURE,
        7,
        phone="04 70 99 00 21",
        consent_reminders=True,
    ),
    DemoFollowed("Gérard", 1949, "masculin", "retraite", staffing.MATHIEU, staffing.NOYANT, MEDIATOR, 4),
    DemoFollowed("Simone", 1944, "feminin", "retraite", staffing.CHRISTELLE, staffing.MOLINET, STRUCTURE, 3),
    DemoFollowed("Bernadette", 1950, "feminin", "retraite", staffing.AMANDINE, staffing.LENS, STRUCTURE, 5),
    DemoFollowed("Stanislas", 1963, "masculin", "sans_emploi", staffing.KEVIN, staffing.LIEVIN, MEDIATOR, 3),
)
#: What a regular comes for.
FOLLOWED_KINDS = (INDIVIDUAL, MACHINES, INFORMATION)
#: Regulars come under the contracts in force: the closed contract's people are long past retention.
FOLLOWED_CONTRACTS = frozenset(
    {staffing.PAS_DE_CALAIS_RENEWAL.reference, staffing.HAUTS_DE_SEINE.reference, staffing.ALLIER.reference}
)

# --- Drawing ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkedShift:
    """What the drawing needs of one worked shift."""

    key: str
    contract: str
    mediator: str
    site: str
    site_has_kiosk: bool
    started_at: datetime
    ended_at: datetime

    @property
    def minutes(self) -> int:
        return int((self.ended_at - self.started_at).total_seconds() // 60)


@dataclass
class PlannedPerson:
    age_bracket: str = ""
    gender: str = ""
    social_status: str = ""
    #: Lives in the office's commune (the commune is recorded).
    lives_here: bool = False
    is_first_time: bool | None = None
    #: Index in FOLLOWED when the person is a followed regular.
    followed: int | None = None


@dataclass
class PlannedInteraction:
    shift: WorkedShift
    index: int
    kind: str
    duration_minutes: int
    people: list[PlannedPerson]
    started_at: datetime | None = None
    domain: str = ""
    themes: list[str] = field(default_factory=list)
    equipment: str = ""
    place: str = "bureau_de_poste"
    autonomy: str = ""
    oriented: bool = False
    orientation_target: str = ""
    orientation_partner: str = ""
    postal_form: str = ""
    conflict_severity: str = ""
    conflict_defused: bool | None = None
    notes: str = ""

    @property
    def time_category(self) -> str:
        return DEFAULT_TIME_CATEGORY[self.kind]


#: The population and cumulative weights of each table of weights (kept alive here, so ids stay theirs).
_CUMULATIVE: dict[int, tuple[dict, list, list]] = {}


def pick(rng: random.Random, weights: dict):
    """One key of `weights`, drawn by weight; the same draw as `rng.choices(keys, weights)`, without
    rebuilding the lists each time (the scale generator draws millions)."""
    cached = _CUMULATIVE.get(id(weights))
    if cached is None or cached[0] is not weights:
        cached = (weights, list(weights), list(itertools.accumulate(weights.values())))
        _CUMULATIVE[id(weights)] = cached
    return rng.choices(cached[1], cum_weights=cached[2])[0]


def plan_interactions(shifts: list[WorkedShift]) -> list[PlannedInteraction]:
    """Draw the interactions of these worked shifts: how many, which kinds, when, about what, for whom."""
    planned = []
    by_contract: dict[str, list[WorkedShift]] = {}
    for shift in sorted(shifts, key=lambda s: (s.started_at, s.key)):
        by_contract.setdefault(shift.contract, []).append(shift)
    for reference, contract_shifts in by_contract.items():
        activity = ACTIVITY[reference]
        counts = _people_per_shift(reference, contract_shifts, activity)
        drawn = []
        for shift in contract_shifts:
            drawn += _draw_shift(shift, counts[shift.key])
        _fit_time_share(drawn, random.Random(f"{reference}/share"))
        for shift_records in _group_by_shift(drawn):
            _place(shift_records)
            for record in shift_records:
                _describe(record)
        planned += drawn
    return planned


def _people_per_shift(
    reference: str, shifts: list[WorkedShift], activity: ContractActivity
) -> dict[str, int]:
    """People helped in each shift: about the contract's rate, busier and quieter days around it;
    exactly the reported total when the contract has one."""
    if activity.people_total is None:
        return {
            shift.key: round(
                shift.minutes / 60 * activity.people_per_hour * random.Random(shift.key).uniform(0.6, 1.4)
            )
            for shift in shifts
        }
    rng = random.Random(f"{reference}/people")
    weights = {shift.key: shift.minutes * rng.uniform(0.6, 1.4) for shift in shifts}
    total_weight = sum(weights.values())
    exact = {key: activity.people_total * weight / total_weight for key, weight in weights.items()}
    counts = {key: int(value) for key, value in exact.items()}
    missing = activity.people_total - sum(counts.values())
    for key in sorted(exact, key=lambda k: counts[k] - exact[k])[:missing]:
        counts[key] += 1
    return counts


def _draw_shift(shift: WorkedShift, people: int) -> list[PlannedInteraction]:
    rng = random.Random(f"{shift.key}/kinds")
    records = []
    while people > 0:
        size = 2 if people >= 2 and rng.random() < COUPLE_SHARE else 1
        kind = pick(rng, KIND_WEIGHTS)
        if size == 2 and kind == CONFLICT:
            kind = INFORMATION
        records.append(
            PlannedInteraction(
                shift=shift,
                index=len(records),
                kind=kind,
                duration_minutes=rng.choice(DURATIONS[kind]),
                people=[PlannedPerson() for _ in range(size)],
            )
        )
        people -= size
    return records


def _fit_time_share(records: list[PlannedInteraction], rng: random.Random) -> None:
    """Switch a few records between "machines" and "information" (same duration) until the contract's
    digital-assistance share is the field's, within a tenth of a point."""
    total = sum(r.duration_minutes for r in records)
    if not total:
        return
    digital = sum(r.duration_minutes for r in records if r.time_category == TimeCategory.DIGITAL_ASSISTANCE)
    for record in rng.sample(records, len(records)):
        gap = DIGITAL_ASSISTANCE_SHARE * total - digital
        if abs(gap) <= total / 1000:
            return
        if record.duration_minutes not in SWITCHABLE_DURATIONS or abs(gap) < record.duration_minutes / 2:
            continue
        if gap > 0 and record.kind == INFORMATION:
            record.kind, digital = MACHINES, digital + record.duration_minutes
        elif gap < 0 and record.kind == MACHINES:
            record.kind, digital = INFORMATION, digital - record.duration_minutes


def _group_by_shift(records: list[PlannedInteraction]) -> list[list[PlannedInteraction]]:
    groups: dict[str, list[PlannedInteraction]] = {}
    for record in records:
        groups.setdefault(record.shift.key, []).append(record)
    return list(groups.values())


def _place(records: list[PlannedInteraction]) -> None:
    """Lay the records one after the other inside their shift, with the free time spread between them."""
    shift = records[0].shift
    rng = random.Random(f"{shift.key}/times")
    room = shift.minutes - len(records)
    busy = sum(r.duration_minutes for r in records)
    if busy > room:
        for record in records:
            record.duration_minutes = max(2, record.duration_minutes * room // busy)
        busy = sum(r.duration_minutes for r in records)
    gaps = [rng.random() for _ in range(len(records) + 1)]
    free = shift.minutes - busy
    cursor = 0
    for record, gap in zip(records, gaps, strict=False):
        cursor += int(free * gap / sum(gaps))
        record.started_at = shift.started_at + timedelta(minutes=cursor)
        cursor += record.duration_minutes


def _describe(record: PlannedInteraction) -> None:
    rng = random.Random(f"{record.shift.key}/{record.index}")
    describe(record, rng, site_has_kiosk=record.shift.site_has_kiosk)


def describe(record: PlannedInteraction, rng: random.Random, *, site_has_kiosk: bool) -> None:
    """Draw what a record is about from its kind: domain, themes, equipment, outcome, orientation,
    form or tension, place, note, and its people's attributes (also used by the scale generator)."""
    kind = record.kind
    record.domain = pick(rng, DOMAINS[kind])
    how_many = rng.choices(range(4), weights=THEME_COUNTS[kind])[0]
    themes = []
    if how_many and kind in KIND_THEME and rng.random() < 0.35:
        themes.append(KIND_THEME[kind])
    pool = THEMES[record.domain]
    while len(themes) < how_many and len(themes) < len(pool):
        theme = rng.choices(pool, weights=range(len(pool) + 1, 1, -1))[0]
        if theme not in themes:
            themes.append(theme)
    record.themes = themes
    equipment = pick(rng, EQUIPMENT[kind])
    if equipment == "ilot_numerique" and not site_has_kiosk:
        equipment = "telephone"
    record.equipment = equipment
    record.autonomy = pick(rng, AUTONOMY[kind])
    if rng.random() < ORIENTED_SHARE[kind]:
        record.oriented = True
        record.orientation_target = pick(rng, ORIENTATION_TARGETS[kind])
        partners = PARTNERS.get(record.orientation_target)
        if partners and rng.random() < 0.6:
            record.orientation_partner = rng.choice(partners)
    if kind == FORMS:
        record.postal_form = pick(rng, POSTAL_FORMS)
    if kind == CONFLICT:
        record.conflict_severity = pick(rng, CONFLICT_SEVERITY)
        record.conflict_defused = rng.random() < DEFUSED_SHARE[record.conflict_severity]
    if kind != CONFLICT and rng.random() < REMOTE_SHARE:
        record.place = "a_distance"
    if rng.random() < NOTE_SHARE:
        record.notes = rng.choice(NOTES)
    for person in record.people:
        _describe_person(person, rng)


def _describe_person(person: PlannedPerson, rng: random.Random) -> None:
    if rng.random() < AGE_KNOWN:
        person.age_bracket = pick(rng, AGE_BRACKETS)
    if rng.random() < GENDER_KNOWN:
        person.gender = pick(rng, GENDERS)
    if rng.random() < STATUS_KNOWN:
        person.social_status = pick(rng, STATUSES[AGE_GROUP[person.age_bracket]])
    person.lives_here = rng.random() < COMMUNE_KNOWN
    if rng.random() < FIRST_TIME_KNOWN:
        person.is_first_time = rng.random() < FIRST_TIME_SHARE


def assign_followed(planned: list[PlannedInteraction], followed: dict[int, DemoFollowed]) -> dict[int, list]:
    """Give each regular their visits: single-person records of their mediator at their office, spread
    over the weeks, the first one flagged as their first accompaniment. Returns {index: records}."""
    visits = {}
    taken = set()
    for number, spec in followed.items():
        candidates = [
            record
            for record in planned
            if record.shift.contract in FOLLOWED_CONTRACTS
            and record.shift.mediator == spec.mediator
            and record.shift.site == spec.site
            and record.kind in FOLLOWED_KINDS
            and len(record.people) == 1
            and id(record) not in taken
        ]
        candidates.sort(key=lambda r: r.started_at)
        if len(candidates) < spec.visits:
            continue
        step = len(candidates) / spec.visits
        chosen = [candidates[int(step * n + step / 2)] for n in range(spec.visits)]
        for order, record in enumerate(chosen):
            taken.add(id(record))
            record.people = [PlannedPerson(followed=number, is_first_time=order == 0)]
        visits[number] = chosen
    return visits
