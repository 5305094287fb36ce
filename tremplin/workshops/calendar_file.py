"""The calendar file (RFC 5545) of one registration: its session, with the link to cancel, in
Europe/Paris wall-clock time with the time zone described (the staffing app's writer)."""

from django.utils import timezone

from tremplin.staffing import ics

from .links import registration_url
from .models import Registration, Session


def registration_calendar(registration: Registration) -> str:
    session = registration.session
    start = timezone.localtime(session.starts_at)
    end = timezone.localtime(session.ends_at)
    cancelled = session.status == Session.Status.CANCELLED or registration.status in (
        Registration.Status.CANCELLED,
        Registration.Status.EXPIRED,
    )
    description = [session.workshop.description]
    if session.workshop.prerequisites:
        description.append(f"Prérequis : {session.workshop.prerequisites}")
    if session.accessibility_notes:
        description.append(f"Accessibilité : {session.accessibility_notes}")
    description.append(f"Pour annuler votre place : {registration_url(registration)}")
    event = ics.Event(
        uid=f"atelier-inscription-{registration.pk}@tremplin",
        day=start.date(),
        starts_at=start.time(),
        ends_at=end.time(),
        summary=f"Atelier : {session.workshop.title}",
        location=", ".join(part for part in (session.place_label, session.address_label) if part),
        description="\n\n".join(description),
        status="CANCELLED" if cancelled else "CONFIRMED",
    )
    return ics.calendar(name=f"Atelier : {session.workshop.title}", events=[event])
