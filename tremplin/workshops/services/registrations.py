"""Registrations: a seat or a place on the waiting list, cancelled by the person or by staff; a freed seat
offered to the first person waiting, held for them until a deadline; personal data erased after the
session.

Every change of a session's seats happens with the session's row locked (`locked_session`), so the
count of seats taken cannot move between the moment it is read and the moment a seat is given: under
any number of bookings at once, no session is overbooked. Holds that have run out are released in the
same lock before anything else, so a booking never waits for a worker to free a seat."""

from __future__ import annotations

import uuid as uuid_module
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from ..contacts import normalise_email, normalise_mobile
from ..models import Registration, Session
from . import messages
from .common import WorkshopError, journal, locked_session

CONTACT_MISSING = _lazy(
    "Indiquez un numéro de portable ou une adresse e-mail, pour recevoir la confirmation et le rappel."
)

Status = Registration.Status
Source = Registration.Source
Kind = messages.Kind


def seats_taken(session: Session) -> int:
    return Registration.objects.filter(session=session, status__in=Registration.SEATED).count()


def _check_contact(
    *, first_name: str, phone: str, email: str, consent: bool, errors: dict
) -> tuple[str, str, str]:
    first_name = " ".join((first_name or "").split())
    if not first_name:
        errors.setdefault("first_name", []).append(_("Indiquez un prénom."))
    elif len(first_name) > 40:
        errors.setdefault("first_name", []).append(_("Le prénom compte au plus 40 caractères."))
    if phone:
        try:
            phone = normalise_mobile(phone)
        except ValidationError as error:
            errors.setdefault("phone", []).extend(error.messages)
            phone = ""
    if email:
        try:
            email = normalise_email(email)
        except ValidationError as error:
            errors.setdefault("email", []).extend(error.messages)
            email = ""
    if not phone and not email and "phone" not in errors and "email" not in errors:
        errors.setdefault("contact", []).append(CONTACT_MISSING)
    if not consent:
        errors.setdefault("consent", []).append(
            _("Votre accord est nécessaire pour garder vos coordonnées jusqu'à l'atelier.")
        )
    return first_name, phone, email


def registration_create(
    *,
    actor,
    session: Session,
    source: str,
    beneficiary=None,
    first_name: str = "",
    phone: str = "",
    email: str = "",
    consent: bool = False,
    client_uuid: uuid_module.UUID | None = None,
    now: datetime | None = None,
) -> tuple[Registration, bool]:
    """Book a seat, or a place on the waiting list when none is left. Returns (registration, created);
    the same `client_uuid` again returns the first registration (a double submit, a tablet retrying).

    A followed beneficiary (staff only) is reminded through their card, if they accepted reminders;
    anybody else gives a first name, a mobile number or an e-mail, and their consent to keep them."""
    client_uuid = client_uuid or uuid_module.uuid4()
    known = Registration.objects.filter(client_uuid=client_uuid).first()
    if known is not None:
        return _known(known, session), False
    errors: dict[str, list[str]] = {}
    if source not in (Source.STAFF, Source.PUBLIC):
        raise TypeError(f"registration_create takes staff or public registrations, not {source!r}")
    if beneficiary is not None:
        if source != Source.STAFF:
            raise TypeError("only staff register a followed beneficiary")
        if (
            beneficiary.operator_id != session.operator_id
            or beneficiary.merged_into_id
            or beneficiary.anonymised_at
        ):
            errors["beneficiary"] = [
                _("Cette personne n'est pas suivie par la structure qui organise l'atelier.")
            ]
        first_name = phone = email = ""
    else:
        first_name, phone, email = _check_contact(
            first_name=first_name, phone=phone, email=email, consent=consent, errors=errors
        )
    if errors:
        raise WorkshopError(errors)
    try:
        with transaction.atomic():
            registration = _create(
                actor=actor,
                session=session,
                source=source,
                beneficiary=beneficiary,
                first_name=first_name,
                phone=phone,
                email=email,
                client_uuid=client_uuid,
                now=now,
            )
    except IntegrityError:
        known = Registration.objects.filter(client_uuid=client_uuid).first()
        if known is None:
            raise WorkshopError(
                {"beneficiary": [_("Cette personne est déjà inscrite à cette séance.")]}
            ) from None
        return _known(known, session), False
    return registration, True


def _known(registration: Registration, session: Session) -> Registration:
    if registration.session_id != session.pk:
        raise WorkshopError({"client_uuid": [_("Cet identifiant est déjà utilisé : générez-en un autre.")]})
    return registration


def _create(
    *, actor, session, source, beneficiary, first_name, phone, email, client_uuid, now
) -> Registration:
    session = locked_session(session)
    # Read once the lock is held: the order of the times is the order in which seats were given.
    now = now or timezone.now()
    if session.status != Session.Status.SCHEDULED:
        raise WorkshopError(_("Cette séance est annulée ou terminée : on ne peut plus s'y inscrire."))
    if now >= session.starts_at:
        raise WorkshopError(_("Cette séance a déjà commencé : on ne peut plus s'y inscrire."))
    if source == Source.PUBLIC and not session.is_published:
        raise WorkshopError(_("Cette séance n'est pas ouverte aux inscriptions en ligne."))
    _release_expired_holds(session, now)
    active = Registration.objects.filter(session=session, status__in=Registration.ACTIVE)
    if beneficiary is not None and active.filter(beneficiary=beneficiary).exists():
        raise WorkshopError({"beneficiary": [_("Cette personne est déjà inscrite à cette séance.")]})
    same_contact = Q(pk__in=[])
    if phone:
        same_contact |= Q(phone=phone)
    if email:
        same_contact |= Q(email=email)
    if (phone or email) and active.filter(same_contact).exists():
        raise WorkshopError(
            {"__all__": [_("Ces coordonnées sont déjà inscrites à cette séance : une inscription suffit.")]}
        )
    seated = active.filter(status__in=Registration.SEATED).count()
    confirmed = seated < session.capacity
    registration = Registration.objects.create(
        client_uuid=client_uuid,
        operator_id=session.operator_id,
        session=session,
        status=Status.CONFIRMED if confirmed else Status.WAITLISTED,
        source=source,
        beneficiary=beneficiary,
        first_name=first_name,
        phone=phone,
        email=email,
        consent_at=now if beneficiary is None else None,
        registered_by=actor if getattr(actor, "is_authenticated", False) else None,
        confirmed_at=now if confirmed else None,
        waitlisted_at=None if confirmed else now,
    )
    journal(
        "registration.created",
        actor=actor,
        operator_id=session.operator_id,
        obj=registration,
        payload={"session": session.pk, "status": registration.status, "source": source},
    )
    if confirmed:
        messages.queue(registration, Kind.CONFIRMATION, now=now)
        messages.queue_reminder(registration, now=now)
    else:
        messages.queue(registration, Kind.WAITLISTED, now=now)
    return registration


@transaction.atomic
def registration_cancel(*, actor, registration: Registration, now: datetime | None = None) -> Registration:
    """The person will not come: their seat goes to the first person waiting. Cancelling twice is fine."""
    now = now or timezone.now()
    session = locked_session(registration.session)
    registration = Registration.objects.get(pk=registration.pk)
    if registration.status in (Status.CANCELLED, Status.EXPIRED):
        return registration
    if now >= session.starts_at:
        raise WorkshopError(_("La séance a commencé : il n'est plus possible d'annuler."))
    was_seated = registration.status in Registration.SEATED
    registration.status = Status.CANCELLED
    registration.cancelled_at = now
    registration.hold_expires_at = None
    _erase_contact(registration)
    registration.save()
    journal(
        "registration.cancelled",
        actor=actor,
        operator_id=session.operator_id,
        obj=registration,
        payload={"session": session.pk, "by_staff": getattr(actor, "is_authenticated", False)},
    )
    if was_seated:
        promote(session, now=now, actor=actor)
    return registration


def _rank(registration: Registration) -> tuple[bool, int]:
    """Which of two registrations of one person to a session to keep: present, then seated, then waiting."""
    seated = {Status.CONFIRMED: 2, Status.OFFERED: 1}
    return registration.attended, seated.get(registration.status, 0)


def registrations_merge(*, actor, keep_id: int, duplicate_id: int, now: datetime | None = None) -> int:
    """A followed person's duplicate record was folded into the one kept: their registrations follow.
    Where both were registered to the same session, the better one stays and the other is cancelled
    (before the session, its seat goes to the first person waiting). Returns how many moved."""
    now = now or timezone.now()
    kept = {
        registration.session_id: registration
        for registration in Registration.objects.filter(
            beneficiary_id=keep_id, status__in=Registration.ACTIVE
        )
    }
    duplicates = Registration.objects.filter(beneficiary_id=duplicate_id, status__in=Registration.ACTIVE)
    for registration in duplicates.select_related("session"):
        other = kept.get(registration.session_id)
        if other is None:
            continue
        worse = registration if _rank(other) >= _rank(registration) else other
        if now < registration.session.starts_at:
            registration_cancel(actor=actor, registration=worse, now=now)
        else:
            Registration.objects.filter(pk=worse.pk).update(
                status=Status.CANCELLED,
                cancelled_at=now,
                hold_expires_at=None,
                attended=False,
                checked_in_at=None,
            )
    return Registration.objects.filter(beneficiary_id=duplicate_id).update(beneficiary_id=keep_id)


def _erase_contact(registration: Registration) -> None:
    """A cancelled or lapsed registration needs no way to reach the person any more."""
    registration.phone = ""
    registration.email = ""


@transaction.atomic
def registration_confirm_offer(
    *, actor, registration: Registration, now: datetime | None = None
) -> Registration:
    """The person offered a freed seat takes it, before the hold runs out (again: nothing changes)."""
    now = now or timezone.now()
    session = locked_session(registration.session)
    _release_expired_holds(session, now)
    registration = Registration.objects.get(pk=registration.pk)
    if registration.status == Status.CONFIRMED:
        return registration
    if registration.status == Status.EXPIRED:
        raise WorkshopError(
            _("Le délai pour confirmer est passé : la place a été proposée à la personne suivante.")
        )
    if registration.status != Status.OFFERED:
        raise WorkshopError(_("Aucune place n'est proposée pour cette inscription."))
    registration.status = Status.CONFIRMED
    registration.confirmed_at = now
    registration.hold_expires_at = None
    registration.save()
    journal(
        "registration.confirmed",
        actor=actor,
        operator_id=session.operator_id,
        obj=registration,
        payload={"session": session.pk},
    )
    messages.queue(registration, Kind.CONFIRMATION, now=now)
    messages.queue_reminder(registration, now=now)
    return registration


def promote(session: Session, *, now: datetime, actor=None) -> list[Registration]:
    """Offer each free seat to the next person waiting, in the order they registered; called with the
    session locked. The seat is held until the hold runs out (never past the session's start)."""
    if session.status != Session.Status.SCHEDULED or now >= session.starts_at:
        return []
    free = session.capacity - seats_taken(session)
    if free <= 0:
        return []
    waiting = list(
        Registration.objects.filter(session=session, status=Status.WAITLISTED).order_by(
            "waitlisted_at", "pk"
        )[:free]
    )
    hold_until = min(now + timedelta(hours=settings.TREMPLIN_WORKSHOP_HOLD_HOURS), session.starts_at)
    for registration in waiting:
        registration.status = Status.OFFERED
        registration.offered_at = now
        registration.hold_expires_at = hold_until
        registration.save()
        journal(
            "registration.offered",
            actor=actor,
            operator_id=session.operator_id,
            obj=registration,
            payload={"session": session.pk, "hold_expires_at": hold_until.isoformat()},
        )
        messages.queue(registration, Kind.OFFER, now=now)
        transaction.on_commit(partial(_enqueue_hold_end, registration.pk, hold_until), robust=True)
    return waiting


def _enqueue_hold_end(registration_id: int, at: datetime) -> None:
    """Release the hold at its end, through the worker; `workshops_sweep` and the next booking of the
    session do it too, whichever comes first."""
    from ..tasks import release_hold

    if not release_hold.get_backend().supports_defer:
        return
    release_hold.using(run_after=at).enqueue(registration_id)


def _release_expired_holds(session: Session, now: datetime) -> int:
    """Holds that ran out lapse, and their seats go to the next people waiting (session locked)."""
    lapsed = list(
        Registration.objects.filter(session=session, status=Status.OFFERED, hold_expires_at__lte=now)
    )
    for registration in lapsed:
        registration.status = Status.EXPIRED
        _erase_contact(registration)
        registration.save()
        journal(
            "registration.expired",
            actor=None,
            operator_id=session.operator_id,
            obj=registration,
            payload={"session": session.pk},
        )
    if lapsed:
        promote(session, now=now)
    return len(lapsed)


def holds_release_expired(*, now: datetime | None = None, session_id: int | None = None) -> int:
    """Every hold that ran out (or those of one session): their seats pass to the next people waiting."""
    now = now or timezone.now()
    overdue = Registration.objects.filter(status=Status.OFFERED, hold_expires_at__lte=now)
    if session_id is not None:
        overdue = overdue.filter(session_id=session_id)
    released = 0
    for pk in overdue.values_list("session_id", flat=True).distinct():
        with transaction.atomic():
            released += _release_expired_holds(locked_session(Session(pk=pk)), now)
    return released


def registrations_purge(*, now: datetime | None = None, retention_days: int | None = None) -> int:
    """Erase the names and contacts of registrants whose session is over since the retention period;
    the registration itself (its status, attendance) stays for the figures."""
    now = now or timezone.now()
    days = settings.TREMPLIN_WORKSHOP_RETENTION_DAYS if retention_days is None else retention_days
    limit = now - timedelta(days=days)
    expired = Registration.objects.filter(personal_data_erased_at__isnull=True, session__starts_at__lt=limit)
    by_operator = dict(expired.values("operator_id").annotate(n=Count("pk")).values_list("operator_id", "n"))
    count = expired.update(first_name="", phone="", email="", personal_data_erased_at=now)
    for operator_id, erased in by_operator.items():
        journal(
            "registrations.purged",
            actor=None,
            operator_id=operator_id,
            obj=None,
            payload={"count": erased, "retention_days": days},
        )
    return count
