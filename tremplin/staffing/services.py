"""Every write of the staffing app: contracts, mediators, the rotation plan, absences and shifts."""

import uuid
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tremplin.core.services import journal_record

from .models import (
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

#: Without a planned presence, an open shift is taken as forgotten after this local time.
DEFAULT_CLOSING_TIME = time(19, 0)
#: A shift started after the closing time (an evening event) is expected to last at most this long.
UNPLANNED_SHIFT_LENGTH = timedelta(hours=8)
#: Margin after the planned end before an open shift counts as forgotten.
FORGOTTEN_END_GRACE = timedelta(hours=1)
#: How far ahead a tablet's clock may run: a start or an end recorded that much later is taken as now.
CLOCK_DRIFT = timedelta(minutes=5)
#: How far back a tablet may date a shift it started offline; older, a coordinator records it.
OFFLINE_START_LIMIT = timedelta(hours=24)


class ShiftError(ValidationError):
    """A shift operation that cannot be done as asked; the message is French and shown as is."""


# ---------------------------------------------------------------------------------------------
# Contracts and mediators
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def contract_save(
    *,
    actor,
    operator,
    client,
    reference: str,
    title: str,
    starts_on: date,
    ends_on: date,
    status: str,
    reporting_period: str,
    contracted_minutes: int | None,
    sites: dict,
    contract: Contract | None = None,
) -> Contract:
    """Creates or updates a contract; `sites` maps each covered site to its weekly minutes (or None)."""
    is_new = contract is None
    contract = contract or Contract(operator=operator)
    contract.client = client
    contract.reference = reference
    contract.title = title
    contract.starts_on = starts_on
    contract.ends_on = ends_on
    contract.status = status
    contract.reporting_period = reporting_period
    contract.contracted_minutes = contracted_minutes
    contract.full_clean(exclude=["sites"])
    contract.save()
    ContractSite.objects.filter(contract=contract).exclude(site__in=list(sites)).delete()
    for site, weekly_minutes in sites.items():
        ContractSite.objects.update_or_create(
            contract=contract, site=site, defaults={"weekly_minutes": weekly_minutes}
        )
    journal_record(
        action="staffing.contract.created" if is_new else "staffing.contract.updated",
        actor=actor,
        operator=contract.operator,
        obj=contract,
        payload={"site_ids": sorted(site.pk for site in sites), "status": status},
    )
    return contract


@transaction.atomic
def mediator_profile_save(
    *,
    actor,
    operator,
    user,
    languages: str = "",
    active_from: date | None = None,
    active_until: date | None = None,
) -> MediatorProfile:
    profile, created = MediatorProfile.objects.update_or_create(
        user=user,
        operator=operator,
        defaults={"languages": languages, "active_from": active_from, "active_until": active_until},
    )
    journal_record(
        action="staffing.mediator.created" if created else "staffing.mediator.updated",
        actor=actor,
        operator=operator,
        obj=profile,
    )
    return profile


@transaction.atomic
def certification_add(
    *, actor, mediator: MediatorProfile, name: str, obtained_on: date, issuer: str = "", expires_on=None
) -> Certification:
    certification = Certification.objects.create(
        mediator=mediator, name=name, issuer=issuer, obtained_on=obtained_on, expires_on=expires_on
    )
    journal_record(
        action="staffing.certification.added", actor=actor, operator=mediator.operator, obj=certification
    )
    return certification


# ---------------------------------------------------------------------------------------------
# Rotation plan
# ---------------------------------------------------------------------------------------------


def _check_rotation(rotation: Rotation) -> None:
    contract = rotation.contract
    errors = {}
    if not contract.contract_sites.filter(site=rotation.site).exists():
        errors["site"] = _("Ce site n'est pas couvert par le contrat.")
    if rotation.mediator.operator_id != contract.operator_id:
        errors["mediator"] = _("Ce médiateur n'appartient pas à l'opérateur du contrat.")
    if rotation.starts_at and rotation.ends_at and rotation.ends_at <= rotation.starts_at:
        errors["ends_at"] = _("L'heure de fin doit suivre l'heure de début.")
    if rotation.valid_from and rotation.valid_from > contract.ends_on:
        errors["valid_from"] = _("Le contrat se termine avant cette date.")
    if rotation.valid_until and rotation.valid_from and rotation.valid_until < rotation.valid_from:
        errors["valid_until"] = _("La date de fin doit suivre la date de début.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def rotation_save(
    *,
    actor,
    contract: Contract,
    mediator: MediatorProfile,
    site,
    weekday: int,
    starts_at: time,
    ends_at: time,
    valid_from: date | None = None,
    valid_until: date | None = None,
    rotation: Rotation | None = None,
) -> Rotation:
    """Creates or moves a recurring presence. Conflicts are allowed, and shown (selectors.plan_conflicts)."""
    is_new = rotation is None
    rotation = rotation or Rotation(contract=contract)
    rotation.mediator = mediator
    rotation.site = site
    rotation.weekday = weekday
    rotation.starts_at = starts_at
    rotation.ends_at = ends_at
    rotation.valid_from = valid_from or contract.starts_on
    rotation.valid_until = valid_until or contract.ends_on
    _check_rotation(rotation)
    rotation.save()
    journal_record(
        action="staffing.rotation.created" if is_new else "staffing.rotation.updated",
        actor=actor,
        operator=contract.operator,
        obj=rotation,
        payload={"site_id": site.pk, "mediator_id": mediator.pk, "weekday": weekday},
    )
    return rotation


@transaction.atomic
def rotation_delete(*, actor, rotation: Rotation) -> None:
    journal_record(
        action="staffing.rotation.deleted",
        actor=actor,
        operator=rotation.contract.operator,
        obj=rotation,
        payload={
            "site_id": rotation.site_id,
            "mediator_id": rotation.mediator_id,
            "weekday": rotation.weekday,
        },
    )
    rotation.delete()


@transaction.atomic
def absence_create(
    *, actor, mediator: MediatorProfile, starts_on: date, ends_on: date, reason: str
) -> Absence:
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("La date de fin doit suivre la date de début.")})
    absence = Absence.objects.create(mediator=mediator, starts_on=starts_on, ends_on=ends_on, reason=reason)
    journal_record(
        action="staffing.absence.created",
        actor=actor,
        operator=mediator.operator,
        obj=absence,
        payload={"mediator_id": mediator.pk, "reason": reason},
    )
    return absence


@transaction.atomic
def absence_delete(*, actor, absence: Absence) -> None:
    journal_record(
        action="staffing.absence.deleted", actor=actor, operator=absence.mediator.operator, obj=absence
    )
    absence.delete()


@transaction.atomic
def replacement_set(
    *, actor, rotation: Rotation, on: date, replacement: MediatorProfile | None
) -> Replacement:
    """Another mediator covers this planned presence on this date; None cancels it that day."""
    if on.weekday() != rotation.weekday:
        raise ValidationError({"date": _("Cette date ne tombe pas le jour de la présence planifiée.")})
    if replacement is not None and replacement.operator_id != rotation.contract.operator_id:
        raise ValidationError({"replacement": _("Le remplaçant doit appartenir au même opérateur.")})
    record, _created = Replacement.objects.update_or_create(
        rotation=rotation, date=on, defaults={"replacement": replacement}
    )
    journal_record(
        action="staffing.replacement.set",
        actor=actor,
        operator=rotation.contract.operator,
        obj=record,
        payload={"rotation_id": rotation.pk, "replacement_id": replacement.pk if replacement else None},
    )
    return record


@transaction.atomic
def replacement_clear(*, actor, replacement: Replacement) -> None:
    journal_record(
        action="staffing.replacement.cleared",
        actor=actor,
        operator=replacement.rotation.contract.operator,
        obj=replacement,
    )
    replacement.delete()


# ---------------------------------------------------------------------------------------------
# Shifts
# ---------------------------------------------------------------------------------------------


def _minutes_between(start: datetime, end: datetime) -> int:
    """Real elapsed minutes (UTC arithmetic), so a shift over a clock change counts what was worked."""
    return int((end - start).total_seconds() // 60)


def _expected_end(*, rotation: Rotation | None, started_at: datetime) -> datetime:
    local_start = timezone.localtime(started_at)
    closing = rotation.ends_at if rotation is not None else DEFAULT_CLOSING_TIME
    end = timezone.make_aware(datetime.combine(local_start.date(), closing))
    if end <= started_at:
        end = started_at + UNPLANNED_SHIFT_LENGTH
    return end + FORGOTTEN_END_GRACE


def shift_is_forgotten(shift: Shift, *, now: datetime | None = None) -> bool:
    return shift.is_open and (now or timezone.now()) > shift.expected_end_at


@transaction.atomic
def shift_start(
    *,
    actor,
    mediator: MediatorProfile,
    site,
    client_uuid: uuid.UUID | None = None,
    rotation: Rotation | None = None,
    contract: Contract | None = None,
    at: datetime | None = None,
) -> Shift:
    """Starts a shift now (one tap). Posting the same client UUID again returns the same shift."""
    client_uuid = client_uuid or uuid.uuid4()
    existing = Shift.objects.filter(client_uuid=client_uuid).first()
    if existing is not None:
        if existing.mediator_id != mediator.pk:
            raise ShiftError(_("Cet identifiant de permanence est déjà utilisé."))
        return existing
    at = at or timezone.now()
    open_shift = Shift.objects.select_for_update().filter(mediator=mediator, ended_at__isnull=True).first()
    if open_shift is not None:
        if shift_is_forgotten(open_shift, now=at):
            raise ShiftError(
                _("Votre permanence du %(date)s n'a pas été terminée : indiquez d'abord son heure de fin.")
                % {"date": timezone.localtime(open_shift.started_at).strftime("%d/%m/%Y")}
            )
        raise ShiftError(_("Une permanence est déjà en cours : terminez-la avant d'en commencer une autre."))
    if rotation is not None and contract is None:
        contract = rotation.contract
    if contract is None:
        contract = (
            Contract.objects.filter(
                operator=mediator.operator,
                status=Contract.Status.ACTIVE,
                contract_sites__site=site,
                starts_on__lte=timezone.localdate(at),
                ends_on__gte=timezone.localdate(at),
            )
            .order_by("-starts_on")
            .first()
        )
    shift = Shift(
        client_uuid=client_uuid,
        operator=mediator.operator,
        mediator=mediator,
        site=site,
        contract=contract,
        rotation=rotation,
        started_at=at,
        expected_end_at=_expected_end(rotation=rotation, started_at=at),
    )
    try:
        with transaction.atomic():
            shift.save()
    except IntegrityError as exc:
        raced = Shift.objects.filter(client_uuid=client_uuid).first()
        if raced is not None:
            return raced
        raise ShiftError(
            _("Une permanence est déjà en cours : terminez-la avant d'en commencer une autre.")
        ) from exc
    journal_record(
        action="staffing.shift.started",
        actor=actor,
        operator=mediator.operator,
        obj=shift,
        payload={"site_id": site.pk, "contract_id": contract.pk if contract else None},
    )
    return shift


def shift_start_recorded(
    *,
    actor,
    mediator: MediatorProfile,
    site,
    started_at: datetime,
    client_uuid: uuid.UUID | None = None,
    rotation: Rotation | None = None,
) -> Shift:
    """Starts a shift at the time a tablet recorded (offline, synchronised later). A time beyond a
    clock's drift in the future, older than a day, or inside a shift already worked is refused."""
    known = Shift.objects.filter(client_uuid=client_uuid).exists() if client_uuid else False
    if not known:
        now = timezone.now()
        if started_at > now + CLOCK_DRIFT:
            raise ShiftError(_("L'heure de début ne peut pas être dans le futur."), code="started_at")
        if started_at < now - OFFLINE_START_LIMIT:
            raise ShiftError(
                _(
                    "L'heure de début date de plus de 24 heures : demandez à votre coordinateur "
                    "d'enregistrer cette permanence."
                ),
                code="started_at",
            )
        if Shift.objects.filter(
            mediator=mediator, started_at__lte=started_at, ended_at__gt=started_at
        ).exists():
            raise ShiftError(
                _("L'heure de début tombe pendant une permanence déjà enregistrée."), code="started_at"
            )
        started_at = min(started_at, now)
    return shift_start(
        actor=actor, mediator=mediator, site=site, client_uuid=client_uuid, rotation=rotation, at=started_at
    )


@transaction.atomic
def shift_end(*, actor, shift: Shift, at: datetime | None = None) -> Shift:
    """Ends a running shift now (one tap). Ending an already ended shift changes nothing (idempotent)."""
    shift = Shift.objects.select_for_update().get(pk=shift.pk)
    if not shift.is_open:
        return shift
    at = at or timezone.now()
    if shift_is_forgotten(shift, now=at):
        raise ShiftError(
            _(
                "Cette permanence est restée ouverte trop longtemps : "
                "indiquez l'heure à laquelle elle s'est terminée."
            )
        )
    if at <= shift.started_at:
        raise ShiftError(_("La fin doit suivre le début de la permanence."))
    shift.ended_at = at
    shift.minutes = _minutes_between(shift.started_at, at)
    shift.save(update_fields=["ended_at", "minutes", "updated_at"])
    journal_record(
        action="staffing.shift.ended",
        actor=actor,
        operator=shift.operator,
        obj=shift,
        payload={"minutes": shift.minutes},
    )
    return shift


@transaction.atomic
def shift_close_forgotten(*, actor, shift: Shift, ended_at: datetime) -> Shift:
    """The mediator gives the real end of a shift they forgot to end."""
    shift = Shift.objects.select_for_update().get(pk=shift.pk)
    if not shift.is_open:
        raise ShiftError(_("Cette permanence est déjà terminée."))
    if ended_at <= shift.started_at:
        raise ShiftError(_("L'heure de fin doit suivre le début de la permanence."))
    if ended_at > timezone.now():
        raise ShiftError(_("L'heure de fin ne peut pas être dans le futur."))
    shift.ended_at = ended_at
    shift.minutes = _minutes_between(shift.started_at, ended_at)
    shift.end_was_forgotten = True
    shift.save(update_fields=["ended_at", "minutes", "end_was_forgotten", "updated_at"])
    journal_record(
        action="staffing.shift.forgotten_end_given",
        actor=actor,
        operator=shift.operator,
        obj=shift,
        payload={"minutes": shift.minutes},
    )
    return shift


@transaction.atomic
def shift_correct(*, actor, shift: Shift, started_at: datetime, ended_at: datetime, reason: str) -> Shift:
    """A coordinator fixes a shift's times; the reason and the previous times are kept."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Indiquez le motif de la correction.")})
    if ended_at <= started_at:
        raise ValidationError({"ended_at": _("La fin doit suivre le début.")})
    if ended_at > timezone.now():
        raise ValidationError({"ended_at": _("La fin ne peut pas être dans le futur.")})
    shift = Shift.objects.select_for_update().get(pk=shift.pk)
    ShiftCorrection.objects.create(
        shift=shift,
        corrected_by=actor,
        previous_started_at=shift.started_at,
        previous_ended_at=shift.ended_at,
        started_at=started_at,
        ended_at=ended_at,
        reason=reason,
    )
    previous_minutes = shift.minutes
    shift.started_at = started_at
    shift.ended_at = ended_at
    shift.minutes = _minutes_between(started_at, ended_at)
    shift.corrected_at = timezone.now()
    shift.save(update_fields=["started_at", "ended_at", "minutes", "corrected_at", "updated_at"])
    journal_record(
        action="staffing.shift.corrected",
        actor=actor,
        operator=shift.operator,
        obj=shift,
        payload={"previous_minutes": previous_minutes, "minutes": shift.minutes},
    )
    return shift


def shift_end_recorded(*, actor, shift: Shift, ended_at: datetime) -> Shift:
    """Ends a shift at the time a tablet recorded (e.g. offline). Past the planned end and its grace,
    the time is the real end of a forgotten shift, given by the mediator, and is flagged as such."""
    if ended_at > timezone.now() + CLOCK_DRIFT:
        raise ShiftError(_("L'heure de fin ne peut pas être dans le futur."))
    if shift.is_open and ended_at > shift.expected_end_at:
        return shift_close_forgotten(actor=actor, shift=shift, ended_at=min(ended_at, timezone.now()))
    return shift_end(actor=actor, shift=shift, at=ended_at)
