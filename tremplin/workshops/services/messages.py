"""Messages to registrants: the outbox (`RegistrationMessage`) and how each row goes out, once.

A message is a row written in the same transaction as the change it announces; after the commit a
background task is queued for it (django-tasks), deferred with `run_after` to its due time when it is
for later (the reminder the day before). Sending claims the row first (an UPDATE that only one worker
can win), so a message is never sent twice even if two workers or the catch-up sweep run it at once.
Just before sending, the message is checked again: a reminder for a registration cancelled since, or a
session cancelled since, is dropped ("sans objet")."""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from tremplin.core.sms import SmsError, send_sms

from ..calendar_file import registration_calendar
from ..contacts import is_mobile, normalise_mobile
from ..links import registration_ics_url, registration_url
from ..models import Registration, RegistrationMessage, Session

logger = logging.getLogger(__name__)

Kind = RegistrationMessage.Kind
Channel = RegistrationMessage.Channel
Status = RegistrationMessage.Status

#: A message that failed this many times is given up (its error stays for support).
MAX_ATTEMPTS = 4
#: A claim older than this was left by a worker that stopped mid-way: the sweep puts it back.
STALE_CLAIM = timedelta(minutes=15)


def contact_of(registration: Registration) -> tuple[str, str]:
    """(e-mail, mobile) to write to now: the registrant's own, or a followed person's if they accepted
    reminders on their card. Empty when erased, withdrawn or never given."""
    beneficiary = registration.beneficiary
    if beneficiary is not None:
        if not beneficiary.consent_reminders or beneficiary.anonymised_at:
            return "", ""
        phone = normalise_mobile(beneficiary.phone) if is_mobile(beneficiary.phone) else ""
        return beneficiary.email, phone
    return registration.email, registration.phone


def reminder_due(session: Session) -> datetime:
    """The day before the session, at the reminder time (10:00 by default), local time."""
    hour, minute = (int(part) for part in settings.TREMPLIN_WORKSHOP_REMINDER_TIME.split(":"))
    day_before = timezone.localtime(session.starts_at).date() - timedelta(days=1)
    return timezone.make_aware(datetime.combine(day_before, time(hour, minute)))


def queue(registration: Registration, kind: str, *, now: datetime, due_at: datetime | None = None) -> list:
    """Write the message on each channel the registrant can be reached by; sent after the commit.
    A kind already written for this registration is not written again (a unique row each). Nothing is
    written about a session that has begun (a registration recorded afterwards, as the demo's are)."""
    if timezone.now() >= registration.session.starts_at:
        return []
    email, phone = contact_of(registration)
    channels = [channel for channel, address in ((Channel.EMAIL, email), (Channel.SMS, phone)) if address]
    if not channels:
        return []
    due_at = due_at or now
    if kind != Kind.SESSION_CHANGED:
        known = set(
            RegistrationMessage.objects.filter(registration=registration, kind=kind).values_list(
                "channel", flat=True
            )
        )
        channels = [channel for channel in channels if channel not in known]
    rows = RegistrationMessage.objects.bulk_create(
        RegistrationMessage(registration=registration, kind=kind, channel=channel, due_at=due_at)
        for channel in channels
    )
    for row in rows:
        transaction.on_commit(partial(enqueue, row.pk, row.due_at), robust=True)
    return rows


def queue_reminder(registration: Registration, *, now: datetime) -> list:
    """The reminder of a confirmed registration; none when its time has already passed."""
    due_at = reminder_due(registration.session)
    if due_at <= now:
        return []
    return queue(registration, Kind.REMINDER, now=now, due_at=due_at)


def reschedule_reminders(session: Session, *, now: datetime) -> None:
    """The session moved: its pending reminders follow it (or are dropped if their time has passed)."""
    due_at = reminder_due(session)
    pending = RegistrationMessage.objects.filter(
        registration__session=session, kind=Kind.REMINDER, status=Status.PENDING
    )
    if due_at <= now:
        pending.update(status=Status.SKIPPED, error="séance déplacée : plus de rappel à faire")
        return
    for pk in pending.values_list("pk", flat=True):
        transaction.on_commit(partial(enqueue, pk, due_at), robust=True)
    pending.update(due_at=due_at)


def enqueue(message_id: int, due_at: datetime) -> None:
    """Queue the task that sends one message, at its time. A backend that cannot defer (the immediate
    one) gets nothing for later: `workshops_sweep` sends it when it is due."""
    from ..tasks import send_registration_message

    task = send_registration_message
    if due_at > timezone.now():
        if not task.get_backend().supports_defer:
            return
        task = task.using(run_after=due_at)
    task.enqueue(message_id)


# ---------------------------------------------------------------------------------------------
# Sending
# ---------------------------------------------------------------------------------------------


def _pointless(message: RegistrationMessage, now: datetime) -> str:
    """Why this message should no longer go out ("" when it should)."""
    registration = message.registration
    session = registration.session
    scheduled = session.status == Session.Status.SCHEDULED
    if registration.personal_data_erased_at:
        return "coordonnées effacées"
    if message.kind == Kind.SESSION_CANCELLED:
        return "" if session.status == Session.Status.CANCELLED else "séance maintenue"
    if not scheduled:
        return "séance annulée ou terminée"
    if message.kind == Kind.CONFIRMATION:
        ok = registration.status == Registration.Status.CONFIRMED and now < session.ends_at
        return "" if ok else "inscription plus confirmée"
    if now >= session.starts_at:
        return "séance commencée"
    if message.kind == Kind.REMINDER:
        return "" if registration.status == Registration.Status.CONFIRMED else "inscription plus confirmée"
    if message.kind == Kind.WAITLISTED:
        return "" if registration.status == Registration.Status.WAITLISTED else "plus en liste d'attente"
    if message.kind == Kind.OFFER:
        ok = registration.status == Registration.Status.OFFERED and registration.hold_expires_at > now
        return "" if ok else "place plus proposée"
    if message.kind == Kind.SESSION_CHANGED:
        return "" if registration.is_active else "inscription annulée"
    return ""


def _context(message: RegistrationMessage) -> dict:
    registration = message.registration
    session = registration.session
    waitlist_position = None
    if registration.status == Registration.Status.WAITLISTED:
        waitlist_position = Registration.objects.filter(
            session=session,
            status=Registration.Status.WAITLISTED,
            waitlisted_at__lte=registration.waitlisted_at,
        ).count()
    return {
        "registration": registration,
        "session": session,
        "workshop": session.workshop,
        "first_name": registration.first_name
        or (registration.beneficiary.display_name if registration.beneficiary else ""),
        "manage_url": registration_url(registration),
        "ics_url": registration_ics_url(registration),
        "waitlist_position": waitlist_position,
    }


def _deliver(message: RegistrationMessage, address: str) -> None:
    context = _context(message)
    template = f"workshops/messages/{message.kind}"
    if message.channel == Channel.SMS:
        send_sms(address, " ".join(render_to_string(f"{template}.sms.txt", context).split()))
        return
    subject = " ".join(render_to_string(f"{template}.subject.txt", context).split())
    email = EmailMessage(subject=subject, body=render_to_string(f"{template}.txt", context), to=[address])
    if message.kind != Kind.SESSION_CANCELLED:
        email.attach("atelier.ics", registration_calendar(message.registration), "text/calendar")
    email.send()


def message_send(*, message_id: int, now: datetime | None = None) -> str:
    """Send one message if it is due and still makes sense; returns its status afterwards."""
    now = now or timezone.now()
    claimed = RegistrationMessage.objects.filter(
        pk=message_id, status=Status.PENDING, due_at__lte=now
    ).update(status=Status.SENDING, claimed_at=now)
    message = (
        RegistrationMessage.objects.select_related(
            "registration__session__workshop",
            "registration__session__site__commune",
            "registration__beneficiary",
        )
        .filter(pk=message_id)
        .first()
    )
    if message is None or not claimed:
        return message.status if message else ""
    reason = _pointless(message, now)
    email, phone = contact_of(message.registration)
    address = email if message.channel == Channel.EMAIL else phone
    if not reason and not address:
        reason = "plus de coordonnées"
    if reason:
        return _finish(message, Status.SKIPPED, error=reason)
    try:
        _deliver(message, address)
    except (SmsError, OSError) as error:
        attempts = message.attempts + 1
        logger.warning("Message %s (%s, %s) not sent: %s", message.pk, message.kind, message.channel, error)
        if attempts >= MAX_ATTEMPTS:
            return _finish(message, Status.FAILED, error=str(error), attempts=attempts)
        retry_at = now + timedelta(minutes=5 * 2**attempts)
        status = _finish(message, Status.PENDING, error=str(error), attempts=attempts, due_at=retry_at)
        transaction.on_commit(partial(enqueue, message.pk, retry_at), robust=True)
        return status
    return _finish(message, Status.SENT, sent_at=now)


def _finish(message: RegistrationMessage, status: str, **fields) -> str:
    fields["error"] = fields.get("error", "")[:200]
    RegistrationMessage.objects.filter(pk=message.pk).update(status=status, claimed_at=None, **fields)
    return status


def messages_send_due(*, now: datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Catch up: every message due and not sent (a worker was down, a backend could not defer)."""
    now = now or timezone.now()
    RegistrationMessage.objects.filter(status=Status.SENDING, claimed_at__lt=now - STALE_CLAIM).update(
        status=Status.PENDING, claimed_at=None
    )
    due = list(
        RegistrationMessage.objects.filter(status=Status.PENDING, due_at__lte=now)
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    counts: dict[str, int] = {}
    for pk in due:
        status = message_send(message_id=pk, now=now)
        counts[status] = counts.get(status, 0) + 1
    return counts
