"""Step 3, mediation: the interactions recorded in each shift, the people helped, the followed ones.

What a shift holds is drawn as the demo draws it (`tremplin.demo.mediation_dataset`: the same kinds,
durations, domains, themes, equipment, outcomes, orientations and people), at a rate calibrated so
that the nation adds up to the interactions wanted, busier in priority neighbourhoods, quieter in the
countryside, in August and in a programme's first weeks. Records follow one another inside the shift,
at its site, by its mediator. Some shifts hold a workshop: one group interaction with its
participants, written as closing its session writes it (step 5 writes the session): the workshop's
themes, a note naming it, a client UUID derived from the session's id, the followed by their card, the
anonymous who booked with no attribute, the others by age bracket, gender and status only. Each
contract's time share comes out near the field's 48 % of digital assistance.

People are anonymous, except those who agreed to be followed: each is created at a first visit (with
the consent collected then, by that mediator), comes back a few times to the same office — to the same
mediator when only that mediator follows them — at most once a day, and carries the first-time flag
on that first visit only, as the recording service recomputes it. The followed who withdrew their
consent, or were not seen for the retention period, are anonymised as `beneficiary_anonymise` does.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings

from tremplin.demo import mediation_dataset as demo
from tremplin.mediation.models import Accompaniment, Beneficiary, Interaction, InteractionTheme
from tremplin.mediation.services import normalise_name
from tremplin.mediation.vocabularies import DEFAULT_TIME_CATEGORY, TimeCategory, age_bracket_for
from tremplin.workshops.models import Session
from tremplin.workshops.services.sessions import INTERACTION_NAMESPACE

from . import names
from .context import Context, local_day, random_uuid
from .staffing import ShiftPlan, Staffing
from .territory import Territory

MACHINES, INFORMATION, CONFLICT, FORMS, INDIVIDUAL = (
    demo.MACHINES,
    demo.INFORMATION,
    demo.CONFLICT,
    demo.FORMS,
    demo.INDIVIDUAL,
)
DIGITAL = TimeCategory.DIGITAL_ASSISTANCE

#: People helped per hour of shift: bounds of the calibrated rate (the field reported two).
RATE_BOUNDS = (1.0, 3.2)
#: Shifts actually worked among the planned presences (absences, misses), and the mean effect of a
#: programme's quieter first weeks: what the rate is calibrated with, with the seasons below.
WORKED_SHARE = 0.92
RAMP_MEAN = 0.98
#: Activity by month, January first: the back-to-school and tax-return peaks, the summer lull.
SEASON = (1.08, 1.05, 1.05, 1.0, 0.97, 0.98, 0.85, 0.7, 1.1, 1.1, 1.08, 0.95)
#: A programme's first weeks are quieter, while the offices' users learn the mediator is there.
RAMP_WEEKS = 12
#: Shares of records soft-deleted by their mediator (a mistake taken back), of the followed who
#: later withdraw their consent.
DELETED_SHARE = 0.002
WITHDRAWN_SHARE = 0.005
#: How likely a person of each kind of record is to be followed (relative).
FOLLOWED_BY_KIND = {INDIVIDUAL: 2.8, MACHINES: 1.3, INFORMATION: 0.65, FORMS: 0.55, CONFLICT: 0.0}
#: Later visits of a followed person (after the first), and how often each number happens.
RETURNS = {0: 30, 1: 25, 2: 15, 3: 10, 4: 6, 5: 4, 6: 3, 8: 3, 12: 2, 20: 2}
#: A followed person not seen for this long stops coming (their row is written then).
GONE_AFTER = timedelta(days=240)
STRUCTURE = Beneficiary.ConsentScope.STRUCTURE
MEDIATOR_SCOPE = Beneficiary.ConsentScope.MEDIATOR
AGE_RANGES = {
    "moins_de_douze": (8, 11),
    "douze_dix_huit": (12, 17),
    "dix_huit_vingt_quatre": (18, 24),
    "vingt_cinq_trente_neuf": (25, 39),
    "quarante_cinquante_neuf": (40, 59),
    "soixante_soixante_neuf": (60, 69),
    "soixante_dix_plus": (70, 92),
}

# --- Workshops: one group interaction each --------------------------------------------------------

#: (themes, domain, title) of the initiation workshops of the national programme. A workshop's themes
#: are its catalogue entry's: the group interaction of each session carries them all.
WORKSHOP_TOPICS = (
    (("email", "prendre_en_main_du_materiel"), "digital_offers", "Créer et utiliser son adresse e-mail"),
    (
        ("aide_aux_demarches_administratives",),
        "state_procedures",
        "Faire ses démarches administratives en ligne",
    ),
    (("banque_et_achats_en_ligne",), "banking", "Acheter et vendre en ligne"),
    (("banque_et_achats_en_ligne", "securite_numerique"), "banking", "La banque en ligne sans crainte"),
    (("sante", "prendre_en_main_du_materiel"), "other_procedures", "Téléconsultation et espace santé"),
    (("securite_numerique",), "digital_offers", "Se protéger des arnaques en ligne"),
    (("prendre_en_main_du_materiel",), "mobile", "Premiers pas sur smartphone et tablette"),
    (("argent_impots", "aide_aux_demarches_administratives"), "taxes", "Déclarer ses impôts en ligne"),
    (("navigation_sur_internet",), "other_procedures", "Naviguer sur internet"),
)
WORKSHOP_AUTONOMY = {"partiellement_autonome": 50, "entierement_accompagne": 30, "autonome": 20}
WORKSHOP_LEVELS = {"debutant": 60, "intermediaire": 30, "avance": 10}
WORKSHOP_MINUTES = (90, 90, 120, 120, 120)
WORKSHOP_SEATS = (3, 4, 5, 5, 6, 6, 7, 8, 8, 10)
WORKSHOP_FOLLOWED_SHARE = 0.25
#: Share of a workshop's anonymous participants who booked (online, or by a mediator with their first
#: name and phone): closing the session records them with no attribute, as `participants_of` does.
WORKSHOP_REGISTERED_SHARE = 0.45


@dataclass(eq=False, slots=True)
class Followed:
    """A followed person while they still come; written once they stop."""

    id: int
    operator_id: int
    recorded_by: int
    consent_by: int
    site_id: int
    scope: str
    display_name: str
    birth_year: int | None
    gender: str
    social_status: str
    commune_id: int | None
    phone: str
    email: str
    reminders: bool
    first_seen: datetime
    last_seen: datetime
    last_day: date
    visits_left: int


@dataclass(eq=False, slots=True)
class Record:
    """An interaction as the later steps need it (the queue, the workshops)."""

    id: int
    shift: ShiftPlan
    started_at: datetime
    duration_minutes: int
    kind: str
    domain: str
    people: int
    place: str
    deleted: bool
    tension: bool
    workshop: dict | None = None
    followed: list[int] = field(default_factory=list)
    #: A workshop's: the session's id (allocated with the record, whose client UUID derives from it),
    #: when each followed person was first seen, how many anonymous participants had booked, and the
    #: (age bracket, gender, status) of the others, counted without registration.
    session_id: int | None = None
    followed_since: list[datetime] = field(default_factory=list)
    registrants: int = 0
    extras: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def ended_at(self) -> datetime:
        return self.started_at + timedelta(minutes=self.duration_minutes)


@dataclass(slots=True)
class _Draft:
    kind: str
    duration: int
    size: int
    workshop: dict | None = None
    offset: int = 0  # seconds after the shift's start


class Mediation:
    def __init__(self, context: Context, staffing: Staffing, territory: Territory):
        self.context = context
        self.sink = context.sink
        self.rng = context.rng("mediation")
        self.people_rng = context.rng("people")
        self.workshop_rng = context.rng("workshop-people")
        sizes = context.sizes
        workshop_hours = sizes.workshop_sessions * 1.75
        available = max(1.0, staffing.expected_hours * WORKED_SHARE - workshop_hours)
        available *= RAMP_MEAN * sum(SEASON) / len(SEASON)
        people = sizes.interactions * (1 + demo.COUPLE_SHARE)
        self.rate = min(max(people / available, RATE_BOUNDS[0]), RATE_BOUNDS[1])
        self.workshop_share = min(
            1.0, sizes.workshop_sessions / max(1, staffing.expected_shifts * WORKED_SHARE)
        )
        expected_people = sizes.interactions * 1.03 + sizes.workshop_sessions * 6
        self.expected_people = expected_people
        self.return_share = min(0.6, 2 * sizes.beneficiaries / expected_people)
        # A new person is drawn only when nobody came back.
        self.new_share = sizes.beneficiaries / expected_people / (1 - self.return_share)
        average = sum(FOLLOWED_BY_KIND[k] * w for k, w in demo.KIND_WEIGHTS.items()) / sum(
            demo.KIND_WEIGHTS.values()
        )
        self.followed_by_kind = {k: v / average for k, v in FOLLOWED_BY_KIND.items()}
        self.communes = territory.communes_by_departement
        self.retention = timedelta(days=settings.TREMPLIN_BENEFICIARY_RETENTION_DAYS)
        self.shares: dict[int, list[int]] = {}  # contract id -> [digital minutes, all minutes]
        self.structure_pools: dict[int, list[Followed]] = {}
        self.mediator_pools: dict[tuple[int, int], list[Followed]] = {}
        self.created = 0
        self.anonymised: list[int] = []
        self.interactions = self.accompaniments = self.themes = self.deleted = self.workshops = 0
        self._last_sweep: date | None = None

    # --- One shift ---------------------------------------------------------------------------------

    def fill(self, shift: ShiftPlan, day: date) -> list[Record]:
        rng = self.rng
        site = shift.site
        minutes = shift.minutes
        drafts: list[_Draft] = []
        if minutes >= 150 and rng.random() < self.workshop_share:
            length = min(rng.choice(WORKSHOP_MINUTES), minutes - 30)
            themes, domain, title = rng.choice(WORKSHOP_TOPICS)
            level = demo.pick(rng, WORKSHOP_LEVELS)
            drafts.append(
                _Draft(
                    INDIVIDUAL,
                    length,
                    rng.choice(WORKSHOP_SEATS),
                    {"themes": themes, "domain": domain, "title": title, "level": level},
                )
            )
        free_minutes = minutes - sum(d.duration for d in drafts)
        weeks_in = (day - shift.contract.programme.starts_on).days / 7
        ramp = 0.6 + 0.4 * min(1.0, weeks_in / RAMP_WEEKS)
        expected = self.rate * site.busyness * SEASON[day.month - 1] * ramp * free_minutes / 60
        people = round(expected * rng.uniform(0.6, 1.4))
        while people > 0:
            size = 2 if people >= 2 and rng.random() < demo.COUPLE_SHARE else 1
            kind = demo.pick(rng, demo.KIND_WEIGHTS)
            if size == 2 and kind == CONFLICT:
                kind = INFORMATION
            drafts.append(_Draft(kind, rng.choice(demo.DURATIONS[kind]), size))
            people -= size
        if len(drafts) > 1:
            rng.shuffle(drafts)
        self._fit_share(shift, drafts)
        self._place(shift, drafts, rng)
        return [self._write(shift, day, draft) for draft in drafts]

    def _fit_share(self, shift: ShiftPlan, drafts: list[_Draft]) -> None:
        """Switch a record between "machines" and "information" (same duration, both plausible) when
        the contract's digital-assistance time drifts from its share."""
        contract = shift.contract
        digital, total = self.shares.setdefault(contract.id, [0, 0])
        target = contract.digital_share
        for draft in drafts:
            if draft.workshop is None and draft.duration in demo.SWITCHABLE_DURATIONS:
                gap = target * (total + draft.duration) - digital
                if draft.kind == INFORMATION and gap > draft.duration / 2:
                    draft.kind = MACHINES
                elif draft.kind == MACHINES and gap < -draft.duration / 2:
                    draft.kind = INFORMATION
            total += draft.duration
            if DEFAULT_TIME_CATEGORY[draft.kind] == DIGITAL:
                digital += draft.duration
        self.shares[contract.id] = [digital, total]

    def _place(self, shift: ShiftPlan, drafts: list[_Draft], rng: random.Random) -> None:
        """One after the other inside the shift, the free time spread between them (as the demo does)."""
        seconds = int((shift.ended_at - shift.started_at).total_seconds())
        room = seconds // 60 - len(drafts)
        busy = sum(d.duration for d in drafts)
        if busy > room:
            for draft in drafts:
                if draft.workshop is None:
                    draft.duration = max(2, draft.duration * room // busy)
            busy = sum(d.duration for d in drafts)
        free = max(0, seconds - busy * 60)
        gaps = [rng.random() for _ in range(len(drafts) + 1)]
        spread = sum(gaps)
        cursor = 0
        for draft, gap in zip(drafts, gaps, strict=False):
            cursor += int(free * gap / spread)
            draft.offset = cursor
            cursor += draft.duration * 60

    # --- Writing ---------------------------------------------------------------------------------

    def _write(self, shift: ShiftPlan, day: date, draft: _Draft) -> Record:
        rng = self.rng
        sink = self.sink
        table = sink[Interaction]
        started_at = shift.started_at + timedelta(seconds=draft.offset)
        ended_at = started_at + timedelta(minutes=draft.duration)
        kind = draft.kind
        values = _describe(draft, shift, rng)
        themes = values.pop("themes")
        people = self._people(shift, day, draft, started_at, values)
        followed = [person[0] for person in people if person[0] is not None]
        client_uuid = random_uuid(rng)
        session_id = None
        registrants = 0
        extras = []
        if draft.workshop is not None:
            session_id = sink[Session].allocate()
            client_uuid = uuid.uuid5(INTERACTION_NAMESPACE, f"workshop-session-{session_id}")
            people, registrants, extras = self._as_closed(people)
        deleted_at = None
        if not followed and draft.workshop is None and rng.random() < DELETED_SHARE:
            deleted_at = min(ended_at + timedelta(minutes=rng.randint(1, 4000)), self.context.end)
            self.deleted += 1
        record = Record(
            id=table.allocate(),
            shift=shift,
            started_at=started_at,
            duration_minutes=draft.duration,
            kind=kind,
            domain=values["domain"],
            people=len(people),
            place=values["place"],
            deleted=deleted_at is not None,
            tension=kind == CONFLICT,
            workshop=draft.workshop,
            followed=followed,
            session_id=session_id,
            followed_since=[person[6] for person in people if person[0] is not None],
            registrants=registrants,
            extras=extras,
        )
        sink.add(
            table,
            table.Row(
                id=record.id,
                created_at=ended_at,
                updated_at=deleted_at or ended_at,
                client_uuid=client_uuid,
                operator_id=shift.contract.programme.provider.id,
                mediator_id=shift.mediator.id,
                site_id=shift.site.id,
                shift_id=shift.id,
                started_at=started_at,
                duration_minutes=draft.duration,
                kind=kind,
                time_category=DEFAULT_TIME_CATEGORY[kind],
                deleted_at=deleted_at,
                **values,
            ),
        )
        table = sink[InteractionTheme]
        for theme in themes:
            sink.add(table, table.Row(id=table.allocate(), interaction_id=record.id, theme=theme))
            self.themes += 1
        accompaniments = sink[Accompaniment]
        for beneficiary_id, age, gender, status, commune_id, first_time, _since in people:
            sink.add(
                accompaniments,
                accompaniments.Row(
                    id=accompaniments.allocate(),
                    interaction_id=record.id,
                    beneficiary_id=beneficiary_id,
                    age_bracket=age,
                    gender=gender,
                    social_status=status,
                    commune_id=commune_id,
                    is_first_time=first_time,
                ),
            )
        self.interactions += 1
        self.accompaniments += len(people)
        if draft.workshop is not None:
            self.workshops += 1
        return record

    def _as_closed(self, people: list) -> tuple[list, int, list[tuple[str, str, str]]]:
        """A workshop's people as closing its session records them (`participants_of`): the followed by
        their card; an anonymous person who booked, with no attribute; the others counted by age
        bracket, gender and status, with no commune nor first-time flag."""
        rng = self.workshop_rng
        closed, registrants, extras = [], 0, []
        for person in people:
            if person[0] is not None:
                closed.append(person)
                continue
            if rng.random() < WORKSHOP_REGISTERED_SHARE:
                registrants += 1
                closed.append((None, "", "", "", None, None, None))
            else:
                extras.append(person[1:4])
                closed.append((None, *person[1:4], None, None, None))
        # The followed first, then the people booked, then the counts: the order of `participants_of`.
        closed.sort(
            key=lambda person: 0 if person[0] is not None else (1 if person[1:4] == ("", "", "") else 2)
        )
        return closed, registrants, extras

    def _people(self, shift: ShiftPlan, day: date, draft: _Draft, started_at: datetime, values: dict) -> list:
        """(beneficiary id, age bracket, gender, status, commune id, first time, first seen) of each
        person helped (first seen: a followed person's first visit)."""
        rng = self.people_rng
        year = local_day(started_at).year
        weight = 1.2 if draft.workshop is not None else self.followed_by_kind[draft.kind]
        people = []
        taken: set[int] = set()
        for _ in range(draft.size):
            person = None
            if weight:
                if rng.random() < self.return_share * weight:
                    person = self._returning(shift, day, started_at, taken)
                if (
                    person is None
                    and self.created < self.context.sizes.beneficiaries
                    and rng.random() < self.new_share * weight * self._pace()
                ):
                    person = self._new_followed(shift, day, started_at)
            if person is not None:
                taken.add(person.id)
                first_time = person.first_seen == started_at
                people.append(
                    (
                        person.id,
                        age_bracket_for(person.birth_year, year),
                        person.gender,
                        person.social_status,
                        person.commune_id,
                        first_time,
                        person.first_seen,
                    )
                )
            else:
                people.append(_anonymous(rng, shift))
        return people

    def _pace(self) -> float:
        """More new followed people when behind the pace that ends at the number wanted, fewer when
        ahead: the count comes out right without stopping short at the end."""
        wanted = self.context.sizes.beneficiaries * (self.accompaniments + 1) / self.expected_people
        return min(3.0, max(0.2, 1 + 3 * (1 - self.created / wanted)))

    def _returning(
        self, shift: ShiftPlan, day: date, started_at: datetime, taken: set[int]
    ) -> Followed | None:
        rng = self.people_rng
        own = self.mediator_pools.get((shift.site.id, shift.mediator.id))
        pool = own if own and rng.random() < 0.5 else self.structure_pools.get(shift.site.id)
        if not pool:
            return None
        for _attempt in range(2):
            person = pool[rng.randrange(len(pool))]
            if person.last_day < day and person.id not in taken and person.visits_left > 0:
                person.visits_left -= 1
                person.last_seen = started_at
                person.last_day = day
                if person.visits_left == 0:
                    pool.remove(person)
                    self._write_followed(person)
                return person
        return None

    def _new_followed(self, shift: ShiftPlan, day: date, started_at: datetime) -> Followed:
        rng = self.people_rng
        table = self.sink[Beneficiary]
        gender = rng.choices(("feminin", "masculin", ""), weights=(53, 42, 5))[0]
        bracket = demo.pick(rng, demo.AGE_BRACKETS)
        low, high = AGE_RANGES[bracket]
        birth_year = started_at.year - rng.randint(low, high) if rng.random() < 0.88 else None
        status = demo.pick(rng, demo.STATUSES[demo.AGE_GROUP[bracket]]) if rng.random() < 0.8 else ""
        communes = self.communes.get(shift.site.commune.departement_id) or [shift.site.commune]
        draw = rng.random()
        commune_id = (
            shift.site.commune.id if draw < 0.65 else (rng.choice(communes).id if draw < 0.9 else None)
        )
        reminders = rng.random() < 0.3
        phone = email = ""
        first = names.first_name(rng, gender)
        display_name = f"{first} {rng.choice('ABCDEFGHIJKLMNOPRSTVY')}."
        if reminders and rng.random() < 0.7:
            phone = names.fiction_phone(rng)
        elif reminders:
            email = f"{names.slug(first)}.{table.next_id}@{names.PEOPLE_EMAIL_DOMAIN}"
        visits_left = demo.pick(rng, RETURNS)
        person = Followed(
            id=table.allocate(),
            operator_id=shift.contract.programme.provider.id,
            recorded_by=shift.mediator.id,
            consent_by=shift.mediator.user_id,
            site_id=shift.site.id,
            scope=STRUCTURE if rng.random() < 0.6 else MEDIATOR_SCOPE,
            display_name=display_name,
            birth_year=birth_year,
            gender=gender,
            social_status=status,
            commune_id=commune_id,
            phone=phone,
            email=email,
            reminders=reminders,
            first_seen=started_at,
            last_seen=started_at,
            last_day=day,
            visits_left=visits_left,
        )
        self.created += 1
        if visits_left == 0:
            self._write_followed(person)
        elif person.scope == STRUCTURE:
            self.structure_pools.setdefault(shift.site.id, []).append(person)
        else:
            self.mediator_pools.setdefault((shift.site.id, shift.mediator.id), []).append(person)
        return person

    def sweep(self, day: date) -> None:
        """Once a month, the followed who stopped coming leave the pools (their rows are written)."""
        if self._last_sweep is not None and (day - self._last_sweep).days < 30:
            return
        self._last_sweep = day
        limit = day - GONE_AFTER
        for pools in (self.structure_pools, self.mediator_pools):
            for key in list(pools):
                staying = []
                for person in pools[key]:
                    if person.last_day < limit:
                        self._write_followed(person)
                    else:
                        staying.append(person)
                pools[key] = staying

    def finish(self) -> list[int]:
        """Write every followed person still in a pool; returns the ids of those anonymised."""
        for pools in (self.structure_pools, self.mediator_pools):
            for pool in pools.values():
                for person in pool:
                    self._write_followed(person)
            pools.clear()
        return self.anonymised

    def _write_followed(self, person: Followed) -> None:
        """The row as the services leave it: consent at the first visit, last seen at the last, and
        anonymised — name, year, contacts and commune erased — after a withdrawal or the retention."""
        rng = self.people_rng
        end = self.context.end
        anonymised_at = None
        if person.last_seen < end - self.retention:
            # `purge_beneficiaries` runs daily: the day after the retention period ran out.
            anonymised_at = person.last_seen + self.retention + timedelta(hours=rng.randint(1, 24))
            anonymised_at = min(anonymised_at, end)
        elif rng.random() < WITHDRAWN_SHARE and person.last_seen + timedelta(days=1) < end:
            span = int((end - person.last_seen).total_seconds())
            anonymised_at = person.last_seen + timedelta(seconds=rng.randint(3600, max(3600, span - 1)))
        table = self.sink[Beneficiary]
        erased = anonymised_at is not None
        if erased:
            self.anonymised.append(person.id)
        self.sink.add(
            table,
            table.Row(
                id=person.id,
                created_at=person.first_seen,
                updated_at=anonymised_at or person.last_seen,
                operator_id=person.operator_id,
                recorded_by_id=person.recorded_by,
                display_name="" if erased else person.display_name,
                search_key="" if erased else normalise_name(person.display_name),
                birth_year=None if erased else person.birth_year,
                gender=person.gender,
                social_status=person.social_status,
                commune_id=None if erased else person.commune_id,
                phone="" if erased else person.phone,
                email="" if erased else person.email,
                consent_scope=person.scope,
                consent_reminders=False if erased else person.reminders,
                consent_at=person.first_seen,
                consent_by_id=person.consent_by,
                last_seen_at=person.last_seen,
                merged_into_id=None,
                anonymised_at=anonymised_at,
            ),
        )


def _anonymous(rng: random.Random, shift: ShiftPlan) -> tuple:
    person = demo.PlannedPerson()
    demo._describe_person(person, rng)
    return (
        None,
        person.age_bracket,
        person.gender,
        person.social_status,
        shift.site.commune.id if person.lives_here else None,
        person.is_first_time,
        None,
    )


def _describe(draft: _Draft, shift: ShiftPlan, rng: random.Random) -> dict:
    """The fields of one record beyond who, where and when (the demo's drawing, or a workshop's)."""
    if draft.workshop is not None:
        workshop = draft.workshop
        themes = list(workshop["themes"])
        return {
            "domain": workshop["domain"],
            "equipment": rng.choice(("tablette", "ordinateur")),
            "place": "hors_bureau" if rng.random() < 0.25 else "bureau_de_poste",
            "autonomy": demo.pick(rng, WORKSHOP_AUTONOMY),
            "oriented": False,
            "orientation_target": "",
            "orientation_partner": "",
            "postal_form": "",
            "conflict_severity": "",
            "conflict_defused": None,
            # As closing the session writes it.
            "notes": f"Atelier « {workshop['title']} »",
            "themes": themes,
        }
    planned = demo.PlannedInteraction(
        shift=None, index=0, kind=draft.kind, duration_minutes=draft.duration, people=[]
    )
    demo.describe(planned, rng, site_has_kiosk=shift.site.has_kiosk)
    return {
        "domain": planned.domain,
        "equipment": planned.equipment,
        "place": planned.place,
        "autonomy": planned.autonomy,
        "oriented": planned.oriented,
        "orientation_target": planned.orientation_target,
        "orientation_partner": planned.orientation_partner,
        "postal_form": planned.postal_form,
        "conflict_severity": planned.conflict_severity,
        "conflict_defused": planned.conflict_defused,
        "notes": planned.notes,
        "themes": planned.themes,
    }
