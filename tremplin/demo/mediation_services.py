"""Writes of the demo's mediation: the interactions `mediation_dataset` draws inside the worked shifts.

Thousands of past records would take a minute through `interaction_record`, one journal entry each;
they are written in bulk instead, with what the service would have written (the time category of
the kind, one accompaniment per person, a row per theme, first-time flags), and one journal entry
says the demo did it. The followed regulars are created through the mediation service, with their
consent dated from their first visit.
"""

import uuid
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tremplin.core.services import journal_record
from tremplin.mediation import services as mediation_services
from tremplin.mediation.models import Accompaniment, Beneficiary, Interaction, InteractionTheme
from tremplin.mediation.vocabularies import age_bracket_for
from tremplin.staffing.models import MediatorProfile, Shift
from tremplin.territory.models import Site

from . import mediation_dataset
from .mediation_dataset import PlannedInteraction, WorkedShift
from .services import DEMO_NAMESPACE, DemoCounts

BATCH = 500


@dataclass
class MediationReport:
    interactions: DemoCounts = field(default_factory=DemoCounts)
    people: int = 0
    beneficiaries: DemoCounts = field(default_factory=DemoCounts)


@transaction.atomic
def demo_mediation_load() -> MediationReport:
    """Fill every worked shift of the demo contracts that has no interaction yet; create the followed
    regulars that are missing. A second run adds nothing; a run after new shifts fills those only."""
    report = MediationReport()
    demo_shifts = Shift.objects.filter(
        ended_at__isnull=False, contract__reference__in=mediation_dataset.ACTIVITY
    )
    report.interactions.existing = Interaction.objects.filter(shift__in=demo_shifts).count()
    shifts = {
        str(shift.client_uuid): shift
        for shift in demo_shifts.exclude(
            pk__in=Interaction.objects.filter(shift__isnull=False).values("shift_id")
        ).select_related("site", "mediator__user", "contract")
        # Only the demo's own shifts, whose UUIDs derive from the plan (version 5): a shift someone
        # worked while trying the demo (a tablet's random UUID) keeps what they recorded, even nothing.
        if shift.client_uuid.version == 5
    }
    planned = mediation_dataset.plan_interactions([_worked(shift) for shift in shifts.values()])
    followed = _followed_load(planned, report)
    interactions = [_interaction(record, shifts[record.shift.key]) for record in planned]
    Interaction.objects.bulk_create(interactions, batch_size=BATCH)
    _primary_keys(interactions)
    InteractionTheme.objects.bulk_create(
        (
            InteractionTheme(interaction=interaction, theme=theme)
            for record, interaction in zip(planned, interactions, strict=True)
            for theme in record.themes
        ),
        batch_size=BATCH,
    )
    people = [
        _accompaniment(person, interaction, followed, shifts[record.shift.key])
        for record, interaction in zip(planned, interactions, strict=True)
        for person in record.people
    ]
    Accompaniment.objects.bulk_create(people, batch_size=BATCH)
    pks = [interaction.pk for interaction in interactions]
    for start in range(0, len(pks), BATCH):
        # Recorded when they happened, as a tablet would have, not at the time of the load.
        Interaction.objects.filter(pk__in=pks[start : start + BATCH]).update(
            created_at=F("started_at"), updated_at=F("started_at")
        )
    report.interactions.created = len(interactions)
    report.people = len(people)
    if interactions:
        journal_record(
            action="demo.mediation.loaded",
            payload={
                "interactions": len(interactions),
                "accompaniments": len(people),
                "beneficiaries": report.beneficiaries.created,
            },
        )
    return report


def _worked(shift: Shift) -> WorkedShift:
    return WorkedShift(
        key=str(shift.client_uuid),
        contract=shift.contract.reference,
        mediator=shift.mediator.user.email,
        site=shift.site.identifier,
        site_has_kiosk=shift.site.has_kiosk,
        started_at=shift.started_at,
        ended_at=shift.ended_at,
    )


def _interaction(record: PlannedInteraction, shift: Shift) -> Interaction:
    return Interaction(
        client_uuid=uuid.uuid5(DEMO_NAMESPACE, f"interaction/{record.shift.key}/{record.index}"),
        operator_id=shift.operator_id,
        mediator_id=shift.mediator_id,
        site_id=shift.site_id,
        shift=shift,
        started_at=record.started_at,
        duration_minutes=record.duration_minutes,
        kind=record.kind,
        time_category=record.time_category,
        domain=record.domain,
        equipment=record.equipment,
        place=record.place,
        autonomy=record.autonomy,
        oriented=record.oriented,
        orientation_target=record.orientation_target,
        orientation_partner=record.orientation_partner,
        postal_form=record.postal_form,
        conflict_severity=record.conflict_severity,
        conflict_defused=record.conflict_defused,
        notes=record.notes,
    )


def _primary_keys(interactions: list[Interaction]) -> None:
    """Databases that cannot return the keys of a bulk insert: read them back by client UUID."""
    if all(interaction.pk for interaction in interactions):
        return
    by_uuid = {interaction.client_uuid: interaction for interaction in interactions}
    uuids = list(by_uuid)
    for start in range(0, len(uuids), BATCH):
        for client_uuid, pk in Interaction.objects.filter(
            client_uuid__in=uuids[start : start + BATCH]
        ).values_list("client_uuid", "pk"):
            by_uuid[client_uuid].pk = pk


def _accompaniment(person, interaction: Interaction, followed: dict, shift: Shift) -> Accompaniment:
    beneficiary = followed.get(person.followed)
    if beneficiary is not None:
        return Accompaniment(
            interaction=interaction,
            beneficiary=beneficiary,
            age_bracket=age_bracket_for(
                beneficiary.birth_year, timezone.localtime(interaction.started_at).year
            ),
            gender=beneficiary.gender,
            social_status=beneficiary.social_status,
            commune_id=beneficiary.commune_id,
            is_first_time=person.is_first_time,
        )
    return Accompaniment(
        interaction=interaction,
        age_bracket=person.age_bracket,
        gender=person.gender,
        social_status=person.social_status,
        commune_id=shift.site.commune_id if person.lives_here else None,
        is_first_time=person.is_first_time,
    )


def _followed_load(planned: list[PlannedInteraction], report: MediationReport) -> dict[int, Beneficiary]:
    """Create the regulars not yet followed, each with visits among the records just drawn; returns
    {index in FOLLOWED: beneficiary} for those created (the others keep their past visits only)."""
    profiles = {
        profile.user.email: profile
        for profile in MediatorProfile.objects.filter(
            user__email__in={spec.mediator for spec in mediation_dataset.FOLLOWED}
        ).select_related("user", "operator")
    }
    missing = {}
    for number, spec in enumerate(mediation_dataset.FOLLOWED):
        profile = profiles.get(spec.mediator)
        if profile is None:
            continue
        exists = Beneficiary.objects.filter(
            recorded_by=profile, display_name=spec.display_name, birth_year=spec.birth_year
        ).exists()
        if exists:
            report.beneficiaries.existing += 1
        else:
            missing[number] = spec
    created = {}
    for number, records in mediation_dataset.assign_followed(planned, missing).items():
        spec, profile = missing[number], profiles[missing[number].mediator]
        beneficiary = mediation_services.beneficiary_create(
            actor=profile.user,
            mediator=profile,
            consent_given=True,
            display_name=spec.display_name,
            birth_year=spec.birth_year,
            gender=spec.gender,
            social_status=spec.social_status,
            commune=Site.objects.select_related("commune").get(identifier=spec.site).commune,
            phone=spec.phone,
            email=spec.email,
            consent_scope=spec.consent_scope,
            consent_reminders=spec.consent_reminders,
        )
        # Consent was collected at the first visit, not on the day of the load.
        first, last = records[0].started_at, records[-1].started_at
        Beneficiary.objects.filter(pk=beneficiary.pk).update(
            consent_at=first, last_seen_at=last, created_at=first, updated_at=last
        )
        beneficiary.consent_at, beneficiary.last_seen_at = first, last
        created[number] = beneficiary
    report.beneficiaries.created = len(created)
    return created
